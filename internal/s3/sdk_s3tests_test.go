package s3_test

// Behaviour found missing by Ceph's s3-tests (docs/s3-tests.md), each
// checked against what S3 itself does.

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestS3Tests_DeleteBucketWithUpload: S3 deletes a bucket without objects
// even while a multipart upload is in progress in it; the upload goes with
// it. A bucket that still has an object is not empty.
func TestS3Tests_DeleteBucketWithUpload(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "delupl")
	if _, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "kept", []byte("x"))
	_, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 409, "BucketNotEmpty")
	ups, err := c.ListMultipartUploads(ctx(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
	if err != nil || len(ups.Uploads) != 1 {
		t.Fatalf("uploads after a refused delete = %+v, %v", ups, err)
	}
	if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("delete bucket with an upload in progress: %v", err)
	}
	_, err = c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 404, "")
}

// TestS3Tests_CompleteRetry: a CompleteMultipartUpload retried after it
// succeeded gets the same answer (ETag, checksum) instead of NoSuchUpload,
// as from S3; a retry listing other parts, or one after the key was
// overwritten, does not. A completion without a body is MalformedXML.
func TestS3Tests_CompleteRetry(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "mpretry")
	key := aws.String("obj")
	create, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: key,
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: key, UploadId: create.UploadId})
	wantErr(t, err, 400, "MalformedXML")
	var parts []types.CompletedPart
	for i, p := range [][]byte{randBytes(5*mib, 1), randBytes(10, 2)} {
		out, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: key, UploadId: create.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumSHA256: out.ChecksumSHA256})
	}
	complete := func(parts []types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx(t), &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: key,
			UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	}
	first, err := complete(parts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := complete(parts)
	if err != nil {
		t.Fatalf("retried completion: %v", err)
	}
	if aws.ToString(again.ETag) != aws.ToString(first.ETag) || aws.ToString(again.ChecksumSHA256) != aws.ToString(first.ChecksumSHA256) ||
		aws.ToString(first.ChecksumSHA256) == "" {
		t.Errorf("retry = %s %s, first = %s %s", aws.ToString(again.ETag), aws.ToString(again.ChecksumSHA256),
			aws.ToString(first.ETag), aws.ToString(first.ChecksumSHA256))
	}
	_, err = complete(parts[:1])
	wantErr(t, err, 404, "NoSuchUpload")
	// A copy of the object is not the upload's.
	if _, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: key,
		CopySource: aws.String(bucket + "/obj"), MetadataDirective: types.MetadataDirectiveReplace}); err != nil {
		t.Fatal(err)
	}
	_, err = complete(parts)
	wantErr(t, err, 404, "NoSuchUpload")
}

// TestS3Tests_EmptyContentMD5: an empty Content-MD5 is an invalid digest,
// not an absent one.
func TestS3Tests_EmptyContentMD5(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "emptymd5")
	resp := do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/k", header: http.Header{"Content-Md5": {""}}, body: []byte("bar")})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidDigest" {
		t.Errorf("PUT with an empty Content-MD5 = %d %s", resp.StatusCode, resp.body)
	}
	resp = do(t, s, rawReq{method: "PUT", path: "/" + bucket, query: "tagging", header: http.Header{"Content-Md5": {""}},
		body: []byte(`<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`)})
	if resp.StatusCode != 400 || resp.err.Code != "InvalidDigest" {
		t.Errorf("PUT ?tagging with an empty Content-MD5 = %d %s", resp.StatusCode, resp.body)
	}
}

// TestS3Tests_BucketEncryption covers PutBucketEncryption,
// GetBucketEncryption and DeleteBucketEncryption, and the default applied
// to PutObject, multipart uploads and copies that ask for no encryption;
// a request naming its own keeps it.
func TestS3Tests_BucketEncryption(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "bktenc")
	b := aws.String(bucket)
	_, err := c.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: b})
	wantErr(t, err, 404, "ServerSideEncryptionConfigurationNotFoundError")
	if _, err := c.DeleteBucketEncryption(ctx(t), &s3.DeleteBucketEncryptionInput{Bucket: b}); err != nil {
		t.Fatalf("delete without a configuration: %v", err)
	}
	rule := func(alg types.ServerSideEncryption, key string) *types.ServerSideEncryptionConfiguration {
		d := &types.ServerSideEncryptionByDefault{SSEAlgorithm: alg}
		if key != "" {
			d.KMSMasterKeyID = aws.String(key)
		}
		return &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: d}}}
	}
	_, err = c.PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: rule(types.ServerSideEncryptionAes256, "k")})
	wantErr(t, err, 400, "InvalidArgument")
	_, err = alt(s).PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: rule(types.ServerSideEncryptionAes256, "")})
	wantErr(t, err, 403, "AccessDenied")

	if _, err := c.PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: rule(types.ServerSideEncryptionAes256, "")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketEncryption(ctx(t), &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || got.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Fatalf("GetBucketEncryption = %+v, %v", got, err)
	}
	out, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("a"), Body: bytes.NewReader([]byte("data"))})
	if err != nil || out.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("PutObject = %+v, %v", out, err)
	}
	body, gout := get(t, c, &s3.GetObjectInput{Bucket: b, Key: aws.String("a")})
	if string(body) != "data" || gout.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Errorf("GetObject = %q %q", body, gout.ServerSideEncryption)
	}
	// Reads do not name SSE-S3 or SSE-KMS.
	_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: b, Key: aws.String("a")}, func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, addHeader("x-amz-server-side-encryption", "AES256"))
	})
	wantErr(t, err, 400, "")

	// SSE-KMS by default, for uploads and copies; SSE-C asked for wins.
	if _, err := c.PutBucketEncryption(ctx(t), &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: rule(types.ServerSideEncryptionAwsKms, "key-1")}); err != nil {
		t.Fatal(err)
	}
	create, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp")})
	if err != nil || create.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(create.SSEKMSKeyId) != "key-1" {
		t.Fatalf("CreateMultipartUpload = %+v, %v", create, err)
	}
	cp, err := c.CopyObject(ctx(t), &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String(bucket + "/a")})
	if err != nil || cp.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(cp.SSEKMSKeyId) != "key-1" {
		t.Fatalf("CopyObject = %+v, %v", cp, err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	sc, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("c"), Body: bytes.NewReader([]byte("x")),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(base64Encode(key)), SSECustomerKeyMD5: aws.String(md5B64(key))})
	if err != nil || sc.ServerSideEncryption != "" || aws.ToString(sc.SSECustomerAlgorithm) != "AES256" {
		t.Fatalf("PutObject with SSE-C = %+v, %v", sc, err)
	}

	if _, err := c.DeleteBucketEncryption(ctx(t), &s3.DeleteBucketEncryptionInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	out, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("plain"), Body: bytes.NewReader([]byte("data"))})
	if err != nil || out.ServerSideEncryption != "" {
		t.Fatalf("PutObject after delete = %+v, %v", out, err)
	}
}

// TestS3Tests_SSEKeyConflict: SSE-S3 with a KMS key id is an invalid
// argument.
func TestS3Tests_SSEKeyConflict(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "sseconf")
	_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a"), Body: bytes.NewReader(nil),
		ServerSideEncryption: types.ServerSideEncryptionAes256, SSEKMSKeyId: aws.String("k")})
	wantErr(t, err, 400, "InvalidArgument")
}

// addHeader is an SDK option that sets a header the SDK would not send.
func addHeader(name, value string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Build.Add(middleware.BuildMiddlewareFunc("addHeader-"+name, func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			if r, ok := in.Request.(*smithyhttp.Request); ok {
				r.Header.Set(name, value)
			}
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}
}

func base64Encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestS3Tests_ACLNoGrants: an ACL set with no grants is shown with none;
// the owner keeps its implicit rights, everyone else has none.
func TestS3Tests_ACLNoGrants(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "aclnone")
	b := aws.String(bucket)
	acl, err := c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 1 {
		t.Fatalf("GetBucketAcl = %+v, %v", acl, err)
	}
	if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{}}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(got.Grants) != 0 || aws.ToString(got.Owner.ID) != s.Root.ID {
		t.Fatalf("GetBucketAcl after clearing = %+v, %v", got, err)
	}
	put(t, c, bucket, "k", []byte("v"))
	_, err = alt(s).ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: b})
	wantErr(t, err, 403, "AccessDenied")
	if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: acl.Grants}}); err != nil {
		t.Fatal(err)
	}
	if got, err = c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: b}); err != nil || len(got.Grants) != 1 {
		t.Fatalf("GetBucketAcl after restoring = %+v, %v", got, err)
	}
}

// TestS3Tests_EmptyContinuationToken: ListObjectsV2 with an empty
// continuation-token lists from the start and echoes the empty token.
func TestS3Tests_EmptyContinuationToken(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "emptytok")
	put(t, c, bucket, "a", []byte("1"))
	put(t, c, bucket, "b", []byte("2"))
	resp := do(t, s, rawReq{method: "GET", path: "/" + bucket, query: "list-type=2&continuation-token="})
	if resp.StatusCode != 200 || !bytes.Contains(resp.body, []byte("<ContinuationToken></ContinuationToken>")) ||
		!bytes.Contains(resp.body, []byte("<Key>a</Key>")) || !bytes.Contains(resp.body, []byte("<Key>b</Key>")) {
		t.Errorf("empty continuation-token: %d %s", resp.StatusCode, resp.body)
	}
	out, err := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if err != nil || out.NextContinuationToken == nil {
		t.Fatalf("page 1 = %+v, %v", out, err)
	}
	out, err = c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), ContinuationToken: out.NextContinuationToken})
	if err != nil || len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "b" || out.ContinuationToken == nil {
		t.Fatalf("page 2 = %+v, %v", out, err)
	}
}

// TestS3Tests_CORSWildcardOrigin: a rule allowing every origin ("*")
// answers with Access-Control-Allow-Origin "*" and no
// Access-Control-Allow-Credentials, as S3 does; a rule naming origins
// echoes the origin.
func TestS3Tests_CORSWildcardOrigin(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "corsstar")
	put(t, c, bucket, "k", []byte("v"))
	rules := []types.CORSRule{
		{AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"PUT"}},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}
	if _, err := c.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method string
		header       http.Header
		origin, cred string
	}{
		{"GET", "GET", http.Header{"Origin": {"https://x.example"}}, "*", ""},
		{"preflight GET", "OPTIONS", http.Header{"Origin": {"https://x.example"}, "Access-Control-Request-Method": {"GET"}}, "*", ""},
		{"preflight PUT", "OPTIONS", http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"PUT"}}, "https://app.example.com", "true"},
	} {
		resp := do(t, s, rawReq{method: tc.method, path: "/" + bucket + "/k", header: tc.header})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != tc.origin ||
			resp.Header.Get("Access-Control-Allow-Credentials") != tc.cred {
			t.Errorf("%s: %d, Allow-Origin %q, Allow-Credentials %q", tc.name, resp.StatusCode,
				resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Allow-Credentials"))
		}
	}
}

// TestS3Tests_OwnershipControls covers Put/Get/DeleteBucketOwnershipControls,
// CreateBucket's x-amz-object-ownership, and what each setting does to the
// objects other accounts write and to ACL requests.
func TestS3Tests_OwnershipControls(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)
	getOwn := func(bucket string) (string, error) {
		out, err := c.GetBucketOwnershipControls(ctx(t), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
		if err != nil {
			return "", err
		}
		return string(out.OwnershipControls.Rules[0].ObjectOwnership), nil
	}
	setOwn := func(bucket string, v types.ObjectOwnership) error {
		_, err := c.PutBucketOwnershipControls(ctx(t), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: v}}}})
		return err
	}
	ownerOf := func(bucket, key string) string {
		out, err := c.GetObjectAcl(ctx(t), &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			t.Fatalf("GetObjectAcl %s: %v", key, err)
		}
		return aws.ToString(out.Owner.ID)
	}
	// The writer needs WRITE on the bucket: a grant to alt.
	grantAlt := func(bucket string) {
		if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(bucket),
			GrantWrite: aws.String("id=" + altUser.ID), GrantFullControl: aws.String("id=" + s.Root.ID)}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("none", func(t *testing.T) {
		bucket := newBucket(t, c, "own-none")
		_, err := getOwn(bucket)
		wantErr(t, err, 404, "OwnershipControlsNotFoundError")
		if err := setOwn(bucket, types.ObjectOwnershipBucketOwnerEnforced); err != nil {
			t.Fatal(err)
		}
		if v, err := getOwn(bucket); err != nil || v != "BucketOwnerEnforced" {
			t.Fatalf("ownership = %q, %v", v, err)
		}
		_, err = a.GetBucketOwnershipControls(ctx(t), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 403, "AccessDenied")
		if _, err := c.DeleteBucketOwnershipControls(ctx(t), &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		_, err = getOwn(bucket)
		wantErr(t, err, 404, "OwnershipControlsNotFoundError")
	})

	t.Run("BucketOwnerPreferred", func(t *testing.T) {
		bucket := newBucket(t, c, "own-pref")
		grantAlt(bucket)
		if err := setOwn(bucket, types.ObjectOwnershipBucketOwnerPreferred); err != nil {
			t.Fatal(err)
		}
		for key, acl := range map[string]types.ObjectCannedACL{"mine": "", "full": types.ObjectCannedACLBucketOwnerFullControl} {
			if _, err := a.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(nil), ACL: acl}); err != nil {
				t.Fatal(err)
			}
		}
		if got := ownerOf(bucket, "mine"); got != altUser.ID {
			t.Errorf("object written without an ACL is owned by %s", got)
		}
		if got := ownerOf(bucket, "full"); got != s.Root.ID {
			t.Errorf("object written with bucket-owner-full-control is owned by %s", got)
		}
	})

	t.Run("BucketOwnerEnforced", func(t *testing.T) {
		name := newBucket(t, c, "own-enf-pub")
		if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(name), ACL: types.BucketCannedACLPublicRead}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, setOwn(name, types.ObjectOwnershipBucketOwnerEnforced), 400, "InvalidBucketAclWithObjectOwnership")

		bucket := arcatest.Bucket("own-enf")
		if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(bucket), ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}); err != nil {
			t.Fatal(err)
		}
		if v, err := getOwn(bucket); err != nil || v != "BucketOwnerEnforced" {
			t.Fatalf("ownership = %q, %v", v, err)
		}
		put(t, c, bucket, "k", []byte("v"))
		if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("full"), Body: bytes.NewReader(nil),
			ACL: types.ObjectCannedACLBucketOwnerFullControl}); err != nil {
			t.Errorf("PutObject with bucket-owner-full-control: %v", err)
		}
		_, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("pub"), Body: bytes.NewReader(nil), ACL: types.ObjectCannedACLPublicRead})
		wantErr(t, err, 400, "AccessControlListNotSupported")
		_, err = c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("mp"), ACL: types.ObjectCannedACLPrivate})
		wantErr(t, err, 400, "AccessControlListNotSupported")
		_, err = c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPrivate})
		wantErr(t, err, 400, "AccessControlListNotSupported")
		_, err = c.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
		wantErr(t, err, 400, "AccessControlListNotSupported")
		acl, err := c.GetBucketAcl(ctx(t), &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
		if err != nil || len(acl.Grants) != 1 || aws.ToString(acl.Grants[0].Grantee.ID) != s.Root.ID {
			t.Errorf("GetBucketAcl = %+v, %v", acl, err)
		}
		_, err = anonymous(s).GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
		wantErr(t, err, 403, "AccessDenied")

		// Objects written before are the bucket owner's once it is set,
		// and the ACLs that let others in no longer do.
		older := newBucket(t, c, "own-enf-old")
		grantAlt(older)
		if _, err := a.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(older), Key: aws.String("alts"), Body: bytes.NewReader(nil)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: aws.String(older), ACL: types.BucketCannedACLPrivate}); err != nil {
			t.Fatal(err)
		}
		if err := setOwn(older, types.ObjectOwnershipBucketOwnerEnforced); err != nil {
			t.Fatal(err)
		}
		if got := ownerOf(older, "alts"); got != s.Root.ID {
			t.Errorf("older object owned by %s under BucketOwnerEnforced", got)
		}
		_, err = a.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(older), Key: aws.String("alts")})
		wantErr(t, err, 403, "AccessDenied")
	})
}

// TestS3Tests_ConditionalDeleteNothing: a conditional delete of a key
// that has no version at all succeeds and does nothing: in a versioned
// bucket it makes no delete marker. Once a delete marker is current,
// If-Match: * passes and any ETag fails. A multi-delete entry's
// LastModifiedTime may be an HTTP date (as botocore sends it).
func TestS3Tests_ConditionalDeleteNothing(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := versionedBucket(t, c, "cdelnone")
	b, k := aws.String(bucket), aws.String("obj")
	for _, m := range []string{"*", "badetag"} {
		if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: k, IfMatch: aws.String(m)}); err != nil {
			t.Fatalf("If-Match %s on nothing: %v", m, err)
		}
	}
	vs, err := c.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: b})
	if err != nil || len(vs.DeleteMarkers) != 0 || len(vs.Versions) != 0 {
		t.Fatalf("versions after conditional deletes of nothing = %+v, %v", vs, err)
	}
	put(t, c, bucket, "obj", []byte("x"))
	if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: k, IfMatch: aws.String(etagOf([]byte("x")))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: k, IfMatch: aws.String("*")}); err != nil {
		t.Errorf("If-Match * on a delete marker: %v", err)
	}
	_, err = c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: b, Key: k, IfMatch: aws.String("badetag")})
	wantErr(t, err, 412, "PreconditionFailed")

	// Multi-delete, HTTP-date LastModifiedTime.
	plain := newBucket(t, c, "cdelmulti")
	put(t, c, plain, "o", []byte("y"))
	head, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(plain), Key: aws.String("o")})
	if err != nil {
		t.Fatal(err)
	}
	body := func(mtime string) []byte {
		return []byte(`<Delete><Object><Key>o</Key><LastModifiedTime>` + mtime + `</LastModifiedTime></Object></Delete>`)
	}
	for _, tc := range []struct {
		mtime, want string
	}{
		{"Thu, 01 Jan 2015 00:00:00 GMT", "<Code>PreconditionFailed</Code>"},
		{head.LastModified.UTC().Format(http.TimeFormat), "<Deleted><Key>o</Key>"},
		{"Thu, 01 Jan 2015 00:00:00 GMT", "<Deleted><Key>o</Key>"},
	} {
		raw := body(tc.mtime)
		resp := do(t, s, rawReq{method: "POST", path: "/" + plain, query: "delete", body: raw, header: http.Header{"Content-Md5": {md5B64(raw)}}})
		if resp.StatusCode != 200 || !bytes.Contains(resp.body, []byte(tc.want)) {
			t.Errorf("LastModifiedTime %s: %d %s", tc.mtime, resp.StatusCode, resp.body)
		}
	}
}

// TestS3Tests_CompleteSSECKey: the completion of an SSE-C upload that
// names a key must name the upload's; one created with a checksum
// algorithm must name it.
func TestS3Tests_CompleteSSECKey(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "completessec")
	key1, key2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	ssec := func(k []byte) (*string, *string, *string) {
		return aws.String("AES256"), aws.String(base64Encode(k)), aws.String(md5B64(k))
	}
	for _, alg := range []types.ChecksumAlgorithm{"", types.ChecksumAlgorithmCrc32} {
		a, k, m := ssec(key1)
		create, err := c.CreateMultipartUpload(ctx(t), &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("o"),
			SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m, ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		part, err := c.UploadPart(ctx(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("o"), UploadId: create.UploadId,
			PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("data")), SSECustomerAlgorithm: a, SSECustomerKey: k, SSECustomerKeyMD5: m,
			ChecksumAlgorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		in := func() *s3.CompleteMultipartUploadInput {
			return &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("o"), UploadId: create.UploadId,
				MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}}
		}
		wrong := in()
		wrong.SSECustomerAlgorithm, wrong.SSECustomerKey, wrong.SSECustomerKeyMD5 = ssec(key2)
		_, err = c.CompleteMultipartUpload(ctx(t), wrong)
		wantErr(t, err, 400, "")
		if alg != "" {
			_, err = c.CompleteMultipartUpload(ctx(t), in())
			wantErr(t, err, 400, "")
		}
		right := in()
		right.SSECustomerAlgorithm, right.SSECustomerKey, right.SSECustomerKeyMD5 = a, k, m
		if _, err := c.CompleteMultipartUpload(ctx(t), right); err != nil {
			t.Fatalf("checksum %q: complete with the upload's key: %v", alg, err)
		}
	}
}

// TestS3Tests_PublicAccessBlock covers Put/Get/DeletePublicAccessBlock,
// BlockPublicAcls (public ACLs refused on buckets and objects) and
// IgnorePublicAcls (public grants give no access).
func TestS3Tests_PublicAccessBlock(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)
	bucket := newBucket(t, c, "pubblock")
	b := aws.String(bucket)
	_, err := c.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: b})
	wantErr(t, err, 404, "NoSuchPublicAccessBlockConfiguration")
	if _, err := c.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
		t.Fatalf("delete without a configuration: %v", err)
	}
	set := func(block, ignore bool) {
		t.Helper()
		if _, err := c.PutPublicAccessBlock(ctx(t), &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(block), IgnorePublicAcls: aws.Bool(ignore), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
			t.Fatal(err)
		}
	}

	// Public ACLs work until IgnorePublicAcls.
	if _, err := c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: bytes.NewReader([]byte("v")), ACL: types.ObjectCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: b}); err != nil {
		t.Fatalf("public bucket: %v", err)
	}
	set(false, true)
	got, err := c.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || !aws.ToBool(got.PublicAccessBlockConfiguration.IgnorePublicAcls) || aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls) ||
		!aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Fatalf("GetPublicAccessBlock = %+v, %v", got, err)
	}
	_, err = a.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: b})
	wantErr(t, err, 403, "AccessDenied")
	_, err = a.GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	wantErr(t, err, 403, "AccessDenied")
	_, err = anonymous(s).GetObject(ctx(t), &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	wantErr(t, err, 403, "AccessDenied")
	body, _ := get(t, c, &s3.GetObjectInput{Bucket: b, Key: aws.String("k")})
	if string(body) != "v" {
		t.Errorf("owner reads %q", body)
	}

	// BlockPublicAcls.
	set(true, false)
	_, err = c.PutBucketAcl(ctx(t), &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLAuthenticatedRead})
	wantErr(t, err, 403, "AccessDenied")
	_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("p"), Body: bytes.NewReader(nil), ACL: types.ObjectCannedACLPublicReadWrite})
	wantErr(t, err, 403, "AccessDenied")
	_, err = c.PutObjectAcl(ctx(t), &s3.PutObjectAclInput{Bucket: b, Key: aws.String("k"), GrantRead: aws.String("uri=http://acs.amazonaws.com/groups/global/AllUsers")})
	wantErr(t, err, 403, "AccessDenied")
	if _, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: b, Key: aws.String("q"), Body: bytes.NewReader(nil), ACL: types.ObjectCannedACLPrivate}); err != nil {
		t.Errorf("private object: %v", err)
	}
	// The public ACL set before still works: only IgnorePublicAcls stops it.
	if _, err := a.ListObjects(ctx(t), &s3.ListObjectsInput{Bucket: b}); err != nil {
		t.Errorf("public bucket under BlockPublicAcls only: %v", err)
	}

	if _, err := c.DeletePublicAccessBlock(ctx(t), &s3.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: b})
	wantErr(t, err, 404, "NoSuchPublicAccessBlockConfiguration")
	_, err = a.GetPublicAccessBlock(ctx(t), &s3.GetPublicAccessBlockInput{Bucket: b})
	wantErr(t, err, 403, "AccessDenied")
}
