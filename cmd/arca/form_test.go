package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/arcatest"
)

// postForm submits a signed form's fields and a file the way a browser
// does: fields in order, the file last.
func postForm(t *testing.T, sf *signedForm, filename, content string) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, n := range []string{"key", "success_action_status", "success_action_redirect", "Content-Type", "policy", "q-sign-algorithm", "q-ak", "q-key-time", "q-signature"} {
		if v, ok := sf.Fields[n]; ok {
			w.WriteField(n, v)
		}
	}
	fw, _ := w.CreateFormFile("file", filename)
	io.WriteString(fw, content)
	w.Close()
	resp, err := http.Post(sf.Action, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestFormCommandCOS(t *testing.T) {
	s := arcatest.Start(t)
	bucket := arcatest.Bucket("form")
	if _, err := s.COS(bucket).Bucket.Put(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARCA_ROOT_ACCESS_KEY", s.Root.AccessKey)
	t.Setenv("ARCA_ROOT_SECRET_KEY", s.Root.SecretKey)
	sign := func(args ...string) *signedForm {
		var out bytes.Buffer
		base := []string{"-endpoint", s.URL(), "-bucket", bucket, "-json"}
		if err := form(append(base, args...), &out); err != nil {
			t.Fatal(err)
		}
		var sf signedForm
		if err := json.Unmarshal(out.Bytes(), &sf); err != nil {
			t.Fatal(err)
		}
		return &sf
	}
	sf := sign("-key", "upload/${filename}", "-max-size", "100", "-status", "201")
	if resp := postForm(t, sf, "hello.txt", "hello"); resp.StatusCode != 201 {
		t.Fatalf("upload status %d", resp.StatusCode)
	}
	got, err := s.COS(bucket).Object.Get(context.Background(), "upload/hello.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "hello" {
		t.Fatalf("object = %q", b)
	}
	// The size range and the key prefix are enforced.
	if resp := postForm(t, sf, "big.txt", strings.Repeat("x", 101)); resp.StatusCode != 400 {
		t.Fatalf("oversized upload status %d, want 400", resp.StatusCode)
	}
	sf.Fields["key"] = "elsewhere/${filename}"
	if resp := postForm(t, sf, "x.txt", "x"); resp.StatusCode != 403 {
		t.Fatalf("key outside the prefix: status %d, want 403", resp.StatusCode)
	}
	// The HTML page carries the same fields and a file input.
	var page bytes.Buffer
	if err := form([]string{"-endpoint", s.URL(), "-bucket", bucket}, &page); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`enctype="multipart/form-data"`, `name="q-signature"`, `type="file" name="file"`, `action="` + s.URL() + "/" + bucket} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %s", want)
		}
	}
}
