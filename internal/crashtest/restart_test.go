package crashtest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

type versionsResult struct {
	Versions []versionEntry `xml:"Version"`
	Markers  []versionEntry `xml:"DeleteMarker"`
}

type versionEntry struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
	IsLatest  bool   `xml:"IsLatest"`
	ETag      string `xml:"ETag"`
	Size      int64  `xml:"Size"`
}

type aclResult struct {
	Grants []struct {
		Grantee struct {
			URI string `xml:"URI"`
			ID  string `xml:"ID"`
		} `xml:"Grantee"`
		Permission string `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

func (a aclResult) has(who, perm string) bool {
	for _, g := range a.Grants {
		if (g.Grantee.URI == who || g.Grantee.ID == who) && g.Permission == perm {
			return true
		}
	}
	return false
}

func TestRestartKeepsEverything(t *testing.T) {
	arcaBinary(t)
	data := t.TempDir()
	const (
		vb      = "keepv-" + appID
		ab      = "keepa-" + appID
		allUser = "http://cam.qcloud.com/groups/global/AllUsers"
		grantee = "qcs::cam::uin/100000000099:uin/100000000099"
	)
	seed := uint64(time.Now().UnixNano())
	obj := func(size int) *content {
		seed++
		return newContent([]chunk{{seed: seed, size: size}}, false)
	}
	p := startArca(t, arcaOpts{data: data})
	c := p.client()

	// A versioned bucket: three versions of doc, then a delete marker.
	c.createBucket(t, vb)
	c.must(t, 200, request{method: "PUT", bucket: vb, query: url.Values{"versioning": {""}},
		body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)})
	docs := []*content{obj(1000), obj(200 << 10), obj(0)}
	var docIDs []string
	for _, d := range docs {
		resp := c.must(t, 200, request{method: "PUT", bucket: vb, key: "doc", body: d.bytes()})
		id := resp.header.Get("x-cos-version-id")
		if id == "" || id == "null" {
			t.Fatalf("PUT doc in a versioned bucket: version id %q", id)
		}
		docIDs = append(docIDs, id)
	}
	resp := c.must(t, 204, request{method: "DELETE", bucket: vb, key: "doc"})
	markerID := resp.header.Get("x-cos-version-id")
	if resp.header.Get("x-cos-delete-marker") != "true" || markerID == "" {
		t.Fatalf("DELETE doc: no delete marker: %v", resp.header)
	}
	other := obj(70 << 10)
	putContent(t, c, vb, "other", other)

	// A public-read bucket with objects whose ACLs differ from it.
	c.createBucket(t, ab)
	c.must(t, 200, request{method: "PUT", bucket: ab, query: url.Values{"acl": {""}}, header: http.Header{"X-Cos-Acl": {"public-read"}}})
	public, private, granted := obj(10), obj(20), obj(30)
	putContent(t, c, ab, "public.txt", public)
	c.must(t, 200, request{method: "PUT", bucket: ab, key: "private.txt", body: private.bytes(), header: http.Header{"X-Cos-Acl": {"private"}}})
	c.must(t, 200, request{method: "PUT", bucket: ab, key: "granted.txt", body: granted.bytes(),
		header: http.Header{"X-Cos-Grant-Read": {`id="100000000099"`}}})

	// A multipart upload in progress.
	resp = c.must(t, 200, initiateRequest(ab, "mp"))
	uid, err := uploadID(resp)
	if err != nil {
		t.Fatal(err)
	}
	parts := []chunk{{seed: seed + 100, size: 1<<20 + 37}, {seed: seed + 101, size: 100 << 10}}
	for i, ch := range parts {
		c.must(t, 200, partRequest(ab, "mp", uid, i+1, ch.bytes()))
	}
	mp := newContent(parts, true)

	// An appendable object, appended twice.
	appendReq := func(pos int, body string) request {
		return request{method: "POST", bucket: ab, key: "log", body: []byte(body),
			query: url.Values{"append": {""}, "position": {strconv.Itoa(pos)}}}
	}
	c.must(t, 200, appendReq(0, "hello "))
	resp = c.must(t, 200, appendReq(6, "world"))
	if got := resp.header.Get("x-cos-next-append-position"); got != "11" {
		t.Fatalf("append: next position %s, want 11", got)
	}

	took := p.stop(10 * time.Second)
	t.Logf("populated 2 buckets; graceful stop took %v", took.Round(time.Millisecond))
	p = startArca(t, arcaOpts{data: data})
	c = p.client()
	anon := newClient(p.addr, "", "")

	// Buckets.
	var buckets struct {
		Names []string `xml:"Buckets>Bucket>Name"`
	}
	c.mustXML(t, request{method: "GET"}, &buckets)
	if strings.Join(buckets.Names, ",") != ab+","+vb {
		t.Errorf("buckets after restart: %v", buckets.Names)
	}

	// Versioning and versions.
	var vc struct {
		Status string `xml:"Status"`
	}
	c.mustXML(t, request{method: "GET", bucket: vb, query: url.Values{"versioning": {""}}}, &vc)
	if vc.Status != "Enabled" {
		t.Errorf("versioning after restart: %q", vc.Status)
	}
	var vr versionsResult
	c.mustXML(t, request{method: "GET", bucket: vb, query: url.Values{"versions": {""}}}, &vr)
	var gotIDs []string
	for _, v := range vr.Versions {
		if v.Key == "doc" {
			gotIDs = append(gotIDs, v.VersionID)
			if v.IsLatest {
				t.Errorf("version %s of doc is latest, though a delete marker is newer", v.VersionID)
			}
		}
	}
	// Newest first.
	if want := []string{docIDs[2], docIDs[1], docIDs[0]}; strings.Join(gotIDs, ",") != strings.Join(want, ",") {
		t.Errorf("versions of doc after restart: %v, want %v", gotIDs, want)
	}
	if len(vr.Markers) != 1 || vr.Markers[0].VersionID != markerID || !vr.Markers[0].IsLatest {
		t.Errorf("delete markers after restart: %+v, want %s latest", vr.Markers, markerID)
	}
	mustGet(t, c, vb, "doc", nil)
	for i, id := range docIDs {
		resp, err := c.do(context.Background(), request{method: "GET", bucket: vb, key: "doc", query: url.Values{"versionId": {id}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := checkObject(resp, docs[i]); err != nil {
			t.Errorf("doc version %d (%s): %v", i+1, id, err)
		}
	}
	// COS answers 404 for a version that is a delete marker.
	resp = c.must(t, 404, request{method: "GET", bucket: vb, key: "doc", query: url.Values{"versionId": {markerID}}})
	if resp.header.Get("x-cos-delete-marker") != "true" {
		t.Errorf("GET of the delete marker's version after restart: %v", resp.header)
	}
	mustGet(t, c, vb, "other", other)

	// ACLs, as documents and as enforced.
	var bacl aclResult
	c.mustXML(t, request{method: "GET", bucket: ab, query: url.Values{"acl": {""}}}, &bacl)
	if !bacl.has(allUser, "READ") {
		t.Errorf("bucket ACL after restart lacks AllUsers READ: %+v", bacl)
	}
	var oacl aclResult
	c.mustXML(t, request{method: "GET", bucket: ab, key: "granted.txt", query: url.Values{"acl": {""}}}, &oacl)
	if !oacl.has(grantee, "READ") {
		t.Errorf("object ACL after restart lacks the READ grant: %+v", oacl)
	}
	if resp, err := anon.do(context.Background(), request{method: "GET", bucket: ab, key: "public.txt", anonymous: true}); err != nil || checkObject(resp, public) != nil {
		t.Errorf("anonymous GET of public.txt in a public-read bucket after restart: %v %v", resp, err)
	}
	if resp, err := anon.do(context.Background(), request{method: "GET", bucket: ab, key: "private.txt", anonymous: true}); err != nil || resp.status != 403 {
		t.Errorf("anonymous GET of private.txt (private ACL) after restart: %v %v, want 403", resp, err)
	}
	mustGet(t, c, ab, "private.txt", private)

	// The multipart upload: listed, its parts listed, completable.
	ups := c.listUploads(t, ab)
	if len(ups) != 1 || ups[0].id != uid || ups[0].key != "mp" {
		t.Fatalf("uploads after restart: %+v, want mp %s", ups, uid)
	}
	lps := c.listParts(t, ab, "mp", uid)
	var etags []string
	for i, ch := range parts {
		want := listedPart{Number: i + 1, ETag: md5hex(ch.bytes()), Size: int64(ch.size)}
		if i >= len(lps) || lps[i] != want {
			t.Fatalf("parts after restart: %+v, want part %+v", lps, want)
		}
		etags = append(etags, want.ETag)
	}
	if len(lps) != len(parts) {
		t.Fatalf("parts after restart: %+v", lps)
	}
	c.must(t, 200, completeRequest(ab, "mp", uid, etags))
	mustGet(t, c, ab, "mp", mp)

	// The appendable object continues at its length.
	c.must(t, 409, appendReq(6, "!"))
	resp = c.must(t, 200, appendReq(11, "!"))
	if got := resp.header.Get("x-cos-next-append-position"); got != "12" {
		t.Errorf("append after restart: next position %s, want 12", got)
	}
	resp, err = c.do(context.Background(), request{method: "GET", bucket: ab, key: "log"})
	if err != nil || resp.status != 200 || string(resp.body) != "hello world!" || strings.Trim(resp.header.Get("ETag"), `"`) != md5hex([]byte("hello world!")) {
		t.Errorf("log after restart and append: %v %v", resp, err)
	}

	// Removing the delete marker brings the newest version back.
	c.must(t, 204, request{method: "DELETE", bucket: vb, key: "doc", query: url.Values{"versionId": {markerID}}})
	mustGet(t, c, vb, "doc", docs[2])

	// And all of that survives one more restart.
	p.stop(10 * time.Second)
	p = startArca(t, arcaOpts{data: data})
	c = p.client()
	mustGet(t, c, ab, "mp", mp)
	mustGet(t, c, vb, "doc", docs[2])
	resp, err = c.do(context.Background(), request{method: "GET", bucket: ab, key: "log"})
	if err != nil || string(resp.body) != "hello world!" {
		t.Errorf("log after the second restart: %v %v", resp, err)
	}
	if ups := c.listUploads(t, ab); len(ups) != 0 {
		t.Errorf("uploads after completing and restarting: %+v", ups)
	}
	// Blobs: doc v2 (200 KiB), other (70 KiB), mp's two parts, log's
	// second and third pieces (appends after the first are never inline).
	waitBlobCount(t, data, 6, sweepTimeout)
	p.stop(10 * time.Second)
}
