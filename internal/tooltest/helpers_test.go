package tooltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcastore/arca/internal/app"
	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/server"
)

// cmdTimeout bounds one tool invocation.
const cmdTimeout = 60 * time.Second

// partSize is the multipart threshold and part size the tools are
// configured with (S3's minimum part size), so that bigSize makes a
// three-part upload.
const (
	partSize = 5 << 20
	bigSize  = 11<<20 + 12345
)

// findTool returns the first candidate that is an executable (a path) or
// found on PATH (a bare name), or skips the test (fails it when
// ARCA_REQUIRE_TOOLS=1).
func findTool(t *testing.T, name string, candidates ...string) string {
	t.Helper()
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if strings.ContainsRune(c, os.PathSeparator) {
			if fi, err := os.Stat(c); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return c
			}
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("ARCA_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s not found (tried %q), and ARCA_REQUIRE_TOOLS=1", name, candidates)
	}
	t.Skipf("%s not found (tried %q); install it (Debian: apt-get install awscli rclone s3cmd) or set ARCA_REQUIRE_TOOLS=1 to make this a failure", name, candidates)
	return ""
}

// rig is a running server and a sandbox for one tool: a home directory of
// its own and an environment without the caller's AWS_*/RCLONE_*
// settings.
type rig struct {
	t    *testing.T
	s    *arcatest.Server
	s3   *s3.Client
	home string // HOME of the tool; its config files live here
	work string // the tool's working directory; trees are made here
	env  []string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	s := arcatest.Start(t, func(c *app.Config) { c.DefaultDialect = server.S3 })
	r := &rig{t: t, s: s, s3: s.S3(arcatest.S3Client{}), home: t.TempDir(), work: t.TempDir()}
	r.env = sandboxEnv(r.home)
	return r
}

// sandboxEnv is the process environment for a tool: the caller's, minus
// every variable that could point a tool at other credentials, endpoints,
// configuration, CA bundles or proxies, with HOME and the XDG directories
// in home.
func sandboxEnv(home string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		u := strings.ToUpper(name)
		switch {
		case strings.HasPrefix(u, "AWS_"), strings.HasPrefix(u, "RCLONE_"), strings.HasPrefix(u, "S3CMD"),
			strings.HasPrefix(u, "XDG_"), u == "HOME", strings.HasSuffix(u, "_PROXY"):
			continue
		}
		out = append(out, kv)
	}
	return append(out,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

// run runs a tool in the sandbox and returns its standard output; a
// failure or a timeout fails the test with everything it printed.
func (r *rig) run(env []string, tool string, args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = r.work
	cmd.Env = append(append([]string(nil), r.env...), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r.t.Logf("%s %s (%.1fs)", filepath.Base(tool), strings.Join(args, " "), time.Since(start).Seconds())
	if err != nil {
		r.t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", tool, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// writeFile writes a file of the sandbox (configuration, say).
func (r *rig) writeFile(path, content string) string {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return path
}

// tree is a directory's files by slash-separated relative path.
type tree map[string][]byte

// initialTree has the cases the tools must carry through: a key with a
// space, one with characters that need escaping in paths and queries and a
// non-ASCII one, an empty file, and a file big enough for a multipart
// upload.
func initialTree() tree {
	big := make([]byte, bigSize)
	rng := rand.NewChaCha8([32]byte{'a', 'r', 'c', 'a'})
	rng.Read(big)
	return tree{
		"a.txt":                   []byte("hello from arca\n"),
		"empty.txt":               {},
		"sub/b c.txt":             []byte("a key with a space\n"),
		"sub/deep/x+y=z & ü.txt":  []byte("reserved and non-ASCII characters\n"),
		"sub/deep/nested/data.js": []byte(`{"k": "v"}` + "\n"),
		"big.bin":                 big,
	}
}

// localChanges edits a tree as a user between two syncs: one file changed
// (to another size, so that every tool's change detection sees it), one
// removed, one added.
func localChanges(t *testing.T, dir string, tr tree) {
	t.Helper()
	tr["a.txt"] = []byte("hello again from arca, a little longer\n")
	delete(tr, "sub/b c.txt")
	tr["new/c.txt"] = []byte("a new file\n")
	if err := os.Remove(filepath.Join(dir, "sub", "b c.txt")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, tree{"a.txt": tr["a.txt"], "new/c.txt": tr["new/c.txt"]})
}

// remoteChanges edits the objects under prefix with the SDK, as another
// client would, before a sync down: one changed, one removed, one added.
func (r *rig) remoteChanges(bucket, prefix string) {
	r.t.Helper()
	r.put(bucket, prefix+"new/c.txt", []byte("changed on the server, to a new length\n"))
	r.put(bucket, prefix+"remote-only.txt", []byte("made on the server\n"))
	if _, err := r.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: &bucket, Key: aws.String(prefix + "a.txt")}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) put(bucket, key string, data []byte) {
	r.t.Helper()
	if _, err := r.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(data)}); err != nil {
		r.t.Fatalf("put %s: %v", key, err)
	}
}

func writeTree(t *testing.T, dir string, tr tree) {
	t.Helper()
	for name, data := range tr {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree reads every regular file under dir.
func readTree(t *testing.T, dir string) tree {
	t.Helper()
	tr := tree{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		tr[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// remoteTree reads every object under prefix with the SDK, keyed by the
// rest of its key.
func (r *rig) remoteTree(bucket, prefix string) tree {
	r.t.Helper()
	tr := tree{}
	ctx := context.Background()
	p := s3.NewListObjectsV2Paginator(r.s3, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			r.t.Fatalf("list %s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out, err := r.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: o.Key})
			if err != nil {
				r.t.Fatalf("get %s: %v", *o.Key, err)
			}
			b, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				r.t.Fatal(err)
			}
			tr[strings.TrimPrefix(*o.Key, prefix)] = b
		}
	}
	return tr
}

// sameTree fails the test unless got and want hold the same files with the
// same bytes.
func sameTree(t *testing.T, what string, got, want tree) {
	t.Helper()
	var diffs []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("missing %q", name))
		case !bytes.Equal(g, w):
			diffs = append(diffs, fmt.Sprintf("%q: %d bytes, want %d (content differs)", name, len(g), len(w)))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("unexpected %q", name))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		t.Fatalf("%s:\n  %s", what, strings.Join(diffs, "\n  "))
	}
}

// mustContain fails the test unless out has every line fragment of want.
func mustContain(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// fetch GETs a URL with a plain HTTP client, as a browser or curl would.
func fetch(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// checkPresigned fetches a pre-signed GET URL and checks the bytes, then
// checks that the same URL for another key is refused.
func checkPresigned(t *testing.T, url string, want []byte) {
	t.Helper()
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("pre-signed URL %q is not for the endpoint", url)
	}
	status, body := fetch(t, url)
	if status != 200 || !bytes.Equal(body, want) {
		t.Fatalf("pre-signed GET = %d %q, want 200 %q", status, body, want)
	}
	i := strings.Index(url, "?")
	forged := url[:i] + "x" + url[i:]
	if status, body := fetch(t, forged); status != 403 {
		t.Errorf("pre-signed URL with another key = %d %s, want 403", status, body)
	}
}

// bucketGone fails the test unless bucket no longer exists.
func (r *rig) bucketGone(bucket string) {
	r.t.Helper()
	_, err := r.s3.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: &bucket})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		r.t.Fatalf("HeadBucket after removal: %v, want NotFound", err)
	}
}
