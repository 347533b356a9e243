package cosjson_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestSignatureRules drives every proxy error the signature rules imply
// against a real server.
func TestSignatureRules(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	must(t, "upload", c.upload("a.txt", []byte("hello")))
	must(t, "mkdir", c.createDir("d/", ""))
	must(t, "upload into d", c.upload("d/b.txt", []byte("b")))
	now := time.Now().Unix()
	stat := func(path, auth string) result { return c.get(path, auth, q("op", "stat")) }

	// -81: no signature at all.
	wantErr(t, "no signature", stat("a.txt", ""), -81, 401)
	// -97: not a signature, or signed with another key.
	wantErr(t, "garbage", stat("a.txt", "not-a-signature"), -97, 401)
	bad := *c
	bad.SecretKey = "wrong-key"
	wantErr(t, "wrong key", stat("a.txt", bad.multiSig()), -97, 401)
	// -79: an unknown SecretId.
	wantErr(t, "unknown secretid", stat("a.txt", c.signWith(c.AppID, c.BucketName, "AKIDnobody", now+60, now, "")), -79, 401)
	// -96: expired.
	wantErr(t, "expired", stat("a.txt", c.signWith(c.AppID, c.BucketName, c.SecretID, now-1, now-61, "")), -96, 401)
	// e more than 90 days after t.
	wantErr(t, "over 90 days", stat("a.txt", c.signWith(c.AppID, c.BucketName, c.SecretID, now+7776001, now, "")), -97, 401)
	must(t, "exactly 90 days", stat("a.txt", c.signWith(c.AppID, c.BucketName, c.SecretID, now+7776000, now, "")))
	// -70: the signature's appid is not the URL's.
	wantErr(t, "appid", stat("a.txt", c.signWith("1250000001", c.BucketName, c.SecretID, now+60, now, "")), -70, 403)
	// -62: an appid the key does not belong to.
	other := *c
	other.AppID = "1250000001"
	wantErr(t, "foreign appid", other.stat("a.txt"), -62, 403)
	// -61: the signature's bucket is not the URL's.
	wantErr(t, "bucket", stat("a.txt", c.signWith(c.AppID, "otherbucket", c.SecretID, now+60, now, "")), -61, 403)

	// -74: a once signature (e=0) where a multi-use one is needed.
	wantErr(t, "once for stat", stat("a.txt", c.once("a.txt")), -74, 403)
	// -73: a multi-use signature where a once one is needed.
	wantErr(t, "multi for delete", c.postJSON("a.txt", c.multiSig(), map[string]any{"op": "delete"}), -73, 403)
	// -76: a once signature without a file id.
	wantErr(t, "once without f", c.postJSON("a.txt", c.signWith(c.AppID, c.BucketName, c.SecretID, 0, now, ""), map[string]any{"op": "delete"}), -76, 403)
	// -63: a once signature bound to another file.
	wantErr(t, "once for another file", c.postJSON("a.txt", c.once("d/b.txt"), map[string]any{"op": "delete"}), -63, 403)

	// Multi-use signatures bound to a file id match by prefix.
	must(t, "bound to the file", stat("a.txt", c.multi(fileID(c.AppID, c.BucketName, "a.txt"), time.Minute)))
	must(t, "bound to its directory", stat("d/b.txt", c.multi(fileID(c.AppID, c.BucketName, "d/"), time.Minute)))
	wantErr(t, "bound elsewhere", stat("a.txt", c.multi(fileID(c.AppID, c.BucketName, "d/"), time.Minute)), -63, 403)
	data := []byte("bound upload")
	must(t, "upload bound by prefix", c.postForm("d/up.txt", c.multi(fileID(c.AppID, c.BucketName, "d/"), time.Minute),
		f("op", "upload"), content(data)))

	// Names outside ASCII: f is percent-encoded, once (as the seed says) or
	// twice (as a PHP SDK does).
	name := "目录/a b+c.txt"
	must(t, "upload odd name", c.upload(name, []byte("odd")))
	must(t, "once, encoded", c.update(name, map[string]any{"biz_attr": "1"}))
	twice := strings.ReplaceAll(fileID(c.AppID, c.BucketName, name), "%", "%25")
	must(t, "once, encoded twice", c.postJSON(name, c.signWith(c.AppID, c.BucketName, c.SecretID, 0, now, twice), map[string]any{"op": "update", "biz_attr": "2"}))
	must(t, "multi bound, as the Python SDK binds every signature", c.get(name, c.multi(fileID(c.AppID, c.BucketName, name), time.Minute), q("op", "stat")))

	// A once signature works once: -77 on replay.
	sig := c.once("a.txt")
	must(t, "delete", c.postJSON("a.txt", sig, map[string]any{"op": "delete"}))
	wantErr(t, "replay", c.postJSON("a.txt", sig, map[string]any{"op": "delete"}), -77, 403)
	// ... also when the file exists again, and across a restart.
	must(t, "upload again", c.upload("a.txt", []byte("again")))
	wantErr(t, "replay on a new file", c.postJSON("a.txt", sig, map[string]any{"op": "delete"}), -77, 403)
	dirSig := c.once("d/b.txt")
	must(t, "delete b", c.postJSON("d/b.txt", dirSig, map[string]any{"op": "delete"}))
	s.Restart()
	wantErr(t, "replay after restart", c.postJSON("d/b.txt", dirSig, map[string]any{"op": "delete"}), -77, 403)
	wantErr(t, "replay after restart (2)", c.postJSON("a.txt", sig, map[string]any{"op": "delete"}), -77, 403)
	must(t, "a fresh once signature", c.del("a.txt"))
}

// TestRequestErrors covers the request-level errors: op, body formats,
// methods, paths and the URL length limit.
func TestRequestErrors(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	wantErr(t, "no op", c.postJSON("x.txt", c.multiSig(), map[string]any{}), -5980, 400)
	wantErr(t, "unknown op", c.postJSON("x.txt", c.multiSig(), map[string]any{"op": "explode"}), -75, 400)
	wantErr(t, "write op by GET", c.get("x/", c.multiSig(), q("op", "create")), -5996, 400)

	req, _ := http.NewRequest("POST", c.url("x/"), strings.NewReader(`{"op": "create",`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", c.multiSig())
	wantErr(t, "bad JSON", c.send(req), -5975, 400)

	req, _ = http.NewRequest("POST", c.url("x.txt"), strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"op\"\r\n\r\nupload\r\n--b\r\nbroken"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Authorization", c.multiSig())
	wantErr(t, "broken form", c.send(req), -5993, 400)

	req, _ = http.NewRequest("PUT", c.url("x.txt"), nil)
	req.Header.Set("Authorization", c.multiSig())
	wantErr(t, "PUT", c.send(req), -5996, 400)

	req, _ = http.NewRequest("GET", s.URL()+"/files/v2/"+c.AppID+"?op=stat", nil)
	req.Header.Set("Authorization", c.multiSig())
	wantErr(t, "no bucket", c.send(req), -163, 400)
	wantErr(t, "empty element", c.stat("a//b.txt"), -180, 400)

	// The URL (path and query as sent) is at most 1024 bytes.
	pad := strings.Repeat("p", 1100)
	wantErr(t, "query over 1024 bytes", c.get("x.txt", c.multiSig(), q("op", "stat", "pad", pad)), -180, 400)
	wide := strings.Repeat("空", 120) // 360 bytes of key, 1080 encoded
	wantErr(t, "encoded path over 1024 bytes", c.stat(wide+".txt"), -180, 400)
	room := 1024 - len("/files/v2/"+c.AppID+"/"+c.BucketName+"/") - len("?op=stat")
	wantErr(t, "key over 850 bytes", c.stat(strings.Repeat("n", 851)), -180, 400)
	wantErr(t, "URL under 1024 bytes", c.stat(strings.Repeat("n", 800)), -197, 404)
	fill := room - 800 - len("&pad=")
	wantErr(t, "URL of exactly 1024 bytes", c.get(strings.Repeat("n", 800), c.multiSig(), q("op", "stat", "pad", strings.Repeat("p", fill))), -197, 404)
	wantErr(t, "URL of 1025 bytes", c.get(strings.Repeat("n", 800), c.multiSig(), q("op", "stat", "pad", strings.Repeat("p", fill+1))), -180, 400)

	// Paths: a file operation on a directory path and the other way round.
	wantErr(t, "upload to a dir path", c.upload("dir/", []byte("x")), -160, 400)
	wantErr(t, "upload to the root", c.postForm("", c.multiSig(), f("op", "upload"), content([]byte("x"))), -164, 400)
	wantErr(t, "create without slash", c.createDir("dir", ""), -161, 400)

	// A bucket that does not exist.
	nb := *c
	nb.BucketName = "nosuchbucket"
	wantErr(t, "no bucket", nb.stat("x.txt"), -197, 404)
}
