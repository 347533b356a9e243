package oss_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestBucketLifecycle: PutBucket (ACL, storage class), IsBucketExist,
// ListBuckets paging, GetBucketInfo, GetBucketLocation, bucket ACLs,
// DeleteBucket, with both SDKs.
func TestBucketLifecycle(t *testing.T) {
	s := arcatest.Start(t)
	c1 := s.OSSV1(false)
	ctx := context.Background()
	names := []string{"lc-a1-" + arcatest.AppID, "lc-a2-" + arcatest.AppID, "lc-a3-" + arcatest.AppID, "lc-b1-" + arcatest.AppID}
	for _, n := range names {
		if err := c1.CreateBucket(n); err != nil {
			t.Fatalf("create %s: %v", n, err)
		}
	}
	// Creating a bucket one already owns succeeds.
	if err := c1.CreateBucket(names[0]); err != nil {
		t.Errorf("re-create own bucket: %v", err)
	}
	if ok, err := c1.IsBucketExist(names[1]); err != nil || !ok {
		t.Errorf("IsBucketExist = %v, %v", ok, err)
	}
	if ok, err := c1.IsBucketExist("lc-none"); err != nil || ok {
		t.Errorf("IsBucketExist(missing) = %v, %v", ok, err)
	}
	// Paging by prefix, marker and max-keys.
	res, err := c1.ListBuckets(ossv1.Prefix("lc-a"), ossv1.MaxKeys(2))
	if err != nil || len(res.Buckets) != 2 || !res.IsTruncated || res.NextMarker != names[1] || res.Buckets[0].Location != "oss-cn-hangzhou" {
		t.Fatalf("page 1 = %+v, %v", res, err)
	}
	res, err = c1.ListBuckets(ossv1.Prefix("lc-a"), ossv1.Marker(res.NextMarker), ossv1.MaxKeys(2))
	if err != nil || len(res.Buckets) != 1 || res.IsTruncated || res.Buckets[0].Name != names[2] {
		t.Fatalf("page 2 = %+v, %v", res, err)
	}
	var all []string
	for p := s.OSSV2(true).NewListBucketsPaginator(&ossv2.ListBucketsRequest{Prefix: ptr("lc-"), MaxKeys: 1}); p.HasNext(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Buckets {
			all = append(all, *b.Name)
			if b.CreationDate == nil || b.CreationDate.IsZero() || *b.Region != arcatest.OSSRegion {
				t.Errorf("bucket %+v", b)
			}
		}
	}
	if !slices.Equal(all, names) {
		t.Errorf("v2 paginator = %v", all)
	}

	// Storage class, redundancy and ACL at creation, seen in BucketInfo.
	if err := c1.CreateBucket("lc-ia-"+arcatest.AppID, ossv1.ACL(ossv1.ACLPublicRead), ossv1.StorageClass(ossv1.StorageIA), ossv1.RedundancyType(ossv1.RedundancyZRS)); err != nil {
		t.Fatal(err)
	}
	info, err := c1.GetBucketInfo("lc-ia-" + arcatest.AppID)
	if err != nil {
		t.Fatal(err)
	}
	bi := info.BucketInfo
	if bi.Name != "lc-ia-"+arcatest.AppID || bi.StorageClass != "IA" || bi.ACL != "public-read" || bi.RedundancyType != "ZRS" ||
		bi.Location != "oss-cn-hangzhou" || bi.CreationDate.IsZero() || bi.Owner.ID != s.Root.ID || bi.ExtranetEndpoint == "" {
		t.Errorf("bucket info = %+v", bi)
	}
	v2info, err := s.OSSV2(true).GetBucketInfo(ctx, &ossv2.GetBucketInfoRequest{Bucket: ptr(names[0])})
	if err != nil || *v2info.BucketInfo.StorageClass != "Standard" || *v2info.BucketInfo.ACL != "private" {
		t.Errorf("v2 bucket info = %+v, %v", v2info, err)
	}
	if loc, err := c1.GetBucketLocation(names[0]); err != nil || loc != "oss-cn-hangzhou" {
		t.Errorf("location = %q, %v", loc, err)
	}
	if loc, err := s.OSSV2(false).GetBucketLocation(ctx, &ossv2.GetBucketLocationRequest{Bucket: ptr(names[0])}); err != nil || *loc.LocationConstraint != "oss-cn-hangzhou" {
		t.Errorf("v2 location = %+v, %v", loc, err)
	}
	_, err = c1.GetBucketInfo("lc-missing")
	wantErr(t, "info of a missing bucket", err, 404, "NoSuchBucket")
	if _, _, ec, _ := svcErr(err); ec != "0015-00000101" {
		t.Errorf("NoSuchBucket EC = %q", ec)
	}

	// Bucket ACLs.
	for _, acl := range []ossv1.ACLType{ossv1.ACLPublicReadWrite, ossv1.ACLPublicRead, ossv1.ACLPrivate} {
		if err := c1.SetBucketACL(names[0], acl); err != nil {
			t.Fatal(err)
		}
		got, err := c1.GetBucketACL(names[0])
		if err != nil || got.ACL != string(acl) || got.Owner.ID != s.Root.ID {
			t.Errorf("acl after %s = %+v, %v", acl, got, err)
		}
	}
	if _, err := s.OSSV2(true).PutBucketAcl(ctx, &ossv2.PutBucketAclRequest{Bucket: ptr(names[0]), Acl: ossv2.BucketACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OSSV2(true).GetBucketAcl(ctx, &ossv2.GetBucketAclRequest{Bucket: ptr(names[0])}); err != nil || *got.ACL != "public-read" {
		t.Errorf("v2 acl = %+v, %v", got, err)
	}
	e := &env{t: t, s: s, bucket: names[0]}
	_, _, err = e.request("PUT", names[0], "", "acl", nil, hdr("x-oss-acl", "world-writable"), e.signV1)
	wantErr(t, "bad x-oss-acl", err, 400, "InvalidArgument")
	if _, _, ec, _ := svcErr(err); ec != "0015-00000204" {
		t.Errorf("bad ACL EC = %q", ec)
	}

	// Names OSS refuses.
	for _, bad := range []string{"ab", "Upper-case", "under_score", "-lead", strings.Repeat("a", 64), "dot.ted"} {
		_, _, err := e.request("PUT", bad, "", "", nil, nil, e.signV1)
		wantErr(t, "create "+bad, err, 400, "InvalidBucketName")
	}

	// DeleteBucket: not while it holds objects or uploads.
	b, _ := c1.Bucket(names[3])
	if err := b.PutObject("k", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "delete non-empty", c1.DeleteBucket(names[3]), 409, "BucketNotEmpty")
	if err := b.DeleteObject("k"); err != nil {
		t.Fatal(err)
	}
	imur, err := b.InitiateMultipartUpload("mp")
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, "delete with an upload", c1.DeleteBucket(names[3]), 409, "BucketNotEmpty")
	if err := b.AbortMultipartUpload(imur); err != nil {
		t.Fatal(err)
	}
	if err := c1.DeleteBucket(names[3]); err != nil {
		t.Fatalf("delete empty: %v", err)
	}
	if _, err := s.OSSV2(true).DeleteBucket(ctx, &ossv2.DeleteBucketRequest{Bucket: ptr(names[2])}); err != nil {
		t.Fatalf("v2 delete: %v", err)
	}
	wantErr(t, "delete missing", c1.DeleteBucket(names[3]), 404, "NoSuchBucket")
	if _, err := s.OSSV2(true).PutBucket(ctx, &ossv2.PutBucketRequest{Bucket: ptr(names[2]),
		CreateBucketConfiguration: &ossv2.CreateBucketConfiguration{StorageClass: ossv2.StorageClassArchive}}); err != nil {
		t.Fatalf("v2 create: %v", err)
	}
	if info, err := c1.GetBucketInfo(names[2]); err != nil || info.BucketInfo.StorageClass != "Archive" {
		t.Errorf("v2-created bucket info = %+v, %v", info, err)
	}
}

// TestSharedWithCOS: one bucket namespace. A bucket and objects created
// through COS are visible through OSS, and the other way round.
func TestSharedWithCOS(t *testing.T) {
	s := arcatest.Start(t)
	ctx := context.Background()
	cosName := arcatest.Bucket("fromcos")
	cc := s.COS(cosName)
	if _, err := cc.Bucket.Put(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Object.Put(ctx, "cos.txt", strings.NewReader("from cos"), &cossdk.ObjectPutOptions{
		ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosMetaXXX: &http.Header{"X-Cos-Meta-Who": {"cos"}}}}); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, bucket: cosName, v1: s.OSSV1Bucket(cosName, false), v2: s.OSSV2(true)}
	data, h := e.get("cos.txt")
	if string(data) != "from cos" || h.Get("x-oss-meta-who") != "cos" {
		t.Errorf("OSS read of a COS object = %q, %v", data, h)
	}
	checkObjectHeaders(t, "COS object via OSS", h, data)
	e.put("oss.txt", []byte("from oss"), ossv1.Meta("who", "oss"), ossv1.ObjectStorageClass(ossv1.StorageIA))
	resp, err := cc.Object.Get(ctx, "oss.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "from oss" || resp.Header.Get("x-cos-meta-who") != "oss" || resp.Header.Get("x-cos-storage-class") != "STANDARD_IA" {
		t.Errorf("COS read of an OSS object = %q, %v", got, resp.Header)
	}
	found := false
	res, err := s.OSSV1(false).ListBuckets()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range res.Buckets {
		found = found || b.Name == cosName
	}
	if !found {
		t.Errorf("ListBuckets lacks the COS bucket %s", cosName)
	}
}

// TestListObjects: ListObjects and ListObjectsV2 with prefix, delimiter,
// markers, paging, encoding-type=url, object types and owners.
func TestListObjects(t *testing.T) {
	e := newEnv(t, "list")
	ctx := context.Background()
	keys := []string{"a.txt", "dir/1", "dir/2", "dir/sub/3", "odd key+%/ü\x01", "z"}
	for _, k := range keys {
		e.put(k, []byte(k))
	}
	if _, err := e.v1.AppendObject("dir/app", strings.NewReader("ap"), 0); err != nil {
		t.Fatal(err)
	}
	if err := e.v1.PutSymlink("dir/link", "a.txt"); err != nil {
		t.Fatal(err)
	}

	res, err := e.v1.ListObjects(ossv1.Delimiter("/"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Objects {
		got = append(got, o.Key)
		if o.ETag != etagOf([]byte(o.Key)) || o.Type != "Normal" || o.StorageClass != "Standard" || o.Owner.ID != e.s.Root.ID || o.LastModified.IsZero() {
			t.Errorf("entry %+v", o)
		}
	}
	if !slices.Equal(got, []string{"a.txt", "z"}) || !slices.Equal(res.CommonPrefixes, []string{"dir/", "odd key+%/"}) {
		t.Errorf("delimited list = %v %v", got, res.CommonPrefixes)
	}
	res, err = e.v1.ListObjects(ossv1.Prefix("dir/"))
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, o := range res.Objects {
		types[o.Key] = o.Type
	}
	if types["dir/app"] != "Appendable" || types["dir/link"] != "Symlink" || types["dir/1"] != "Normal" {
		t.Errorf("types = %v", types)
	}

	// Paging with max-keys and marker: every key once, in order.
	var paged []string
	marker := ""
	for i := 0; i < 20; i++ {
		res, err := e.v1.ListObjects(ossv1.MaxKeys(3), ossv1.Marker(marker))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Objects {
			paged = append(paged, o.Key)
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
	}
	want := append(append([]string(nil), keys...), "dir/app", "dir/link")
	slices.Sort(want)
	if !slices.Equal(paged, want) {
		t.Errorf("paged = %q, want %q", paged, want)
	}

	// V2 with continuation tokens, start-after and fetch-owner, through
	// both SDKs.
	var v2keys []string
	for p := e.v2.NewListObjectsV2Paginator(&ossv2.ListObjectsV2Request{Bucket: &e.bucket, MaxKeys: 2}); p.HasNext(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if page.KeyCount != len(page.Contents)+len(page.CommonPrefixes) {
			t.Errorf("KeyCount %d", page.KeyCount)
		}
		for _, o := range page.Contents {
			v2keys = append(v2keys, *o.Key)
			if o.Owner != nil {
				t.Errorf("owner without fetch-owner: %+v", o.Owner)
			}
		}
	}
	if !slices.Equal(v2keys, want) {
		t.Errorf("v2 paged = %q", v2keys)
	}
	r2, err := e.v1.ListObjectsV2(ossv1.StartAfter("dir/2"), ossv1.FetchOwner(true), ossv1.MaxKeys(2))
	if err != nil || len(r2.Objects) != 2 || r2.Objects[0].Key != "dir/app" || r2.Objects[0].Owner.ID != e.s.Root.ID || !r2.IsTruncated {
		t.Fatalf("v2 start-after = %+v, %v", r2, err)
	}
	r2, err = e.v1.ListObjectsV2(ossv1.ContinuationToken(r2.NextContinuationToken), ossv1.MaxKeys(100))
	if err != nil || len(r2.Objects) != 3 || r2.Objects[0].Key != "dir/sub/3" {
		t.Fatalf("v2 continuation = %+v, %v", r2, err)
	}
	var v1keys []string
	for p := e.v2.NewListObjectsPaginator(&ossv2.ListObjectsRequest{Bucket: &e.bucket, Prefix: ptr("odd"), MaxKeys: 1}); p.HasNext(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			v1keys = append(v1keys, *o.Key)
		}
	}
	if !slices.Equal(v1keys, []string{"odd key+%/ü\x01"}) {
		t.Errorf("v2 ListObjects of an odd key = %q", v1keys)
	}
	// Raw: encoding-type=url encodes every field it applies to.
	_, body, err := e.request("GET", e.bucket, "", "prefix=odd&encoding-type=url", nil, nil, e.signV1)
	if err != nil || !strings.Contains(string(body), "<Key>odd%20key%2B%25%2F%C3%BC%01</Key>") || !strings.Contains(string(body), "<EncodingType>url</EncodingType>") {
		t.Errorf("encoded listing = %v %s", err, body)
	}
	for _, q := range []string{"max-keys=0", "max-keys=1001", "max-keys=x", "encoding-type=base64"} {
		_, _, err := e.request("GET", e.bucket, "", q, nil, nil, e.signV1)
		wantErr(t, q, err, 400, "InvalidArgument")
	}
	_, err = e.s.OSSV1Bucket("list-missing", false).ListObjects()
	wantErr(t, "list missing bucket", err, 404, "NoSuchBucket")
}

// TestVersioning: bucket versioning, version ids, delete markers and
// ListObjectVersions.
func TestVersioning(t *testing.T) {
	e := newEnv(t, "ver")
	c1 := e.s.OSSV1(false)
	ctx := context.Background()
	if v, err := c1.GetBucketVersioning(e.bucket); err != nil || v.Status != "" {
		t.Fatalf("fresh versioning = %+v, %v", v, err)
	}
	// No x-oss-version-id before versioning.
	if h := e.put("k", []byte("v0")); h.Get("x-oss-version-id") != "" {
		t.Errorf("unversioned PUT has x-oss-version-id %q", h.Get("x-oss-version-id"))
	}
	e.versioned()
	if v, err := e.v2.GetBucketVersioning(ctx, &ossv2.GetBucketVersioningRequest{Bucket: &e.bucket}); err != nil || *v.VersionStatus != "Enabled" {
		t.Fatalf("versioning = %+v, %v", v, err)
	}
	h1 := e.put("k", []byte("v1"))
	h2 := e.put("k", []byte("v2"))
	id1, id2 := h1.Get("x-oss-version-id"), h2.Get("x-oss-version-id")
	if id1 == "" || id2 == "" || id1 == id2 {
		t.Fatalf("version ids %q %q", id1, id2)
	}
	if data, h := e.get("k", ossv1.VersionId(id1)); string(data) != "v1" || h.Get("x-oss-version-id") != id1 {
		t.Errorf("GET v1 = %q %v", data, h)
	}
	if data, _ := e.get("k", ossv1.VersionId("null")); string(data) != "v0" {
		t.Errorf("GET null = %q", data)
	}
	// A delete adds a marker; the key reads as missing, flagged.
	var dh http.Header
	if err := e.v1.DeleteObject("k", ossv1.GetResponseHeader(&dh)); err != nil {
		t.Fatal(err)
	}
	marker := dh.Get("x-oss-version-id")
	if dh.Get("x-oss-delete-marker") != "true" || marker == "" {
		t.Fatalf("delete headers %v", dh)
	}
	resp, _, err := e.request("GET", e.bucket, "k", "", nil, nil, e.signV1)
	wantErr(t, "GET after delete", err, 404, "NoSuchKey")
	if resp.Header.Get("x-oss-delete-marker") != "true" || resp.Header.Get("x-oss-version-id") != marker {
		t.Errorf("404 headers %v", resp.Header)
	}
	resp, body, err := e.request("GET", e.bucket, "k", "versionId="+marker, nil, nil, e.signV1)
	wantErr(t, "GET of the marker", err, 405, "MethodNotAllowed")
	if resp.Header.Get("Allow") != "DELETE" || !strings.Contains(string(body), "<ResourceType>DeleteMarker</ResourceType>") {
		t.Errorf("405 = %v %s", resp.Header, body)
	}
	_, err = e.v2.HeadObject(ctx, &ossv2.HeadObjectRequest{Bucket: &e.bucket, Key: ptr("k"), VersionId: &marker})
	wantErr(t, "HEAD of the marker", err, 405, "MethodNotAllowed")
	_, err = e.v2.GetObject(ctx, &ossv2.GetObjectRequest{Bucket: &e.bucket, Key: ptr("k"), VersionId: ptr("bm90LWEtdmVyc2lvbg")})
	wantErr(t, "GET of an unknown version", err, 404, "NoSuchVersion")

	e.put("other", []byte("o"))
	// ListObjectVersions: newest first per key, markers without Type.
	lv, err := e.v1.ListObjectVersions()
	if err != nil {
		t.Fatal(err)
	}
	if len(lv.ObjectDeleteMarkers) != 1 || lv.ObjectDeleteMarkers[0].VersionId != marker || !lv.ObjectDeleteMarkers[0].IsLatest {
		t.Errorf("markers = %+v", lv.ObjectDeleteMarkers)
	}
	var ids []string
	for _, v := range lv.ObjectVersions {
		ids = append(ids, v.Key+"@"+v.VersionId)
	}
	if want := []string{"k@" + id2, "k@" + id1, "k@null", "other@" + lv.ObjectVersions[3].VersionId}; !slices.Equal(ids, want) {
		t.Errorf("versions = %v, want %v", ids, want)
	}
	// Paging one entry at a time reaches every version, through both SDKs.
	var paged []string
	for p := e.v2.NewListObjectVersionsPaginator(&ossv2.ListObjectVersionsRequest{Bucket: &e.bucket, MaxKeys: 1}); p.HasNext(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.ObjectDeleteMarkers {
			paged = append(paged, "dm@"+*m.VersionId)
		}
		for _, v := range page.ObjectVersions {
			paged = append(paged, *v.Key+"@"+*v.VersionId)
		}
	}
	if want := append([]string{"dm@" + marker}, ids...); !slices.Equal(paged, want) {
		t.Errorf("paged versions = %v, want %v", paged, want)
	}
	keyMarker, idMarker := "", ""
	count := 0
	for {
		r, err := e.v1.ListObjectVersions(ossv1.MaxKeys(2), ossv1.KeyMarker(keyMarker), ossv1.VersionIdMarker(idMarker))
		if err != nil {
			t.Fatal(err)
		}
		count += len(r.ObjectVersions) + len(r.ObjectDeleteMarkers)
		if !r.IsTruncated {
			break
		}
		keyMarker, idMarker = r.NextKeyMarker, r.NextVersionIdMarker
	}
	if count != 5 {
		t.Errorf("v1 paged %d entries, want 5", count)
	}
	// Deleting the marker by id brings the object back.
	if err := e.v1.DeleteObject("k", ossv1.VersionId(marker)); err != nil {
		t.Fatal(err)
	}
	if data, _ := e.get("k"); string(data) != "v2" {
		t.Errorf("after removing the marker = %q", data)
	}
	// Suspended: new writes are the null version.
	if err := c1.SetBucketVersioning(e.bucket, ossv1.VersioningConfig{Status: "Suspended"}); err != nil {
		t.Fatal(err)
	}
	if h := e.put("k", []byte("v3")); h.Get("x-oss-version-id") != "null" {
		t.Errorf("suspended PUT version = %q", h.Get("x-oss-version-id"))
	}
	_, _, err = e.request("PUT", e.bucket, "", "versioning", []byte(`<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>`), nil, e.signV1)
	wantErr(t, "bad status", err, 400, "InvalidArgument")
	_, _, err = e.request("PUT", e.bucket, "", "versioning", []byte(`<VersioningConfiguration><Status>Enabled`), nil, e.signV1)
	wantErr(t, "bad XML", err, 400, "MalformedXML")
}

// TestCORS: PutBucketCors/GetBucketCors/DeleteBucketCors, the OPTIONS
// preflight, CORS headers on actual requests, and the rules shared with
// COS.
func TestCORS(t *testing.T) {
	e := newEnv(t, "cors")
	c1 := e.s.OSSV1(false)
	ctx := context.Background()
	_, err := c1.GetBucketCORS(e.bucket)
	wantErr(t, "no CORS", err, 404, "NoSuchCORSConfiguration")
	_, err = e.v1.OptionsMethod("k", ossv1.Origin("https://app.example"), ossv1.ACReqMethod("PUT"))
	wantErr(t, "preflight without rules", err, 403, "AccessForbidden")

	rules := []ossv1.CORSRule{
		{AllowedOrigin: []string{"https://*.example"}, AllowedMethod: []string{"PUT", "GET"}, AllowedHeader: []string{"x-oss-*", "content-type"},
			ExposeHeader: []string{"ETag", "x-oss-request-id"}, MaxAgeSeconds: 600},
		{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET"}},
	}
	if err := c1.SetBucketCORS(e.bucket, rules); err != nil {
		t.Fatal(err)
	}
	got, err := c1.GetBucketCORS(e.bucket)
	if err != nil || len(got.CORSRules) != 2 || got.CORSRules[0].MaxAgeSeconds != 600 || got.CORSRules[0].AllowedOrigin[0] != "https://*.example" {
		t.Fatalf("GetBucketCORS = %+v, %v", got, err)
	}
	v2got, err := e.v2.GetBucketCors(ctx, &ossv2.GetBucketCorsRequest{Bucket: &e.bucket})
	if err != nil || len(v2got.CORSConfiguration.CORSRules) != 2 || *v2got.CORSConfiguration.ResponseVary {
		t.Fatalf("v2 GetBucketCors = %+v, %v", v2got, err)
	}

	h, err := e.v1.OptionsMethod("k", ossv1.Origin("https://app.example"), ossv1.ACReqMethod("PUT"), ossv1.ACReqHeaders("x-oss-meta-a, Content-Type"))
	if err != nil || h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Max-Age") != "600" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "PUT") {
		t.Errorf("preflight = %v, %v", h, err)
	}
	res, err := e.v2.OptionObject(ctx, &ossv2.OptionObjectRequest{Bucket: &e.bucket, Key: ptr("k"), Origin: ptr("https://other.site"),
		AccessControlRequestMethod: ptr("GET")})
	if err != nil || *res.AccessControlAllowOrigin == "" {
		t.Errorf("v2 preflight = %+v, %v", res, err)
	}
	_, err = e.v1.OptionsMethod("k", ossv1.Origin("https://other.site"), ossv1.ACReqMethod("DELETE"))
	wantErr(t, "preflight not allowed", err, 403, "AccessForbidden")
	_, _, err = e.request("OPTIONS", e.bucket, "k", "", nil, hdr("Access-Control-Request-Method", "GET"), nil)
	wantErr(t, "preflight without Origin", err, 400, "BadRequest")

	// An actual request carries the headers of the rule it matches.
	e.put("k", []byte("data"))
	resp, _, err := e.request("GET", e.bucket, "k", "", nil, hdr("Origin", "https://app.example"), e.signV1)
	if err != nil || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("actual request headers %v, %v", resp.Header, err)
	}

	// The rules are the bucket's, whichever dialect reads them.
	cg, _, err := e.s.COS(e.bucket).Bucket.GetCORS(ctx)
	if err != nil || len(cg.Rules) != 2 || cg.Rules[0].MaxAgeSeconds != 600 {
		t.Errorf("COS GetCORS of OSS rules = %+v, %v", cg, err)
	}
	if _, err := e.s.COS(e.bucket).Bucket.PutCORS(ctx, &cossdk.BucketPutCORSOptions{Rules: []cossdk.BucketCORSRule{
		{AllowedOrigins: []string{"https://cos.example"}, AllowedMethods: []string{"POST"}}}}); err != nil {
		t.Fatal(err)
	}
	if h, err := e.v1.OptionsMethod("", ossv1.Origin("https://cos.example"), ossv1.ACReqMethod("POST")); err != nil || h.Get("Access-Control-Allow-Origin") != "https://cos.example" {
		t.Errorf("preflight under COS rules = %v, %v", h, err)
	}

	// ResponseVary, limits and delete.
	if _, err := e.v2.PutBucketCors(ctx, &ossv2.PutBucketCorsRequest{Bucket: &e.bucket, CORSConfiguration: &ossv2.CORSConfiguration{
		CORSRules: []ossv2.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}}, ResponseVary: ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	if g, err := e.v2.GetBucketCors(ctx, &ossv2.GetBucketCorsRequest{Bucket: &e.bucket}); err != nil || !*g.CORSConfiguration.ResponseVary {
		t.Errorf("ResponseVary = %+v, %v", g, err)
	}
	if resp, _, _ := e.request("GET", e.bucket, "k", "", nil, hdr("Origin", "https://x.example"), e.signV1); resp.Header.Get("Vary") != "Origin" {
		t.Errorf("Vary = %q", resp.Header.Get("Vary"))
	}
	var many []ossv1.CORSRule
	for i := 0; i < 11; i++ {
		many = append(many, ossv1.CORSRule{AllowedOrigin: []string{fmt.Sprintf("https://%d.example", i)}, AllowedMethod: []string{"GET"}})
	}
	wantErr(t, "11 rules", c1.SetBucketCORS(e.bucket, many), 400, "CORSRuleBeyondLimit")
	if err := c1.DeleteBucketCORS(e.bucket); err != nil {
		t.Fatal(err)
	}
	_, err = e.v2.GetBucketCors(ctx, &ossv2.GetBucketCorsRequest{Bucket: &e.bucket})
	wantErr(t, "after delete", err, 404, "NoSuchCORSConfiguration")
	_, err = e.s.OSSV1Bucket("cors-missing", false).OptionsMethod("k", ossv1.Origin("https://a"), ossv1.ACReqMethod("GET"))
	wantErr(t, "preflight on a missing bucket", err, 404, "NoSuchBucket")
}

// TestUnsupported: sub-resources of features Arca lacks answer
// NotImplemented rather than being taken for plain requests, and
// unsupported methods MethodNotAllowed.
func TestUnsupported(t *testing.T) {
	e := newEnv(t, "unsup")
	_, err := e.s.OSSV1(false).GetBucketLifecycle(e.bucket)
	wantErr(t, "lifecycle", err, 501, "NotImplemented")
	resp, body, err := e.request("PATCH", e.bucket, "k", "", []byte("x"), nil, e.signV1)
	wantErr(t, "PATCH", err, 405, "MethodNotAllowed")
	if resp.Header.Get("Allow") == "" || !bytes.Contains(body, []byte("<ResourceType>Object</ResourceType>")) {
		t.Errorf("405 = %v %s", resp.Header, body)
	}
}
