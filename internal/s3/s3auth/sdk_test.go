package s3auth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
)

// These tests drive the official AWS SDK for Go v2 and minio-go against
// fakeS3 over HTTP and HTTPS, path-style and virtual-hosted, and check
// that every request verifies and every body decodes to what was sent. A
// request the fake refused shows in the test log with its error.

func (f *fakeS3) logFailures(t *testing.T) {
	t.Helper()
	if !t.Failed() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.failed {
		t.Log("refused:", e)
	}
}

// wantKinds fails unless every kind was served at least once.
func wantKinds(t *testing.T, f *fakeS3, kinds ...string) {
	t.Helper()
	seen := f.kinds()
	for _, k := range kinds {
		if seen[k] == 0 {
			t.Errorf("no request was served as %q; served: %v", k, seen)
		}
	}
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

type awsSetup struct {
	tls, virtual bool
	opts         func(*s3.Options)
	token        string
}

func newAWSClient(t *testing.T, f *fakeS3, c awsSetup) *s3.Client {
	endpoint, hc := f.start(c.tls)
	cfg := defaultConfig(t, "eu-arca-1", c.token, hc) // any region is accepted
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = !c.virtual
		if c.opts != nil {
			c.opts(o)
		}
	})
}

// defaultConfig is the SDK's default configuration, as LoadDefaultConfig
// gives it to an application (with its default request checksums, CRC32
// on uploads), but with static credentials, no shared config files and
// no retries.
func defaultConfig(t *testing.T, region, token string, hc *http.Client) aws.Config {
	for _, kv := range os.Environ() { // AWS_CA_BUNDLE, AWS_ENDPOINT_URL, ... of the machine
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
		}
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(sdkAK, sdkSK, token)),
		config.WithHTTPClient(hc),
		config.WithRetryMaxAttempts(1),
		config.WithLogger(logging.Nop{}), // not "Response has no supported checksum" for each GET
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAWSSDK(t *testing.T) {
	data := payload(150 << 10) // more than one aws-chunked chunk of the SDK's
	setups := []struct {
		name  string
		setup awsSetup
		kinds []string // payload forms the setup must have produced
	}{
		// Over HTTPS the SDK streams PutObject as aws-chunked with a
		// trailing CRC32 (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
		{"https default", awsSetup{tls: true},
			[]string{"SigV4 header STREAMING-UNSIGNED-PAYLOAD-TRAILER"}},
		{"https virtual-hosted CRC64NVME token", awsSetup{tls: true, virtual: true, token: sdkToken, opts: func(o *s3.Options) {}},
			[]string{"SigV4 header STREAMING-UNSIGNED-PAYLOAD-TRAILER"}},
		// Over plain HTTP it signs the SHA-256 of the body, with the CRC32
		// in a header.
		{"http default", awsSetup{}, []string{"SigV4 header hex"}},
		{"http virtual-hosted", awsSetup{virtual: true}, []string{"SigV4 header hex"}},
		{"https checksums when required", awsSetup{tls: true, opts: func(o *s3.Options) {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}}, []string{"SigV4 header UNSIGNED-PAYLOAD"}},
	}
	ctx := context.Background()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			f := newFakeS3(t)
			c := newAWSClient(t, f, s.setup)
			defer f.logFailures(t)
			alg := types.ChecksumAlgorithm("")
			if strings.Contains(s.name, "CRC64NVME") {
				alg = types.ChecksumAlgorithmCrc64nvme
			}
			for _, key := range trickyKeys {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String("bucket"), Key: aws.String(key), Body: bytes.NewReader(data),
					ContentType:       aws.String("application/x-test; charset=utf-8"),
					Metadata:          map[string]string{"note": "a  b (c)"},
					ChecksumAlgorithm: alg,
				})
				if err != nil {
					t.Errorf("PutObject(%q): %v", key, err)
					continue
				}
				got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)})
				if err != nil {
					t.Errorf("GetObject(%q): %v", key, err)
					continue
				}
				b, _ := io.ReadAll(got.Body)
				got.Body.Close()
				if !bytes.Equal(b, data) {
					t.Errorf("GetObject(%q) returned %d bytes, not what was put", key, len(b))
				}
				rg, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key), Range: aws.String("bytes=1-3")})
				if err != nil {
					t.Errorf("GetObject(%q, Range): %v", key, err)
				} else {
					rg.Body.Close()
				}
				if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)}); err != nil {
					t.Errorf("HeadObject(%q): %v", key, err)
				}
				if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)}); err != nil {
					t.Errorf("DeleteObject(%q): %v", key, err)
				}
			}
			// A multipart upload: UploadPart streams like PutObject.
			key := "multi part/ключ+1"
			up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String(key), ChecksumAlgorithm: alg})
			if err != nil {
				t.Fatalf("CreateMultipartUpload: %v", err)
			}
			var parts []types.CompletedPart
			for i, chunk := range [][]byte{data[:100<<10], data[100<<10:]} {
				n := int32(i + 1)
				p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("bucket"), Key: aws.String(key),
					UploadId: up.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(chunk), ChecksumAlgorithm: alg})
				if err != nil {
					t.Fatalf("UploadPart(%d): %v", n, err)
				}
				parts = append(parts, types.CompletedPart{ETag: p.ETag, PartNumber: aws.Int32(n),
					ChecksumCRC32: p.ChecksumCRC32, ChecksumCRC64NVME: p.ChecksumCRC64NVME})
			}
			if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String(key),
				UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
				t.Fatalf("CompleteMultipartUpload: %v", err)
			}
			if got := f.objects[key]; !bytes.Equal(got, data) {
				t.Errorf("multipart object is %d bytes, not what was uploaded", len(got))
			}
			wantKinds(t, f, s.kinds...)
		})
	}
}

func TestAWSSDKWrongKey(t *testing.T) {
	f := newFakeS3(t)
	f.keys[sdkAK] = "another secret"
	c := newAWSClient(t, f, awsSetup{tls: true})
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("k"), Body: bytes.NewReader([]byte("x"))})
	if apiCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("PutObject with a wrong key: %v, want SignatureDoesNotMatch", err)
	}
}

func TestAWSPresigner(t *testing.T) {
	for _, tls := range []bool{false, true} {
		for _, virtual := range []bool{false, true} {
			t.Run(fmt.Sprintf("tls=%v virtual=%v", tls, virtual), func(t *testing.T) {
				f := newFakeS3(t)
				defer f.logFailures(t)
				endpoint, hc := f.start(tls)
				c := s3.NewFromConfig(defaultConfig(t, "us-west-2", sdkToken, hc),
					func(o *s3.Options) { o.BaseEndpoint = aws.String(endpoint); o.UsePathStyle = !virtual })
				ps := s3.NewPresignClient(c, s3.WithPresignExpires(10*time.Minute))
				ctx := context.Background()
				for _, key := range trickyKeys {
					data := []byte("presigned " + key)
					put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key),
						ContentType: aws.String("text/plain")})
					if err != nil {
						t.Fatal(err)
					}
					send(t, hc, put.Method, put.URL, put.SignedHeader, data, http.StatusOK)

					get, _ := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key),
						ResponseContentDisposition: aws.String(`attachment; filename="a b+c.txt"`)})
					if b := send(t, hc, get.Method, get.URL, get.SignedHeader, nil, http.StatusOK); !bytes.Equal(b, data) {
						t.Errorf("presigned GET %q returned %q", key, b)
					}
					head, _ := ps.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)})
					send(t, hc, head.Method, head.URL, head.SignedHeader, nil, http.StatusOK)

					// The signature covers the query: a changed parameter is refused.
					send(t, hc, get.Method, strings.Replace(get.URL, "filename", "fileName", 1), get.SignedHeader, nil, http.StatusForbidden)

					del, _ := ps.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)})
					send(t, hc, del.Method, del.URL, del.SignedHeader, nil, http.StatusNoContent)
				}
				wantKinds(t, f, "SigV4 query")
			})
		}
	}
}

// send makes a request with a plain HTTP client and checks its status.
func send(t *testing.T, hc *http.Client, method, u string, h http.Header, body []byte, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Errorf("%s %s: status %d (%s), want %d", method, u, resp.StatusCode, resp.Header.Get("X-Code"), want)
	}
	return b
}

type minioSetup struct {
	tls, virtual, trailing, v2 bool
}

func newMinioClient(t *testing.T, f *fakeS3, s minioSetup) *minio.Client {
	endpoint, hc := f.start(s.tls)
	u, _ := url.Parse(endpoint)
	creds := miniocreds.NewStaticV4(sdkAK, sdkSK, "")
	if s.v2 {
		creds = miniocreds.NewStaticV2(sdkAK, sdkSK, "")
	}
	lookup := minio.BucketLookupPath
	if s.virtual {
		lookup = minio.BucketLookupDNS
	}
	c, err := minio.New(u.Host, &minio.Options{Creds: creds, Secure: s.tls, Transport: hc.Transport,
		Region: "us-east-1", BucketLookup: lookup, TrailingHeaders: s.trailing})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMinioGo(t *testing.T) {
	data := payload(150 << 10) // three 64 KiB chunks of minio-go's streaming signature
	setups := []struct {
		name  string
		setup minioSetup
		kinds []string
	}{
		// Over plain HTTP minio-go signs every chunk.
		{"http", minioSetup{}, []string{"SigV4 header STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "form SigV4 header"}},
		{"http virtual-hosted", minioSetup{virtual: true}, []string{"SigV4 header STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}},
		// With trailing headers on, it adds a signed CRC32C trailer.
		{"http trailing", minioSetup{trailing: true}, []string{"SigV4 header STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"}},
		// Over HTTPS it does not sign the payload; with trailers it sends
		// them unsigned.
		{"https", minioSetup{tls: true}, []string{"SigV4 header UNSIGNED-PAYLOAD"}},
		{"https trailing", minioSetup{tls: true, trailing: true}, []string{"SigV4 header STREAMING-UNSIGNED-PAYLOAD-TRAILER"}},
		// SigV2, in the header and in pre-signed URLs.
		{"http sigv2", minioSetup{v2: true}, []string{"SigV2 header", "SigV2 query", "form SigV2 header"}},
		{"http sigv2 virtual-hosted", minioSetup{v2: true, virtual: true}, []string{"SigV2 header", "SigV2 query"}},
	}
	ctx := context.Background()
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			f := newFakeS3(t)
			defer f.logFailures(t)
			c := newMinioClient(t, f, s.setup)
			_, hc := f.start(s.setup.tls)
			for _, key := range trickyKeys {
				_, err := c.PutObject(ctx, "bucket", key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
					ContentType: "application/x-test", UserMetadata: map[string]string{"note": "a  b"},
				})
				if err != nil {
					t.Errorf("PutObject(%q): %v", key, err)
					continue
				}
				obj, err := c.GetObject(ctx, "bucket", key, minio.GetObjectOptions{})
				if err != nil {
					t.Errorf("GetObject(%q): %v", key, err)
					continue
				}
				b, err := io.ReadAll(obj)
				obj.Close()
				if err != nil || !bytes.Equal(b, data) {
					t.Errorf("GetObject(%q) = %d bytes, %v", key, len(b), err)
				}
				if _, err := c.StatObject(ctx, "bucket", key, minio.StatObjectOptions{}); err != nil {
					t.Errorf("StatObject(%q): %v", key, err)
				}
				pu, err := c.PresignedGetObject(ctx, "bucket", key, time.Hour, url.Values{"response-content-type": {"text/plain"}})
				if err != nil {
					t.Fatal(err)
				}
				if b := send(t, hc, "GET", pu.String(), nil, nil, http.StatusOK); !bytes.Equal(b, data) {
					t.Errorf("presigned GET %q returned %d bytes", key, len(b))
				}
				if err := c.RemoveObject(ctx, "bucket", key, minio.RemoveObjectOptions{}); err != nil {
					t.Errorf("RemoveObject(%q): %v", key, err)
				}
			}
			// A multipart upload; with trailing headers on, minio-go sends
			// its parts with a trailing CRC32C.
			big := payload(5<<20 + 100<<10)
			if _, err := c.PutObject(ctx, "bucket", "big/ключ", bytes.NewReader(big), int64(len(big)),
				minio.PutObjectOptions{PartSize: 5 << 20}); err != nil {
				t.Errorf("multipart PutObject: %v", err)
			} else if !bytes.Equal(f.objects["big/ключ"], big) {
				t.Errorf("multipart object is %d bytes, not what was uploaded", len(f.objects["big/ключ"]))
			}
			// A form upload signed by minio-go's PresignedPostPolicy.
			p := minio.NewPostPolicy()
			p.SetBucket("bucket")
			p.SetKey("form/upload.txt")
			p.SetExpires(time.Now().Add(time.Hour))
			pu, fields, err := c.PresignedPostPolicy(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			postForm(t, hc, pu.String(), fields, []byte("form data"))
			if string(f.objects["form/upload.txt"]) != "form data" {
				t.Errorf("form upload stored %q", f.objects["form/upload.txt"])
			}
			wantKinds(t, f, s.kinds...)
		})
	}
}

func postForm(t *testing.T, hc *http.Client, u string, fields map[string]string, file []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipartWriter(&body, fields, file)
	resp, err := hc.Post(u, w, &body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Errorf("form upload: status %d %s", resp.StatusCode, b)
	}
}

func multipartWriter(body *bytes.Buffer, fields map[string]string, file []byte) string {
	w := multipart.NewWriter(body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "upload.txt")
	fw.Write(file)
	w.Close()
	return w.FormDataContentType()
}

// corrupter flips one byte of every PUT body at offset at, in flight.
type corrupter struct {
	rt http.RoundTripper
	at int64
}

func (c corrupter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && r.Body != nil {
		r2 := r.Clone(r.Context())
		r2.Body = &flipReader{r: r.Body, at: c.at}
		return c.rt.RoundTrip(r2)
	}
	return c.rt.RoundTrip(r)
}

type flipReader struct {
	r   io.ReadCloser
	at  int64
	off int64
}

func (f *flipReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.at >= f.off && f.at < f.off+int64(n) {
		p[f.at-f.off] ^= 0x20
	}
	f.off += int64(n)
	return n, err
}

func (f *flipReader) Close() error { return f.r.Close() }

// Failures end to end: what the SDKs get back when a byte changes on the
// wire or the clocks disagree.
func TestSDKFailures(t *testing.T) {
	ctx := context.Background()
	data := payload(150 << 10)
	awsPut := func(t *testing.T, tls bool, flip int64, skew time.Duration) error {
		f := newFakeS3(t)
		f.skew = skew
		c := newAWSClient(t, f, awsSetup{tls: tls, opts: func(o *s3.Options) {
			if flip >= 0 {
				o.HTTPClient = &http.Client{Transport: corrupter{o.HTTPClient.(*http.Client).Transport, flip}}
			}
		}})
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("k"), Body: bytes.NewReader(data)})
		return err
	}
	t.Run("aws https: a changed byte fails the trailing CRC32", func(t *testing.T) {
		// The unsigned aws-chunked body decodes; the trailer the reader
		// hands over no longer matches the data.
		if err := awsPut(t, true, 70000, 0); apiCode(err) != "BadDigest" {
			t.Errorf("PutObject: %v, want BadDigest", err)
		}
	})
	t.Run("aws http: a changed byte fails x-amz-content-sha256", func(t *testing.T) {
		if err := awsPut(t, false, 70000, 0); apiCode(err) != "XAmzContentSHA256Mismatch" {
			t.Errorf("PutObject: %v, want XAmzContentSHA256Mismatch", err)
		}
	})
	t.Run("aws: server clock 20 minutes ahead", func(t *testing.T) {
		if err := awsPut(t, true, -1, 20*time.Minute); apiCode(err) != "RequestTimeTooSkewed" {
			t.Errorf("PutObject: %v, want RequestTimeTooSkewed", err)
		}
	})
	t.Run("minio-go http: a changed byte fails its chunk signature", func(t *testing.T) {
		f := newFakeS3(t)
		endpoint, hc := f.start(false)
		u, _ := url.Parse(endpoint)
		c, err := minio.New(u.Host, &minio.Options{Creds: miniocreds.NewStaticV4(sdkAK, sdkSK, ""), Region: "us-east-1",
			Transport: corrupter{hc.Transport, 70000}, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.PutObject(ctx, "bucket", "k", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{})
		if code := minio.ToErrorResponse(err).Code; code != "SignatureDoesNotMatch" {
			t.Errorf("PutObject: %v (%s), want SignatureDoesNotMatch", err, code)
		}
		if len(f.kinds()) != 0 {
			t.Errorf("served %v", f.kinds())
		}
	})
	t.Run("presigned URL used after it expired", func(t *testing.T) {
		f := newFakeS3(t)
		f.objects["k"] = []byte("x")
		endpoint, hc := f.start(true)
		c := s3.NewFromConfig(defaultConfig(t, "us-east-1", "", hc), func(o *s3.Options) { o.BaseEndpoint = aws.String(endpoint); o.UsePathStyle = true })
		get, err := s3.NewPresignClient(c, s3.WithPresignExpires(10*time.Minute)).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		send(t, hc, get.Method, get.URL, get.SignedHeader, nil, http.StatusOK)
		f.skew = 11 * time.Minute
		send(t, hc, get.Method, get.URL, get.SignedHeader, nil, http.StatusForbidden)
		if got := f.failed[len(f.failed)-1]; !strings.Contains(got, "AccessDenied: Request has expired") {
			t.Errorf("refused with %s", got)
		}
	})
}

// apiCode is the S3 error code the AWS SDK parsed from a response.
func apiCode(err error) string {
	var e smithy.APIError
	if errors.As(err, &e) {
		return e.ErrorCode()
	}
	return ""
}
