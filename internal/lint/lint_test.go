// Package lint checks, as a test, that imports flow the way the design says:
// server -> dialects -> {wire, core}; core -> engine; leaf packages import
// no Arca package; no core or engine code imports net/http.
package lint

import (
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/arcastore/arca/"

// rules: package (relative to the module) -> allowed Arca imports (prefix
// match), plus forbidden standard-library imports.
var rules = []struct {
	pkg       string
	allow     []string
	forbidStd []string
}{
	{"internal/engine", nil, []string{"net/http"}},
	{"internal/engine/local", []string{"internal/engine"}, []string{"net/http"}},
	{"internal/checksum", nil, []string{"net/http"}},
	{"internal/wire/httprange", nil, nil},
	{"internal/wire/conditional", nil, nil},
	{"internal/wire/postform", nil, nil},
	{"internal/wire/postpolicy", nil, nil},
	{"internal/wire/throttle", nil, nil},
	{"internal/wire/cors", nil, nil},
	{"internal/httpx", []string{"internal/wire/postform"}, nil},
	{"internal/iam", nil, nil},
	{"internal/core", []string{"internal/engine", "internal/checksum"}, []string{"net/http"}},
	{"internal/cos/cosauth", nil, nil},
	{"internal/oss/ossauth", nil, nil},
	// s3auth hashes aws-chunked chunks with checksum's SHA256Batch; checksum
	// is a leaf (standard library and x/sys only).
	{"internal/s3/s3auth", []string{"internal/checksum"}, nil},
	{"internal/cos", []string{"internal/core", "internal/cos/cosauth", "internal/httpx", "internal/iam", "internal/wire/", "internal/checksum", "internal/dialect"}, nil},
	{"internal/cosjson", []string{"internal/core", "internal/httpx", "internal/iam", "internal/wire/", "internal/checksum", "internal/dialect"}, nil},
	{"internal/oss", []string{"internal/core", "internal/oss/ossauth", "internal/httpx", "internal/iam", "internal/wire/", "internal/checksum", "internal/dialect"}, nil},
	{"internal/s3", []string{"internal/core", "internal/s3/s3auth", "internal/httpx", "internal/iam", "internal/wire/", "internal/checksum", "internal/dialect"}, nil},
	{"internal/dialect", []string{"internal/core", "internal/wire/", "internal/checksum"}, nil},
	{"internal/server", []string{"internal/httpx", "internal/wire/postform"}, nil},
}

func TestImportRules(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, r := range rules {
		dir := filepath.Join(root, r.pkg)
		ents, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // a package the rules anticipate, not written yet
		}
		if err != nil {
			t.Errorf("%s: %v", r.pkg, err)
			continue
		}
		for _, e := range ents {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range r.forbidStd {
					if p == bad {
						t.Errorf("%s/%s imports %s, which this package must not", r.pkg, name, p)
					}
				}
				rel, ok := strings.CutPrefix(p, module)
				if !ok {
					continue
				}
				allowed := false
				for _, a := range r.allow {
					if rel == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(rel, a)) {
						allowed = true
					}
				}
				if !allowed {
					t.Errorf("%s/%s imports %s, which breaks the import rules", r.pkg, name, rel)
				}
			}
		}
	}
}
