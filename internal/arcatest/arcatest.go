// Package arcatest starts a real Arca server for tests: on 127.0.0.1 with a
// free port, data in t.TempDir(), fresh root keys, and clients of the
// official SDKs already pointed at it. Cleanup shuts the server down and
// closes the store.
//
// Virtual-host addressing works without DNS: the clients' transport dials
// the server for every host name, and the server knows Domain (COS) and
// OSSDomain (OSS).
package arcatest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	ossv2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	ossv2creds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	ossv1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/app"
	"github.com/arcastore/arca/internal/server"
)

// Domain is the COS domain the test server serves: buckets are
// <bucket>.Domain.
const Domain = "cos.arca.test"

// AppID is the test server's APPID.
const AppID = "1250000000"

// OSSDomain is the OSS domain the test server serves: buckets are
// <bucket>.OSSDomain, and unsigned requests under it answer in OSS.
const OSSDomain = "oss.arca.test"

// OSSRegion is the region the OSS clients sign V4 requests for (Arca
// accepts any).
const OSSRegion = "cn-hangzhou"

// Server is a running Arca.
type Server struct {
	t      testing.TB
	dir    string
	cfg    app.Config
	mu     sync.Mutex
	app    *app.App
	addr   string
	cancel context.CancelFunc
	done   chan error
	Root   struct{ AccessKey, SecretKey, ID string }
	// Client is an HTTP client whose transport reaches the server whatever
	// the host name.
	Client *http.Client
}

// Option changes the server's configuration before it starts.
type Option func(*app.Config)

// Start starts a server and registers its cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, dir: t.TempDir()}
	s.cfg = app.Config{
		DataDir:   s.dir,
		AccessKey: "AKIDarcatest" + fmt.Sprint(time.Now().UnixNano()),
		SecretKey: "arcatest-secret-key-0123456789abcdef",
		AppID:     AppID,
		Domains:   []server.Domain{{Name: Domain, Dialect: server.COS}, {Name: OSSDomain, Dialect: server.OSS}, {Name: S3Domain, Dialect: server.S3}},
	}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.Root.AccessKey, s.Root.SecretKey = s.cfg.AccessKey, s.cfg.SecretKey
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	s.start(l)
	s.Root.ID = s.app.Root().ID
	s.Client = &http.Client{Transport: s.Transport()}
	t.Cleanup(s.stop)
	return s
}

func (s *Server) start(l net.Listener) {
	a, err := app.Open(s.cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, l, 5*time.Second) }()
	s.mu.Lock()
	s.app, s.cancel, s.done = a, cancel, done
	s.mu.Unlock()
}

func (s *Server) stop() {
	s.mu.Lock()
	a, cancel, done := s.app, s.cancel, s.done
	s.app = nil
	s.mu.Unlock()
	if a == nil {
		return
	}
	cancel()
	if err := <-done; err != nil {
		s.t.Errorf("serve: %v", err)
	}
	<-a.Store().SweepDone()
	if err := a.Close(); err != nil {
		s.t.Errorf("close: %v", err)
	}
}

// Restart stops the server gracefully and starts it again on the same
// address and data.
func (s *Server) Restart() {
	s.t.Helper()
	s.stop()
	var l net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.start(l)
}

// App is the running instance.
func (s *Server) App() *app.App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app
}

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// Port is the listening port.
func (s *Server) Port() string {
	_, p, _ := net.SplitHostPort(s.addr)
	return p
}

// URL is the path-style endpoint, http://127.0.0.1:port.
func (s *Server) URL() string { return "http://" + s.addr }

// Transport returns a transport that dials the server for any host.
func (s *Server) Transport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, s.addr)
		},
		MaxIdleConnsPerHost: 64,
	}
}

// BucketURL is the virtual-host URL of a COS bucket.
func (s *Server) BucketURL(bucket string) *url.URL {
	u, _ := url.Parse(fmt.Sprintf("http://%s.%s:%s", bucket, Domain, s.Port()))
	return u
}

// COS returns a cos-go-sdk-v5 client for bucket ("" for service calls only)
// signed with the root keys.
func (s *Server) COS(bucket string) *cossdk.Client {
	return s.COSWith(bucket, s.Root.AccessKey, s.Root.SecretKey)
}

// COSWith is COS with the given keys (empty keys: anonymous).
func (s *Server) COSWith(bucket, ak, sk string) *cossdk.Client {
	svc, _ := url.Parse(fmt.Sprintf("http://%s:%s", Domain, s.Port()))
	base := &cossdk.BaseURL{ServiceURL: svc}
	if bucket != "" {
		base.BucketURL = s.BucketURL(bucket)
	}
	var rt http.RoundTripper = s.Transport()
	if ak != "" {
		rt = &cossdk.AuthorizationTransport{SecretID: ak, SecretKey: sk, Transport: rt}
	}
	return cossdk.NewClient(base, &http.Client{Transport: rt})
}

// Bucket returns a fresh COS bucket name with the test APPID.
func Bucket(prefix string) string {
	n := bucketSeq.Add(1)
	return fmt.Sprintf("%s%d-%s", prefix, n, AppID)
}

var bucketSeq atomicCounter

type atomicCounter struct {
	mu sync.Mutex
	n  int
}

func (c *atomicCounter) Add(d int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
	return c.n
}

// OSSEndpoint is the OSS endpoint: http://oss.arca.test:port with
// virtualHost (buckets addressed as <bucket>.oss.arca.test, reached through
// Transport), else http://127.0.0.1:port, for which both OSS SDKs use path
// style (/<bucket>/<key>).
func (s *Server) OSSEndpoint(virtualHost bool) string {
	if virtualHost {
		return fmt.Sprintf("http://%s:%s", OSSDomain, s.Port())
	}
	return s.URL()
}

// OSSV1 returns an aliyun-oss-go-sdk client signed with the root keys
// (V1 signatures unless opts say otherwise, e.g.
// ossv1.AuthVersion(ossv1.AuthV4) with ossv1.Region(OSSRegion)).
func (s *Server) OSSV1(virtualHost bool, opts ...ossv1.ClientOption) *ossv1.Client {
	return s.OSSV1With(s.Root.AccessKey, s.Root.SecretKey, virtualHost, opts...)
}

// OSSV1With is OSSV1 with the given keys.
func (s *Server) OSSV1With(ak, sk string, virtualHost bool, opts ...ossv1.ClientOption) *ossv1.Client {
	s.t.Helper()
	all := append([]ossv1.ClientOption{ossv1.HTTPClient(&http.Client{Transport: s.Transport()})}, opts...)
	c, err := ossv1.New(s.OSSEndpoint(virtualHost), ak, sk, all...)
	if err != nil {
		s.t.Fatalf("aliyun-oss-go-sdk client: %v", err)
	}
	return c
}

// OSSV1Bucket is OSSV1(...).Bucket(name).
func (s *Server) OSSV1Bucket(name string, virtualHost bool, opts ...ossv1.ClientOption) *ossv1.Bucket {
	s.t.Helper()
	b, err := s.OSSV1(virtualHost, opts...).Bucket(name)
	if err != nil {
		s.t.Fatalf("aliyun-oss-go-sdk bucket %s: %v", name, err)
	}
	return b
}

// OSSV2 returns an alibabacloud-oss-go-sdk-v2 client signed (V4) with the
// root keys. It makes one attempt per call, so that tests see errors as
// the server sent them; cfg may change the configuration further.
func (s *Server) OSSV2(virtualHost bool, cfg ...func(*ossv2.Config)) *ossv2.Client {
	return s.OSSV2With(ossv2creds.NewStaticCredentialsProvider(s.Root.AccessKey, s.Root.SecretKey), virtualHost, cfg...)
}

// OSSV2With is OSSV2 with the given credentials
// (ossv2creds.NewAnonymousCredentialsProvider() for unsigned requests).
func (s *Server) OSSV2With(creds ossv2creds.CredentialsProvider, virtualHost bool, cfg ...func(*ossv2.Config)) *ossv2.Client {
	c := ossv2.LoadDefaultConfig().
		WithCredentialsProvider(creds).
		WithRegion(OSSRegion).
		WithEndpoint(s.OSSEndpoint(virtualHost)).
		WithHttpClient(&http.Client{Transport: s.Transport()}).
		WithRetryMaxAttempts(1)
	for _, f := range cfg {
		f(c)
	}
	return ossv2.NewClient(c)
}

// OSSBucket returns a fresh OSS bucket name (which is also a valid COS
// name, for tests that cross dialects).
func OSSBucket(prefix string) string {
	return Bucket(prefix)
}
