package s3_test

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestBucket_Lifecycle covers CreateBucket (names, owners, location
// constraints), HeadBucket, GetBucketLocation and DeleteBucket, and that
// the bucket namespace is the one COS sees.
func TestBucket_Lifecycle(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)

	t.Run("names", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			ok   bool
		}{
			{"abc", true}, {"a.b-c.d", true}, {strings.Repeat("a", 63), true}, {"9starts-with-digit", true},
			{"ab", false}, {strings.Repeat("a", 64), false}, {"Upper", false}, {"under_score", false},
			{"-leading", false}, {"trailing-", false}, {"double..dot", false}, {"192.168.5.4", false},
			{"xn--punycode", false}, {"dot-.dash", false}, {"ends-s3alias", false},
		} {
			name := tc.name
			if tc.ok {
				name = fmt.Sprintf("%s-%d", tc.name, len(tc.name))
				if len(name) > 63 {
					name = tc.name
				}
			}
			_, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(name)})
			if tc.ok && err != nil {
				t.Errorf("CreateBucket(%q) = %v", name, err)
			}
			if !tc.ok {
				wantErr(t, err, 400, "InvalidBucketName")
			}
		}
	})

	bucket := newBucket(t, c, "life")
	t.Run("exists", func(t *testing.T) {
		// In us-east-1 the owner may create its bucket again (a no-op, for
		// legacy compatibility); one that would change the ACL is refused.
		if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Errorf("CreateBucket again by its owner = %v", err)
		}
		_, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPublicRead})
		wantErr(t, err, 409, "BucketAlreadyExists")
		_, err = a.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 409, "BucketAlreadyExists")
		_, err = anonymous(s).CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(arcatest.Bucket("anon"))})
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("head", func(t *testing.T) {
		out, err := c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
		if err != nil || aws.ToString(out.BucketRegion) != arcatest.S3Region {
			t.Fatalf("HeadBucket = %+v, %v", out, err)
		}
		_, err = c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket-here")})
		wantErr(t, err, 404, "NotFound")
		_, err = a.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 403, "Forbidden")
		_, err = c.HeadBucket(ctx(t), &s3.HeadBucketInput{Bucket: aws.String(bucket), ExpectedBucketOwner: aws.String("someone-else")})
		wantErr(t, err, 403, "Forbidden")
	})

	t.Run("location", func(t *testing.T) {
		out, err := c.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
		if err != nil || out.LocationConstraint != "" {
			t.Errorf("default location = %q, %v; want empty (us-east-1)", out.LocationConstraint, err)
		}
		eu := arcatest.Bucket("eu")
		if _, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(eu),
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); err != nil {
			t.Fatal(err)
		}
		out, err = c.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String(eu)})
		if err != nil || out.LocationConstraint != types.BucketLocationConstraintEuWest1 {
			t.Errorf("location = %q, %v", out.LocationConstraint, err)
		}
		_, err = a.GetBucketLocation(ctx(t), &s3.GetBucketLocationInput{Bucket: aws.String(eu)})
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("shared with COS", func(t *testing.T) {
		cc := s.COS(bucket)
		if _, err := cc.Bucket.Head(ctx(t)); err != nil {
			t.Fatalf("COS HEAD of a bucket S3 made: %v", err)
		}
		if _, err := cc.Object.Put(ctx(t), "from-cos", strings.NewReader("written by COS"), nil); err != nil {
			t.Fatal(err)
		}
		got, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("from-cos")})
		if string(got) != "written by COS" || aws.ToString(out.ETag) != etagOf(got) {
			t.Errorf("S3 read of a COS object: %q %s", got, aws.ToString(out.ETag))
		}
		put(t, c, bucket, "from-s3", []byte("written by S3"))
		resp, err := cc.Object.Get(ctx(t), "from-s3", nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "written by S3" {
			t.Errorf("COS read of an S3 object: %q", b)
		}
		for _, k := range []string{"from-cos", "from-s3"} {
			c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		}
	})

	t.Run("delete", func(t *testing.T) {
		b := newBucket(t, c, "del")
		put(t, c, b, "k", []byte("x"))
		_, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(b)})
		wantErr(t, err, 409, "BucketNotEmpty")
		_, err = a.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(b)})
		wantErr(t, err, 403, "AccessDenied")
		if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DeleteBucket(ctx(t), &s3.DeleteBucketInput{Bucket: aws.String(b)})
		wantErr(t, err, 404, "NoSuchBucket")
	})
}

// TestBucket_ListBuckets covers ListBuckets per account, with its owner and
// pagination.
func TestBucket_ListBuckets(t *testing.T) {
	t.Parallel()
	s := start(t)
	c, a := root(s), alt(s)
	var mine []string
	for i := 0; i < 3; i++ {
		mine = append(mine, newBucket(t, c, "lb"))
	}
	theirs := newBucket(t, a, "lbalt")

	out, err := c.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
		if b.CreationDate == nil || aws.ToString(b.BucketRegion) != arcatest.S3Region {
			t.Errorf("bucket %s: %+v", aws.ToString(b.Name), b)
		}
	}
	for _, n := range mine {
		if !slices.Contains(names, n) {
			t.Errorf("root's list lacks %s: %v", n, names)
		}
	}
	if slices.Contains(names, theirs) || aws.ToString(out.Owner.ID) != s.Root.ID {
		t.Errorf("root's list: %v, owner %+v", names, out.Owner)
	}
	aout, err := a.ListBuckets(ctx(t), &s3.ListBucketsInput{})
	if err != nil || len(aout.Buckets) != 1 || aws.ToString(aout.Buckets[0].Name) != theirs ||
		aws.ToString(aout.Owner.ID) != altUser.ID || aws.ToString(aout.Owner.DisplayName) != altUser.DisplayName {
		t.Errorf("alt's list = %+v, %v", aout, err)
	}
	// Pages of one.
	var paged []string
	p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1), Prefix: aws.String("lb")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Buckets) > 1 {
			t.Fatalf("page of %d", len(page.Buckets))
		}
		for _, b := range page.Buckets {
			paged = append(paged, aws.ToString(b.Name))
		}
	}
	slices.Sort(mine)
	if !slices.Equal(paged, mine) {
		t.Errorf("paged = %v, want %v", paged, mine)
	}
	_, err = anonymous(s).ListBuckets(ctx(t), &s3.ListBucketsInput{})
	wantErr(t, err, 403, "AccessDenied")
}

// TestBucket_ListObjects covers ListObjects and ListObjectsV2: prefix,
// delimiter, markers, start-after, continuation, max-keys, fetch-owner and
// encoding-type.
func TestBucket_ListObjects(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "list")
	keys := []string{"a", "b/1", "b/2", "b/c/3", "c", "d/4", "e+f g", "z"}
	for _, k := range keys {
		put(t, c, bucket, k, []byte(k))
	}

	v2 := func(in s3.ListObjectsV2Input) (objs, prefixes []string) {
		in.Bucket = aws.String(bucket)
		p := s3.NewListObjectsV2Paginator(c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(page.Contents) + len(page.CommonPrefixes); int32(n) != aws.ToInt32(page.KeyCount) {
				t.Errorf("KeyCount %d, entries %d", aws.ToInt32(page.KeyCount), n)
			}
			for _, o := range page.Contents {
				objs = append(objs, aws.ToString(o.Key))
				if (o.Owner != nil) != aws.ToBool(in.FetchOwner) {
					t.Errorf("%s: owner %+v with fetch-owner %v", aws.ToString(o.Key), o.Owner, aws.ToBool(in.FetchOwner))
				}
				if o.Owner != nil && aws.ToString(o.Owner.ID) != s.Root.ID {
					t.Errorf("owner %+v", o.Owner)
				}
			}
			for _, cp := range page.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(cp.Prefix))
			}
		}
		return
	}
	v1 := func(in s3.ListObjectsInput) (objs, prefixes []string) {
		in.Bucket = aws.String(bucket)
		for {
			page, err := c.ListObjects(ctx(t), &in)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Contents {
				objs = append(objs, aws.ToString(o.Key))
				if o.Owner == nil || aws.ToString(o.ETag) != etagOf([]byte(aws.ToString(o.Key))) || o.StorageClass != types.ObjectStorageClassStandard {
					t.Errorf("V1 entry %+v", o)
				}
			}
			for _, cp := range page.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(cp.Prefix))
			}
			if !aws.ToBool(page.IsTruncated) {
				return
			}
			next := aws.ToString(page.NextMarker)
			if next == "" {
				next = objs[len(objs)-1]
			}
			in.Marker = aws.String(next)
		}
	}
	for _, tc := range []struct {
		name           string
		prefix, delim  string
		start          string
		max            int32
		objs, prefixes []string
		fetchOwner     bool
	}{
		{name: "all", objs: keys},
		{name: "pages of two", max: 2, objs: keys, fetchOwner: true},
		{name: "prefix", prefix: "b/", objs: []string{"b/1", "b/2", "b/c/3"}},
		{name: "delimiter", delim: "/", objs: []string{"a", "c", "e+f g", "z"}, prefixes: []string{"b/", "d/"}},
		{name: "delimiter pages", delim: "/", max: 1, objs: []string{"a", "c", "e+f g", "z"}, prefixes: []string{"b/", "d/"}},
		{name: "prefix and delimiter", prefix: "b/", delim: "/", objs: []string{"b/1", "b/2"}, prefixes: []string{"b/c/"}},
		{name: "start after", start: "b/2", objs: []string{"b/c/3", "c", "d/4", "e+f g", "z"}},
		{name: "none", prefix: "nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var max *int32
			if tc.max > 0 {
				max = aws.Int32(tc.max)
			}
			in := s3.ListObjectsV2Input{MaxKeys: max, FetchOwner: aws.Bool(tc.fetchOwner)}
			if tc.prefix != "" {
				in.Prefix = aws.String(tc.prefix)
			}
			if tc.delim != "" {
				in.Delimiter = aws.String(tc.delim)
			}
			if tc.start != "" {
				in.StartAfter = aws.String(tc.start)
			}
			objs, prefixes := v2(in)
			if !slices.Equal(objs, tc.objs) || !slices.Equal(prefixes, tc.prefixes) {
				t.Errorf("V2 = %v %v, want %v %v", objs, prefixes, tc.objs, tc.prefixes)
			}
			objs, prefixes = v1(s3.ListObjectsInput{Prefix: in.Prefix, Delimiter: in.Delimiter, MaxKeys: max, Marker: in.StartAfter})
			if !slices.Equal(objs, tc.objs) || !slices.Equal(prefixes, tc.prefixes) {
				t.Errorf("V1 = %v %v, want %v %v", objs, prefixes, tc.objs, tc.prefixes)
			}
		})
	}

	t.Run("encoding-type url", func(t *testing.T) {
		for _, q := range []string{"list-type=2&encoding-type=url&prefix=e%2B", "encoding-type=url&prefix=e%2B"} {
			resp := do(t, s, rawReq{method: "GET", path: "/" + bucket, query: q})
			if resp.StatusCode != 200 || !bytes.Contains(resp.body, []byte("<Key>e%2Bf%20g</Key>")) ||
				!bytes.Contains(resp.body, []byte("<Prefix>e%2B</Prefix>")) || !bytes.Contains(resp.body, []byte("<EncodingType>url</EncodingType>")) {
				t.Errorf("GET ?%s = %d %s", q, resp.StatusCode, resp.body)
			}
		}
		resp := do(t, s, rawReq{method: "GET", path: "/" + bucket, query: "encoding-type=base64"})
		if resp.StatusCode != 400 || resp.err.Code != "InvalidArgument" {
			t.Errorf("encoding-type=base64: %d %s", resp.StatusCode, resp.body)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for _, q := range []string{"max-keys=-1", "max-keys=x", "list-type=2&continuation-token=%21%21", "list-type=3"} {
			if resp := do(t, s, rawReq{method: "GET", path: "/" + bucket, query: q}); resp.StatusCode != 400 || resp.err.Code != "InvalidArgument" {
				t.Errorf("GET ?%s = %d %s", q, resp.StatusCode, resp.body)
			}
		}
	})
	t.Run("access", func(t *testing.T) {
		_, err := alt(s).ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		wantErr(t, err, 403, "AccessDenied")
		_, err = c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket-list")})
		wantErr(t, err, 404, "NoSuchBucket")
	})
}

// TestBucket_Versioning covers GetBucketVersioning/PutBucketVersioning,
// versions, delete markers and ListObjectVersions with its markers.
func TestBucket_Versioning(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "ver")
	vout, err := c.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || vout.Status != "" {
		t.Fatalf("new bucket versioning = %q, %v", vout.Status, err)
	}
	put(t, c, bucket, "k", []byte("null version"))
	if _, err := c.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	vout, _ = c.GetBucketVersioning(ctx(t), &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if vout.Status != types.BucketVersioningStatusEnabled {
		t.Fatalf("status %q", vout.Status)
	}
	var ids []string
	for i := 1; i <= 3; i++ {
		out := put(t, c, bucket, "k", []byte(fmt.Sprint("v", i)))
		if aws.ToString(out.VersionId) == "" || slices.Contains(ids, aws.ToString(out.VersionId)) {
			t.Fatalf("version id %q", aws.ToString(out.VersionId))
		}
		ids = append(ids, aws.ToString(out.VersionId))
	}
	got, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String(ids[0])})
	if string(got) != "v1" || aws.ToString(out.VersionId) != ids[0] {
		t.Errorf("GET version 1 = %q %s", got, aws.ToString(out.VersionId))
	}
	got, _ = get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String("null")})
	if string(got) != "null version" {
		t.Errorf("GET null = %q", got)
	}
	_, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String("bm90LWEtdmVyc2lvbg")})
	wantErr(t, err, 404, "NoSuchVersion")

	del, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	marker := aws.ToString(del.VersionId)
	_, err = c.GetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	wantErr(t, err, 404, "NoSuchKey")
	_, err = c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String(marker)})
	wantErr(t, err, 405, "")

	// The listing, newest first, in pages of two.
	var entries []string
	var in = &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(2)}
	for {
		page, err := c.ListObjectVersions(ctx(t), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.DeleteMarkers {
			entries = append(entries, fmt.Sprintf("marker:%s:%v", aws.ToString(m.VersionId), aws.ToBool(m.IsLatest)))
		}
		for _, v := range page.Versions {
			entries = append(entries, fmt.Sprintf("%s:%v:%d", aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), aws.ToInt64(v.Size)))
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = page.NextKeyMarker, page.NextVersionIdMarker
	}
	want := []string{"marker:" + marker + ":true", ids[2] + ":false:2", ids[1] + ":false:2", ids[0] + ":false:2", "null:false:12"}
	if !slices.Equal(entries, want) {
		t.Errorf("versions = %v, want %v", entries, want)
	}

	// Removing the marker brings the last version back.
	if _, err := c.DeleteObject(ctx(t), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), VersionId: aws.String(marker)}); err != nil {
		t.Fatal(err)
	}
	got, _ = get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if string(got) != "v3" {
		t.Errorf("after removing the marker: %q", got)
	}

	// Suspended: new writes are the null version.
	if _, err := c.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "k", []byte("suspended"))
	hout, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")})
	if err != nil || aws.ToString(hout.VersionId) != "null" {
		t.Errorf("HEAD in a suspended bucket: version %q, %v", aws.ToString(hout.VersionId), err)
	}
	_, err = c.PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: "Bogus"}})
	wantErr(t, err, 400, "MalformedXML")
	_, err = alt(s).PutBucketVersioning(ctx(t), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	wantErr(t, err, 403, "AccessDenied")
}

// TestBucket_DeleteObjects covers multi-object delete: plain and quiet,
// in a versioned bucket (markers and versions), per-key errors, and the
// integrity header it requires.
func TestBucket_DeleteObjects(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "mdel")
	for _, k := range []string{"a", "b", "c"} {
		put(t, c, bucket, k, []byte(k))
	}
	ids := func(keys ...string) []types.ObjectIdentifier {
		var out []types.ObjectIdentifier
		for _, k := range keys {
			out = append(out, types.ObjectIdentifier{Key: aws.String(k)})
		}
		return out
	}
	out, err := c.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(bucket),
		Delete: &types.Delete{Objects: append(ids("a", "b", "never-was"), types.ObjectIdentifier{Key: aws.String(strings.Repeat("k", 1025))})}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 3 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "KeyTooLongError" {
		t.Errorf("DeleteObjects = deleted %d, errors %+v", len(out.Deleted), out.Errors)
	}
	quiet, err := c.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: ids("c"), Quiet: aws.Bool(true)}})
	if err != nil || len(quiet.Deleted) != 0 {
		t.Errorf("quiet delete = %+v, %v", quiet, err)
	}
	list, _ := c.ListObjectsV2(ctx(t), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if len(list.Contents) != 0 {
		t.Errorf("left: %d objects", len(list.Contents))
	}

	vb := versionedBucket(t, c, "mdelv")
	v1 := put(t, c, vb, "k", []byte("one"))
	out, err = c.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(vb), Delete: &types.Delete{Objects: ids("k")}})
	if err != nil || len(out.Deleted) != 1 || !aws.ToBool(out.Deleted[0].DeleteMarker) || aws.ToString(out.Deleted[0].DeleteMarkerVersionId) == "" {
		t.Fatalf("versioned delete = %+v, %v", out, err)
	}
	markerID := aws.ToString(out.Deleted[0].DeleteMarkerVersionId)
	out, err = c.DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(vb), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: v1.VersionId}, {Key: aws.String("k"), VersionId: aws.String(markerID)},
	}}})
	if err != nil || len(out.Deleted) != 2 {
		t.Fatalf("version delete = %+v, %v", out, err)
	}
	for _, d := range out.Deleted {
		isMarker := aws.ToString(d.VersionId) == markerID
		if aws.ToBool(d.DeleteMarker) != isMarker || (isMarker && aws.ToString(d.DeleteMarkerVersionId) != markerID) {
			t.Errorf("deleted entry %+v", d)
		}
	}
	vs, _ := c.ListObjectVersions(ctx(t), &s3.ListObjectVersionsInput{Bucket: aws.String(vb)})
	if len(vs.Versions)+len(vs.DeleteMarkers) != 0 {
		t.Errorf("versions left: %+v", vs)
	}

	doc := []byte(`<Delete><Object><Key>a</Key></Object></Delete>`)
	if resp := do(t, s, rawReq{method: "POST", path: "/" + bucket, query: "delete", body: doc}); resp.StatusCode != 400 || resp.err.Code != "InvalidRequest" {
		t.Errorf("without Content-MD5 = %d %s", resp.StatusCode, resp.body)
	}
	bad := []byte(`<Delete><Object><Key>a</Key></Object>`)
	if resp := do(t, s, rawReq{method: "POST", path: "/" + bucket, query: "delete", body: bad,
		header: map[string][]string{"Content-Md5": {md5B64(bad)}}}); resp.StatusCode != 400 || resp.err.Code != "MalformedXML" {
		t.Errorf("malformed = %d %s", resp.StatusCode, resp.body)
	}
	_, err = alt(s).DeleteObjects(ctx(t), &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: ids("a")}})
	wantErr(t, err, 403, "AccessDenied")
}
