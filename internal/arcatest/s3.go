package arcatest

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Domain is the S3 domain the test server serves: S3Domain itself is the
// service endpoint (path-style requests, /<bucket>/<key>), <bucket>.S3Domain
// a bucket, and unsigned requests under it answer in S3.
const S3Domain = "s3.arca.test"

// S3Region is the region the S3 clients sign for (Arca accepts any).
const S3Region = "us-east-1"

// S3Client says which S3 client to make.
type S3Client struct {
	// AccessKey and SecretKey sign the requests (with SessionToken as
	// x-amz-security-token); empty means the root's keys.
	AccessKey, SecretKey, SessionToken string
	// Anonymous sends unsigned requests.
	Anonymous bool
	// VirtualHost addresses buckets as <bucket>.S3Domain instead of
	// S3Domain/<bucket>.
	VirtualHost bool
	// TLS speaks HTTPS to the server's TLS listener (see TLSAddr), which
	// changes how the SDKs send bodies: the AWS SDK streams uploads as
	// aws-chunked with a trailing checksum only over HTTPS.
	TLS bool
}

func (s *Server) s3Keys(c S3Client) (ak, sk string) {
	if c.AccessKey != "" {
		return c.AccessKey, c.SecretKey
	}
	return s.Root.AccessKey, s.Root.SecretKey
}

// S3Endpoint is the S3 endpoint, http://s3.arca.test:port, or
// https://s3.arca.test:tlsport with tls. The transports of S3Transport
// reach the server for that name and every name under it.
func (s *Server) S3Endpoint(tls bool) string {
	if tls {
		_, port, _ := net.SplitHostPort(s.TLSAddr())
		return "https://" + S3Domain + ":" + port
	}
	return "http://" + S3Domain + ":" + s.Port()
}

// S3Transport is Transport, or with tls one that speaks HTTPS to the TLS
// listener and trusts its certificate for every host name.
func (s *Server) S3Transport(tls bool) *http.Transport {
	if !tls {
		return s.Transport()
	}
	ts := s.tlsServer()
	tr := ts.Client().Transport.(*http.Transport).Clone()
	addr := ts.Listener.Addr().String()
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	// httptest's certificate names example.com; the request's Host header
	// still names the bucket.
	tr.TLSClientConfig.ServerName = "example.com"
	tr.MaxIdleConnsPerHost = 64
	return tr
}

// S3 returns an aws-sdk-go-v2 client of the server, configured as the
// SDK's defaults configure an application (request checksums when
// supported, CRC32 on uploads; response checksums validated when
// supported) but with one attempt per call, so that tests see errors as
// the server sent them. opts may change the options further.
func (s *Server) S3(c S3Client, opts ...func(*s3.Options)) *s3.Client {
	var creds aws.CredentialsProvider = aws.AnonymousCredentials{}
	if !c.Anonymous {
		ak, sk := s.s3Keys(c)
		creds = credentials.NewStaticCredentialsProvider(ak, sk, c.SessionToken)
	}
	cfg := aws.Config{
		Region:                     S3Region,
		Credentials:                creds,
		HTTPClient:                 &http.Client{Transport: s.S3Transport(c.TLS)},
		Retryer:                    func() aws.Retryer { return aws.NopRetryer{} },
		Logger:                     logging.Nop{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	endpoint := s.S3Endpoint(c.TLS)
	return s3.NewFromConfig(cfg, append([]func(*s3.Options){func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = !c.VirtualHost
	}}, opts...)...)
}

// Minio returns a minio-go client of the server (one attempt per call).
// opts may change the options further (TrailingHeaders, say).
func (s *Server) Minio(c S3Client, opts ...func(*minio.Options)) *minio.Client {
	s.t.Helper()
	var creds *miniocreds.Credentials
	if c.Anonymous {
		creds = miniocreds.NewStaticV4("", "", "")
	} else {
		ak, sk := s.s3Keys(c)
		creds = miniocreds.NewStaticV4(ak, sk, c.SessionToken)
	}
	o := &minio.Options{
		Creds: creds, Secure: c.TLS, Transport: s.S3Transport(c.TLS), Region: S3Region,
		BucketLookup: minio.BucketLookupPath, MaxRetries: 1,
	}
	if c.VirtualHost {
		o.BucketLookup = minio.BucketLookupDNS
	}
	for _, f := range opts {
		f(o)
	}
	host := S3Domain + ":" + s.Port()
	if c.TLS {
		_, port, _ := net.SplitHostPort(s.TLSAddr())
		host = S3Domain + ":" + port
	}
	mc, err := minio.New(host, o)
	if err != nil {
		s.t.Fatalf("minio-go client: %v", err)
	}
	return mc
}

// TLSAddr is the address of a second listener that serves the same Arca
// over HTTPS (httptest's certificate), started on first use and closed
// with the server.
func (s *Server) TLSAddr() string { return s.tlsServer().Listener.Addr().String() }

var tlsServers sync.Map // *Server -> *httptest.Server

func (s *Server) tlsServer() *httptest.Server {
	if v, ok := tlsServers.Load(s); ok {
		return v.(*httptest.Server)
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := s.App()
		if a == nil {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		a.Handler().ServeHTTP(w, r)
	}))
	ts.Config.ErrorLog = nil
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	if v, loaded := tlsServers.LoadOrStore(s, ts); loaded {
		return v.(*httptest.Server)
	}
	ts.StartTLS()
	s.t.Cleanup(func() {
		ts.Close()
		tlsServers.Delete(s)
	})
	return ts
}
