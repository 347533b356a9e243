package s3auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The example credentials of the AWS signing documents.
const (
	docAK = "AKIAIOSFODNN7EXAMPLE"
	docSK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// docTime is the request time of every SigV4 example: 20130524T000000Z.
var docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

// docRequest builds a request as a server receives it: target is the
// request line's path and query, headers are given in order.
func docRequest(method, host, target string, body []byte, headers ...string) *http.Request {
	r := httptest.NewRequest(method, "http://"+host+target, bytes.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

// sigV4Vector is a worked example of sig-v4-header-based-auth or
// sigv4-query-string-auth.
type sigV4Vector struct {
	name      string
	r         func() *http.Request
	canonical string // hex SHA-256 of the canonical request, when the document gives it
	signature string
}

var sigV4Vectors = []sigV4Vector{
	{
		name: "GET Object with Range",
		r: func() *http.Request {
			return docRequest("GET", "examplebucket.s3.amazonaws.com", "/test.txt", nil,
				"Range", "bytes=0-9",
				"x-amz-content-sha256", EmptySHA256,
				"x-amz-date", "20130524T000000Z",
				"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
		},
		canonical: "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
		signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
	},
	{
		name: "PUT Object",
		r: func() *http.Request {
			return docRequest("PUT", "examplebucket.s3.amazonaws.com", "/test%24file.text", []byte("Welcome to Amazon S3."),
				"Date", "Fri, 24 May 2013 00:00:00 GMT",
				"x-amz-date", "20130524T000000Z",
				"x-amz-storage-class", "REDUCED_REDUNDANCY",
				"x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
				"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
		},
		canonical: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
		signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
	},
	{
		name: "GET Bucket Lifecycle",
		r: func() *http.Request {
			return docRequest("GET", "examplebucket.s3.amazonaws.com", "/?lifecycle", nil,
				"x-amz-date", "20130524T000000Z",
				"x-amz-content-sha256", EmptySHA256,
				"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
		},
		signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
	},
	{
		name: "Get Bucket (List Objects)",
		r: func() *http.Request {
			return docRequest("GET", "examplebucket.s3.amazonaws.com", "/?max-keys=2&prefix=J", nil,
				"x-amz-date", "20130524T000000Z",
				"x-amz-content-sha256", EmptySHA256,
				"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
		},
		signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
	},
	{
		name: "pre-signed GET Object",
		r: func() *http.Request {
			return docRequest("GET", "examplebucket.s3.amazonaws.com", "/test.txt"+
				"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"+
				"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"+
				"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", nil)
		},
		canonical: "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04",
		signature: "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
	},
}

func TestSigV4Vectors(t *testing.T) {
	for _, v := range sigV4Vectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.r()
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if a.AccessKey != docAK || a.Region != "us-east-1" || a.Date != "20130524" || !a.Time.Equal(docTime) {
				t.Errorf("FromRequest() = %+v", a)
			}
			if v.canonical != "" {
				path, query := requestTarget(r)
				cr := a.appendCanonicalRequest(nil, r, path, query, false)
				if sum := sha256.Sum256(cr); hex.EncodeToString(sum[:]) != v.canonical {
					t.Errorf("SHA256(CanonicalRequest) = %x, want %s\n%s", sum, v.canonical, cr)
				}
			}
			for _, now := range []time.Time{docTime, docTime.Add(-MaxSkew), docTime.Add(MaxSkew)} {
				if err := a.Verify(r, docSK, now); err != nil {
					t.Errorf("Verify(now=%v) = %v", now, err)
				}
			}
			if err := a.Verify(r, docSK+"x", docTime); !errors.Is(err, ErrSignatureDoesNotMatch) {
				t.Errorf("Verify(wrong key) = %v, want SignatureDoesNotMatch", err)
			}
			body, size, err := Body(r, a, docSK)
			if err != nil {
				t.Fatalf("Body() error = %v", err)
			}
			if _, err := io.ReadAll(body); err != nil {
				t.Errorf("reading the body: %v", err)
			}
			if size != r.ContentLength {
				t.Errorf("Body() size = %d, want %d", size, r.ContentLength)
			}
		})
	}
}

// The signer reproduces the examples whose signed headers it would pick.
func TestSignV4ReproducesVectors(t *testing.T) {
	for _, v := range []sigV4Vector{sigV4Vectors[0], sigV4Vectors[2], sigV4Vectors[3]} {
		r := v.r()
		r.Header.Del("Authorization")
		SignV4(r, Credentials{AccessKey: docAK, SecretKey: docSK}, "us-east-1", docTime, EmptySHA256)
		if got := r.Header.Get("Authorization"); !strings.HasSuffix(got, "Signature="+v.signature) {
			t.Errorf("%s: SignV4 gave %s, want signature %s", v.name, got, v.signature)
		}
	}
	r := httptest.NewRequest("GET", "http://examplebucket.s3.amazonaws.com/test.txt", nil)
	if err := PresignV4(r, Credentials{AccessKey: docAK, SecretKey: docSK}, "us-east-1", docTime, 86400*time.Second); err != nil {
		t.Fatal(err)
	}
	want := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	if r.URL.RawQuery != want {
		t.Errorf("PresignV4 query =\n%s\nwant\n%s", r.URL.RawQuery, want)
	}
}

// The chunked upload example of sigv4-streaming: 66560 bytes of 'a' in a
// 64 KiB chunk, a 1 KiB chunk and the final one.
var (
	streamSeed   = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	streamChunks = []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
	// The trailer example of sigv4-streaming-trailers, the same data with
	// a CRC32C trailer.
	trailerSeed   = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
	trailerChunks = []string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
	}
	trailerSignature = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
)

// streamBody frames the example's data with the given chunk signatures.
// tail is what follows the final chunk's header line.
func streamBody(sigs []string, tail string) []byte {
	var b bytes.Buffer
	b.WriteString("10000;chunk-signature=" + sigs[0] + "\r\n")
	b.Write(bytes.Repeat([]byte("a"), 65536))
	b.WriteString("\r\n400;chunk-signature=" + sigs[1] + "\r\n")
	b.Write(bytes.Repeat([]byte("a"), 1024))
	b.WriteString("\r\n0;chunk-signature=" + sigs[2] + "\r\n")
	b.WriteString(tail)
	return b.Bytes()
}

func streamRequest(body []byte, trailer bool) *http.Request {
	if !trailer {
		return docRequest("PUT", "s3.amazonaws.com", "/examplebucket/chunkObject.txt", body,
			"x-amz-date", "20130524T000000Z",
			"x-amz-storage-class", "REDUCED_REDUNDANCY",
			"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature="+streamSeed,
			"x-amz-content-sha256", StreamingSignedPayload,
			"Content-Encoding", "aws-chunked",
			"x-amz-decoded-content-length", "66560",
			"Content-Length", "66824")
	}
	// The document prints the Authorization header of the previous example
	// by mistake; its seed signature comes from the canonical request it
	// shows, which signs x-amz-trailer and not content-length.
	return docRequest("PUT", "s3.amazonaws.com", "/examplebucket/chunkObject.txt", body,
		"x-amz-date", "20130524T000000Z",
		"x-amz-storage-class", "REDUCED_REDUNDANCY",
		"Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature="+trailerSeed,
		"x-amz-content-sha256", StreamingSignedPayloadTrailer,
		"Content-Encoding", "aws-chunked",
		"x-amz-decoded-content-length", "66560",
		"x-amz-trailer", "x-amz-checksum-crc32c",
		"Content-Length", "66824")
}

func TestStreamingVector(t *testing.T) {
	body := streamBody(streamChunks, "\r\n")
	if len(body) != 66824 {
		t.Fatalf("example body is %d bytes, want the document's Content-Length 66824", len(body))
	}
	r := streamRequest(body, false)
	a, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, docSK, docTime); err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	// The chunk signatures the document lists, from the signer's side.
	s := NewChunkSigner(a, docSK)
	for i, n := range []int{65536, 1024, 0} {
		sum := sha256.Sum256(bytes.Repeat([]byte("a"), n))
		if got := s.Chunk(sum[:]); got != streamChunks[i] {
			t.Errorf("chunk %d signature = %s, want %s", i+1, got, streamChunks[i])
		}
	}
	rd, size, err := Body(r, a, docSK)
	if err != nil || size != 66560 {
		t.Fatalf("Body() = %d, %v", size, err)
	}
	got, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
		t.Errorf("decoded %d bytes, not the example's data", len(got))
	}
}

func TestStreamingTrailerVector(t *testing.T) {
	// The document shows the trailer lines CRLF-terminated; a final CRLF
	// ends the body.
	tail := "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + trailerSignature + "\r\n\r\n"
	r := streamRequest(streamBody(trailerChunks, tail), true)
	a, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, docSK, docTime); err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	s := NewChunkSigner(a, docSK)
	for i, n := range []int{65536, 1024, 0} {
		sum := sha256.Sum256(bytes.Repeat([]byte("a"), n))
		if got := s.Chunk(sum[:]); got != trailerChunks[i] {
			t.Errorf("chunk %d signature = %s, want %s", i+1, got, trailerChunks[i])
		}
	}
	if got := s.Trailer([]byte("x-amz-checksum-crc32c:sOO8/Q==\n")); got != trailerSignature {
		t.Errorf("trailer signature = %s, want %s", got, trailerSignature)
	}
	rd, _, err := Body(r, a, docSK)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if len(got) != 66560 {
		t.Errorf("decoded %d bytes, want 66560", len(got))
	}
	if v := rd.(*ChunkedReader).Trailer().Get("X-Amz-Checksum-Crc32c"); v != "sOO8/Q==" {
		t.Errorf("trailer x-amz-checksum-crc32c = %q, want sOO8/Q==", v)
	}
}

// sigV2Vector is an example of RESTAuthentication.
type sigV2Vector struct {
	name   string
	r      func() *http.Request
	bucket string // virtual-hosted bucket
	now    time.Time
	sk     string
}

var sigV2Vectors = []sigV2Vector{
	{name: "Object GET", bucket: "awsexamplebucket1", now: time.Date(2007, 3, 27, 19, 36, 42, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "awsexamplebucket1.us-west-1.s3.amazonaws.com", "/photos/puppy.jpg", nil,
				"Date", "Tue, 27 Mar 2007 19:36:42 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=")
		}},
	{name: "Object PUT", bucket: "awsexamplebucket1", now: time.Date(2007, 3, 27, 21, 15, 45, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("PUT", "awsexamplebucket1.s3.us-west-1.amazonaws.com", "/photos/puppy.jpg", []byte("jpeg"),
				"Content-Type", "image/jpeg",
				"Content-Length", "94328",
				"Date", "Tue, 27 Mar 2007 21:15:45 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:iqRzw+ileNPu1fhspnRs8nOjjIA=")
		}},
	{name: "List", bucket: "awsexamplebucket1", now: time.Date(2007, 3, 27, 19, 42, 41, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "awsexamplebucket1.s3.us-west-1.amazonaws.com", "/?prefix=photos&max-keys=50&marker=puppy", nil,
				"User-Agent", "Mozilla/5.0",
				"Date", "Tue, 27 Mar 2007 19:42:41 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:m0WP8eCtspQl5Ahe6L1SozdX9YA=")
		}},
	{name: "Fetch ?acl", bucket: "awsexamplebucket1", now: time.Date(2007, 3, 27, 19, 44, 46, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "awsexamplebucket1.s3.us-west-1.amazonaws.com", "/?acl", nil,
				"Date", "Tue, 27 Mar 2007 19:44:46 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:82ZHiFIjc+WbcwFKGUVEQspPn+0=")
		}},
	{name: "Delete path-style with x-amz-date", now: time.Date(2007, 3, 27, 21, 20, 26, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("DELETE", "s3.us-west-1.amazonaws.com", "/awsexamplebucket1/photos/puppy.jpg", nil,
				"User-Agent", "dotnet",
				"Date", "Tue, 27 Mar 2007 21:20:27 +0000",
				"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:XbyTlbQdu9Xw5o8P4iMwPktxQd8=")
		}},
	{name: "Upload with x-amz-meta, CNAME bucket", bucket: "static.awsexamplebucket1.net", now: time.Date(2007, 3, 27, 21, 6, 8, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("PUT", "static.awsexamplebucket1.net:8080", "/db-backup.dat.gz", []byte("gz"),
				"User-Agent", "curl/7.15.5",
				"Date", "Tue, 27 Mar 2007 21:06:08 +0000",
				"x-amz-acl", "public-read",
				"content-type", "application/x-download",
				"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw==",
				"X-Amz-Meta-ReviewedBy", "joe@awsexamplebucket1.net",
				"X-Amz-Meta-ReviewedBy", "jane@awsexamplebucket1.net",
				"X-Amz-Meta-FileChecksum", "0x02661779",
				"X-Amz-Meta-ChecksumAlgorithm", "crc32",
				"Content-Disposition", "attachment; filename=database.dat",
				"Content-Encoding", "gzip",
				"Content-Length", "5913339",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:dKZcB+bz2EPXgSdXZp9ozGeOM4I=")
		}},
	{name: "List all my buckets", now: time.Date(2007, 3, 28, 1, 29, 59, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "s3.us-west-1.amazonaws.com", "/", nil,
				"Date", "Wed, 28 Mar 2007 01:29:59 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:qGdzdERIC03wnaRNKh6OqZehG9s=")
		}},
	{name: "Unicode keys, signed as sent", now: time.Date(2007, 3, 28, 1, 49, 49, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "s3.us-west-1.amazonaws.com", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", nil,
				"Date", "Wed, 28 Mar 2007 01:49:49 +0000",
				"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:DNEZGsoieTZ92F3bUfSPQcbGmlM=")
		}},
	// The query string example. Its signature was computed when the
	// document's bucket was still called "johnsmith"; the renamed bucket
	// gives another one.
	{name: "query string authentication", bucket: "johnsmith", now: time.Date(2007, 3, 26, 19, 37, 58, 0, time.UTC),
		r: func() *http.Request {
			return docRequest("GET", "johnsmith.s3.us-west-1.amazonaws.com",
				"/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620", nil)
		}},
}

func TestSigV2Vectors(t *testing.T) {
	for _, v := range sigV2Vectors {
		t.Run(v.name, func(t *testing.T) {
			r := v.r()
			a, err := FromRequest(r)
			if err != nil {
				t.Fatalf("FromRequest() error = %v", err)
			}
			if a.AccessKey != docAK {
				t.Errorf("AccessKey = %q", a.AccessKey)
			}
			a.VirtualBucket = v.bucket
			if err := a.Verify(r, docSK, v.now); err != nil {
				t.Errorf("Verify() = %v", err)
			}
			if err := a.Verify(r, docSK+"x", v.now); !errors.Is(err, ErrSignatureDoesNotMatch) {
				t.Errorf("Verify(wrong key) = %v", err)
			}
			if a.Scheme == V2Header {
				if err := a.Verify(r, docSK, v.now.Add(MaxSkew+time.Second)); !errors.Is(err, ErrRequestTimeTooSkewed) {
					t.Errorf("Verify(16 minutes later) = %v, want RequestTimeTooSkewed", err)
				}
			}
		})
	}
}

// The SigV2 form example of HTTPPOSTExamples: its policy and signature
// date from the original documents, whose example secret key was
// uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o (for access key
// 0PN5J17HBGZHT7JJ3X82); the signature only comes out with that key.
func TestPostPolicyVectors(t *testing.T) {
	const v4Policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	const v4Signature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	if got := PostPolicySignatureV4(v4Policy, docSK, "20151229", "us-east-1"); got != v4Signature {
		t.Errorf("PostPolicySignatureV4 = %s, want %s", got, v4Signature)
	}
	form := map[string]string{ // as the example form sends them, names in its case
		"key": "user/user1/${filename}", "acl": "public-read", "Content-Type": "image/jpeg",
		"X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
		"X-Amz-Algorithm":  "AWS4-HMAC-SHA256", "X-Amz-Date": "20151229T000000Z",
		"Policy": v4Policy, "X-Amz-Signature": v4Signature,
	}
	p, err := FromPostForm(foldGet(form))
	if err != nil {
		t.Fatalf("FromPostForm(V4) error = %v", err)
	}
	if p.Scheme != V4Header || p.AccessKey != docAK || p.Region != "us-east-1" {
		t.Errorf("FromPostForm(V4) = %+v", p)
	}
	if err := p.Verify(docSK); err != nil {
		t.Errorf("Verify(V4) = %v", err)
	}
	form["Policy"] = v4Policy[:len(v4Policy)-4] + "fQ=="
	p, _ = FromPostForm(foldGet(form))
	if err := p.Verify(docSK); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Errorf("Verify(V4, policy changed) = %v, want SignatureDoesNotMatch", err)
	}

	const v2Policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDA3LTEyLTAxVDEyOjAwOjAwLjAwMFoiLAogICJjb25kaXRpb25zIjogWwogICAgeyJidWNrZXQiOiAiam9obnNtaXRoIn0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci9lcmljLyJdLAogICAgeyJhY2wiOiAicHVibGljLXJlYWQifSwKICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL2pvaG5zbWl0aC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwKICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8iXSwKICAgIHsieC1hbXotbWV0YS11dWlkIjogIjE0MzY1MTIzNjUxMjc0In0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiR4LWFtei1tZXRhLXRhZyIsICIiXQogIF0KfQo="
	const oldSK = "uV3F3YluFJax1cknvbcGwgjvx4QpvB+leU8dUj2o"
	if got := PostPolicySignatureV2(v2Policy, oldSK); got != "0RavWzkygo6QX9caELEqKi9kDbU=" {
		t.Errorf("PostPolicySignatureV2 = %s, want 0RavWzkygo6QX9caELEqKi9kDbU=", got)
	}
	p, err = FromPostForm(foldGet(map[string]string{
		"AWSAccessKeyId": "0PN5J17HBGZHT7JJ3X82", "Policy": v2Policy, "Signature": "0RavWzkygo6QX9caELEqKi9kDbU=",
	}))
	if err != nil || p.Scheme != V2Header {
		t.Fatalf("FromPostForm(V2) = %+v, %v", p, err)
	}
	if err := p.Verify(oldSK); err != nil {
		t.Errorf("Verify(V2) = %v", err)
	}
	if err := p.Verify(docSK); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Errorf("Verify(V2, other key) = %v", err)
	}
}

// foldGet looks fields up ignoring case, as postform.Form.Get does.
func foldGet(form map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for k, v := range form {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return "", false
	}
}
