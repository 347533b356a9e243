// Package clienttest drives a running Arca with real clients other than the
// Go SDKs the dialect packages use: today Tencent's Node.js SDK
// (cos-nodejs-sdk-v5), whose signing and parsing differ from the Go SDK's
// in ways a server must tolerate (unescaped ';' in pre-signed URLs, header
// casing, multipart resume by listing).
//
// The Node modules are installed by .ci/run (npm ci in testdata/node). When
// node or the modules are missing the tests skip, unless
// ARCA_REQUIRE_NODE=1 (CI sets it), when they fail.
package clienttest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/arcatest"
)

func requireNode(t *testing.T) (node, dir string) {
	t.Helper()
	dir, _ = filepath.Abs(filepath.Join("testdata", "node"))
	node, err := exec.LookPath("node")
	missing := ""
	if err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "cos-nodejs-sdk-v5")); err != nil {
		missing = "cos-nodejs-sdk-v5 is not installed (run: npm ci --prefix internal/clienttest/testdata/node)"
	}
	if missing != "" {
		if os.Getenv("ARCA_REQUIRE_NODE") == "1" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	return node, dir
}

func TestCOSNodeSDK(t *testing.T) {
	node, dir := requireNode(t)
	s := arcatest.Start(t)
	bucket := arcatest.Bucket("node")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "cos.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"ARCA_PORT="+s.Port(), "ARCA_DOMAIN="+arcatest.Domain,
		"ARCA_AK="+s.Root.AccessKey, "ARCA_SK="+s.Root.SecretKey, "ARCA_BUCKET="+bucket)
	out, err := cmd.CombinedOutput()
	t.Logf("node cos.js:\n%s", out)
	if err != nil {
		t.Fatalf("the Node.js COS SDK run failed: %v", err)
	}
	if n := strings.Count(string(out), "ok "); n < 18 {
		t.Fatalf("only %d steps passed", n)
	}
}
