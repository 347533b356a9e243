// Package browsertest checks Arca with a real browser: headless Chromium,
// driven over the DevTools protocol with chromedp, uploads files to a
// running Arca the way a web page does, and the tests read the objects back
// with cos-go-sdk-v5.
//
// # README
//
// What the tests do:
//
//   - TestBrowser_FormRedirect: a page served by httptest on 127.0.0.1 holds
//     a real <form method=post enctype=multipart/form-data> whose action is a
//     bucket's URL, as in COS's POST Object document: hidden fields (key
//     with ${filename}, Content-Type, x-cos-meta-*, success_action_redirect
//     back to the page's server) and the signature fields of
//     cos.PostFormFields, then the file input. The test chooses a file,
//     submits, and checks that the browser lands on the redirect URL with
//     bucket, key and etag; then it reads the object back.
//   - TestBrowser_FormStatus: the same form with success_action_status=201
//     and no redirect; the browser's view of the response (status, ETag,
//     Location) comes from the DevTools network events.
//   - TestBrowser_CrossOriginFetch: a page on another origin uploads with
//     fetch and FormData. Without CORS rules on the bucket the browser
//     refuses the page the response; with a rule for the page's origin it
//     resolves with 204 and the exposed ETag; a request that needs a
//     preflight (a custom header) passes only when the rule allows it.
//
// oss_test.go does the same for OSS PostObject (V1 and V4 form
// signatures, success_action_status=201 and success_action_redirect, an
// anonymous form, a cross-origin fetch under the bucket's CORS rules, read
// back with the OSS SDKs), and serves the pages `arca form` prints (cos,
// oss, and s3 once the command has it) to upload through them; its opening
// comment lists its tests.
//
// How to run: `go test ./internal/browsertest/`. The tests need Chromium:
// `chromium` on PATH, or /usr/bin/chromium (Debian: `apt-get install
// chromium`). Without it they skip, unless ARCA_REQUIRE_BROWSER=1 (CI sets
// it), which makes a missing browser a failure. Each test starts its own
// Arca and its own browser, with these flags: --headless --no-sandbox
// --disable-gpu --disable-quic --no-first-run
// --disable-background-networking --disable-component-update
// --disable-sync (and --disable-dev-shm-usage, as containers' /dev/shm is
// often too small for it), a fresh --user-data-dir (a new temporary directory that
// chromedp removes once the browser and its children are gone), and
// --host-resolver-rules mapping *.arca.test to 127.0.0.1, so that
// virtual-host bucket names (<bucket>.cos.arca.test) reach the test server
// without DNS. Every test has a 60-second budget (testBudget); its cleanup
// kills the browser.
package browsertest

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/cos"
)

// chromiumFallback is where Debian's chromium package puts the browser.
const chromiumFallback = "/usr/bin/chromium"

// testBudget bounds each browser test, browser start included.
const testBudget = 60 * time.Second // generous: CI runs the crash tests on the same two cores

// chromiumPath finds Chromium, or skips the test (fails it when
// ARCA_REQUIRE_BROWSER=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if fi, err := os.Stat(chromiumFallback); err == nil && !fi.IsDir() {
		return chromiumFallback
	}
	if os.Getenv("ARCA_REQUIRE_BROWSER") == "1" {
		t.Fatalf("Chromium not found (neither chromium on PATH nor %s), and ARCA_REQUIRE_BROWSER=1", chromiumFallback)
	}
	t.Skipf("Chromium not found (neither chromium on PATH nor %s); set ARCA_REQUIRE_BROWSER=1 to make this a failure", chromiumFallback)
	return ""
}

// newBrowser starts headless Chromium (found by chromiumPath) and returns a
// context for its first tab. The context ends after testBudget; cleanup
// kills the browser and waits for its processes to exit. Call it after
// setup, so that the browser is gone before Arca shuts down (a socket the
// browser opened ahead of time would hold up Arca's graceful shutdown).
func newBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testBudget)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Container /dev/shm is often tiny; Chromium crashes on it.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP *.arca.test 127.0.0.1, MAP arca.test 127.0.0.1"),
	)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel() // kills the browser if it is still there, and waits for it
		cancel()
	})
	// Start it now, so that a browser that cannot start fails here.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return bctx
}

// setup starts Arca with a fresh bucket and returns the server, the
// bucket's name and a root SDK client for it.
func setup(t *testing.T) (*arcatest.Server, string, *cossdk.Client) {
	t.Helper()
	s := arcatest.Start(t)
	name := arcatest.Bucket("browser")
	c := s.COS(name)
	if _, err := c.Bucket.Put(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s, name, c
}

type formField struct{ Name, Value string }

// signedFields returns the hidden fields of a POST Object form: fields,
// then the signature fields for a policy holding conds plus the q-*
// conditions COS requires.
func signedFields(s *arcatest.Server, fields []formField, conds ...any) []formField {
	start, end := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	keyTime := fmt.Sprintf("%d;%d", start.Unix(), end.Unix())
	conds = append(conds,
		map[string]string{"q-sign-algorithm": "sha1"},
		map[string]string{"q-ak": s.Root.AccessKey},
		map[string]string{"q-sign-time": keyTime})
	doc, err := json.Marshal(map[string]any{"expiration": end.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	if err != nil {
		panic(err)
	}
	sig := cos.PostFormFields(s.Root.AccessKey, s.Root.SecretKey, doc, start, end)
	out := append([]formField(nil), fields...)
	for _, n := range []string{"policy", "q-sign-algorithm", "q-ak", "q-key-time", "q-signature"} {
		out = append(out, formField{n, sig[n]})
	}
	return out
}

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>upload</title></head><body>
<form id="upload" method="post" enctype="multipart/form-data" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<input type="file" id="file" name="file">
<input type="submit" id="submit" value="Upload">
</form>
</body></html>
`))

// pageServer serves the form at / (its hidden fields from fields, called
// for every request) and a landing page at /done, and reports the query of
// every /done request.
func pageServer(t *testing.T, action string, fields func() []formField) (*httptest.Server, <-chan url.Values) {
	t.Helper()
	landed := make(chan url.Values, 4)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := formPage.Execute(w, map[string]any{"Action": action, "Fields": fields()}); err != nil {
			t.Error(err)
		}
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

// writeFile writes a file for the file input to choose.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func quotedMD5(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// readObject reads key back with the SDK.
func readObject(t *testing.T, c *cossdk.Client, key string, want []byte) http.Header {
	t.Helper()
	resp, err := c.Object.Get(context.Background(), key, nil)
	if err != nil {
		t.Fatalf("GET %q: %v", key, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("GET %q: %q, want %q", key, got, want)
	}
	return resp.Header
}

// TestBrowser_FormRedirect submits a real HTML form, as COS's POST Object
// document shows it, with success_action_redirect.
func TestBrowser_FormRedirect(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, c := setup(t)
	ctx := newBrowser(t, path)
	action := s.BucketURL(name).String() + "/"

	// The redirect goes back to the page's server, so the form is signed
	// once that server runs.
	var fields []formField
	ts, landed := pageServer(t, action, func() []formField { return fields })
	redirect := ts.URL + "/done"
	fields = signedFields(s, []formField{
		{"key", "uploads/${filename}"},
		{"success_action_redirect", redirect},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"x-cos-meta-uploaded-by", "browser"},
	},
		map[string]string{"bucket": name},
		[]string{"starts-with", "$key", "uploads/"},
		[]string{"eq", "$success_action_redirect", redirect},
		[]string{"starts-with", "$Content-Type", "text/"},
		[]string{"starts-with", "$x-cos-meta-uploaded-by", ""},
		[]any{"content-length-range", 1, 1 << 20},
	)

	data := []byte("Hello from a real browser form.\n")
	file := writeFile(t, "hello world.txt", data)
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
	const key = "uploads/hello world.txt"
	q := u.Query()
	if u.Scheme+"://"+u.Host+u.Path != redirect || q.Get("bucket") != name || q.Get("key") != key || q.Get("etag") != quotedMD5(data) {
		t.Errorf("the browser landed on %s; want %s?bucket=%s&key=%s&etag=%s", loc, redirect, name, key, quotedMD5(data))
	}
	select {
	case got := <-landed:
		if got.Encode() != q.Encode() {
			t.Errorf("landing page saw %v, browser shows %v", got, q)
		}
	default:
		t.Error("the landing page was not requested")
	}

	h := readObject(t, c, key, data)
	if h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("x-cos-meta-uploaded-by") != "browser" || h.Get("ETag") != quotedMD5(data) {
		t.Errorf("object headers %v", h)
	}
}

// TestBrowser_FormStatus submits a form with success_action_status=201 and
// no redirect: the browser shows COS's empty 201 response.
func TestBrowser_FormStatus(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, c := setup(t)
	ctx := newBrowser(t, path)
	action := s.BucketURL(name).String() + "/"
	fields := signedFields(s, []formField{
		{"key", "status/${filename}"},
		{"success_action_status", "201"},
	}, map[string]string{"success_action_status": "201"}, []string{"starts-with", "$key", "status/"})
	ts, _ := pageServer(t, action, func() []formField { return fields })

	data := []byte("status only\n")
	file := writeFile(t, "s.txt", data)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
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
	resp := ev.Response
	header := func(name string) string {
		for k, v := range resp.Headers {
			if strings.EqualFold(k, name) {
				s, _ := v.(string)
				return s
			}
		}
		return ""
	}
	if resp.Status != 201 || header("ETag") != quotedMD5(data) || header("Location") != action+"status/s.txt" || header("x-cos-request-id") == "" {
		t.Errorf("the browser saw %d %v", resp.Status, resp.Headers)
	}
	readObject(t, c, "status/s.txt", data)
}

// uploadJS is the page's script: it posts a form with fetch and reports
// what the page may see of the response.
const uploadJS = `
window.upload = async function (action, fields, name, content, extraHeaders) {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  fd.append("file", new Blob([content], {type: "text/plain"}), name);
  try {
    const r = await fetch(action, {method: "POST", body: fd, headers: extraHeaders || {}});
    return {ok: true, status: r.status, etag: r.headers.get("ETag") || ""};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
};
`

type uploadResult struct {
	OK     bool   `json:"ok"`
	Status int    `json:"status"`
	ETag   string `json:"etag"`
	Error  string `json:"error"`
}

// TestBrowser_CrossOriginFetch uploads with fetch and FormData from a page
// on another origin, which the bucket's CORS rules must allow.
func TestBrowser_CrossOriginFetch(t *testing.T) {
	t.Parallel()
	path := chromiumPath(t)
	s, name, c := setup(t)
	ctx := newBrowser(t, path)
	action := s.BucketURL(name).String() + "/"
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><script>%s</script></head><body>app</body></html>", uploadJS)
	}))
	t.Cleanup(page.Close)
	origin := page.URL // http://127.0.0.1:port, another origin than the bucket's
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL+"/")); err != nil {
		t.Fatal(err)
	}

	upload := func(t *testing.T, key, content string, headers map[string]string) uploadResult {
		t.Helper()
		fields := signedFields(s, []formField{{"key", key}}, []string{"eq", "$key", key})
		pairs := make([][2]string, len(fields))
		for i, f := range fields {
			pairs[i] = [2]string{f.Name, f.Value}
		}
		args, err := json.Marshal([]any{action, pairs, "f.txt", content, headers})
		if err != nil {
			t.Fatal(err)
		}
		expr := "window.upload(..." + string(args) + ")"
		res, err := chromedp.Run(ctx, chromedp.Evaluate[uploadResult](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("running the page's upload: %v", err)
		}
		return res
	}
	putRules := func(t *testing.T, rules ...cossdk.BucketCORSRule) {
		t.Helper()
		if _, err := c.Bucket.PutCORS(context.Background(), &cossdk.BucketPutCORSOptions{Rules: rules}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("without CORS rules the page cannot read the response", func(t *testing.T) {
		res := upload(t, "nocors.txt", "no cors", nil)
		if res.OK || !strings.Contains(res.Error, "TypeError") {
			t.Errorf("fetch without CORS rules: %+v, want a TypeError", res)
		}
	})

	t.Run("a rule for another origin does not help", func(t *testing.T) {
		putRules(t, cossdk.BucketCORSRule{AllowedOrigins: []string{"https://elsewhere.example"}, AllowedMethods: []string{"POST"}})
		if res := upload(t, "other.txt", "other origin", nil); res.OK {
			t.Errorf("fetch with a rule for another origin: %+v", res)
		}
	})

	t.Run("a rule for the page's origin", func(t *testing.T) {
		putRules(t, cossdk.BucketCORSRule{
			AllowedOrigins: []string{origin}, AllowedMethods: []string{"POST", "GET"},
			ExposeHeaders: []string{"ETag", "x-cos-request-id"}, MaxAgeSeconds: 60,
		})
		content := "uploaded with fetch"
		res := upload(t, "cors.txt", content, nil)
		if !res.OK || res.Status != 204 || res.ETag != quotedMD5([]byte(content)) {
			t.Errorf("fetch with CORS rules: %+v", res)
		}
		readObject(t, c, "cors.txt", []byte(content))
	})

	t.Run("a preflighted request needs its header allowed", func(t *testing.T) {
		hdr := map[string]string{"x-cos-meta-client": "js"}
		if res := upload(t, "pre1.txt", "preflight refused", hdr); res.OK {
			t.Errorf("preflighted fetch whose header no rule allows: %+v", res)
		}
		putRules(t, cossdk.BucketCORSRule{
			AllowedOrigins: []string{"http://127.0.0.1:*"}, AllowedMethods: []string{"POST"},
			AllowedHeaders: []string{"x-cos-meta-*"}, ExposeHeaders: []string{"ETag"},
		})
		content := "preflight allowed"
		res := upload(t, "pre2.txt", content, hdr)
		if !res.OK || res.Status != 204 || res.ETag != quotedMD5([]byte(content)) {
			t.Errorf("preflighted fetch: %+v", res)
		}
		readObject(t, c, "pre2.txt", []byte(content))
	})
}
