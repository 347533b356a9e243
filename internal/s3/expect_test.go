package s3_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// TestExpectContinueEmptyBody sends, on one connection, an empty upload
// with "Expect: 100-continue" (as aws cli and boto3 send every upload of a
// file, empty ones too), then a non-empty one. Each gets an interim 100
// Continue before its final response, as from S3: botocore reads a final
// response that comes without one as the answer to its expectation and
// keeps that state for the connection's next request, which then hangs.
func TestExpectContinueEmptyBody(t *testing.T) {
	s := start(t)
	bucket := newBucket(t, root(s), "expect")
	conn, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	for i, body := range [][]byte{nil, []byte("hello\n")} {
		r, _ := http.NewRequest(http.MethodPut, s.S3Endpoint(false)+"/"+bucket+"/k", bytes.NewReader(body))
		r.Header.Set("Expect", "100-continue")
		sum := sha256.Sum256(body)
		s3auth.SignV4(r, s3auth.Credentials{AccessKey: s.Root.AccessKey, SecretKey: s.Root.SecretKey}, arcatest.S3Region, time.Now(), hex.EncodeToString(sum[:]))
		// Headers first; the body only after the 100 Continue.
		var head bytes.Buffer
		fmt.Fprintf(&head, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", r.URL.RequestURI(), r.Host, len(body))
		r.Header.Write(&head)
		head.WriteString("\r\n")
		if _, err := conn.Write(head.Bytes()); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, r)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if resp.StatusCode != http.StatusContinue {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("request %d: first response %d, want 100 Continue: %s", i, resp.StatusCode, b)
		}
		if _, err := conn.Write(body); err != nil {
			t.Fatal(err)
		}
		if resp, err = http.ReadResponse(br, r); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d, want 200", i, resp.StatusCode)
		}
	}
}
