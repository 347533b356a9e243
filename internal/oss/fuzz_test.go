package oss

import (
	"encoding/base64"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzCopySource: x-oss-copy-source never panics, and what it accepts
// names a bucket and a key.
func FuzzCopySource(f *testing.F) {
	for _, s := range []string{"/bkt/key", "/bkt/a%2Fb+c?versionId=CAEQ", "bkt/k", "/bkt", "//", "/b/%zz", "/b/k?versionId="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		b, k, _, err := copySource(v)
		if err == nil && (b == "" || k == "") {
			t.Fatalf("copySource(%q) = %q, %q without error", v, b, k)
		}
	})
}

// FuzzSymlinkTarget: the x-oss-symlink-target a GetSymlink sends reads
// back as the target with query unescaping (aliyun-oss-go-sdk), and holds
// no byte a header cannot carry.
func FuzzSymlinkTarget(f *testing.F) {
	for _, s := range []string{"dir/a b+c%.txt", "中文", "\x01\x7f", "a%2Fb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, target string) {
		enc := escapeTarget(target)
		for i := 0; i < len(enc); i++ {
			if enc[i] < 0x20 || enc[i] >= 0x7f {
				t.Fatalf("escapeTarget(%q) = %q has byte %#x", target, enc, enc[i])
			}
		}
		if got, err := url.QueryUnescape(enc); err != nil || got != target {
			t.Fatalf("QueryUnescape(escapeTarget(%q)) = %q, %v", target, got, err)
		}
	})
}

// FuzzTaggingAndPolicy: x-oss-tagging and PostObject policies never
// panic; accepted tags satisfy OSS's limits.
func FuzzTaggingAndPolicy(f *testing.F) {
	f.Add("a=1&b=2", `{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b"}]}`)
	f.Add("a&a", `{"conditions":[["in","$k",["a"]]]}`)
	f.Fuzz(func(t *testing.T, tagging, policy string) {
		get := func(string) (string, bool) { return tagging, true }
		if tags, err := taggingHeader(get); err == nil {
			if len(tags) > maxTags {
				t.Fatalf("%d tags accepted", len(tags))
			}
			for k, v := range tags {
				if !utf8.ValidString(k) || len(k) > maxTagKey || len(v) > maxTagValue {
					t.Fatalf("tag %q=%q accepted", k, v)
				}
			}
		}
		parsePolicy(base64.StdEncoding.EncodeToString([]byte(policy)))
	})
}
