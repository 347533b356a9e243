package cosjson_test

// A small client of the COS JSON API v2, written from seed 002 (签名算法,
// 请求结构, and each operation's page) independently of the package: it
// signs with its own code, sends JSON or multipart/form-data bodies, and
// decodes {"code","message","data"}.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/arcatest"
)

// jsonClient talks to one bucket of a test server.
type jsonClient struct {
	t          testing.TB
	s          *arcatest.Server
	AppID      string
	BucketName string
	SecretID   string
	SecretKey  string
}

// newJSONBucket creates a fresh bucket (through the XML API) and returns a
// client for it.
func newJSONBucket(t testing.TB, s *arcatest.Server) *jsonClient {
	t.Helper()
	name := arcatest.Bucket("json")
	if _, err := s.COS(name).Bucket.Put(t.Context(), nil); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	bn := strings.TrimSuffix(name, "-"+arcatest.AppID)
	return &jsonClient{t: t, s: s, AppID: arcatest.AppID, BucketName: bn, SecretID: s.Root.AccessKey, SecretKey: s.Root.SecretKey}
}

// sign is the seed's algorithm: Base64(HMAC-SHA1(SecretKey, Original) ‖
// Original).
func sign(secretKey, original string) string {
	m := hmac.New(sha1.New, []byte(secretKey))
	m.Write([]byte(original))
	return base64.StdEncoding.EncodeToString(append(m.Sum(nil), original...))
}

// fileID encodes /appid/bucket/path, every character but '/' and the
// unreserved ones percent-encoded (the PHP SDK's rawurlencode).
func fileID(appid, bucket, path string) string {
	s := "/" + appid + "/" + bucket + "/" + path
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~/", rune(c)) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// multi returns a multi-use signature valid for ttl, bound to fileid f
// (possibly "").
func (c *jsonClient) multi(f string, ttl time.Duration) string {
	now := time.Now().Unix()
	return c.signWith(c.AppID, c.BucketName, c.SecretID, now+int64(ttl/time.Second), now, f)
}

// multiSig is multi with no binding and a minute's life.
func (c *jsonClient) multiSig() string { return c.multi("", time.Minute) }

// once returns a once signature for path (a file, or a directory ending
// with '/').
func (c *jsonClient) once(path string) string {
	return c.signWith(c.AppID, c.BucketName, c.SecretID, 0, time.Now().Unix(), fileID(c.AppID, c.BucketName, path))
}

// signWith signs any fields, b last as the SDKs send it.
func (c *jsonClient) signWith(appid, bucket, sid string, e, t int64, f string) string {
	orig := fmt.Sprintf("a=%s&k=%s&e=%d&t=%d&r=%d&f=%s&b=%s", appid, sid, e, t, rand.Uint32(), f, bucket)
	return sign(c.SecretKey, orig)
}

// url is the API address of path.
func (c *jsonClient) url(path string) string {
	return c.s.URL() + "/files/v2/" + c.AppID + "/" + c.BucketName + "/" + escape(path)
}

func escape(p string) string {
	parts := strings.Split(p, "/")
	for i := range parts {
		parts[i] = url.PathEscape(parts[i])
	}
	return strings.Join(parts, "/")
}

// result is a decoded response.
type result struct {
	Status  int
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Body    string
}

// data decodes Data into a map.
func (r result) data() map[string]any {
	m := map[string]any{}
	if len(r.Data) > 0 {
		json.Unmarshal(r.Data, &m)
	}
	return m
}

func (r result) str(k string) string {
	v, _ := r.data()[k].(string)
	return v
}

func (r result) num(k string) int64 {
	v, _ := r.data()[k].(float64)
	return int64(v)
}

func (c *jsonClient) send(req *http.Request) result {
	c.t.Helper()
	resp, err := c.s.Client.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := result{Status: resp.StatusCode, Body: string(b)}
	if err := json.Unmarshal(b, &r); err != nil {
		c.t.Fatalf("%s %s: response is not JSON: %q", req.Method, req.URL, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.t.Errorf("Content-Type = %q", ct)
	}
	return r
}

// get sends a GET with query parameters.
func (c *jsonClient) get(path, auth string, q url.Values) result {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.url(path)+"?"+q.Encode(), nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return c.send(req)
}

// postJSON sends a JSON body.
func (c *jsonClient) postJSON(path, auth string, body map[string]any) result {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.url(path), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return c.send(req)
}

// field is a form field; file marks the filecontent part.
type field struct {
	name, value string
	file        bool
}

// postForm sends a multipart/form-data body with the parts in order.
func (c *jsonClient) postForm(path, auth string, parts ...field) result {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p.file {
			w, _ := mw.CreateFormFile(p.name, "upload.bin")
			w.Write([]byte(p.value))
			continue
		}
		mw.WriteField(p.name, p.value)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.url(path), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return c.send(req)
}

func f(name, value string) field { return field{name: name, value: value} }
func content(data []byte) field  { return field{name: "filecontent", value: string(data), file: true} }
func sha1hex(data []byte) string { s := sha1.Sum(data); return hex.EncodeToString(s[:]) }
func itoa(n int64) string        { return strconv.FormatInt(n, 10) }

// q builds a query from name, value pairs.
func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// --- operations, as the seed describes them ---

func (c *jsonClient) createDir(dir, biz string) result {
	return c.postJSON(dir, c.multiSig(), map[string]any{"op": "create", "biz_attr": biz})
}

func (c *jsonClient) list(dir string, num int, context string) result {
	return c.get(dir, c.multiSig(), q("op", "list", "num", strconv.Itoa(num), "context", context))
}

func (c *jsonClient) stat(path string) result {
	return c.get(path, c.multiSig(), q("op", "stat"))
}

func (c *jsonClient) del(path string) result {
	return c.postJSON(path, c.once(path), map[string]any{"op": "delete"})
}

func (c *jsonClient) upload(path string, data []byte, extra ...field) result {
	parts := append([]field{f("op", "upload"), f("sha", sha1hex(data))}, extra...)
	parts = append(parts, content(data))
	return c.postForm(path, c.multiSig(), parts...)
}

func (c *jsonClient) update(path string, body map[string]any) result {
	body["op"] = "update"
	return c.postJSON(path, c.once(path), body)
}

func (c *jsonClient) sliceInit(path string, size, slice int64, extra ...field) result {
	parts := append([]field{f("op", "upload_slice_init"), f("filesize", itoa(size)), f("slice_size", itoa(slice))}, extra...)
	return c.postForm(path, c.multiSig(), parts...)
}

func (c *jsonClient) sliceData(path, session string, offset int64, data []byte) result {
	return c.postForm(path, c.multiSig(), f("op", "upload_slice_data"), f("session", session), f("offset", itoa(offset)), content(data))
}

func (c *jsonClient) sliceList(path string) result {
	return c.postForm(path, c.multiSig(), f("op", "upload_slice_list"))
}

func (c *jsonClient) sliceFinish(path, session string, size int64, extra ...field) result {
	parts := append([]field{f("op", "upload_slice_finish"), f("session", session), f("filesize", itoa(size))}, extra...)
	return c.postForm(path, c.multiSig(), parts...)
}

func (c *jsonClient) move(path, dest string, overwrite int, op string) result {
	return c.postForm(path, c.once(path), f("op", op), f("dest_fileid", dest), f("to_over_write", strconv.Itoa(overwrite)))
}

// must fails the test unless r is a success.
func must(t testing.TB, what string, r result) result {
	t.Helper()
	if r.Status != 200 || r.Code != 0 || r.Message != "SUCCESS" {
		t.Fatalf("%s: %d %d %s %s", what, r.Status, r.Code, r.Message, r.Body)
	}
	return r
}

// wantErr fails the test unless r is the error code (with its HTTP status).
func wantErr(t testing.TB, what string, r result, code, status int) {
	t.Helper()
	if r.Code != code || r.Status != status {
		t.Errorf("%s: got %d %d %s, want code %d status %d (%s)", what, r.Status, r.Code, r.Message, code, status, r.Body)
	}
	if r.Message == "" || r.Message == "SUCCESS" {
		t.Errorf("%s: message %q", what, r.Message)
	}
}
