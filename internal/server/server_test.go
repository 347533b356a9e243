package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/arcastore/arca/internal/httpx"
)

type recorder struct {
	req *httpx.Request
	d   Dialect
}

type fake struct {
	d   Dialect
	got *recorder
}

func (f fake) ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request) {
	f.got.req, f.got.d = req, f.d
	w.WriteHeader(204)
}

func newTest() (*Server, *recorder) {
	rec := &recorder{}
	hs := map[Dialect]Handler{}
	for _, d := range []Dialect{COS, COSJSON, OSS, S3} {
		hs[d] = fake{d: d, got: rec}
	}
	s := New(Config{
		Domains:  []Domain{{Name: "cos.example.com", Dialect: COS}, {Name: "oss.example.com", Dialect: OSS}, {Name: "s3.example.com", Dialect: S3}},
		Default:  COS,
		Handlers: hs,
	})
	return s, rec
}

func TestAddressingAndDialect(t *testing.T) {
	s, rec := newTest()
	tests := []struct {
		name, method, url string
		header            map[string]string
		dialect           Dialect
		bucket, key       string
		vhost             bool
	}{
		{"path style service", "GET", "http://127.0.0.1:9100/", nil, COS, "", "", false},
		{"path style bucket", "GET", "http://127.0.0.1:9100/b-1", nil, COS, "b-1", "", false},
		{"path style bucket slash", "GET", "http://127.0.0.1:9100/b-1/", nil, COS, "b-1", "", false},
		{"path style key keeps dots and slashes", "GET", "http://127.0.0.1:9100/b-1/a/../b//c", nil, COS, "b-1", "a/../b//c", false},
		{"path style escaped slash", "GET", "http://127.0.0.1:9100/b-1/a%2Fb%20c", nil, COS, "b-1", "a/b c", false},
		{"virtual host", "GET", "http://b-1.cos.example.com/k", nil, COS, "b-1", "k", true},
		{"virtual host with port, upper case", "GET", "http://B-1.COS.example.com:9100/dir/k", nil, COS, "b-1", "dir/k", true},
		{"virtual host bucket root", "PUT", "http://b-1.cos.example.com/", nil, COS, "b-1", "", true},
		{"domain itself is path style", "GET", "http://cos.example.com/b-1/k", nil, COS, "b-1", "k", false},
		{"anonymous under oss domain", "GET", "http://b.oss.example.com/k", nil, OSS, "b", "k", true},
		{"anonymous under s3 domain", "GET", "http://s3.example.com/b/k", nil, S3, "b", "k", false},
		{"cos header signature wins over domain", "GET", "http://b.oss.example.com/k", map[string]string{"Authorization": "q-sign-algorithm=sha1&q-ak=x"}, COS, "b", "k", true},
		{"oss v1 header", "GET", "http://127.0.0.1/b/k", map[string]string{"Authorization": "OSS ak:sig"}, OSS, "b", "k", false},
		{"oss v4 header", "GET", "http://127.0.0.1/b/k", map[string]string{"Authorization": "OSS4-HMAC-SHA256 Credential=x"}, OSS, "b", "k", false},
		{"s3 v4 header", "GET", "http://127.0.0.1/b/k", map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=x"}, S3, "b", "k", false},
		{"s3 v2 header", "GET", "http://127.0.0.1/b/k", map[string]string{"Authorization": "AWS ak:sig"}, S3, "b", "k", false},
		{"cos presigned", "GET", "http://127.0.0.1/b/k?q-sign-algorithm=sha1&q-ak=x", nil, COS, "b", "k", false},
		{"oss v1 presigned", "GET", "http://127.0.0.1/b/k?OSSAccessKeyId=x&Expires=1&Signature=y", nil, OSS, "b", "k", false},
		{"oss v4 presigned", "GET", "http://127.0.0.1/b/k?x-oss-signature-version=OSS4-HMAC-SHA256", nil, OSS, "b", "k", false},
		{"s3 v4 presigned", "GET", "http://127.0.0.1/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil, S3, "b", "k", false},
		{"s3 v2 presigned", "GET", "http://127.0.0.1/b/k?AWSAccessKeyId=x", nil, S3, "b", "k", false},
		{"x-oss header", "PUT", "http://127.0.0.1/b/k", map[string]string{"x-oss-meta-a": "1"}, OSS, "b", "k", false},
		{"x-amz header", "PUT", "http://127.0.0.1/b/k", map[string]string{"X-Amz-Date": "1"}, S3, "b", "k", false},
		{"json api path", "POST", "http://127.0.0.1/files/v2/1250000000/b/k", nil, COSJSON, "", "", false},
		{"unknown host falls back to default", "GET", "http://elsewhere.test/b/k", nil, COS, "b", "k", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.url, nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			*rec = recorder{}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if rec.req == nil {
				t.Fatalf("no handler called; status %d", w.Code)
			}
			if rec.d != tt.dialect {
				t.Errorf("dialect = %s, want %s", rec.d, tt.dialect)
			}
			if tt.dialect == COSJSON {
				return
			}
			if rec.req.Bucket != tt.bucket || rec.req.Key != tt.key || rec.req.VirtualHost != tt.vhost {
				t.Errorf("addressed (%q, %q, vhost %v), want (%q, %q, %v)", rec.req.Bucket, rec.req.Key, rec.req.VirtualHost, tt.bucket, tt.key, tt.vhost)
			}
			if rec.req.ID == "" || len(rec.req.ID) != 32 {
				t.Errorf("request id %q", rec.req.ID)
			}
		})
	}
}

func TestMissingDialectIsNotImplemented(t *testing.T) {
	s := New(Config{Handlers: map[Dialect]Handler{}})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1/b/k", nil))
	if w.Code != http.StatusNotImplemented {
		t.Fatalf("status = %d, want 501", w.Code)
	}
}

func TestPanicBecomes500(t *testing.T) {
	s := New(Config{Handlers: map[Dialect]Handler{COS: panicker{}}})
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1/b/k", nil))
	if w.Code != 500 {
		t.Fatalf("status = %d, want 500", w.Code)
	}
}

type panicker struct{}

func (panicker) ServeRequest(http.ResponseWriter, *http.Request, *httpx.Request) { panic("boom") }

func TestParseDomain(t *testing.T) {
	tests := []struct {
		in   string
		want Domain
		err  bool
	}{
		{"cos.localhost", Domain{"cos.localhost", COS}, false},
		{"oss-cn-hangzhou.aliyuncs.com", Domain{"oss-cn-hangzhou.aliyuncs.com", OSS}, false},
		{"s3=storage.example.com", Domain{"storage.example.com", S3}, false},
		{"example.com", Domain{"example.com", COS}, false},
		{"bogus=example.com", Domain{}, true},
		{"http://x", Domain{}, true},
		{"", Domain{}, true},
	}
	for _, tt := range tests {
		got, err := ParseDomain(tt.in, COS)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDomain(%q) = %+v, %v; want %+v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
