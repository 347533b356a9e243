package browsertest

// OSS PostObject in a real browser, as OSS's PostObject document (seed
// 001) and form-upload document (seed 004) describe it, and the pages
// `arca form` prints. Same harness as browser_test.go: each test starts
// its own Arca and its own headless Chromium, skips without Chromium
// unless ARCA_REQUIRE_BROWSER=1, and reads the objects back with an SDK.
//
//   - TestBrowser_OSSFormStatus: seed 004's page (text inputs OSSAccessKeyId,
//     policy, Signature, key upload/${filename}, an empty
//     success_action_redirect, success_action_status=201, the file, then a
//     named submit button), signed with V1 and with V4 form signatures.
//     The browser shows OSS's XML PostResponse: the test reads its Bucket,
//     Key, ETag and Location from the document, and the response headers
//     from the DevTools network events.
//   - TestBrowser_OSSFormRedirect: the same with success_action_redirect
//     to the page's server: the browser lands there with bucket, key and
//     etag.
//   - TestBrowser_OSSFormAnonymous: the page without signature fields,
//     refused (AccessDenied, shown by the browser) on a private bucket and
//     accepted on a public-read-write one.
//   - TestBrowser_FormCommandPages: the HTML that `arca form` prints
//     (-dialect oss V1 and -oss-v4, -dialect cos, and -dialect s3) is served byte for byte, or saved to post.html and
//     opened from the file as seed 004 does; the test chooses a file with
//     SetUploadFiles, submits, and checks the object (and that a file over
//     -max-size gets the EntityTooLarge page). The command is the real
//     binary, built once per test process with the go tool (the test skips
//     without it, unless ARCA_REQUIRE_BROWSER=1).
//   - TestBrowser_OSSCrossOriginFetch: a page on another origin posts the
//     form (V1 and V4) with fetch and FormData; the bucket's CORS rules
//     (set with aliyun-oss-go-sdk) decide whether the page may read the
//     response: none, another origin's or one without POST refuse it; a
//     rule for the page's origin lets it read 204 with the ETag, the 201
//     PostResponse and OSS's errors; a preflighted request needs its
//     header allowed, virtual-host or path style.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/oss/ossauth"
)

// ossSetup starts Arca with a fresh bucket made with aliyun-oss-go-sdk and
// returns the server, the bucket's name and its virtual-host URL (the form
// action: http://<bucket>.oss.arca.test:port/).
func ossSetup(t *testing.T) (*arcatest.Server, string, string) {
	t.Helper()
	s := arcatest.Start(t)
	name := arcatest.OSSBucket("ossbrowser")
	if err := s.OSSV1(false).CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	return s, name, fmt.Sprintf("http://%s.%s:%s/", name, arcatest.OSSDomain, s.Port())
}

// ossSigned returns fields followed by the signature fields of an OSS form
// whose policy holds conds: V1 (OSSAccessKeyId, policy, Signature) or V4
// (x-oss-signature-version, x-oss-credential, x-oss-date, policy,
// x-oss-signature, the policy pinning the first three).
func ossSigned(s *arcatest.Server, version string, fields []formField, conds ...any) []formField {
	now := time.Now()
	out := append([]formField(nil), fields...)
	var v4 map[string]string
	if version == "V4" {
		v4 = ossauth.PostV4Fields(ossauth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.OSSRegion, now)
		for _, k := range []string{ossauth.FieldVersion, ossauth.FieldCredential, ossauth.FieldDate} {
			conds = append(conds, map[string]string{k: v4[k]})
			out = append(out, formField{k, v4[k]})
		}
	}
	if conds == nil {
		conds = []any{}
	}
	doc, err := json.Marshal(map[string]any{"expiration": now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	if err != nil {
		panic(err)
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	if version == "V4" {
		return append(out, formField{"policy", policy},
			formField{ossauth.FieldSignatureV4, ossauth.SignPostV4(policy, s.Root.SecretKey, ossauth.NewScope(now, arcatest.OSSRegion))})
	}
	return append(out, formField{ossauth.FieldAccessKeyID, s.Root.AccessKey}, formField{"policy", policy},
		formField{ossauth.FieldSignature, ossauth.SignPostV1(policy, s.Root.SecretKey)})
}

// ossFormPage is seed 004's page: visible text inputs, the file input,
// then a named submit button (a field after the file, which OSS ignores).
var ossFormPage = template.Must(template.New("ossform").Parse(`<html>
<meta http-equiv=content-type content="text/html; charset=UTF-8">
<head><title>OSS form upload (PostObject)</title></head>
<body>
<form id="upload" action="{{.Action}}" method="post" enctype="multipart/form-data">
{{range .Fields}}<input type="text" name="{{.Name}}" value="{{.Value}}">
{{end}}<input name="file" type="file" id="file">
<input name="submit" value="Upload" type="submit" id="submit">
</form>
</body>
</html>
`))

// htmlServer serves page() at / and a landing page at /done, and reports
// the query of every /done request.
func htmlServer(t *testing.T, page func() []byte) (*httptest.Server, <-chan url.Values) {
	t.Helper()
	landed := make(chan url.Values, 4)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page())
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		landed <- r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><body><p id="done">uploaded</p></body></html>`)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, landed
}

// ossPage renders ossFormPage for action and fields.
func ossPage(t *testing.T, action string, fields []formField) []byte {
	var b bytes.Buffer
	if err := ossFormPage.Execute(&b, map[string]any{"Action": action, "Fields": fields}); err != nil {
		t.Error(err)
	}
	return b.Bytes()
}

// ossETag is OSS's ETag of a simple upload: the quoted uppercase hex MD5.
func ossETag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
}

func crc64ECMA(data []byte) string {
	return strconv.FormatUint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), 10)
}

// readOSS reads key back: with aliyun-oss-go-sdk (V1 signatures), or with
// alibabacloud-oss-go-sdk-v2 (V4) when v2.
func readOSS(t *testing.T, s *arcatest.Server, bucket, key string, want []byte, v2 bool) http.Header {
	t.Helper()
	var (
		body io.ReadCloser
		h    http.Header
	)
	if v2 {
		res, err := s.OSSV2(true).GetObject(context.Background(), &ossv2.GetObjectRequest{Bucket: ossv2.Ptr(bucket), Key: ossv2.Ptr(key)})
		if err != nil {
			t.Fatalf("GetObject %q (SDK v2): %v", key, err)
		}
		body, h = res.Body, res.Headers
	} else {
		b := s.OSSV1Bucket(bucket, true)
		r, err := b.GetObject(key)
		if err != nil {
			t.Fatalf("GetObject %q (SDK v1): %v", key, err)
		}
		body = r
		if h, err = b.GetObjectDetailedMeta(key); err != nil {
			t.Fatal(err)
		}
	}
	defer body.Close()
	got, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("GET %q: %q, want %q", key, got, want)
	}
	return h
}

// responseHeader finds a header of a DevTools response, whatever its case.
func responseHeader(resp *network.Response, name string) string {
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// postResponse is what the page shows of an XML PostResponse.
type postResponse struct {
	Root        string `json:"root"`
	ContentType string `json:"contentType"`
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	ETag        string `json:"etag"`
	Location    string `json:"location"`
	Code        string `json:"code"`    // of an Error document
	Message     string `json:"message"` // of an Error document
}

// readPostResponse reads the XML document the browser shows (a
// PostResponse or an Error). Chromium's XML viewer keeps the document's
// elements under its own HTML, so root is the parent of the Key or Code
// element.
const readPostResponse = `(() => {
  const g = n => { const e = document.getElementsByTagName(n)[0]; return e ? e.textContent : ""; };
  const first = document.getElementsByTagName("Key")[0] || document.getElementsByTagName("Code")[0];
  return {root: first && first.parentNode ? first.parentNode.nodeName : "", contentType: document.contentType,
    bucket: g("Bucket"), key: g("Key"), etag: g("ETag"), location: g("Location"), code: g("Code"), message: g("Message")};
})()`

// submitForStatus chooses file, clicks the submit button and returns the
// browser's view of the response to the form's POST to action and of the
// document it shows.
func submitForStatus(ctx context.Context, t *testing.T, pageURL, action, file string) (*network.Response, postResponse) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(pageURL),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
	); err != nil {
		t.Fatal(err)
	}
	ev, err := chromedp.Run(ctx, chromedp.WaitEvent(network.ResponseReceived,
		func(ev network.EventResponseReceived) bool {
			return ev.Type == network.ResourceTypeDocument && strings.HasPrefix(ev.Response.URL, action)
		},
		chromedp.Click(chromedp.ID("submit"))))
	if err != nil {
		t.Fatalf("submitting the form: %v", err)
	}
	// Wait for the browser to show the response: until then, evaluating
	// may meet the form's page, or no page at all.
	expr := `document.URL.startsWith(` + jsString(action) + `) && document.readyState === "complete"`
	deadline := time.Now().Add(10 * time.Second)
	for {
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && shown {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser does not show the response to the form (last error: %v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	doc, err := chromedp.Run(ctx, chromedp.Evaluate[postResponse](readPostResponse))
	if err != nil {
		t.Fatal(err)
	}
	return ev.Response, doc
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestBrowser_OSSFormStatus submits seed 004's page, signed with V1 and
// with V4, with success_action_status=201: the browser shows the XML
// PostResponse.
func TestBrowser_OSSFormStatus(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, action := ossSetup(t)
	ctx := newBrowser(t, path)

	for _, version := range []string{"V1", "V4"} {
		t.Run(version, func(t *testing.T) {
			prefix := "upload/" + version + "/"
			fields := ossSigned(s, version, []formField{
				{"key", prefix + "${filename}"},
				{"success_action_redirect", ""},
				{"success_action_status", "201"},
				{"x-oss-meta-uploaded-by", "browser " + version},
			},
				map[string]string{"bucket": name},
				[]any{"starts-with", "$key", prefix},
				[]any{"content-length-range", 1, 1 << 20},
				map[string]string{"success_action_status": "201"},
			)
			ts, _ := htmlServer(t, func() []byte { return ossPage(t, action, fields) })

			data := []byte("résumé uploaded by a real browser, " + version + "\n")
			file := writeFile(t, "résumé 2026.txt", data)
			resp, doc := submitForStatus(ctx, t, ts.URL+"/", action, file)
			key := prefix + "résumé 2026.txt"

			if resp.Status != 201 || responseHeader(resp, "ETag") != ossETag(data) ||
				responseHeader(resp, "x-oss-request-id") == "" ||
				responseHeader(resp, "x-oss-hash-crc64ecma") != crc64ECMA(data) ||
				responseHeader(resp, "Content-MD5") != md5Base64(data) {
				t.Errorf("the browser saw %d %v", resp.Status, resp.Headers)
			}
			if doc.Root != "PostResponse" || doc.Bucket != name || doc.Key != key || doc.ETag != ossETag(data) {
				t.Errorf("the page shows %+v; want a PostResponse for %s/%s with ETag %s", doc, name, key, ossETag(data))
			}
			if u, err := url.Parse(doc.Location); err != nil || u.Scheme+"://"+u.Host+"/" != action || u.Path != "/"+key {
				t.Errorf("PostResponse Location %q, want %s + the escaped key %q", doc.Location, action, key)
			}

			h := readOSS(t, s, name, key, data, version == "V4")
			if h.Get("Content-Type") != "text/plain" || h.Get("x-oss-meta-uploaded-by") != "browser "+version || h.Get("ETag") != ossETag(data) {
				t.Errorf("object headers %v", h)
			}
		})
	}
}

// TestBrowser_OSSFormAnonymous submits seed 004's page without signature
// fields: refused on a private bucket (the browser shows OSS's error),
// accepted once the bucket is public-read-write.
func TestBrowser_OSSFormAnonymous(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, action := ossSetup(t)
	ctx := newBrowser(t, path)
	fields := []formField{{"key", "anon/${filename}"}, {"success_action_status", "201"}}
	ts, _ := htmlServer(t, func() []byte { return ossPage(t, action, fields) })
	data := []byte("anonymous upload\n")
	file := writeFile(t, "anon.txt", data)

	resp, doc := submitForStatus(ctx, t, ts.URL+"/", action, file)
	if resp.Status != 403 || doc.Root != "Error" || doc.Code != "AccessDenied" || responseHeader(resp, "x-oss-request-id") == "" {
		t.Errorf("an anonymous form on a private bucket: the browser saw %d %+v", resp.Status, doc)
	}
	if exists, err := s.OSSV1Bucket(name, false).IsObjectExist("anon/anon.txt"); err != nil || exists {
		t.Errorf("the refused file: exists %v, %v", exists, err)
	}

	if err := s.OSSV1(false).SetBucketACL(name, ossv1.ACLPublicReadWrite); err != nil {
		t.Fatal(err)
	}
	resp, doc = submitForStatus(ctx, t, ts.URL+"/", action, file)
	if resp.Status != 201 || doc.Root != "PostResponse" || doc.Key != "anon/anon.txt" || doc.ETag != ossETag(data) {
		t.Errorf("an anonymous form on a public-read-write bucket: the browser saw %d %+v", resp.Status, doc)
	}
	readOSS(t, s, name, "anon/anon.txt", data, false)
}

func md5Base64(data []byte) string {
	sum := md5.Sum(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// TestBrowser_OSSFormRedirect submits an OSS form, signed with V1 and with
// V4, with success_action_redirect: the browser lands on the redirect URL
// with bucket, key and etag.
func TestBrowser_OSSFormRedirect(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, action := ossSetup(t)
	ctx := newBrowser(t, path)

	for _, version := range []string{"V1", "V4"} {
		t.Run(version, func(t *testing.T) {
			// The redirect goes back to the page's server, so the form is
			// signed once that server runs.
			var fields []formField
			ts, landed := htmlServer(t, func() []byte { return ossPage(t, action, fields) })
			redirect := ts.URL + "/done"
			prefix := "redirect/" + version + "/"
			fields = ossSigned(s, version, []formField{
				{"key", prefix + "${filename}"},
				{"success_action_redirect", redirect},
				{"x-oss-content-type", "text/markdown; charset=utf-8"},
				{"Content-Disposition", "attachment; filename=notes.md"},
				{"x-oss-meta-uploaded-by", "browser"},
			},
				map[string]string{"bucket": name},
				[]any{"starts-with", "$key", prefix},
				[]any{"eq", "$success_action_redirect", redirect},
				[]any{"starts-with", "$x-oss-content-type", "text/"},
			)

			data := []byte("# Notes\n\nuploaded with " + version + "\n")
			file := writeFile(t, "notes.md", data)
			if err := chromedp.Do(ctx,
				chromedp.Navigate(ts.URL+"/"),
				chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
				chromedp.Click(chromedp.ID("submit")),
				chromedp.WaitVisible(chromedp.ID("done")),
			); err != nil {
				t.Fatalf("submitting the form: %v", err)
			}
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			key := prefix + "notes.md"
			q := u.Query()
			if u.Scheme+"://"+u.Host+u.Path != redirect || q.Get("bucket") != name || q.Get("key") != key || q.Get("etag") != ossETag(data) {
				t.Errorf("the browser landed on %s; want %s?bucket=%s&key=%s&etag=%s", loc, redirect, name, key, ossETag(data))
			}
			select {
			case got := <-landed:
				if got.Encode() != q.Encode() {
					t.Errorf("landing page saw %v, browser shows %v", got, q)
				}
			default:
				t.Error("the landing page was not requested")
			}

			h := readOSS(t, s, name, key, data, version == "V4")
			if h.Get("Content-Type") != "text/markdown; charset=utf-8" || h.Get("Content-Disposition") != "attachment; filename=notes.md" ||
				h.Get("x-oss-meta-uploaded-by") != "browser" || h.Get("x-oss-hash-crc64ecma") != crc64ECMA(data) {
				t.Errorf("object headers %v", h)
			}
		})
	}
}

// arcaBinary is cmd/arca built once per test process (by buildArca) into
// a temporary directory that TestMain removes.
var arcaBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if arcaBinary.dir != "" {
		os.RemoveAll(arcaBinary.dir)
	}
	os.Exit(code)
}

// buildArca builds cmd/arca with the go tool (once per test process) and
// returns the binary's path. Without the go tool the test skips (fails
// with ARCA_REQUIRE_BROWSER=1).
func buildArca(t *testing.T) string {
	t.Helper()
	gotool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("ARCA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("the go tool is needed to build arca: %v", err)
		}
		t.Skipf("the go tool is needed to build arca: %v", err)
	}
	arcaBinary.once.Do(func() {
		if arcaBinary.dir, arcaBinary.err = os.MkdirTemp("", "arca-browsertest-"); arcaBinary.err != nil {
			return
		}
		bin := filepath.Join(arcaBinary.dir, "arca")
		out, err := exec.Command(gotool, "build", "-o", bin, "github.com/arcastore/arca/cmd/arca").CombinedOutput()
		if err != nil {
			arcaBinary.err = fmt.Errorf("go build ./cmd/arca: %v\n%s", err, out)
			return
		}
		arcaBinary.path = bin
	})
	if arcaBinary.err != nil {
		t.Fatal(arcaBinary.err)
	}
	return arcaBinary.path
}

// arcaForm runs `arca form args...` with s's root keys and returns what it
// prints.
func arcaForm(bin string, s *arcatest.Server, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, append([]string{"form"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARCA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "ARCA_ROOT_ACCESS_KEY="+s.Root.AccessKey, "ARCA_ROOT_SECRET_KEY="+s.Root.SecretKey)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("arca form %s: %v: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// TestBrowser_FormCommandPages serves the pages `arca form` prints as they
// are, uploads a file through each in the browser, and checks the object.
func TestBrowser_FormCommandPages(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	bin := buildArca(t)
	s := arcatest.Start(t)
	ossBucket := arcatest.OSSBucket("ossformcmd")
	if err := s.OSSV1(false).CreateBucket(ossBucket); err != nil {
		t.Fatal(err)
	}
	cosBucket := arcatest.Bucket("cosformcmd")
	if _, err := s.COS(cosBucket).Bucket.Put(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, path)

	// submit serves page (made once the page's server runs, so that it can
	// redirect there), chooses a file and submits it.
	type pageResult struct {
		resp   *network.Response // the response to the form's POST
		doc    postResponse      // the document the browser shows then
		landed url.Values        // with a redirect, the landing page's query
	}
	submit := func(t *testing.T, page func(done string) ([]byte, error), fileName string, data []byte, redirect bool) pageResult {
		t.Helper()
		var html []byte
		ts, landed := htmlServer(t, func() []byte { return html })
		var err error
		if html, err = page(ts.URL + "/done"); err != nil {
			t.Fatal(err)
		}
		action := formAction(t, html)
		file := writeFile(t, fileName, data)
		var res pageResult
		if !redirect {
			res.resp, res.doc = submitForStatus(ctx, t, ts.URL+"/", action, file)
			return res
		}
		if err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("done")),
		); err != nil {
			t.Fatalf("submitting the page: %v", err)
		}
		select {
		case res.landed = <-landed:
		default:
			t.Fatal("the landing page was not requested")
		}
		return res
	}

	t.Run("oss V1, path style, status 201", func(t *testing.T) {
		data := []byte("uploaded through arca form -dialect oss\n")
		res := submit(t, func(string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "oss", "-endpoint", s.URL(), "-bucket", ossBucket,
				"-key", "cmd/v1/${filename}", "-max-size", "1024", "-status", "201", "-content-type", "text/x-arca")
		}, "page v1.txt", data, false)
		const key = "cmd/v1/page v1.txt"
		if res.resp.Status != 201 || res.doc.Root != "PostResponse" || res.doc.Bucket != ossBucket || res.doc.Key != key || res.doc.ETag != ossETag(data) {
			t.Errorf("the browser saw %d %+v", res.resp.Status, res.doc)
		}
		h := readOSS(t, s, ossBucket, key, data, false)
		if h.Get("Content-Type") != "text/x-arca" {
			t.Errorf("object headers %v", h)
		}
	})

	t.Run("oss V1 page saved to a file and opened, as seed 004 does", func(t *testing.T) {
		html, err := arcaForm(bin, s, "-dialect", "oss", "-endpoint", s.OSSEndpoint(true), "-virtual-host", "-bucket", ossBucket,
			"-key", "cmd/file/${filename}", "-status", "201")
		if err != nil {
			t.Fatal(err)
		}
		page := writeFile(t, "post.html", html)
		data := []byte("uploaded from post.html\n")
		file := writeFile(t, "from file.txt", data)
		resp, doc := submitForStatus(ctx, t, "file://"+page, formAction(t, html), file)
		const key = "cmd/file/from file.txt"
		if resp.Status != 201 || doc.Root != "PostResponse" || doc.Key != key || doc.ETag != ossETag(data) {
			t.Errorf("the browser saw %d %+v", resp.Status, doc)
		}
		readOSS(t, s, ossBucket, key, data, false)
	})

	t.Run("oss V1, a file larger than -max-size", func(t *testing.T) {
		res := submit(t, func(string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "oss", "-endpoint", s.URL(), "-bucket", ossBucket,
				"-key", "cmd/big/${filename}", "-max-size", "16", "-status", "201")
		}, "big.txt", bytes.Repeat([]byte("x"), 17), false)
		// The message of the FAQ of OSS's PostObject document.
		if res.resp.Status != 400 || res.doc.Root != "Error" || res.doc.Code != "EntityTooLarge" ||
			!strings.Contains(res.doc.Message, "Your proposed upload exceeds the maximum allowed size") {
			t.Errorf("the browser saw %d %+v", res.resp.Status, res.doc)
		}
		if exists, err := s.OSSV1Bucket(ossBucket, false).IsObjectExist("cmd/big/big.txt"); err != nil || exists {
			t.Errorf("the oversized file: exists %v, %v", exists, err)
		}
	})

	t.Run("oss V4, virtual host, redirect", func(t *testing.T) {
		data := []byte("uploaded through arca form -dialect oss -oss-v4\n")
		res := submit(t, func(done string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "oss", "-oss-v4", "-region", "cn-shanghai",
				"-endpoint", s.OSSEndpoint(true), "-virtual-host", "-bucket", ossBucket,
				"-key", "cmd/v4/${filename}", "-redirect", done)
		}, "page v4.txt", data, true)
		const key = "cmd/v4/page v4.txt"
		if q := res.landed; q.Get("bucket") != ossBucket || q.Get("key") != key || q.Get("etag") != ossETag(data) {
			t.Errorf("landed with %v", q)
		}
		readOSS(t, s, ossBucket, key, data, true)
	})

	t.Run("cos, virtual host, redirect", func(t *testing.T) {
		data := []byte("uploaded through arca form -dialect cos\n")
		res := submit(t, func(done string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "cos", "-endpoint", fmt.Sprintf("http://%s:%s", arcatest.Domain, s.Port()),
				"-virtual-host", "-bucket", cosBucket, "-key", "cmd/cos/${filename}", "-redirect", done)
		}, "page cos.txt", data, true)
		const key = "cmd/cos/page cos.txt"
		if q := res.landed; q.Get("bucket") != cosBucket || q.Get("key") != key || q.Get("etag") != quotedMD5(data) {
			t.Errorf("landed with %v", q)
		}
		readObject(t, s.COS(cosBucket), key, data)
	})

	t.Run("cos, path style, status 201", func(t *testing.T) {
		data := []byte("uploaded through arca form -dialect cos -status 201\n")
		res := submit(t, func(string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "cos", "-endpoint", s.URL(), "-bucket", cosBucket,
				"-key", "cmd/cos201/${filename}", "-status", "201", "-content-type", "text/x-arca")
		}, "c.txt", data, false)
		const key = "cmd/cos201/c.txt"
		if res.resp.Status != 201 || responseHeader(res.resp, "ETag") != quotedMD5(data) {
			t.Errorf("the browser saw %d %v", res.resp.Status, res.resp.Headers)
		}
		h := readObject(t, s.COS(cosBucket), key, data)
		if h.Get("Content-Type") != "text/x-arca" {
			t.Errorf("object headers %v", h)
		}
	})

	t.Run("s3, virtual host, redirect", func(t *testing.T) {
		s3Bucket := arcatest.Bucket("s3formcmd")
		c := s.S3(arcatest.S3Client{})
		if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &s3Bucket}); err != nil {
			t.Fatal(err)
		}
		data := []byte("uploaded through arca form -dialect s3\n")
		res := submit(t, func(done string) ([]byte, error) {
			return arcaForm(bin, s, "-dialect", "s3", "-endpoint", "http://"+arcatest.S3Domain+":"+s.Port(),
				"-virtual-host", "-bucket", s3Bucket, "-key", "cmd/s3/${filename}", "-redirect", done)
		}, "page s3.txt", data, true)
		const key = "cmd/s3/page s3.txt"
		if q := res.landed; q.Get("bucket") != s3Bucket || q.Get("key") != key || !strings.EqualFold(q.Get("etag"), quotedMD5(data)) {
			t.Errorf("landed with %v", q)
		}
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &s3Bucket, Key: ptr(key)})
		if err != nil {
			t.Fatalf("GetObject %q: %v", key, err)
		}
		defer out.Body.Close()
		if got, _ := io.ReadAll(out.Body); !bytes.Equal(got, data) {
			t.Errorf("GET %q: %q, want %q", key, got, data)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// formAction is the action of the page's form.
func formAction(t *testing.T, html []byte) string {
	t.Helper()
	const attr = `action="`
	i := bytes.Index(html, []byte(attr))
	if i < 0 {
		t.Fatalf("the page has no form action:\n%s", html)
	}
	rest := html[i+len(attr):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		t.Fatalf("the page's form action is not closed:\n%s", html)
	}
	return string(rest[:j])
}

// ossUploadJS is the page's script: it posts an OSS form with fetch and
// reports what the page may see of the response.
const ossUploadJS = `
window.ossUpload = async function (action, fields, name, content, extraHeaders) {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", new Blob([content], {type: "text/plain"}), name);
  try {
    const r = await fetch(action, {method: "POST", body: fd, headers: extraHeaders || {}});
    return {ok: true, status: r.status, etag: r.headers.get("ETag") || "",
      requestId: r.headers.get("x-oss-request-id") || "", body: await r.text()};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
};
`

type ossUploadResult struct {
	OK        bool   `json:"ok"`
	Status    int    `json:"status"`
	ETag      string `json:"etag"`
	RequestID string `json:"requestId"`
	Body      string `json:"body"`
	Error     string `json:"error"`
}

// TestBrowser_OSSCrossOriginFetch uploads with fetch and FormData from a
// page on another origin: OSS PostObject, V1 and V4, which the bucket's
// CORS rules must allow.
func TestBrowser_OSSCrossOriginFetch(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, action := ossSetup(t)
	ctx := newBrowser(t, path)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><script>%s</script></head><body>app</body></html>", ossUploadJS)
	}))
	t.Cleanup(page.Close)
	origin := page.URL // http://127.0.0.1:port, another origin than the bucket's
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL+"/")); err != nil {
		t.Fatal(err)
	}
	client := s.OSSV1(false)

	runAt := func(t *testing.T, action string, fields []formField, content string, headers map[string]string) ossUploadResult {
		t.Helper()
		pairs := make([][2]string, len(fields))
		for i, f := range fields {
			pairs[i] = [2]string{f.Name, f.Value}
		}
		args, err := json.Marshal([]any{action, pairs, "f.txt", content, headers})
		if err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Run(ctx, chromedp.Evaluate[ossUploadResult]("window.ossUpload(..."+string(args)+")", chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("running the page's upload: %v", err)
		}
		return res
	}
	run := func(t *testing.T, fields []formField, content string, headers map[string]string) ossUploadResult {
		t.Helper()
		return runAt(t, action, fields, content, headers)
	}
	upload := func(t *testing.T, version, key, content string, extra ...formField) ossUploadResult {
		t.Helper()
		fields := ossSigned(s, version, append([]formField{{"key", key}}, extra...), []any{"eq", "$key", key})
		return run(t, fields, content, nil)
	}
	putRules := func(t *testing.T, rules ...ossv1.CORSRule) {
		t.Helper()
		if err := client.SetBucketCORS(name, rules); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("without CORS rules the page cannot read the response", func(t *testing.T) {
		res := upload(t, "V1", "nocors.txt", "no cors")
		if res.OK || !strings.Contains(res.Error, "TypeError") {
			t.Errorf("fetch without CORS rules: %+v, want a TypeError", res)
		}
	})

	t.Run("a rule for another origin does not help", func(t *testing.T) {
		putRules(t, ossv1.CORSRule{AllowedOrigin: []string{"https://elsewhere.example"}, AllowedMethod: []string{"POST"}})
		if res := upload(t, "V4", "other.txt", "other origin"); res.OK {
			t.Errorf("fetch with a rule for another origin: %+v", res)
		}
		putRules(t, ossv1.CORSRule{AllowedOrigin: []string{origin}, AllowedMethod: []string{"GET", "PUT"}})
		if res := upload(t, "V1", "method.txt", "method not allowed"); res.OK {
			t.Errorf("fetch with a rule for the origin but not for POST: %+v", res)
		}
	})

	t.Run("a rule for the page's origin", func(t *testing.T) {
		putRules(t, ossv1.CORSRule{
			AllowedOrigin: []string{origin}, AllowedMethod: []string{"POST", "GET"},
			ExposeHeader: []string{"ETag", "x-oss-request-id"}, MaxAgeSeconds: 60,
		})
		for _, version := range []string{"V1", "V4"} {
			content := "uploaded with fetch, " + version
			key := "cors-" + version + ".txt"
			res := upload(t, version, key, content)
			if !res.OK || res.Status != 204 || res.ETag != ossETag([]byte(content)) || res.RequestID == "" {
				t.Errorf("%s fetch with CORS rules: %+v", version, res)
			}
			readOSS(t, s, name, key, []byte(content), version == "V4")
		}

		// success_action_status=201: the page reads the PostResponse.
		content := "uploaded with fetch, 201"
		res := upload(t, "V4", "cors-201.txt", content, formField{"success_action_status", "201"})
		var pr struct {
			Bucket, Key, ETag string
		}
		if !res.OK || res.Status != 201 {
			t.Fatalf("fetch with success_action_status=201: %+v", res)
		}
		if err := xml.Unmarshal([]byte(res.Body), &pr); err != nil || pr.Bucket != name || pr.Key != "cors-201.txt" || pr.ETag != ossETag([]byte(content)) {
			t.Errorf("the page read %q (%v)", res.Body, err)
		}

		// An error carries the CORS headers too, so the page reads OSS's
		// error.
		fields := ossSigned(s, "V1", []formField{{"key", "bad.txt"}}, []any{"eq", "$key", "bad.txt"})
		for i := range fields {
			if fields[i].Name == ossauth.FieldSignature {
				fields[i].Value = ossauth.SignPostV1(fields[i].Value, "not the secret")
			}
		}
		res = run(t, fields, "refused", nil)
		if !res.OK || res.Status != 403 || !strings.Contains(res.Body, "<Code>SignatureDoesNotMatch</Code>") || res.RequestID == "" {
			t.Errorf("fetch of a badly signed form: %+v", res)
		}
		if exists, err := s.OSSV1Bucket(name, false).IsObjectExist("bad.txt"); err != nil || exists {
			t.Errorf("after the badly signed form, bad.txt exists: %v, %v", exists, err)
		}
	})

	t.Run("a preflighted request needs its header allowed", func(t *testing.T) {
		hdr := map[string]string{"x-oss-meta-client": "js"}
		fields := ossSigned(s, "V1", []formField{{"key", "pre1.txt"}}, []any{"eq", "$key", "pre1.txt"})
		if res := run(t, fields, "preflight refused", hdr); res.OK {
			t.Errorf("preflighted fetch whose header no rule allows: %+v", res)
		}
		putRules(t, ossv1.CORSRule{
			AllowedOrigin: []string{"http://127.0.0.1:*"}, AllowedMethod: []string{"POST"},
			AllowedHeader: []string{"x-oss-meta-*"}, ExposeHeader: []string{"ETag"},
		})
		content := "preflight allowed"
		fields = ossSigned(s, "V4", []formField{{"key", "pre2.txt"}}, []any{"eq", "$key", "pre2.txt"})
		res := run(t, fields, content, hdr)
		if !res.OK || res.Status != 204 || res.ETag != ossETag([]byte(content)) {
			t.Errorf("preflighted fetch: %+v", res)
		}
		readOSS(t, s, name, "pre2.txt", []byte(content), true)
	})

	// Path style on the server's address, the action `arca form -json`
	// prints without -virtual-host: the preflight (unsigned, outside every
	// domain) is answered by the default dialect, over the same rules.
	t.Run("path style, preflighted", func(t *testing.T) {
		content := "path style"
		fields := ossSigned(s, "V1", []formField{{"key", "path.txt"}, {"success_action_status", "200"}}, []any{"eq", "$key", "path.txt"})
		res := runAt(t, s.URL()+"/"+name, fields, content, map[string]string{"x-oss-meta-client": "js"})
		if !res.OK || res.Status != 200 || res.ETag != ossETag([]byte(content)) {
			t.Errorf("path-style preflighted fetch: %+v", res)
		}
		readOSS(t, s, name, "path.txt", []byte(content), false)
	})
}
