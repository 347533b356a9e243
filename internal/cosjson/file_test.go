package cosjson_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// xmlGet reads an object through cos-go-sdk-v5.
func xmlGet(t *testing.T, s *arcatest.Server, c *jsonClient, key string) ([]byte, *cossdk.Response) {
	t.Helper()
	resp, err := s.COS(c.BucketName+"-"+c.AppID).Object.Get(t.Context(), key, nil)
	if err != nil {
		t.Fatalf("XML GET %s: %v", key, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp
}

// TestSimpleUpload covers op=upload: sha checked, insertOnly, biz_attr,
// fields before or after the file, the size limit, and stat.
func TestSimpleUpload(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	data := []byte("hello, I am 111.txt.")
	r := must(t, "upload", c.upload("testfolder/111.txt", data, f("biz_attr", "attr1")))
	u := r.data()
	if u["resource_path"] != "/"+c.AppID+"/"+c.BucketName+"/testfolder/111.txt" ||
		!strings.HasPrefix(u["url"].(string), s.URL()+"/files/v2/"+c.AppID+"/"+c.BucketName+"/testfolder/111.txt") ||
		!strings.HasSuffix(u["source_url"].(string), "/testfolder/111.txt") || u["access_url"] == "" {
		t.Errorf("upload data = %s", r.Body)
	}
	// The source_url reaches the file through the XML dialect.
	resp, err := s.Client.Get(u["source_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 { // a private bucket: the address is right, the read needs a signature
		t.Errorf("GET source_url = %d", resp.StatusCode)
	}
	got, _ := xmlGet(t, s, c, "testfolder/111.txt")
	if !bytes.Equal(got, data) {
		t.Fatalf("XML read %q", got)
	}

	st := must(t, "stat", c.stat("testfolder/111.txt")).data()
	if st["name"] != "111.txt" || st["biz_attr"] != "attr1" || st["filesize"] != float64(len(data)) ||
		st["filelen"] != float64(len(data)) || st["sha"] != sha1hex(data) || st["ctime"] == nil || st["mtime"] == nil ||
		st["access_url"] == nil || st["source_url"] == nil {
		t.Errorf("stat = %v", st)
	}
	if _, ok := st["authority"]; ok {
		t.Errorf("authority returned for a file that follows its bucket: %v", st)
	}

	// insertOnly defaults to 1: an existing file is not replaced (even by
	// the same content), insertOnly=0 replaces.
	wantErr(t, "exists", c.upload("testfolder/111.txt", []byte("other")), -177, 400)
	wantErr(t, "same content again", c.upload("testfolder/111.txt", data), -177, 400)
	wantErr(t, "insertOnly=1", c.upload("testfolder/111.txt", data, f("insertOnly", "1")), -177, 400)
	must(t, "overwrite", c.upload("testfolder/111.txt", []byte("other"), f("insertOnly", "0")))
	if got, _ := xmlGet(t, s, c, "testfolder/111.txt"); string(got) != "other" {
		t.Fatalf("after overwrite: %q", got)
	}

	// A wrong sha: nothing is stored.
	wantErr(t, "sha mismatch", c.postForm("bad.txt", c.multiSig(), f("op", "upload"), f("sha", sha1hex([]byte("x"))), content([]byte("y"))), -5984, 400)
	wantErr(t, "stat after sha mismatch", c.stat("bad.txt"), -197, 404)
	wantErr(t, "sha not hex", c.postForm("bad.txt", c.multiSig(), f("op", "upload"), f("sha", "xyz"), content([]byte("y"))), -168, 400)
	wantErr(t, "no filecontent", c.postForm("bad.txt", c.multiSig(), f("op", "upload")), -5990, 400)
	wantErr(t, "bad insertOnly", c.postForm("bad.txt", c.multiSig(), f("op", "upload"), content([]byte("y")), f("insertOnly", "2")), -5999, 400)
	wantErr(t, "stat after refusals", c.stat("bad.txt"), -197, 404)

	// Fields after the file, as the PHP and Python SDKs send them; op last.
	late := []byte("late fields")
	must(t, "late fields", c.postForm("late.txt", c.multiSig(), f("op", "upload"), content(late), f("sha", sha1hex(late)), f("biz_attr", "late"), f("insertOnly", "0")))
	if st := must(t, "stat late", c.stat("late.txt")); st.str("biz_attr") != "late" || st.str("sha") != sha1hex(late) {
		t.Errorf("late stat = %s", st.Body)
	}
	wantErr(t, "late wrong sha", c.postForm("late.txt", c.multiSig(), f("op", "upload"), content([]byte("zz")), f("sha", sha1hex(late)), f("insertOnly", "0")), -5984, 400)
	wantErr(t, "late insertOnly=1", c.postForm("late.txt", c.multiSig(), f("op", "upload"), content([]byte("zz")), f("insertOnly", "1")), -177, 400)
	must(t, "op after the file", c.postForm("oplast.txt", c.multiSig(), content([]byte("o")), f("op", "upload")))
	// Every field sent as a file part (Python's requests files=...).
	var buf bytes.Buffer
	buf.WriteString("--XX\r\nContent-Disposition: form-data; name=\"op\"; filename=\"op\"\r\n\r\nupload\r\n")
	buf.WriteString("--XX\r\nContent-Disposition: form-data; name=\"filecontent\"; filename=\"filecontent\"\r\n\r\npy\r\n")
	buf.WriteString("--XX\r\nContent-Disposition: form-data; name=\"biz_attr\"; filename=\"biz_attr\"\r\n\r\npython\r\n--XX--\r\n")
	req, _ := http.NewRequest("POST", c.url("py.txt"), &buf)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
	req.Header.Set("Authorization", c.multiSig())
	must(t, "python-style form", c.send(req))
	if st := must(t, "stat py", c.stat("py.txt")); st.str("biz_attr") != "python" || st.num("filesize") != 2 {
		t.Errorf("py stat = %s", st.Body)
	}

	// 20 MB is the limit of a simple upload.
	big := bytes.Repeat([]byte("z"), 20<<20+1)
	wantErr(t, "over 20 MB", c.postForm("big.bin", c.multiSig(), f("op", "upload"), content(big)), -285, 413)
	wantErr(t, "stat big", c.stat("big.bin"), -197, 404)
	must(t, "exactly 20 MB", c.postForm("big.bin", c.multiSig(), f("op", "upload"), content(big[:20<<20])))
	must(t, "empty file", c.upload("empty.txt", nil))
	if st := must(t, "stat empty", c.stat("empty.txt")); st.num("filesize") != 0 || st.str("sha") != sha1hex(nil) {
		t.Errorf("empty stat = %s", st.Body)
	}
	wantErr(t, "stat missing", c.stat("nope.txt"), -197, 404)
	wantErr(t, "delete missing", c.del("nope.txt"), -197, 404)
	must(t, "delete", c.del("late.txt"))
	wantErr(t, "stat deleted", c.stat("late.txt"), -197, 404)
}
