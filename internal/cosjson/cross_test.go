package cosjson_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestMoveCopy covers op=move and op=copy: dest_fileid relative, absolute
// and as a file id, to_over_write, and what the copy keeps.
func TestMoveCopy(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	data := []byte("rabbit")
	must(t, "upload", c.upload("rabbit.txt", data, f("biz_attr", "carrot")))
	must(t, "authority", c.update("rabbit.txt", map[string]any{"authority": "eWPrivateRPublic", "custom_headers": map[string]any{"Content-Type": "text/rabbit"}}))

	must(t, "rename", c.move("rabbit.txt", "rabbit.txt.bak", 0, "move"))
	wantErr(t, "source gone", c.stat("rabbit.txt"), -197, 404)
	st := must(t, "stat moved", c.stat("rabbit.txt.bak"))
	if st.str("biz_attr") != "carrot" || st.str("authority") != "eWPrivateRPublic" || st.str("sha") != sha1hex(data) ||
		st.data()["custom_headers"].(map[string]any)["Content-Type"] != "text/rabbit" {
		t.Errorf("moved stat = %s", st.Body)
	}
	must(t, "mkdir", c.createDir("hutch/", ""))
	must(t, "move by path", c.move("rabbit.txt.bak", "/hutch/r.txt", 0, "move"))
	must(t, "copy into a directory", c.move("hutch/r.txt", "/hutch/sub/", 0, "copy"))
	must(t, "copy by file id", c.move("hutch/r.txt", "/"+c.AppID+"/"+c.BucketName+"/c.txt", 0, "copy"))
	must(t, "copy relative", c.move("hutch/r.txt", "r2.txt", 0, "copy"))
	for _, p := range []string{"hutch/r.txt", "hutch/sub/r.txt", "c.txt", "hutch/r2.txt"} {
		if got, _ := xmlGet(t, s, c, p); !bytes.Equal(got, data) {
			t.Errorf("%s = %q", p, got)
		}
	}
	wantErr(t, "copy over an existing file", c.move("hutch/r.txt", "/c.txt", 0, "copy"), -177, 400)
	must(t, "other content", c.upload("other.txt", []byte("other")))
	wantErr(t, "move over an existing file", c.move("other.txt", "/c.txt", 0, "move"), -177, 400)
	must(t, "move with to_over_write=1", c.move("other.txt", "/c.txt", 1, "move"))
	if got, _ := xmlGet(t, s, c, "c.txt"); string(got) != "other" {
		t.Errorf("overwritten = %q", got)
	}
	wantErr(t, "move a missing file", c.move("missing.txt", "x.txt", 0, "move"), -197, 404)
	wantErr(t, "copy to another bucket", c.move("c.txt", "/"+c.AppID+"/elsewhere/c.txt", 0, "copy"), -5973, 400)
	wantErr(t, "move onto a directory's name", c.move("c.txt", "/hutch", 0, "move"), -178, 400)
	wantErr(t, "move without dest", c.postForm("c.txt", c.once("c.txt"), f("op", "move")), -5999, 400)
	wantErr(t, "move with a multi-use signature", c.postForm("c.txt", c.multiSig(), f("op", "move"), f("dest_fileid", "d.txt")), -73, 403)
	// The Python SDK sends move's parameters in the query string.
	req, _ := http.NewRequest("POST", c.url("c.txt")+"?"+q("op", "move", "dest_fileid", "d.txt", "to_over_write", "0").Encode(), nil)
	req.Header.Set("Authorization", c.once("c.txt"))
	must(t, "move by query", c.send(req))
	must(t, "stat d", c.stat("d.txt"))
}

// TestUpdateCrossDialect checks that authority, custom_headers and
// biz_attr are the XML dialect's ACL, headers and metadata, and that files
// of other dialects get a sha.
func TestUpdateCrossDialect(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	bucket := c.BucketName + "-" + c.AppID
	cos := s.COS(bucket)
	data := []byte("shared file")
	must(t, "upload", c.upload("doc.pdf", data, f("biz_attr", "b1")))

	// authority eWPrivateRPublic is public-read: the XML ACL says so and an
	// anonymous GET works.
	must(t, "update authority", c.update("doc.pdf", map[string]any{"authority": "eWPrivateRPublic"}))
	acl, _, err := cos.Object.GetACL(t.Context(), "doc.pdf")
	if err != nil {
		t.Fatal(err)
	}
	public := false
	for _, g := range acl.AccessControlList {
		if g.Grantee != nil && strings.HasSuffix(g.Grantee.URI, "AllUsers") && g.Permission == "READ" {
			public = true
		}
	}
	if !public {
		t.Errorf("XML ACL after eWPrivateRPublic: %+v", acl.AccessControlList)
	}
	resp, err := s.Client.Get(s.BucketURL(bucket).String() + "/doc.pdf")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("anonymous GET of a public-read file = %d", resp.StatusCode)
	}
	if a := must(t, "stat", c.stat("doc.pdf")).str("authority"); a != "eWPrivateRPublic" {
		t.Errorf("authority = %q", a)
	}
	must(t, "eWRPrivate", c.update("doc.pdf", map[string]any{"authority": "eWRPrivate"}))
	resp, _ = s.Client.Get(s.BucketURL(bucket).String() + "/doc.pdf")
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("anonymous GET of a private file = %d", resp.StatusCode)
	}
	// The XML side sets public-read: JSON sees eWPrivateRPublic.
	if _, err := cos.Object.PutACL(t.Context(), "doc.pdf", &cossdk.ObjectPutACLOptions{Header: &cossdk.ACLHeaderOptions{XCosACL: "public-read"}}); err != nil {
		t.Fatal(err)
	}
	st := must(t, "stat", c.stat("doc.pdf"))
	if st.str("authority") != "eWPrivateRPublic" || st.str("biz_attr") != "b1" {
		t.Errorf("after XML PutACL: %s", st.Body)
	}
	must(t, "eInvalid", c.update("doc.pdf", map[string]any{"authority": "eInvalid"}))
	if _, ok := must(t, "stat", c.stat("doc.pdf")).data()["authority"]; ok {
		t.Error("eInvalid still reports an authority")
	}
	wantErr(t, "bad authority", c.update("doc.pdf", map[string]any{"authority": "ePublic"}), -5999, 400)

	// custom_headers are the object's headers and x-cos-meta-*; updates
	// merge.
	must(t, "custom headers", c.update("doc.pdf", map[string]any{"custom_headers": map[string]any{
		"Cache-Control": "no", "Content-Type": "application/pdf", "Content-Language": "ch", "x-cos-meta-owner": "ann",
	}}))
	must(t, "more headers", c.update("doc.pdf", map[string]any{"biz_attr": "b2", "custom_headers": map[string]any{
		"Content-Disposition": "attachment", "x-cos-meta-team": "blue",
	}}))
	head, err := cos.Object.Head(t.Context(), "doc.pdf", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Cache-Control": "no", "Content-Type": "application/pdf", "Content-Language": "ch",
		"Content-Disposition": "attachment", "x-cos-meta-owner": "ann", "x-cos-meta-team": "blue"} {
		if got := head.Header.Get(k); got != v {
			t.Errorf("XML HEAD %s = %q, want %q", k, got, v)
		}
	}
	st = must(t, "stat", c.stat("doc.pdf"))
	ch := st.data()["custom_headers"].(map[string]any)
	if ch["Cache-Control"] != "no" || ch["Content-Disposition"] != "attachment" || ch["x-cos-meta-owner"] != "ann" || ch["x-cos-meta-team"] != "blue" || st.str("biz_attr") != "b2" {
		t.Errorf("stat after update: %s", st.Body)
	}
	wantErr(t, "unknown header", c.update("doc.pdf", map[string]any{"custom_headers": map[string]any{"X-Evil": "1"}}), -5999, 400)
	wantErr(t, "update a missing file", c.update("nope.pdf", map[string]any{"biz_attr": "x"}), -197, 404)
	// The data is as uploaded, and its ETag unchanged by attribute updates.
	if got, _ := xmlGet(t, s, c, "doc.pdf"); !bytes.Equal(got, data) {
		t.Errorf("data = %q", got)
	}

	// biz_attr survives the XML side's ACL change and copy.
	if _, _, err := cos.Object.Copy(t.Context(), "copy.pdf", s.BucketURL(bucket).Host+"/doc.pdf", nil); err != nil {
		t.Fatal(err)
	}
	if st := must(t, "stat XML copy", c.stat("copy.pdf")); st.str("biz_attr") != "b2" || st.str("sha") != sha1hex(data) {
		t.Errorf("XML copy stat = %s", st.Body)
	}

	// A file of the XML dialect: its metadata is custom_headers, its sha
	// is computed on first need and then kept.
	xml := []byte("written through XML")
	if _, err := cos.Object.Put(t.Context(), "dir/x.txt", bytes.NewReader(xml), &cossdk.ObjectPutOptions{
		ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{ContentType: "text/plain", XCosMetaXXX: &http.Header{"X-Cos-Meta-Color": []string{"red"}}},
	}); err != nil {
		t.Fatal(err)
	}
	o, err := s.App().Store().GetObject(t.Context(), bucket, "dir/x.txt", "")
	if err != nil || o.Ext["sha1"] != "" {
		t.Fatalf("an XML upload paid for a SHA-1: %v %v", o.Ext, err)
	}
	st = must(t, "stat XML file", c.stat("dir/x.txt"))
	if st.str("sha") != sha1hex(xml) || st.data()["custom_headers"].(map[string]any)["x-cos-meta-color"] != "red" ||
		st.data()["custom_headers"].(map[string]any)["Content-Type"] != "text/plain" {
		t.Errorf("stat XML file = %s", st.Body)
	}
	if o, _ := s.App().Store().GetObject(t.Context(), bucket, "dir/x.txt", ""); o.Ext["sha1"] != sha1hex(xml) {
		t.Errorf("sha not kept: %v", o.Ext)
	}
	l := must(t, "list dir", c.list("dir/", 10, ""))
	if !strings.Contains(l.Body, sha1hex(xml)) {
		t.Errorf("list = %s", l.Body)
	}
	// And a multipart upload of the XML dialect.
	mp := randData(3<<20, 7)
	init, _, err := cos.Object.InitiateMultipartUpload(t.Context(), "dir/mp.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	var parts []cossdk.Object
	for i := 0; i < 3; i++ {
		resp, err := cos.Object.UploadPart(t.Context(), "dir/mp.bin", init.UploadID, i+1, bytes.NewReader(mp[i<<20:(i+1)<<20]), nil)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, cossdk.Object{PartNumber: i + 1, ETag: resp.Header.Get("ETag")})
	}
	if _, _, err := cos.Object.CompleteMultipartUpload(t.Context(), "dir/mp.bin", init.UploadID, &cossdk.CompleteMultipartUploadOptions{Parts: parts}); err != nil {
		t.Fatal(err)
	}
	if st := must(t, "stat mp", c.stat("dir/mp.bin")); st.str("sha") != sha1hex(mp) {
		t.Errorf("sha = %s", st.str("sha"))
	}
}
