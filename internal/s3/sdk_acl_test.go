package s3_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
)

const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// sameGrants compares grant lists in any order.
func sameGrants(got, want []string) bool {
	w := append([]string(nil), want...)
	sort.Strings(w)
	return strings.Join(got, " ") == strings.Join(w, " ")
}

// grantsOf renders grants as sorted "grantee:PERMISSION" strings.
func grantsOf(gs []types.Grant) []string {
	var out []string
	for _, g := range gs {
		who := aws.ToString(g.Grantee.ID)
		if g.Grantee.URI != nil {
			who = aws.ToString(g.Grantee.URI)
		}
		out = append(out, who+":"+string(g.Permission))
	}
	sort.Strings(out)
	return out
}

// TestACL_CannedBucket covers the canned bucket ACLs: what GetBucketAcl
// shows and what anonymous and other users may then do.
func TestACL_CannedBucket(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a, anon := root(s), alt(s), anonymous(s)
	for _, tc := range []struct {
		acl                  types.BucketCannedACL
		grants               []string
		anonList, anonPut    bool
		altList, altPut      bool
		anonGetACL, altGetAC bool
	}{
		{acl: types.BucketCannedACLPrivate, grants: []string{s.Root.ID + ":FULL_CONTROL"}},
		{acl: types.BucketCannedACLPublicRead, grants: []string{allUsers + ":READ", s.Root.ID + ":FULL_CONTROL"}, anonList: true, altList: true},
		{acl: types.BucketCannedACLPublicReadWrite, grants: []string{allUsers + ":READ", allUsers + ":WRITE", s.Root.ID + ":FULL_CONTROL"},
			anonList: true, anonPut: true, altList: true, altPut: true},
		{acl: types.BucketCannedACLAuthenticatedRead, grants: []string{authUsers + ":READ", s.Root.ID + ":FULL_CONTROL"}, altList: true},
	} {
		t.Run(string(tc.acl), func(t *testing.T) {
			name := arcatest.Bucket("canned")
			if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name), ACL: tc.acl}); err != nil {
				t.Fatal(err)
			}
			out, err := c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if got := grantsOf(out.Grants); !sameGrants(got, tc.grants) || aws.ToString(out.Owner.ID) != s.Root.ID {
				t.Errorf("grants = %v, want %v (owner %+v)", got, tc.grants, out.Owner)
			}
			for _, who := range []struct {
				c          *s3.Client
				name       string
				list, putO bool
			}{{anon, "anonymous", tc.anonList, tc.anonPut}, {a, "alt", tc.altList, tc.altPut}} {
				_, err := who.c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(name)})
				if (err == nil) != who.list {
					t.Errorf("%s list: %v, want allowed=%v", who.name, err, who.list)
				}
				_, err = who.c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(who.name), Body: strings.NewReader("x")})
				if (err == nil) != who.putO {
					t.Errorf("%s put: %v, want allowed=%v", who.name, err, who.putO)
				}
				_, err = who.c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: aws.String(name)})
				wantErr(t, err, 403, "AccessDenied")
			}
		})
	}
}

// TestACL_Grants covers grants by header and by document, naming users by
// id and by e-mail address and groups by URI, on buckets and objects, and
// the grants that are refused.
func TestACL_Grants(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)
	bucket := newBucket(t, c, "grants")
	put(t, c, bucket, "obj", []byte("object"))

	// Before: alt can do nothing.
	_, err := a.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	wantErr(t, err, 403, "AccessDenied")

	if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(bucket),
		GrantRead: aws.String(`id="` + altUser.ID + `"`), GrantReadACP: aws.String("emailAddress=" + altUser.Email)}); err != nil {
		t.Fatal(err)
	}
	out, err := a.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if got := grantsOf(out.Grants); strings.Join(got, " ") != altUser.ID+":READ "+altUser.ID+":READ_ACP" {
		t.Errorf("header grants = %v", got)
	}
	for _, g := range out.Grants {
		if aws.ToString(g.Grantee.DisplayName) != altUser.DisplayName || g.Grantee.Type != types.TypeCanonicalUser {
			t.Errorf("grantee %+v", g.Grantee)
		}
	}
	if _, err := a.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}); err != nil {
		t.Errorf("alt list after READ grant: %v", err)
	}
	_, err = a.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("w"), Body: strings.NewReader("x")})
	wantErr(t, err, 403, "AccessDenied")
	// Objects keep their own (private) ACL.
	_, err = a.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("obj")})
	wantErr(t, err, 403, "AccessDenied")

	// An object ACL document: alt may read, everyone may read the ACL.
	if _, err := c.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("obj"),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(s.Root.ID)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(s.Root.ID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(altUser.ID)}, Permission: types.PermissionRead},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(allUsers)}, Permission: types.PermissionReadAcp},
			{Grantee: &types.Grantee{Type: types.TypeAmazonCustomerByEmail, EmailAddress: aws.String(altUser.Email)}, Permission: types.PermissionWrite},
		}}}); err != nil {
		t.Fatal(err)
	}
	got, _ := get(t, a, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("obj")})
	if string(got) != "object" {
		t.Errorf("alt GET after grant: %q", got)
	}
	oacl, err := anonymous(s).GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("obj")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{allUsers + ":READ_ACP", altUser.ID + ":READ", altUser.ID + ":WRITE", s.Root.ID + ":FULL_CONTROL"}
	if got := grantsOf(oacl.Grants); !sameGrants(got, want) || aws.ToString(oacl.Owner.ID) != s.Root.ID {
		t.Errorf("object grants = %v, want %v", got, want)
	}
	_, err = anonymous(s).PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("obj"), ACL: types.ObjectCannedACLPublicRead})
	wantErr(t, err, 403, "AccessDenied")

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			in     s3.PutBucketAclInput
			status int
			code   string
		}{
			{"unknown id", s3.PutBucketAclInput{GrantRead: aws.String(`id="nobody-here"`)}, 400, "InvalidArgument"},
			{"unknown email", s3.PutBucketAclInput{GrantRead: aws.String(`emailAddress="nobody@example.com"`)}, 400, "UnresolvableGrantByEmailAddress"},
			{"unknown group", s3.PutBucketAclInput{GrantRead: aws.String(`uri="http://example.com/group"`)}, 400, "InvalidArgument"},
			{"canned and grants", s3.PutBucketAclInput{ACL: types.BucketCannedACLPublicRead, GrantRead: aws.String(`id="` + altUser.ID + `"`)}, 400, "InvalidRequest"},
			{"bad canned", s3.PutBucketAclInput{ACL: "everyone-everything"}, 400, "InvalidArgument"},
			{"bad permission", s3.PutBucketAclInput{AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(s.Root.ID)},
				Grants: []types.Grant{{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(altUser.ID)}, Permission: "ALL"}}}}, 400, "MalformedACLError"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := tc.in
				in.Bucket = aws.String(bucket)
				_, err := c.PutBucketAcl(ctx(t), &in)
				wantErr(t, err, tc.status, tc.code)
			})
		}
	})
}

// TestACL_ObjectOwnership covers objects that another account writes into
// a bucket: the writer owns them, and the bucket-owner-* canned ACLs give
// the bucket's owner its share.
func TestACL_ObjectOwnership(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)
	name := arcatest.Bucket("owners")
	if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name), ACL: types.BucketCannedACLPublicReadWrite}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		acl    types.ObjectCannedACL
		grants []string
	}{
		{"", []string{altUser.ID + ":FULL_CONTROL"}},
		{types.ObjectCannedACLBucketOwnerRead, []string{altUser.ID + ":FULL_CONTROL", s.Root.ID + ":READ"}},
		{types.ObjectCannedACLBucketOwnerFullControl, []string{altUser.ID + ":FULL_CONTROL", s.Root.ID + ":FULL_CONTROL"}},
		{types.ObjectCannedACLAuthenticatedRead, []string{authUsers + ":READ", altUser.ID + ":FULL_CONTROL"}},
	} {
		t.Run(string(tc.acl), func(t *testing.T) {
			key := "by-alt-" + string(tc.acl)
			if _, err := a.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String(key), Body: strings.NewReader("x"), ACL: tc.acl}); err != nil {
				t.Fatal(err)
			}
			out, err := a.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(name), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			if got := grantsOf(out.Grants); !sameGrants(got, tc.grants) || aws.ToString(out.Owner.ID) != altUser.ID {
				t.Errorf("grants = %v, want %v; owner %+v", got, tc.grants, out.Owner)
			}
		})
	}
	list, err := c.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: aws.String(name)})
	if err != nil || len(list.Contents) == 0 || aws.ToString(list.Contents[0].Owner.ID) != altUser.ID ||
		aws.ToString(list.Contents[0].Owner.DisplayName) != altUser.DisplayName {
		t.Errorf("listing owner: %+v, %v", list.Contents, err)
	}
}
