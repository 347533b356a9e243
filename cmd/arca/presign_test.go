package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestPresignCommand uses `arca presign` URLs with a plain HTTP client, the
// way the COS pre-signed upload document's Java and Node samples do: PUT the
// body to the URL, then GET it back through another URL.
func TestPresignCommand(t *testing.T) {
	s := arcatest.Start(t)
	bucket := arcatest.Bucket("presign")
	if _, err := s.COS(bucket).Bucket.Put(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARCA_ROOT_ACCESS_KEY", s.Root.AccessKey)
	t.Setenv("ARCA_ROOT_SECRET_KEY", s.Root.SecretKey)
	url := func(args ...string) string {
		var out bytes.Buffer
		base := []string{"-endpoint", s.URL(), "-bucket", bucket, "-key", "docs/a b+c.txt"}
		if err := presign(append(base, args...), &out); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out.String())
	}
	body := "This text uploaded as object."
	req, _ := http.NewRequest(http.MethodPut, url("-method", "PUT"), strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT status %d", resp.StatusCode)
	}
	resp, err = http.Get(url())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != body {
		t.Fatalf("presigned GET = %d %q", resp.StatusCode, got)
	}
	// A GET URL does not allow a PUT.
	req, _ = http.NewRequest(http.MethodPut, url(), strings.NewReader("x"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("PUT with a GET URL: status %d, want 403", resp.StatusCode)
	}
}
