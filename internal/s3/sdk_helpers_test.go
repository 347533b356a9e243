package s3_test

// Shared helpers of the S3 suite (sdk_*_test.go). Every test starts a real
// Arca with arcatest and drives it with aws-sdk-go-v2 (and minio-go); the
// requests the SDKs cannot produce are built with net/http and signed with
// s3auth.

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/arcastore/arca/internal/app"
	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// The accounts every test server has besides root: "alt" (as s3-tests'
// alt user) and a temporary credential of "tmp".
var (
	altUser = iam.Account{ID: "alt-user-id", DisplayName: "Alt User", AccessKey: "AKIAALTUSER000000001",
		SecretKey: "alt/secret+key=0000000000000000000000", Email: "alt@example.com"}
	tmpUser = iam.Account{ID: "tmp-user-id", DisplayName: "Temp User", AccessKey: "ASIATMPUSER000000001",
		SecretKey: "tmp-secret-key-000000000000000000000000", SessionToken: "session/token+value=="}
)

// start starts a server with the extra accounts.
func start(t *testing.T) *arcatest.Server {
	t.Helper()
	return arcatest.Start(t, func(c *app.Config) { c.Users = []iam.Account{altUser, tmpUser} })
}

// root is the root's path-style HTTP client.
func root(s *arcatest.Server, opts ...func(*s3.Options)) *s3.Client {
	return s.S3(arcatest.S3Client{}, opts...)
}

// alt is the alt user's client.
func alt(s *arcatest.Server) *s3.Client {
	return s.S3(arcatest.S3Client{AccessKey: altUser.AccessKey, SecretKey: altUser.SecretKey})
}

// anonymous is an unsigned client.
func anonymous(s *arcatest.Server) *s3.Client {
	return s.S3(arcatest.S3Client{Anonymous: true})
}

// newBucket creates a fresh bucket with c and returns its name.
func newBucket(t *testing.T, c *s3.Client, prefix string) string {
	t.Helper()
	name := arcatest.Bucket(prefix)
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// versionedBucket is newBucket with versioning enabled.
func versionedBucket(t *testing.T, c *s3.Client, prefix string) string {
	t.Helper()
	name := newBucket(t, c, prefix)
	if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatalf("enable versioning: %v", err)
	}
	return name
}

// randBytes returns n pseudo-random bytes (deterministic per seed).
func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// etagOf is the quoted hex MD5 of data, the ETag of a simple upload.
func etagOf(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func md5B64(data []byte) string {
	sum := md5.Sum(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

var nvmeTable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// sums are the x-amz-checksum-* values of data.
func crc32Of(data []byte) string {
	return b64BE32(crc32.ChecksumIEEE(data))
}

func crc32cOf(data []byte) string {
	return b64BE32(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
}

func crc64nvmeOf(data []byte) string {
	v := crc64.Checksum(data, nvmeTable)
	b := []byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	return base64.StdEncoding.EncodeToString(b)
}

func sha256Of(data []byte) string {
	sum := sha256.Sum256(data)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func b64BE32(v uint32) string {
	return base64.StdEncoding.EncodeToString([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// put uploads data and checks the ETag.
func put(t *testing.T, c *s3.Client, bucket, key string, data []byte) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	if aws.ToString(out.ETag) != etagOf(data) {
		t.Errorf("put %q: ETag = %s, want %s", key, aws.ToString(out.ETag), etagOf(data))
	}
	return out
}

// get downloads an object and returns its body and the output.
func get(t *testing.T, c *s3.Client, in *s3.GetObjectInput) ([]byte, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(t.Context(), in)
	if err != nil {
		t.Fatalf("get %q: %v", aws.ToString(in.Key), err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("get %q: reading body: %v", aws.ToString(in.Key), err)
	}
	return b, out
}

// wantErr asserts that err is an S3 error with status and code.
func wantErr(t *testing.T, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %d %s", status, code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want an HTTP response error %d %s", err, status, code)
	}
	if re.HTTPStatusCode() != status {
		t.Errorf("status = %d, want %d (%v)", re.HTTPStatusCode(), status, err)
	}
	var ae smithy.APIError
	if code != "" && (!errors.As(err, &ae) || ae.ErrorCode() != code) {
		t.Errorf("error = %v, want code %s", err, code)
	}
}

// errorDoc is S3's error document.
type errorDoc struct {
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
	Resource  string `xml:"Resource"`
	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId"`
	Bucket    string `xml:"BucketName"`
	Key       string `xml:"Key"`
}

// rawReq is a request built by the test; do sends it signed with the
// root's keys (SigV4 with the body's SHA-256) unless sign says otherwise,
// and returns the response with its body read.
type rawReq struct {
	method, path, query string
	header              http.Header
	body                []byte
	// sign: "v4" (default), "v2", "none".
	sign string
	// ak, sk: keys other than root's.
	ak, sk string
}

type rawResp struct {
	*http.Response
	body []byte
	err  errorDoc
}

func do(t *testing.T, s *arcatest.Server, rq rawReq) rawResp {
	t.Helper()
	u := s.S3Endpoint(false) + rq.path
	if rq.query != "" {
		u += "?" + rq.query
	}
	r, err := http.NewRequestWithContext(t.Context(), rq.method, u, bytes.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	r.ContentLength = int64(len(rq.body))
	if rq.body == nil {
		r.Body = http.NoBody
	}
	for k, vs := range rq.header {
		r.Header[k] = vs
	}
	ak, sk := s.Root.AccessKey, s.Root.SecretKey
	if rq.ak != "" {
		ak, sk = rq.ak, rq.sk
	}
	creds := s3auth.Credentials{AccessKey: ak, SecretKey: sk}
	switch rq.sign {
	case "", "v4":
		sum := sha256.Sum256(rq.body)
		s3auth.SignV4(r, creds, arcatest.S3Region, time.Now(), hex.EncodeToString(sum[:]))
	case "v2":
		s3auth.SignV2(r, creds, "", time.Now())
	}
	resp, err := s.Client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := rawResp{Response: resp, body: b}
	if resp.StatusCode >= 300 && len(b) > 0 {
		xml.Unmarshal(b, &out.err)
	}
	return out
}

func ctx(t *testing.T) context.Context { return t.Context() }

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
