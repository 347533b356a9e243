package cos_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestBucket_Put covers PUT Bucket: the <name>-<APPID> rule, the endpoint
// length rule, a foreign APPID, re-creation, anonymous callers, canned ACL
// headers and the optional CreateBucketConfiguration body.
func TestBucket_Put(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	app := arcatest.AppID

	t.Run("valid", func(t *testing.T) {
		name := "valid-name-0-" + app
		c := s.COS(name)
		resp, err := c.Bucket.Put(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.ContentLength != 0 {
			t.Errorf("status %d, length %d", resp.StatusCode, resp.ContentLength)
		}
		if ok, err := c.Bucket.IsExist(t.Context()); !ok || err != nil {
			t.Fatalf("IsExist = %v, %v", ok, err)
		}
		_, err = c.Bucket.Put(t.Context(), nil)
		wantErr(t, err, http.StatusConflict, "BucketAlreadyOwnedByYou")
	})

	// The longest name whose endpoint <name>.cos.ap-guangzhou.myqcloud.com
	// fits in 60 characters is 30 characters.
	longest := strings.Repeat("a", 30-len(app)-1) + "-" + app
	t.Run("longest name", func(t *testing.T) {
		if _, err := s.COS(longest).Bucket.Put(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	})

	// Invalid names, sent path-style so that the name reaches the server
	// exactly as written (host names are case-insensitive).
	bad := []struct {
		name, code string
		status     int
	}{
		{"Upper-" + app, "InvalidBucketName", 400},
		{"under_score-" + app, "InvalidBucketName", 400},
		{"dot.ted-" + app, "InvalidBucketName", 400},
		{"-lead-" + app, "InvalidBucketName", 400},
		{"trail--" + app, "InvalidBucketName", 400},
		{"noappid", "InvalidBucketName", 400},
		{"appid-12x50000000", "InvalidBucketName", 400},
		{"name-", "InvalidBucketName", 400},
		{"a" + longest, "BucketNameTooLong", 400},
		{"other-1250000001", "AccessDenied", 403},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.name, func(t *testing.T) {
			r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: tc.name, pathStyle: true}))
			wantRawErr(t, r, tc.status, tc.code)
		})
	}
	t.Run("bad name via SDK", func(t *testing.T) {
		_, err := s.COS("bad_name-"+app).Bucket.Put(t.Context(), nil)
		wantErr(t, err, 400, "InvalidBucketName")
		_, err = s.COS(strings.Repeat("b", 25)+"-"+app).Bucket.Put(t.Context(), nil)
		wantErr(t, err, 400, "BucketNameTooLong")
		_, err = s.COS("wrongappid-1300000000").Bucket.Put(t.Context(), nil)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("anonymous", func(t *testing.T) {
		_, err := anon(s, "anon-"+app).Bucket.Put(t.Context(), nil)
		wantErr(t, err, 403, "AccessDenied")
		if ok, _ := s.COS("anon-" + app).Bucket.IsExist(t.Context()); ok {
			t.Fatal("anonymous PUT Bucket created the bucket")
		}
	})

	t.Run("canned ACL", func(t *testing.T) {
		name := arcatest.Bucket("pubread")
		c := s.COS(name)
		if _, err := c.Bucket.Put(t.Context(), &cossdk.BucketPutOptions{XCosACL: "public-read"}); err != nil {
			t.Fatal(err)
		}
		_, resp, err := c.Bucket.GetACL(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("x-cos-acl"); got != "public-read" {
			t.Errorf("ACL after create = %q", got)
		}
		gname := arcatest.Bucket("granted")
		_, err = s.COS(gname).Bucket.Put(t.Context(), &cossdk.BucketPutOptions{XCosGrantRead: `id="100000000002"`, XCosGrantFullControl: `id="100000000003"`})
		if err != nil {
			t.Fatal(err)
		}
		acl, _, err := s.COS(gname).Bucket.GetACL(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{uin("100000000002") + "=READ", uin("100000000003") + "=FULL_CONTROL", uin(s.Root.ID) + "=FULL_CONTROL"}
		slices.Sort(want)
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("grants after create %q", got)
		}
		_, err = s.COS(arcatest.Bucket("badacl")).Bucket.Put(t.Context(), &cossdk.BucketPutOptions{XCosACL: "everyone"})
		e := wantErr(t, err, 400, "InvalidArgument")
		if !strings.Contains(e.Message, "x-cos-acl") {
			t.Errorf("message %q does not name x-cos-acl", e.Message)
		}
	})

	t.Run("configuration body", func(t *testing.T) {
		name := arcatest.Bucket("maz")
		_, err := s.COS(name).Bucket.Put(t.Context(), &cossdk.BucketPutOptions{
			CreateBucketConfiguration: &cossdk.CreateBucketConfiguration{BucketAZConfig: "MAZ"},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: arcatest.Bucket("badcfg"), body: []byte("<CreateBucketConfiguration>")}))
		wantRawErr(t, r, 400, "MalformedXML")
	})
}

// TestBucket_Head covers HEAD Bucket: 200 with the region, 404 for a missing
// bucket, 403 for anonymous callers on a private bucket and 200 on a
// public-read one. HEAD errors have no body.
func TestBucket_Head(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "head")

	resp, err := c.Bucket.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("x-cos-bucket-region"); got != "ap-guangzhou" {
		t.Errorf("x-cos-bucket-region = %q", got)
	}
	if resp.Header.Get("x-cos-request-id") == "" {
		t.Error("no x-cos-request-id")
	}

	missing := s.COS(arcatest.Bucket("missing"))
	_, err = missing.Bucket.Head(t.Context())
	wantErr(t, err, http.StatusNotFound, "")
	if ok, err := missing.Bucket.IsExist(t.Context()); ok || err != nil {
		t.Errorf("IsExist(missing) = %v, %v", ok, err)
	}

	_, err = anon(s, name).Bucket.Head(t.Context())
	wantErr(t, err, http.StatusForbidden, "")
	r := do(t, s, rawReq{method: http.MethodHead, bucket: name})
	wantRawErr(t, r, http.StatusForbidden, "")

	if _, err := c.Bucket.PutACL(t.Context(), &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := anon(s, name).Bucket.Head(t.Context()); err != nil {
		t.Errorf("anonymous HEAD on public-read bucket: %v", err)
	}
}

// TestBucket_Delete covers DELETE Bucket: 204 when empty; 409 BucketNotEmpty
// while the bucket holds an object, a noncurrent version, only a delete
// marker, or an in-progress multipart upload; 404 afterwards; owner only.
func TestBucket_Delete(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)

	t.Run("empty", func(t *testing.T) {
		c, _ := newBucket(t, s, "del")
		resp, err := c.Bucket.Delete(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("status %d, want 204", resp.StatusCode)
		}
		if ok, err := c.Bucket.IsExist(t.Context()); ok || err != nil {
			t.Fatalf("IsExist after delete = %v, %v", ok, err)
		}
		_, err = c.Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusNotFound, "NoSuchBucket")
		// The name can be used again, for an empty bucket.
		if _, err := c.Bucket.Put(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		res, _, err := c.Bucket.Get(t.Context(), nil)
		if err != nil || len(res.Contents) != 0 {
			t.Errorf("re-created bucket: %+v, %v", res, err)
		}
	})

	t.Run("object", func(t *testing.T) {
		c, _ := newBucket(t, s, "delobj")
		put(t, c, "k", []byte("v"), nil)
		_, err := c.Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusConflict, "BucketNotEmpty")
		if _, err := c.Object.Delete(t.Context(), "k"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Bucket.Delete(t.Context()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("versions and delete markers", func(t *testing.T) {
		c, _ := versionedBucket(t, s, "delver")
		h := put(t, c, "k", []byte("v1"), nil)
		v1 := h.Get("x-cos-version-id")
		resp, err := c.Object.Delete(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		marker := resp.Header.Get("x-cos-version-id")
		// No current object, but a noncurrent version and a delete marker.
		_, err = c.Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusConflict, "BucketNotEmpty")
		if _, err := c.Object.Delete(t.Context(), "k", &cossdk.ObjectDeleteOptions{VersionId: v1}); err != nil {
			t.Fatal(err)
		}
		// Only the delete marker is left.
		_, err = c.Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusConflict, "BucketNotEmpty")
		if _, err := c.Object.Delete(t.Context(), "k", &cossdk.ObjectDeleteOptions{VersionId: marker}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Bucket.Delete(t.Context()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("in-progress upload", func(t *testing.T) {
		c, _ := newBucket(t, s, "delmpu")
		up, _, err := c.Object.InitiateMultipartUpload(t.Context(), "big", nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusConflict, "BucketNotEmpty")
		if _, err := c.Object.AbortMultipartUpload(t.Context(), "big", up.UploadID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Bucket.Delete(t.Context()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		c, name := newBucket(t, s, "delanon")
		if _, err := c.Bucket.PutACL(t.Context(), &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read-write"}}); err != nil {
			t.Fatal(err)
		}
		_, err := anon(s, name).Bucket.Delete(t.Context())
		wantErr(t, err, http.StatusForbidden, "AccessDenied")
		if ok, _ := c.Bucket.IsExist(t.Context()); !ok {
			t.Fatal("anonymous DELETE removed the bucket")
		}
	})
}

// TestBucket_ListObjects covers GET Bucket: prefix, delimiter, marker,
// max-keys, encoding-type=url, CommonPrefixes and the Contents fields; and
// paging through a few hundred keys with IsTruncated/NextMarker, with and
// without a delimiter.
func TestBucket_ListObjects(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "list")
	keys := []string{
		"a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "c d/e f.txt",
		"pct%41.txt", "x+y=z&w.txt", "中文/文件.txt",
	}
	for i, k := range keys {
		put(t, c, k, bytes.Repeat([]byte{'x'}, i+1), nil)
	}

	t.Run("all", func(t *testing.T) {
		res, resp, err := c.Bucket.Get(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Name != name || res.MaxKeys != 1000 || res.IsTruncated || res.NextMarker != "" {
			t.Errorf("result = %+v", res)
		}
		if resp.Header.Get("x-cos-bucket-region") != "ap-guangzhou" {
			t.Errorf("x-cos-bucket-region = %q", resp.Header.Get("x-cos-bucket-region"))
		}
		var got []string
		for i, o := range res.Contents {
			got = append(got, o.Key)
			want := bytes.Repeat([]byte{'x'}, i+1)
			if o.ETag != etagOf(want) || o.Size != int64(i+1) || o.StorageClass != "STANDARD" {
				t.Errorf("%s: ETag %s Size %d Class %s", o.Key, o.ETag, o.Size, o.StorageClass)
			}
			if o.Owner == nil || o.Owner.ID != arcatest.AppID {
				t.Errorf("%s: owner %+v", o.Key, o.Owner)
			}
			if len(o.LastModified) != len("2006-01-02T15:04:05.000Z") || !strings.HasSuffix(o.LastModified, "Z") {
				t.Errorf("%s: LastModified %q", o.Key, o.LastModified)
			}
		}
		if joinKeys(got) != joinKeys(keys) {
			t.Errorf("keys = %q, want %q", got, keys)
		}
	})

	cases := []struct {
		name             string
		opt              cossdk.BucketGetOptions
		keys, prefixes   []string
		truncated        bool
		nextMarker       string
		wantEncodingType string
	}{
		{name: "prefix", opt: cossdk.BucketGetOptions{Prefix: "b/"},
			keys: []string{"b/1.txt", "b/2.txt", "b/c/3.txt"}},
		{name: "delimiter", opt: cossdk.BucketGetOptions{Delimiter: "/"},
			keys: []string{"a.txt", "pct%41.txt", "x+y=z&w.txt"}, prefixes: []string{"b/", "c d/", "中文/"}},
		{name: "prefix and delimiter", opt: cossdk.BucketGetOptions{Prefix: "b/", Delimiter: "/"},
			keys: []string{"b/1.txt", "b/2.txt"}, prefixes: []string{"b/c/"}},
		{name: "marker", opt: cossdk.BucketGetOptions{Marker: "b/2.txt"},
			keys: []string{"b/c/3.txt", "c d/e f.txt", "pct%41.txt", "x+y=z&w.txt", "中文/文件.txt"}},
		{name: "marker past the end", opt: cossdk.BucketGetOptions{Marker: "中文/文件.txt"}},
		{name: "max-keys", opt: cossdk.BucketGetOptions{MaxKeys: 2},
			keys: []string{"a.txt", "b/1.txt"}, truncated: true, nextMarker: "b/1.txt"},
		{name: "max-keys counts prefixes", opt: cossdk.BucketGetOptions{Delimiter: "/", MaxKeys: 2},
			keys: []string{"a.txt"}, prefixes: []string{"b/"}, truncated: true, nextMarker: "b/"},
		{name: "marker is a prefix", opt: cossdk.BucketGetOptions{Delimiter: "/", Marker: "b/"},
			keys: []string{"pct%41.txt", "x+y=z&w.txt"}, prefixes: []string{"c d/", "中文/"}},
		{name: "no match", opt: cossdk.BucketGetOptions{Prefix: "zzz"}},
		{name: "encoding-type=url", opt: cossdk.BucketGetOptions{EncodingType: "url"}, wantEncodingType: "url",
			keys: []string{"a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "c%20d/e%20f.txt",
				"pct%2541.txt", "x%2By%3Dz%26w.txt", "%E4%B8%AD%E6%96%87/%E6%96%87%E4%BB%B6.txt"}},
		{name: "encoding-type=url with delimiter", opt: cossdk.BucketGetOptions{EncodingType: "url", Delimiter: "/", Prefix: "c d/"},
			wantEncodingType: "url", keys: []string{"c%20d/e%20f.txt"}},
		{name: "encoding-type=url prefixes", opt: cossdk.BucketGetOptions{EncodingType: "url", Delimiter: "/", Marker: "b/"},
			wantEncodingType: "url", keys: []string{"pct%2541.txt", "x%2By%3Dz%26w.txt"},
			prefixes: []string{"c%20d/", "%E4%B8%AD%E6%96%87/"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, _, err := c.Bucket.Get(t.Context(), &tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range res.Contents {
				got = append(got, o.Key)
			}
			if joinKeys(got) != joinKeys(tc.keys) {
				t.Errorf("keys = %q, want %q", got, tc.keys)
			}
			if joinKeys(res.CommonPrefixes) != joinKeys(tc.prefixes) {
				t.Errorf("prefixes = %q, want %q", res.CommonPrefixes, tc.prefixes)
			}
			if res.IsTruncated != tc.truncated || res.NextMarker != tc.nextMarker {
				t.Errorf("IsTruncated %v NextMarker %q, want %v %q", res.IsTruncated, res.NextMarker, tc.truncated, tc.nextMarker)
			}
			if res.EncodingType != tc.wantEncodingType {
				t.Errorf("EncodingType = %q", res.EncodingType)
			}
			if tc.wantEncodingType == "" && (res.Prefix != tc.opt.Prefix || res.Marker != tc.opt.Marker || res.Delimiter != tc.opt.Delimiter) {
				t.Errorf("echo: prefix %q marker %q delimiter %q", res.Prefix, res.Marker, res.Delimiter)
			}
		})
	}

	t.Run("bad parameters", func(t *testing.T) {
		_, _, err := c.Bucket.Get(t.Context(), &cossdk.BucketGetOptions{Delimiter: "//"})
		wantErr(t, err, 400, "InvalidDelimiter")
		_, _, err = c.Bucket.Get(t.Context(), &cossdk.BucketGetOptions{EncodingType: "base64"})
		wantErr(t, err, 400, "InvalidArgument")
		r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, query: "max-keys=many"}))
		wantRawErr(t, r, 400, "InvalidArgument")
		_, _, err = s.COS(arcatest.Bucket("nobucket")).Bucket.Get(t.Context(), nil)
		wantErr(t, err, 404, "NoSuchBucket")
		_, _, err = anon(s, name).Bucket.Get(t.Context(), nil)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("paging", func(t *testing.T) {
		pc, _ := newBucket(t, s, "paging")
		var all []string
		for p := range 20 {
			for k := range 10 {
				all = append(all, fmt.Sprintf("p%02d/%02d", p, k))
			}
		}
		for k := range 100 {
			all = append(all, fmt.Sprintf("t%03d", k))
		}
		parallel(t, len(all), func(i int) error {
			_, err := pc.Object.Put(t.Context(), all[i], strings.NewReader(all[i]), nil)
			return err
		})
		slices.Sort(all)

		keys, prefixes, pages := listAll(t, pc, cossdk.BucketGetOptions{MaxKeys: 70})
		if joinKeys(keys) != joinKeys(all) || len(prefixes) != 0 {
			t.Errorf("paged listing returned %d keys, %d prefixes; want the %d keys in order", len(keys), len(prefixes), len(all))
		}
		if pages != 5 {
			t.Errorf("%d pages, want 5", pages)
		}

		keys, prefixes, pages = listAll(t, pc, cossdk.BucketGetOptions{Delimiter: "/", MaxKeys: 7})
		var wantPrefixes, wantKeys []string
		for p := range 20 {
			wantPrefixes = append(wantPrefixes, fmt.Sprintf("p%02d/", p))
		}
		for k := range 100 {
			wantKeys = append(wantKeys, fmt.Sprintf("t%03d", k))
		}
		if joinKeys(prefixes) != joinKeys(wantPrefixes) || joinKeys(keys) != joinKeys(wantKeys) {
			t.Errorf("delimited paging: prefixes %q keys %d", prefixes, len(keys))
		}
		if pages != 18 { // 120 entries, 7 a page
			t.Errorf("%d pages, want 18", pages)
		}

		keys, _, pages = listAll(t, pc, cossdk.BucketGetOptions{Prefix: "p05/", MaxKeys: 3})
		if len(keys) != 10 || keys[0] != "p05/00" || keys[9] != "p05/09" || pages != 4 {
			t.Errorf("prefix paging: %q in %d pages", keys, pages)
		}
	})
}

// versionEntry is an entry of a version listing, Version or DeleteMarker, in
// document order.
type versionEntry struct {
	XMLName   xml.Name
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
	IsLatest  bool   `xml:"IsLatest"`
	ETag      string `xml:"ETag"`
	Size      int64  `xml:"Size"`
}

type versionsDoc struct {
	IsTruncated         bool           `xml:"IsTruncated"`
	NextKeyMarker       string         `xml:"NextKeyMarker"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker"`
	Entries             []versionEntry `xml:",any"`
}

func (e versionEntry) String() string {
	kind := "V"
	if e.XMLName.Local == "DeleteMarker" {
		kind = "DM"
	}
	return fmt.Sprintf("%s:%s@%s:%v", kind, e.Key, e.VersionID, e.IsLatest)
}

// rawVersions lists versions with a hand-built request so that the order
// of Version and DeleteMarker elements is kept.
func rawVersions(t *testing.T, s *arcatest.Server, bucket, query string) versionsDoc {
	t.Helper()
	q := "versions"
	if query != "" {
		q += "&" + query
	}
	r := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: bucket, query: q}))
	wantRawOK(t, r, 200)
	var d versionsDoc
	if err := xml.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	var kept []versionEntry
	for _, e := range d.Entries {
		if e.XMLName.Local == "Version" || e.XMLName.Local == "DeleteMarker" {
			kept = append(kept, e)
		}
	}
	d.Entries = kept
	return d
}

// TestBucket_ListVersions covers GET Bucket Object versions: the order
// (keys ascending, versions newest first, delete markers interleaved),
// IsLatest, the empty and "null" version ids, prefix/delimiter, and paging
// with key-marker/version-id-marker both by hand and with the SDK.
func TestBucket_ListVersions(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "versions")
	ctx := t.Context()

	// Before versioning: the version id is empty.
	put(t, c, "a", []byte("a0"), nil)
	d := rawVersions(t, s, name, "")
	if len(d.Entries) != 1 || d.Entries[0].VersionID != "" || !d.Entries[0].IsLatest {
		t.Fatalf("unversioned listing: %v", d.Entries)
	}
	res, _, err := c.Bucket.GetObjectVersions(ctx, nil)
	if err != nil || len(res.Version) != 1 || res.Version[0].VersionId != "" {
		t.Fatalf("SDK unversioned listing: %+v, %v", res, err)
	}

	if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Enabled"}); err != nil {
		t.Fatal(err)
	}
	ver := func(key, body string) string {
		h := put(t, c, key, []byte(body), nil)
		v := h.Get("x-cos-version-id")
		if v == "" || v == "null" {
			t.Fatalf("PUT in a versioned bucket: x-cos-version-id %q", v)
		}
		return v
	}
	a1, a2 := ver("a", "a1"), ver("a", "a2")
	b1 := ver("b", "b1")
	resp, err := c.Object.Delete(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	bm := resp.Header.Get("x-cos-version-id")
	cx, cy := ver("c/x", "cx"), ver("c/y", "cy")
	d1 := ver("d", "d1")

	want := []string{
		"V:a@" + a2 + ":true", "V:a@" + a1 + ":false", "V:a@null:false",
		"DM:b@" + bm + ":true", "V:b@" + b1 + ":false",
		"V:c/x@" + cx + ":true", "V:c/y@" + cy + ":true",
		"V:d@" + d1 + ":true",
	}
	str := func(es []versionEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.String())
		}
		return out
	}

	t.Run("order", func(t *testing.T) {
		d := rawVersions(t, s, name, "")
		if got := str(d.Entries); joinKeys(got) != joinKeys(want) {
			t.Errorf("versions =\n%q\nwant\n%q", got, want)
		}
		if d.IsTruncated {
			t.Error("IsTruncated")
		}
		for _, e := range d.Entries {
			if e.XMLName.Local == "Version" && (e.ETag == "" || e.Size != 2) {
				t.Errorf("%v: ETag %q Size %d", e, e.ETag, e.Size)
			}
		}
	})

	t.Run("SDK fields", func(t *testing.T) {
		res, _, err := c.Bucket.GetObjectVersions(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Name != name || len(res.Version) != 7 || len(res.DeleteMarker) != 1 {
			t.Fatalf("%d versions, %d markers", len(res.Version), len(res.DeleteMarker))
		}
		dm := res.DeleteMarker[0]
		if dm.Key != "b" || dm.VersionId != bm || !dm.IsLatest || dm.LastModified == "" || dm.Owner == nil {
			t.Errorf("delete marker %+v", dm)
		}
		v := res.Version[0]
		if v.Key != "a" || v.VersionId != a2 || v.ETag != etagOf([]byte("a2")) || v.StorageClass != "STANDARD" || v.Owner == nil {
			t.Errorf("version %+v", v)
		}
	})

	t.Run("prefix and delimiter", func(t *testing.T) {
		res, _, err := c.Bucket.GetObjectVersions(ctx, &cossdk.BucketGetObjectVersionsOptions{Delimiter: "/"})
		if err != nil {
			t.Fatal(err)
		}
		if joinKeys(res.CommonPrefixes) != "c/" || len(res.Version) != 5 {
			t.Errorf("prefixes %q, %d versions", res.CommonPrefixes, len(res.Version))
		}
		res, _, err = c.Bucket.GetObjectVersions(ctx, &cossdk.BucketGetObjectVersionsOptions{Prefix: "c/"})
		if err != nil || len(res.Version) != 2 || res.Prefix != "c/" {
			t.Errorf("prefix c/: %+v, %v", res, err)
		}
	})

	t.Run("key-marker only skips the key", func(t *testing.T) {
		d := rawVersions(t, s, name, "key-marker=a")
		if got := str(d.Entries); joinKeys(got) != joinKeys(want[3:]) {
			t.Errorf("after key a: %q", got)
		}
	})

	t.Run("key-marker and version-id-marker", func(t *testing.T) {
		d := rawVersions(t, s, name, "key-marker=a&version-id-marker="+a2)
		if got := str(d.Entries); joinKeys(got) != joinKeys(want[1:]) {
			t.Errorf("after a@a2: %q", got)
		}
	})

	t.Run("paging by hand", func(t *testing.T) {
		var got []string
		q := "max-keys=3"
		for pages := 1; ; pages++ {
			d := rawVersions(t, s, name, q)
			if len(d.Entries) > 3 {
				t.Fatalf("page of %d", len(d.Entries))
			}
			got = append(got, str(d.Entries)...)
			if !d.IsTruncated {
				if pages != 3 {
					t.Errorf("%d pages, want 3", pages)
				}
				break
			}
			last := d.Entries[len(d.Entries)-1]
			if d.NextKeyMarker != last.Key || d.NextVersionIDMarker != last.VersionID {
				t.Errorf("next markers %q/%q, last entry %v", d.NextKeyMarker, d.NextVersionIDMarker, last)
			}
			q = "max-keys=3&key-marker=" + url.QueryEscape(d.NextKeyMarker) + "&version-id-marker=" + url.QueryEscape(d.NextVersionIDMarker)
		}
		if joinKeys(got) != joinKeys(want) {
			t.Errorf("paged =\n%q\nwant\n%q", got, want)
		}
	})

	t.Run("paging with the SDK", func(t *testing.T) {
		opt := &cossdk.BucketGetObjectVersionsOptions{MaxKeys: 2}
		seen := map[string]bool{}
		for pages := 1; ; pages++ {
			res, _, err := c.Bucket.GetObjectVersions(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range res.Version {
				seen["V:"+v.Key+"@"+v.VersionId] = true
			}
			for _, m := range res.DeleteMarker {
				seen["DM:"+m.Key+"@"+m.VersionId] = true
			}
			if n := len(res.Version) + len(res.DeleteMarker); n > 2 || (res.IsTruncated && n != 2) {
				t.Fatalf("page %d holds %d entries", pages, n)
			}
			if !res.IsTruncated {
				break
			}
			if pages > 10 {
				t.Fatal("listing does not end")
			}
			opt.KeyMarker, opt.VersionIdMarker = res.NextKeyMarker, res.NextVersionIdMarker
		}
		if len(seen) != len(want) {
			t.Errorf("SDK paging saw %d entries, want %d: %v", len(seen), len(want), seen)
		}
		for _, w := range want {
			k := w[:strings.LastIndexByte(w, ':')]
			if !seen[k] {
				t.Errorf("missing %s", k)
			}
		}
	})

	t.Run("encoding-type=url", func(t *testing.T) {
		ver("sp ace/ü", "x")
		res, _, err := c.Bucket.GetObjectVersions(ctx, &cossdk.BucketGetObjectVersionsOptions{EncodingType: "url", Prefix: "sp"})
		if err != nil {
			t.Fatal(err)
		}
		if res.EncodingType != "url" || len(res.Version) != 1 || res.Version[0].Key != "sp%20ace/%C3%BC" {
			t.Errorf("encoded listing %+v", res)
		}
	})
}

// TestBucket_Versioning covers PUT/GET Bucket versioning: no Status on a
// never-versioned bucket, Enabled and Suspended, the effect of each on
// writes, and invalid bodies.
func TestBucket_Versioning(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "vstate")
	ctx := t.Context()

	res, resp, err := c.Bucket.GetVersioning(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "" {
		t.Errorf("never-versioned Status = %q", res.Status)
	}
	raw := do(t, s, signed(s, rawReq{method: http.MethodGet, bucket: name, query: "versioning"}))
	if bytes.Contains(raw.body, []byte("<Status")) || !bytes.Contains(raw.body, []byte("VersioningConfiguration")) {
		t.Errorf("never-versioned body %s", raw.body)
	}
	if resp.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	h := put(t, c, "k", []byte("v0"), nil)
	if h.Get("x-cos-version-id") != "" {
		t.Errorf("unversioned PUT sent x-cos-version-id %q", h.Get("x-cos-version-id"))
	}

	for _, st := range []string{"Enabled", "Suspended", "Enabled"} {
		if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: st}); err != nil {
			t.Fatalf("PUT %s: %v", st, err)
		}
		res, _, err := c.Bucket.GetVersioning(ctx)
		if err != nil || res.Status != st {
			t.Fatalf("GET after PUT %s: %q, %v", st, res.Status, err)
		}
	}

	// Enabled: every write is a new version.
	h1 := put(t, c, "k", []byte("v1"), nil)
	h2 := put(t, c, "k", []byte("v2"), nil)
	if h1.Get("x-cos-version-id") == "" || h1.Get("x-cos-version-id") == h2.Get("x-cos-version-id") {
		t.Errorf("version ids %q, %q", h1.Get("x-cos-version-id"), h2.Get("x-cos-version-id"))
	}
	body, gr := get(t, c, "k", nil, h1.Get("x-cos-version-id"))
	if string(body) != "v1" || gr.Header.Get("x-cos-version-id") != h1.Get("x-cos-version-id") {
		t.Errorf("GET version 1: %q, version header %q", body, gr.Header.Get("x-cos-version-id"))
	}
	body, _ = get(t, c, "k", nil, "null")
	if string(body) != "v0" {
		t.Errorf("null version = %q", body)
	}

	// Suspended: writes replace the null version.
	if _, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Suspended"}); err != nil {
		t.Fatal(err)
	}
	h3 := put(t, c, "k", []byte("v3"), nil)
	if v := h3.Get("x-cos-version-id"); v != "" {
		t.Errorf("suspended PUT sent x-cos-version-id %q", v)
	}
	body, gr = get(t, c, "k", nil)
	if string(body) != "v3" || gr.Header.Get("x-cos-version-id") != "null" {
		t.Errorf("GET in suspended bucket: %q, version %q", body, gr.Header.Get("x-cos-version-id"))
	}
	vres, _, err := c.Bucket.GetObjectVersions(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vres.Version {
		ids = append(ids, v.VersionId)
	}
	if len(ids) != 3 || ids[0] != "null" || ids[1] != h2.Get("x-cos-version-id") || ids[2] != h1.Get("x-cos-version-id") {
		t.Errorf("versions after suspended overwrite: %q", ids)
	}

	t.Run("invalid", func(t *testing.T) {
		for _, st := range []string{"", "Off", "enabled"} {
			_, err := c.Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: st})
			wantErr(t, err, 400, "MalformedXML")
		}
		for _, body := range []string{"<VersioningConfiguration><Status>Enabled", "not xml", "<Other/>"} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, query: "versioning", body: []byte(body)}))
			wantRawErr(t, r, 400, "MalformedXML")
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, query: "versioning",
			body:   []byte("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
			header: http.Header{"Content-Md5": {md5B64([]byte("other"))}}}))
		wantRawErr(t, r, 400, "BadDigest")
		res, _, _ := c.Bucket.GetVersioning(ctx)
		if res.Status != "Suspended" {
			t.Errorf("failed PUTs changed the state to %q", res.Status)
		}
		_, err := anon(s, name).Bucket.PutVersioning(ctx, &cossdk.BucketPutVersionOptions{Status: "Enabled"})
		wantErr(t, err, 403, "AccessDenied")
		_, _, err = anon(s, name).Bucket.GetVersioning(ctx)
		wantErr(t, err, 403, "AccessDenied")
	})
}

// grantsOf renders an ACL's grants as "grantee=PERMISSION" strings.
func grantsOf(acl *cossdk.ACLXml) []string {
	var out []string
	for _, g := range acl.AccessControlList {
		who := g.Grantee.ID
		if g.Grantee.URI != "" {
			who = g.Grantee.URI
		}
		out = append(out, who+"="+g.Permission)
	}
	slices.Sort(out)
	return out
}

const (
	allUsers  = "http://cam.qcloud.com/groups/global/AllUsers"
	authUsers = "http://cam.qcloud.com/groups/global/AuthenticatedUsers"
)

func uin(id string) string { return "qcs::cam::uin/" + id + ":uin/" + id }

// TestBucket_ACL covers PUT/GET Bucket ACL: every canned x-cos-acl value,
// x-cos-grant-* headers with id="..." lists in the forms COS accepts, an
// XML body, invalid input, and what anonymous callers may then do.
func TestBucket_ACL(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "bacl")
	ctx := t.Context()
	owner := uin(s.Root.ID)
	put(t, c, "obj", []byte("data"), nil)

	getACL := func(t *testing.T) (*cossdk.ACLXml, http.Header) {
		t.Helper()
		acl, resp, err := c.Bucket.GetACL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if acl.Owner == nil || acl.Owner.ID != owner || acl.Owner.DisplayName != owner {
			t.Errorf("owner %+v", acl.Owner)
		}
		return acl, resp.Header
	}

	t.Run("default is private", func(t *testing.T) {
		acl, h := getACL(t)
		if got := grantsOf(acl); joinKeys(got) != owner+"=FULL_CONTROL" {
			t.Errorf("grants %q", got)
		}
		if h.Get("x-cos-acl") != "private" {
			t.Errorf("SDK reads x-cos-acl %q", h.Get("x-cos-acl"))
		}
	})

	canned := []struct {
		acl    string
		grants []string
	}{
		{"public-read", []string{allUsers + "=READ", owner + "=FULL_CONTROL"}},
		{"public-read-write", []string{allUsers + "=READ", allUsers + "=WRITE", owner + "=FULL_CONTROL"}},
		{"authenticated-read", []string{authUsers + "=READ", owner + "=FULL_CONTROL"}},
		{"private", []string{owner + "=FULL_CONTROL"}},
	}
	for _, tc := range canned {
		t.Run("canned "+tc.acl, func(t *testing.T) {
			if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: tc.acl}}); err != nil {
				t.Fatal(err)
			}
			acl, h := getACL(t)
			if got := grantsOf(acl); joinKeys(got) != joinKeys(tc.grants) {
				t.Errorf("grants %q, want %q", got, tc.grants)
			}
			wantHeader := tc.acl
			if wantHeader == "authenticated-read" {
				wantHeader = "private" // the SDK only knows AllUsers grants
			}
			if h.Get("x-cos-acl") != wantHeader {
				t.Errorf("SDK reads x-cos-acl %q", h.Get("x-cos-acl"))
			}
		})
	}

	t.Run("grant headers", func(t *testing.T) {
		_, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{
			XCosGrantRead:        `id="100000000002",id="100000000001/100000000003"`,
			XCosGrantWrite:       `id="qcs::cam::uin/100000000001:uin/100000000004"`,
			XCosGrantReadACP:     `uin="100000000005"`,
			XCosGrantWriteACP:    `id="100000000006"`,
			XCosGrantFullControl: `id="100000000007", id="100000000008"`,
		}})
		if err != nil {
			t.Fatal(err)
		}
		acl, h := getACL(t)
		want := []string{
			owner + "=FULL_CONTROL",
			uin("100000000002") + "=READ", uin("100000000003") + "=READ",
			uin("100000000004") + "=WRITE", uin("100000000005") + "=READ_ACP",
			uin("100000000006") + "=WRITE_ACP",
			uin("100000000007") + "=FULL_CONTROL", uin("100000000008") + "=FULL_CONTROL",
		}
		slices.Sort(want)
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("grants\n%q\nwant\n%q", got, want)
		}
		if got := h.Get("x-cos-grant-read"); got != `id="`+uin("100000000002")+`",id="`+uin("100000000003")+`"` {
			t.Errorf("SDK reads x-cos-grant-read %q", got)
		}
		// Canned ACL plus grants.
		_, err = c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{
			XCosACL: "public-read", XCosGrantWrite: `id="100000000002"`,
		}})
		if err != nil {
			t.Fatal(err)
		}
		acl, _ = getACL(t)
		want = []string{allUsers + "=READ", owner + "=FULL_CONTROL", uin("100000000002") + "=WRITE"}
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("canned+grant: %q", got)
		}
	})

	t.Run("XML body", func(t *testing.T) {
		body := &cossdk.ACLXml{
			Owner: &cossdk.Owner{ID: owner},
			AccessControlList: []cossdk.ACLGrant{
				{Grantee: &cossdk.ACLGrantee{Type: "Group", URI: allUsers}, Permission: "READ"},
				{Grantee: &cossdk.ACLGrantee{Type: "CanonicalUser", ID: owner}, Permission: "FULL_CONTROL"},
				{Grantee: &cossdk.ACLGrantee{Type: "CanonicalUser", ID: uin("100000000009")}, Permission: "WRITE"},
			},
		}
		if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Body: body}); err != nil {
			t.Fatal(err)
		}
		acl, h := getACL(t)
		want := []string{allUsers + "=READ", owner + "=FULL_CONTROL", uin("100000000009") + "=WRITE"}
		if got := grantsOf(acl); joinKeys(got) != joinKeys(want) {
			t.Errorf("grants %q", got)
		}
		if h.Get("x-cos-acl") != "public-read" {
			t.Errorf("SDK reads x-cos-acl %q", h.Get("x-cos-acl"))
		}
		// The documents' xsi:type form, by hand.
		doc := `<AccessControlPolicy><Owner><ID>` + owner + `</ID></Owner><AccessControlList>` +
			`<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>` + owner + `</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
			`</AccessControlList></AccessControlPolicy>`
		r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, query: "acl", body: []byte(doc),
			header: http.Header{"Content-Type": {"application/xml"}, "Content-Md5": {md5B64([]byte(doc))}}}))
		wantRawOK(t, r, 200)
		acl, _ = getACL(t)
		if got := grantsOf(acl); joinKeys(got) != owner+"=FULL_CONTROL" {
			t.Errorf("grants after xsi body: %q", got)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		_, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "bucket-owner-read"}})
		wantErr(t, err, 400, "InvalidArgument")
		_, err = c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosGrantRead: `email="x@y"`}})
		wantErr(t, err, 400, "InvalidArgument")
		for _, body := range []string{"<AccessControlPolicy>", "garbage",
			`<AccessControlPolicy><AccessControlList><Grant><Grantee><ID>1</ID></Grantee><Permission>OWN</Permission></Grant></AccessControlList></AccessControlPolicy>`} {
			r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, query: "acl", body: []byte(body)}))
			wantRawErr(t, r, 400, "MalformedXML")
		}
		r := do(t, s, signed(s, rawReq{method: http.MethodPut, bucket: name, query: "acl"}))
		wantRawErr(t, r, 400, "MissingRequestBodyError")
		acl, _ := getACL(t)
		if got := grantsOf(acl); joinKeys(got) != owner+"=FULL_CONTROL" {
			t.Errorf("failed PUTs changed the ACL: %q", got)
		}
	})

	t.Run("anonymous access follows the ACL", func(t *testing.T) {
		a := anon(s, name)
		setACL := func(v string) {
			t.Helper()
			if _, err := c.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: v}}); err != nil {
				t.Fatal(err)
			}
		}
		setACL("public-read")
		if res, _, err := a.Bucket.Get(ctx, nil); err != nil || len(res.Contents) != 1 {
			t.Fatalf("anonymous list of public-read bucket: %v", err)
		}
		if body, _ := get(t, a, "obj", nil); string(body) != "data" {
			t.Fatalf("anonymous GET = %q", body)
		}
		_, err := a.Object.Put(ctx, "anon", strings.NewReader("x"), nil)
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Object.Delete(ctx, "obj")
		wantErr(t, err, 403, "AccessDenied")
		_, _, err = a.Bucket.GetACL(ctx)
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Bucket.PutACL(ctx, &cossdk.BucketPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read-write"}})
		wantErr(t, err, 403, "AccessDenied")

		setACL("public-read-write")
		put(t, a, "anon", []byte("x"), nil)
		if _, err := a.Object.Delete(ctx, "anon"); err != nil {
			t.Fatalf("anonymous DELETE in public-read-write bucket: %v", err)
		}

		setACL("authenticated-read")
		_, _, err = a.Bucket.Get(ctx, nil)
		wantErr(t, err, 403, "AccessDenied")

		setACL("private")
		_, _, err = a.Bucket.Get(ctx, nil)
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Object.Get(ctx, "obj", nil)
		wantErr(t, err, 403, "AccessDenied")
		_, err = a.Object.Head(ctx, "obj", nil)
		wantStatus(t, err, 403)
		_, err = a.Object.Put(ctx, "anon", strings.NewReader("x"), nil)
		wantErr(t, err, 403, "AccessDenied")
	})
}

// TestBucket_ListUploads covers List Multipart Uploads through both SDK
// calls: order (key, then initiation), prefix, delimiter, encoding-type=url,
// the upload fields, and paging with key-marker/upload-id-marker.
func TestBucket_ListUploads(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	c, name := newBucket(t, s, "uploads")
	ctx := t.Context()

	type up struct{ key, id string }
	var ups []up
	for _, k := range []string{"photos/a.jpg", "photos/a.jpg", "photos/b.jpg", "docs/x y.txt", "top.bin"} {
		var opt *cossdk.InitiateMultipartUploadOptions
		if k == "top.bin" {
			opt = &cossdk.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosStorageClass: "STANDARD_IA"}}
		}
		res, _, err := c.Object.InitiateMultipartUpload(ctx, k, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Bucket != name || res.Key != k || res.UploadID == "" {
			t.Fatalf("initiate result %+v", res)
		}
		ups = append(ups, up{k, res.UploadID})
	}
	// Sorted by key, then by initiation (ids of one key stay in order).
	want := []up{ups[3], ups[0], ups[1], ups[2], ups[4]}
	ids := func(res *cossdk.ObjectListUploadsResult) []string {
		var out []string
		for _, u := range res.Upload {
			out = append(out, u.Key+"#"+u.UploadID)
		}
		return out
	}
	wantIDs := func(us ...up) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.key+"#"+u.id)
		}
		return out
	}

	t.Run("all", func(t *testing.T) {
		res, _, err := c.Object.ListUploads(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if joinKeys(ids(res)) != joinKeys(wantIDs(want...)) {
			t.Errorf("uploads\n%q\nwant\n%q", ids(res), wantIDs(want...))
		}
		if res.Bucket != name || res.IsTruncated || res.MaxUploads != "1000" {
			t.Errorf("result %+v", res)
		}
		for _, u := range res.Upload {
			wantClass := "STANDARD"
			if u.Key == "top.bin" {
				wantClass = "STANDARD_IA"
			}
			if u.StorageClass != wantClass || u.Initiator == nil || u.Initiator.ID != uin(s.Root.ID) || u.Owner == nil || u.Initiated == "" {
				t.Errorf("upload %+v", u)
			}
		}
		// The bucket-level call reads the same document.
		bres, _, err := c.Bucket.ListMultipartUploads(ctx, nil)
		if err != nil || len(bres.Uploads) != 5 || bres.Uploads[0].Key != "docs/x y.txt" {
			t.Errorf("Bucket.ListMultipartUploads: %+v, %v", bres, err)
		}
	})

	t.Run("prefix", func(t *testing.T) {
		res, _, err := c.Object.ListUploads(ctx, &cossdk.ObjectListUploadsOptions{Prefix: "photos/"})
		if err != nil || joinKeys(ids(res)) != joinKeys(wantIDs(want[1:4]...)) || res.Prefix != "photos/" {
			t.Errorf("prefix: %q, %v", ids(res), err)
		}
	})

	t.Run("delimiter", func(t *testing.T) {
		res, _, err := c.Object.ListUploads(ctx, &cossdk.ObjectListUploadsOptions{Delimiter: "/"})
		if err != nil {
			t.Fatal(err)
		}
		if joinKeys(ids(res)) != joinKeys(wantIDs(ups[4])) || joinKeys(res.CommonPrefixes) != "docs/,photos/" || res.Delimiter != "/" {
			t.Errorf("delimiter: uploads %q prefixes %q", ids(res), res.CommonPrefixes)
		}
	})

	t.Run("encoding-type=url", func(t *testing.T) {
		res, _, err := c.Object.ListUploads(ctx, &cossdk.ObjectListUploadsOptions{Prefix: "docs/", EncodingType: "url"})
		if err != nil || len(res.Upload) != 1 || res.Upload[0].Key != "docs/x%20y.txt" || res.EncodingType != "url" {
			t.Errorf("encoded: %+v, %v", res, err)
		}
	})

	t.Run("paging", func(t *testing.T) {
		opt := &cossdk.ObjectListUploadsOptions{MaxUploads: 2}
		var got []string
		for pages := 1; ; pages++ {
			res, _, err := c.Object.ListUploads(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(res)...)
			if !res.IsTruncated {
				if pages != 3 {
					t.Errorf("%d pages, want 3", pages)
				}
				break
			}
			last := res.Upload[len(res.Upload)-1]
			if res.NextKeyMarker != last.Key || res.NextUploadIdMarker != last.UploadID {
				t.Errorf("next markers %q/%q, last %+v", res.NextKeyMarker, res.NextUploadIdMarker, last)
			}
			opt.KeyMarker, opt.UploadIdMarker = res.NextKeyMarker, res.NextUploadIdMarker
		}
		if joinKeys(got) != joinKeys(wantIDs(want...)) {
			t.Errorf("paged\n%q\nwant\n%q", got, wantIDs(want...))
		}
	})

	t.Run("finished uploads disappear", func(t *testing.T) {
		if _, err := c.Object.AbortMultipartUpload(ctx, ups[0].key, ups[0].id); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Object.UploadPart(ctx, ups[2].key, ups[2].id, 1, strings.NewReader("last"), nil); err != nil {
			t.Fatal(err)
		}
		_, _, err := c.Object.CompleteMultipartUpload(ctx, ups[2].key, ups[2].id, &cossdk.CompleteMultipartUploadOptions{
			Parts: []cossdk.Object{{PartNumber: 1, ETag: etagOf([]byte("last"))}},
		})
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := c.Object.ListUploads(ctx, nil)
		if err != nil || joinKeys(ids(res)) != joinKeys(wantIDs(ups[3], ups[1], ups[4])) {
			t.Errorf("after abort and complete: %q, %v", ids(res), err)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		_, _, err := anon(s, name).Object.ListUploads(ctx, nil)
		wantErr(t, err, 403, "AccessDenied")
	})
}
