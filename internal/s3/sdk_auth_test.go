package s3_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// payloadRecorder records the x-amz-content-sha256 forms a client sent
// for PUT requests ("hex" for a SHA-256), so that tests can show which
// signing path a client took.
type payloadRecorder struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	seen map[string]int
}

func (p *payloadRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut {
		v := r.Header.Get("X-Amz-Content-Sha256")
		if len(v) == 64 && !strings.HasPrefix(v, "STREAMING") {
			v = "hex"
		}
		if r.URL.Query().Has("X-Amz-Signature") {
			v = "presigned"
		}
		p.mu.Lock()
		p.seen[v]++
		p.mu.Unlock()
	}
	return p.rt.RoundTrip(r)
}

func (p *payloadRecorder) has(form string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[form] > 0
}

// TestAuth_SDKPayloadForms uploads and reads back with every way the SDKs
// sign a body: the AWS SDK's signed SHA-256 over HTTP, its default
// aws-chunked body with a trailing CRC32 over HTTPS
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER), UNSIGNED-PAYLOAD over HTTPS when
// checksums are only computed when required, and minio-go's signed
// streaming (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) over HTTP, each
// path-style and virtual-hosted.
func TestAuth_SDKPayloadForms(t *testing.T) {
	t.Parallel()
	s := start(t)
	data := randBytes(300<<10, 7) // several aws-chunked chunks
	cases := []struct {
		name   string
		tls    bool
		minio  bool
		opts   func(*s3.Options)
		want   string // payload form the client must have used
		keyTag string
	}{
		{name: "aws http", want: "hex"},
		{name: "aws https default", tls: true, want: s3auth.StreamingUnsignedPayloadTrailer},
		{name: "aws https when required", tls: true, want: s3auth.UnsignedPayload, opts: func(o *s3.Options) {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}},
		{name: "minio http", minio: true, want: s3auth.StreamingSignedPayload},
		{name: "minio https", minio: true, tls: true, want: s3auth.UnsignedPayload},
	}
	for _, tc := range cases {
		for _, virtual := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s virtual=%v", tc.name, virtual), func(t *testing.T) {
				rec := &payloadRecorder{rt: s.S3Transport(tc.tls), seen: map[string]int{}}
				cfg := arcatest.S3Client{TLS: tc.tls, VirtualHost: virtual}
				bucket := newBucket(t, root(s), "forms")
				key := "dir/ключ with space+plus.bin"
				if tc.minio {
					mc := s.Minio(cfg, func(o *minio.Options) { o.Transport = rec })
					if _, err := mc.PutObject(ctx(t), bucket, key, bytes.NewReader(data), int64(len(data)),
						minio.PutObjectOptions{ContentType: "application/x-test", DisableMultipart: true}); err != nil {
						t.Fatalf("minio put: %v", err)
					}
					obj, err := mc.GetObject(ctx(t), bucket, key, minio.GetObjectOptions{})
					if err != nil {
						t.Fatal(err)
					}
					got, err := io.ReadAll(obj)
					if err != nil || !bytes.Equal(got, data) {
						t.Fatalf("minio get: %d bytes, %v", len(got), err)
					}
				} else {
					opts := []func(*s3.Options){func(o *s3.Options) { o.HTTPClient = &http.Client{Transport: rec} }}
					if tc.opts != nil {
						opts = append(opts, tc.opts)
					}
					c := s.S3(cfg, opts...)
					put(t, c, bucket, key, data)
					got, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
					if !bytes.Equal(got, data) {
						t.Fatalf("get returned %d bytes, differing", len(got))
					}
					if tc.want != s3auth.UnsignedPayload && aws.ToString(out.ChecksumCRC32) != crc32Of(data) {
						t.Errorf("GetObject ChecksumCRC32 = %q, want %q (the SDK sent one)", aws.ToString(out.ChecksumCRC32), crc32Of(data))
					}
				}
				if !rec.has(tc.want) {
					t.Errorf("the client did not send %s; sent %v", tc.want, rec.seen)
				}
			})
		}
	}
}

// TestAuth_Presigned covers SigV4 pre-signed URLs from the SDK's presign
// client (GET and PUT), their expiry and the seven-day limit, and SigV2
// pre-signed URLs.
func TestAuth_Presigned(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "presign")
	data := []byte("pre-signed payload")
	pc := s3.NewPresignClient(c)

	putReq, err := pc.PresignPutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("p/k y")},
		s3.WithPresignExpires(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodPut, putReq.URL, bytes.NewReader(data))
	for k, v := range putReq.SignedHeader {
		if !strings.EqualFold(k, "host") {
			r.Header[k] = v
		}
	}
	resp, err := s.Client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != etagOf(data) {
		t.Fatalf("pre-signed PUT: %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	vreq, err := s3.NewPresignClient(s.S3(arcatest.S3Client{VirtualHost: true})).PresignGetObject(ctx(t),
		&s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("p/k y")})
	if err != nil || !strings.Contains(vreq.URL, "://"+bucket+"."+arcatest.S3Domain) {
		t.Fatalf("virtual-hosted pre-signed URL %q, %v", vreq.URL, err)
	}
	if resp, err := s.Client.Get(vreq.URL); err != nil || resp.StatusCode != 200 {
		t.Fatalf("virtual-hosted pre-signed GET: %v %v", resp, err)
	}
	getReq, err := pc.PresignGetObject(ctx(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("p/k y"),
		ResponseContentType: aws.String("text/x-override")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = s.Client.Get(getReq.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, data) || resp.Header.Get("Content-Type") != "text/x-override" {
		t.Fatalf("pre-signed GET: %d %q %s", resp.StatusCode, got, resp.Header.Get("Content-Type"))
	}

	// Hand-made URLs: expired, too long, V2 valid and expired.
	u := s.S3Endpoint(false) + "/" + bucket + "/p/k%20y"
	presign := func(t0 time.Time, exp time.Duration) string {
		r, _ := http.NewRequest(http.MethodGet, u, nil)
		if err := s3auth.PresignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.S3Region, t0, exp); err != nil {
			t.Fatal(err)
		}
		return r.URL.String()
	}
	presignV2 := func(exp time.Time) string {
		r, _ := http.NewRequest(http.MethodGet, u, nil)
		s3auth.PresignV2(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, "", exp)
		return r.URL.String()
	}
	tooLong := strings.Replace(presign(time.Now(), time.Hour), "X-Amz-Expires=3600", "X-Amz-Expires=604801", 1)
	for _, tc := range []struct {
		name   string
		url    string
		status int
		code   string
	}{
		{"v4 valid", presign(time.Now(), time.Minute), 200, ""},
		{"v4 expired", presign(time.Now().Add(-2*time.Hour), time.Hour), 403, "AccessDenied"},
		{"v4 over seven days", tooLong, 400, "AuthorizationQueryParametersError"},
		{"v2 valid", presignV2(time.Now().Add(time.Minute)), 200, ""},
		{"v2 expired", presignV2(time.Now().Add(-time.Minute)), 403, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := s.Client.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || (tc.code != "" && !bytes.Contains(b, []byte("<Code>"+tc.code+"</Code>"))) {
				t.Errorf("GET = %d %s, want %d %s", resp.StatusCode, b, tc.status, tc.code)
			}
			if tc.status == 200 && !bytes.Equal(b, data) {
				t.Errorf("body %q", b)
			}
		})
	}
}

// TestAuth_Refusals covers requests that must fail before anything is
// stored: a wrong secret, an unknown key, a signed payload hash that does
// not match the body, an unsigned x-amz-* header, a clock too far off, and
// SigV2 headers that are right and wrong.
func TestAuth_Refusals(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "refuse")
	body := []byte("the body")
	cases := []struct {
		name   string
		rq     rawReq
		status int
		code   string
	}{
		{name: "v4 ok", rq: rawReq{method: "PUT", path: "/" + bucket + "/ok", body: body}, status: 200},
		{name: "v2 ok", rq: rawReq{method: "PUT", path: "/" + bucket + "/v2", body: body, sign: "v2"}, status: 200},
		{name: "wrong secret", rq: rawReq{method: "PUT", path: "/" + bucket + "/a", body: body, ak: s.Root.AccessKey, sk: "wrong"}, status: 403, code: "SignatureDoesNotMatch"},
		{name: "v2 wrong secret", rq: rawReq{method: "PUT", path: "/" + bucket + "/a", body: body, sign: "v2", ak: s.Root.AccessKey, sk: "wrong"}, status: 403, code: "SignatureDoesNotMatch"},
		{name: "unknown key", rq: rawReq{method: "PUT", path: "/" + bucket + "/a", body: body, ak: "AKIANOBODY", sk: "x"}, status: 403, code: "InvalidAccessKeyId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := do(t, s, tc.rq)
			if resp.StatusCode != tc.status || resp.err.Code != tc.code {
				t.Fatalf("%s = %d %s, want %d %s", tc.name, resp.StatusCode, resp.body, tc.status, tc.code)
			}
		})
	}

	// Requests signed correctly, then changed.
	signed := func(t *testing.T, key string, hash string, edit func(r *http.Request)) rawResp {
		r, _ := http.NewRequest(http.MethodPut, s.S3Endpoint(false)+"/"+bucket+"/"+key, bytes.NewReader(body))
		if edit != nil {
			edit(r)
		}
		s3auth.SignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, "any-region-1", time.Now(), hash)
		return send(t, s, r)
	}
	sum := sha256.Sum256(body)
	other := sha256.Sum256([]byte("another body"))
	for _, tc := range []struct {
		name   string
		hash   string
		edit   func(r *http.Request)
		status int
		code   string
	}{
		{name: "signed hash", hash: hex.EncodeToString(sum[:]), status: 200},
		{name: "hash of another body", hash: hex.EncodeToString(other[:]), status: 400, code: "XAmzContentSHA256Mismatch"},
		{name: "unsigned payload", hash: s3auth.UnsignedPayload, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := strings.ReplaceAll(tc.name, " ", "-")
			resp := signed(t, key, tc.hash, tc.edit)
			if resp.StatusCode != tc.status || resp.err.Code != tc.code {
				t.Fatalf("= %d %s, want %d %s", resp.StatusCode, resp.body, tc.status, tc.code)
			}
			if tc.status != 200 {
				_, err := root(s).HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				wantErr(t, err, 404, "NotFound")
			}
		})
	}

	t.Run("v2 virtual-hosted", func(t *testing.T) {
		host := bucket + "." + arcatest.S3Domain + ":" + s.Port()
		for _, tc := range []struct {
			signBucket string
			status     int
		}{{bucket, 200}, {"", 403}} {
			r, _ := http.NewRequest(http.MethodPut, "http://"+host+"/v2/virtual", bytes.NewReader(body))
			s3auth.SignV2(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, tc.signBucket, time.Now())
			if resp := send(t, s, r); resp.StatusCode != tc.status {
				t.Errorf("signed for bucket %q: %d %s", tc.signBucket, resp.StatusCode, resp.body)
			}
		}
	})
	t.Run("unsigned amz header", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodGet, s.S3Endpoint(false)+"/"+bucket, nil)
		s3auth.SignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.S3Region, time.Now(), "")
		r.Header.Set("x-amz-meta-late", "added after signing")
		if resp := send(t, s, r); resp.StatusCode != 403 || resp.err.Code != "AccessDenied" {
			t.Fatalf("= %d %s", resp.StatusCode, resp.body)
		}
	})
	t.Run("clock skew", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodGet, s.S3Endpoint(false)+"/"+bucket, nil)
		s3auth.SignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.S3Region, time.Now().Add(-time.Hour), "")
		if resp := send(t, s, r); resp.StatusCode != 403 || resp.err.Code != "RequestTimeTooSkewed" {
			t.Fatalf("= %d %s", resp.StatusCode, resp.body)
		}
	})
}

// send sends a prepared request and reads the response.
func send(t *testing.T, s *arcatest.Server, r *http.Request) rawResp {
	t.Helper()
	resp, err := s.Client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := rawResp{Response: resp, body: b}
	if resp.StatusCode >= 300 {
		xml.Unmarshal(b, &out.err)
	}
	return out
}

// chunkedBody encodes data as a signed aws-chunked body of chunk-byte
// chunks, with the trailer lines (each "name:value") and their signature
// when trailer is not empty. badChunk corrupts that chunk's signature
// (-1 for none).
func chunkedBody(signer *s3auth.ChunkSigner, data []byte, chunk int, trailer []string, badChunk int) []byte {
	var b bytes.Buffer
	i := 0
	for off := 0; ; off += chunk {
		off = min(off, len(data))
		end := min(off+chunk, len(data))
		piece := data[off:end]
		sum := sha256.Sum256(piece)
		sig := signer.Chunk(sum[:])
		if i == badChunk {
			sig = strings.Repeat("0", 64)
		}
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(piece), sig)
		b.Write(piece)
		b.WriteString("\r\n")
		i++
		if len(piece) == 0 {
			break
		}
	}
	if len(trailer) > 0 {
		var signedPart bytes.Buffer
		for _, l := range trailer {
			b.WriteString(l + "\r\n")
			signedPart.WriteString(l + "\n")
		}
		b.WriteString("x-amz-trailer-signature:" + signer.Trailer(signedPart.Bytes()) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// TestAuth_SignedChunks sends signed aws-chunked uploads by hand: intact
// (with and without a signed trailing checksum), with a bad chunk
// signature, and with a trailing checksum that does not match. Only the
// intact ones are stored.
func TestAuth_SignedChunks(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "chunks")
	data := randBytes(20000, 3)
	creds := s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}
	for _, tc := range []struct {
		name     string
		trailer  []string
		badChunk int
		status   int
		code     string
	}{
		{name: "signed", badChunk: -1, status: 200},
		{name: "signed trailer", trailer: []string{"x-amz-checksum-crc32c:" + crc32cOf(data)}, badChunk: -1, status: 200},
		{name: "bad chunk signature", badChunk: 1, status: 403, code: "SignatureDoesNotMatch"},
		{name: "wrong trailing checksum", trailer: []string{"x-amz-checksum-crc32c:" + crc32cOf(data[1:])}, badChunk: -1, status: 400, code: "BadDigest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := strings.ReplaceAll(tc.name, " ", "-")
			r, _ := http.NewRequest(http.MethodPut, s.S3Endpoint(false)+"/"+bucket+"/"+key, nil)
			hash := s3auth.StreamingSignedPayload
			r.Header.Set("Content-Encoding", "aws-chunked")
			r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
			if len(tc.trailer) > 0 {
				hash = s3auth.StreamingSignedPayloadTrailer
				r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32c")
			}
			// The body's length is signed: encode once to learn it.
			probe := chunkedBody(newProbeSigner(), data, 8192, tc.trailer, -1)
			r.ContentLength = int64(len(probe))
			r.Body = io.NopCloser(bytes.NewReader(probe)) // content-length is signed only with a body
			s3auth.SignV4(r, creds, arcatest.S3Region, time.Now(), hash)
			a, err := s3auth.FromRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			body := chunkedBody(s3auth.NewChunkSigner(a, creds.SecretKey), data, 8192, tc.trailer, tc.badChunk)
			r.Body = io.NopCloser(bytes.NewReader(body))
			resp := send(t, s, r)
			if resp.StatusCode != tc.status || resp.err.Code != tc.code {
				t.Fatalf("= %d %s, want %d %s", resp.StatusCode, resp.body, tc.status, tc.code)
			}
			if tc.status != 200 {
				_, err := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
				wantErr(t, err, 404, "NotFound")
				return
			}
			got, out := get(t, c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if !bytes.Equal(got, data) || aws.ToString(out.ContentEncoding) != "" {
				t.Fatalf("stored %d bytes, Content-Encoding %q", len(got), aws.ToString(out.ContentEncoding))
			}
			if len(tc.trailer) > 0 && aws.ToString(out.ChecksumCRC32C) != crc32cOf(data) {
				t.Errorf("ChecksumCRC32C = %q", aws.ToString(out.ChecksumCRC32C))
			}
		})
	}
}

// newProbeSigner signs chunks with some key: only the encoded length of
// its output matters (every signature is 64 hex digits).
func newProbeSigner() *s3auth.ChunkSigner {
	r, _ := http.NewRequest(http.MethodPut, "http://x/", nil)
	s3auth.SignV4(r, s3auth.Credentials{AccessKey: "a", SecretKey: "b"}, "r", time.Now(), s3auth.StreamingSignedPayload)
	a, _ := s3auth.FromRequest(r)
	return s3auth.NewChunkSigner(a, "b")
}

// TestAuth_SecurityToken covers x-amz-security-token: temporary
// credentials work with their token only, and a token on permanent keys
// is refused.
func TestAuth_SecurityToken(t *testing.T) {
	t.Parallel()
	s := start(t)
	for _, tc := range []struct {
		name   string
		cfg    arcatest.S3Client
		status int
		code   string
	}{
		{"temporary with token", arcatest.S3Client{AccessKey: tmpUser.AccessKey, SecretKey: tmpUser.SecretKey, SessionToken: tmpUser.SessionToken}, 200, ""},
		{"temporary with token over https", arcatest.S3Client{AccessKey: tmpUser.AccessKey, SecretKey: tmpUser.SecretKey, SessionToken: tmpUser.SessionToken, TLS: true}, 200, ""},
		{"temporary without token", arcatest.S3Client{AccessKey: tmpUser.AccessKey, SecretKey: tmpUser.SecretKey}, 403, "InvalidAccessKeyId"},
		{"temporary with another token", arcatest.S3Client{AccessKey: tmpUser.AccessKey, SecretKey: tmpUser.SecretKey, SessionToken: "forged"}, 400, "InvalidToken"},
		{"permanent with a token", arcatest.S3Client{SessionToken: "anything"}, 400, "InvalidToken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := s.S3(tc.cfg)
			_, err := c.CreateBucket(ctx(t), &s3.CreateBucketInput{Bucket: aws.String(arcatest.Bucket("token"))})
			if tc.status == 200 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tc.status, tc.code)
		})
	}
}

// TestAuth_ErrorDocument checks the shape of S3's error document and
// request ids.
func TestAuth_ErrorDocument(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "errdoc")
	for _, tc := range []struct {
		path, code string
		status     int
		bucket     string
		key        string
	}{
		{"/" + bucket + "/no/such key", "NoSuchKey", 404, "", "no/such key"},
		{"/no-such-bucket-xyz/k", "NoSuchBucket", 404, "no-such-bucket-xyz", ""},
	} {
		resp := do(t, s, rawReq{method: "GET", path: strings.ReplaceAll(tc.path, " ", "%20")})
		e := resp.err
		if resp.StatusCode != tc.status || e.Code != tc.code || e.Message == "" || e.RequestID == "" || e.HostID == "" {
			t.Errorf("GET %s = %d %s", tc.path, resp.StatusCode, resp.body)
		}
		if e.RequestID != resp.Header.Get("x-amz-request-id") || resp.Header.Get("x-amz-id-2") == "" {
			t.Errorf("RequestId %q, header %q", e.RequestID, resp.Header.Get("x-amz-request-id"))
		}
		if e.Bucket != tc.bucket || e.Key != tc.key || !strings.HasPrefix(e.Resource, "/") {
			t.Errorf("GET %s: BucketName %q Key %q Resource %q", tc.path, e.Bucket, e.Key, e.Resource)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/xml" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	// Not implemented and not allowed.
	if resp := do(t, s, rawReq{method: "GET", path: "/" + bucket, query: "lifecycle"}); resp.StatusCode != 501 || resp.err.Code != "NotImplemented" {
		t.Errorf("GET ?lifecycle = %d %s", resp.StatusCode, resp.body)
	}
	if resp := do(t, s, rawReq{method: "POST", path: "/" + bucket + "/k"}); resp.StatusCode != 405 || resp.err.Code != "MethodNotAllowed" {
		t.Errorf("POST object = %d %s", resp.StatusCode, resp.body)
	}
	// HEAD errors carry no body.
	_, err := root(s).HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("none")})
	wantErr(t, err, 404, "NotFound")
	_, err = root(s).GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 404, "NoSuchTagSet")
	_ = types.BucketVersioningStatusEnabled
}

// TestAuth_V2BadDate: a SigV2 request whose x-amz-date is empty, or
// before the epoch, has no valid date: 403 AccessDenied, whatever its
// Date header says.
func TestAuth_V2BadDate(t *testing.T) {
	t.Parallel()
	s := start(t)
	bucket := newBucket(t, root(s), "v2date")
	for _, v := range []string{"", "Tue, 07 Jul 1950 21:53:04 GMT"} {
		resp := do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/k", sign: "v2", body: []byte("bar"),
			header: http.Header{"X-Amz-Date": {v}}})
		if resp.StatusCode != 403 || resp.err.Code != "AccessDenied" {
			t.Errorf("x-amz-date %q: PUT = %d %s", v, resp.StatusCode, resp.body)
		}
	}
	resp := do(t, s, rawReq{method: "PUT", path: "/" + bucket + "/k", sign: "v2", body: []byte("bar")})
	if resp.StatusCode != 200 {
		t.Errorf("V2 PUT = %d %s", resp.StatusCode, resp.body)
	}
}
