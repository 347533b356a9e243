// Package server is Arca's root http.Handler: it gives each request an id,
// resolves which bucket and key it addresses (virtual-host or path style),
// recognises its dialect (COS, COS JSON, OSS, S3) and hands it to that
// dialect's handler. It recovers panics and logs every request with slog.
//
// It imports httpx and the dialect handlers' common interface only; it does
// no storage work itself.
package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/httpx"
	"github.com/arcastore/arca/internal/wire/postform"
)

// Dialect names a wire protocol.
type Dialect string

// The dialects Arca speaks.
const (
	COS     Dialect = "cos"
	COSJSON Dialect = "cosjson"
	OSS     Dialect = "oss"
	S3      Dialect = "s3"
)

// ParseDialect accepts a dialect name.
func ParseDialect(s string) (Dialect, error) {
	switch d := Dialect(strings.ToLower(s)); d {
	case COS, COSJSON, OSS, S3:
		return d, nil
	}
	return "", fmt.Errorf("unknown dialect %q (want cos, cosjson, oss or s3)", s)
}

// Domain is a host name under which buckets are addressed: the name itself
// is the service endpoint (path-style), <bucket>.<name> a bucket (virtual
// host). Requests that carry no signature answer in the domain's dialect.
type Domain struct {
	Name    string
	Dialect Dialect
}

// ParseDomain reads "name" or "dialect=name". Without a dialect it is
// guessed from the name (myqcloud/cos -> cos, aliyuncs/oss -> oss,
// amazonaws/s3 -> s3), defaulting to def.
func ParseDomain(s string, def Dialect) (Domain, error) {
	name := s
	var d Dialect
	if i := strings.IndexByte(s, '='); i >= 0 {
		var err error
		if d, err = ParseDialect(s[:i]); err != nil {
			return Domain{}, err
		}
		name = s[i+1:]
	}
	name = strings.ToLower(strings.Trim(name, ". "))
	if name == "" || strings.ContainsAny(name, "/: ") {
		return Domain{}, fmt.Errorf("invalid domain %q", s)
	}
	if d == "" {
		d = def
		for _, g := range []struct {
			sub string
			d   Dialect
		}{{"myqcloud", COS}, {"tencentcos", COS}, {"aliyuncs", OSS}, {"amazonaws", S3}, {"cos", COS}, {"oss", OSS}, {"s3", S3}} {
			if strings.Contains(name, g.sub) {
				d = g.d
				break
			}
		}
	}
	return Domain{Name: name, Dialect: d}, nil
}

// Handler serves one dialect's requests.
type Handler interface {
	ServeRequest(w http.ResponseWriter, r *http.Request, req *httpx.Request)
}

// Config assembles a Server.
type Config struct {
	Domains []Domain
	// Default answers requests that carry no signature and fall under no
	// domain.
	Default  Dialect
	Handlers map[Dialect]Handler
	Log      *slog.Logger
}

// Server is the root handler.
type Server struct {
	cfg Config
	log *slog.Logger
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Default == "" {
		cfg.Default = COS
	}
	return &Server{cfg: cfg, log: cfg.Log}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	req := &httpx.Request{ID: httpx.NewID(now), Time: now}
	sw := &statusWriter{ResponseWriter: w}
	var dialect Dialect
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "id", req.ID, "panic", p, "stack", string(debug.Stack()))
			if !sw.wrote {
				http.Error(sw, "internal error", http.StatusInternalServerError)
			}
		}
		level := slog.LevelDebug
		switch {
		case sw.status == http.StatusNotImplemented:
			level = slog.LevelInfo // a feature Arca lacks, not a failure
		case sw.status >= 500:
			level = slog.LevelError
		}
		if s.log.Enabled(r.Context(), level) {
			s.log.Log(r.Context(), level, "request", "id", req.ID, "dialect", string(dialect),
				"method", r.Method, "host", r.Host, "path", r.URL.Path, "bucket", req.Bucket,
				"status", sw.status, "bytes", sw.n, "ms", time.Since(now).Milliseconds(), "remote", r.RemoteAddr)
		}
	}()

	defaultDialect := s.address(r, req)
	dialect = Detect(r, defaultDialect)
	if isFormUpload(r, req) {
		if d, ok := detectSignature(r); ok {
			dialect = d
		} else {
			dialect = s.readForm(r, req, defaultDialect)
		}
	}
	h := s.cfg.Handlers[dialect]
	if h == nil {
		notImplemented(sw, dialect)
		return
	}
	h.ServeRequest(sw, r, req)
}

// address fills in the request's host, bucket and key, and returns the
// dialect of the domain it falls under (or the default).
func (s *Server) address(r *http.Request, req *httpx.Request) Dialect {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	req.Host = host
	dialect := s.cfg.Default
	path := r.URL.Path
	for _, d := range s.cfg.Domains {
		if host == d.Name {
			req.Domain = d.Name
			dialect = d.Dialect
			break
		}
		if strings.HasSuffix(host, "."+d.Name) {
			req.Domain = d.Name
			req.Bucket = host[:len(host)-len(d.Name)-1]
			req.VirtualHost = true
			req.Key = strings.TrimPrefix(path, "/")
			return d.Dialect
		}
	}
	if strings.HasPrefix(path, "/files/v2/") {
		return dialect
	}
	p := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		req.Bucket, req.Key = p[:i], p[i+1:]
	} else {
		req.Bucket = p
	}
	return dialect
}

// isFormUpload reports whether r is a POST form upload to a bucket.
func isFormUpload(r *http.Request, req *httpx.Request) bool {
	if r.Method != http.MethodPost || req.Bucket == "" || req.Key != "" || r.URL.RawQuery != "" {
		return false
	}
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	return strings.HasPrefix(strings.TrimSpace(ct), "multipart/form-data")
}

// readForm reads a form upload's fields and recognises its dialect from
// them: q-* fields are COS, OSSAccessKeyId or x-oss-* OSS, AWSAccessKeyId
// or x-amz-* S3. A form without signature fields (an anonymous upload)
// answers in def.
func (s *Server) readForm(r *http.Request, req *httpx.Request, def Dialect) Dialect {
	f, err := postform.Read(r, postform.Limits{})
	if err != nil {
		req.FormErr = err
		return def
	}
	req.Form = f
	for _, fd := range f.Fields {
		n := strings.ToLower(fd.Name)
		switch {
		case strings.HasPrefix(n, "q-") || strings.HasPrefix(n, "x-cos-"):
			return COS
		case n == "ossaccesskeyid" || strings.HasPrefix(n, "x-oss-"):
			return OSS
		case n == "awsaccesskeyid" || strings.HasPrefix(n, "x-amz-"):
			return S3
		}
	}
	return def
}

// detectSignature recognises a dialect from a signature in the
// Authorization header or the query string.
func detectSignature(r *http.Request) (Dialect, bool) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		a := strings.TrimSpace(auth)
		switch {
		case strings.HasPrefix(a, "q-sign-algorithm="):
			return COS, true
		case strings.HasPrefix(a, "OSS ") || strings.HasPrefix(a, "OSS4-HMAC-SHA256"):
			return OSS, true
		case strings.HasPrefix(a, "AWS4-HMAC-SHA256") || strings.HasPrefix(a, "AWS "):
			return S3, true
		}
	}
	if q := r.URL.RawQuery; q != "" {
		switch {
		case hasParam(q, "q-sign-algorithm") || hasParam(q, "q-ak") || hasParam(q, "sign"):
			return COS, true
		case hasParam(q, "OSSAccessKeyId") || hasParam(q, "x-oss-signature-version") || hasParam(q, "x-oss-credential"):
			return OSS, true
		case hasParam(q, "X-Amz-Algorithm") || hasParam(q, "X-Amz-Credential") || hasParam(q, "AWSAccessKeyId"):
			return S3, true
		}
	}
	return "", false
}

// Detect recognises a request's dialect from how it is signed (header, query
// string), its path (/files/v2/ is the COS JSON API), or dialect-specific
// headers; otherwise it is def (the domain's dialect). POST forms are
// recognised by their fields inside the dialects' form handling.
func Detect(r *http.Request, def Dialect) Dialect {
	if strings.HasPrefix(r.URL.Path, "/files/v2/") {
		return COSJSON
	}
	if d, ok := detectSignature(r); ok {
		return d
	}
	for k := range r.Header {
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix(lk, "x-cos-"):
			return COS
		case strings.HasPrefix(lk, "x-oss-"):
			return OSS
		case strings.HasPrefix(lk, "x-amz-"):
			return S3
		}
	}
	return def
}

func hasParam(rawQuery, name string) bool {
	for rawQuery != "" {
		var kv string
		kv, rawQuery, _ = strings.Cut(rawQuery, "&")
		k, _, _ := strings.Cut(kv, "=")
		if k == name {
			return true
		}
	}
	return false
}

func notImplemented(w http.ResponseWriter, d Dialect) {
	msg := fmt.Sprintf("The %s dialect is not implemented by this server yet.", d)
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusNotImplemented)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NotImplemented</Code><Message>%s</Message></Error>", msg)
}

// statusWriter records the status and size of a response. It passes
// ReadFrom through so that file bodies still go out with sendfile.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
	}
	w.n += n
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("server: hijack not supported")
}
