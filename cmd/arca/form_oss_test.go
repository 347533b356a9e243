package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/arcatest"
)

// postAll submits every field of a signed form, then the file, as a
// browser submits the page.
func postAll(t *testing.T, sf *signedForm, filename, content string) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	names := make([]string, 0, len(sf.Fields))
	for n := range sf.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w.WriteField(n, sf.Fields[n])
	}
	fw, _ := w.CreateFormFile("file", filename)
	io.WriteString(fw, content)
	w.Close()
	resp, err := http.Post(sf.Action, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestFormCommandOSS(t *testing.T) {
	s := arcatest.Start(t)
	bucket := arcatest.OSSBucket("ossform")
	if err := s.OSSV1(false).CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARCA_ROOT_ACCESS_KEY", s.Root.AccessKey)
	t.Setenv("ARCA_ROOT_SECRET_KEY", s.Root.SecretKey)
	sign := func(args ...string) *signedForm {
		t.Helper()
		var out bytes.Buffer
		base := []string{"-dialect", "oss", "-endpoint", s.URL(), "-bucket", bucket, "-json"}
		if err := form(append(base, args...), &out); err != nil {
			t.Fatal(err)
		}
		var sf signedForm
		if err := json.Unmarshal(out.Bytes(), &sf); err != nil {
			t.Fatal(err)
		}
		return &sf
	}
	b := s.OSSV1Bucket(bucket, false)
	for _, tc := range []struct {
		name   string
		args   []string
		fields []string
	}{
		{"V1", nil, []string{"OSSAccessKeyId", "Signature", "policy"}},
		{"V4", []string{"-oss-v4", "-region", "eu-west-1"}, []string{"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-signature", "policy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := sign(append([]string{"-key", "upload/" + tc.name + "/${filename}", "-max-size", "100", "-status", "201", "-content-type", "text/x-form"}, tc.args...)...)
			for _, f := range tc.fields {
				if sf.Fields[f] == "" {
					t.Errorf("no %s field: %v", f, sf.Fields)
				}
			}
			resp, body := postAll(t, sf, "hello.txt", "hello")
			if resp.StatusCode != 201 || !bytes.Contains(body, []byte("<Key>upload/"+tc.name+"/hello.txt</Key>")) {
				t.Fatalf("upload = %d %s", resp.StatusCode, body)
			}
			r, err := b.GetObject("upload/" + tc.name + "/hello.txt")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(r)
			r.Close()
			if string(got) != "hello" {
				t.Fatalf("object = %q", got)
			}
			h, err := b.GetObjectDetailedMeta("upload/" + tc.name + "/hello.txt")
			if err != nil || h.Get("Content-Type") != "text/x-form" {
				t.Errorf("content type = %q, %v", h.Get("Content-Type"), err)
			}
			// The size range and the key prefix are enforced.
			if resp, body := postAll(t, sf, "big.txt", strings.Repeat("x", 101)); resp.StatusCode != 400 || !bytes.Contains(body, []byte("EntityTooLarge")) {
				t.Errorf("oversized upload = %d %s", resp.StatusCode, body)
			}
			sf.Fields["key"] = "elsewhere/${filename}"
			if resp, _ := postAll(t, sf, "x.txt", "x"); resp.StatusCode != 403 {
				t.Errorf("key outside the prefix = %d, want 403", resp.StatusCode)
			}
		})
	}
	// The HTML page carries the signature fields and a file input last.
	var page bytes.Buffer
	if err := form([]string{"-dialect", "oss", "-endpoint", s.URL(), "-bucket", bucket, "-virtual-host"}, &page); err != nil {
		t.Fatal(err)
	}
	p := page.String()
	for _, want := range []string{`enctype="multipart/form-data"`, `name="OSSAccessKeyId"`, `name="Signature"`, `name="policy"`, `type="file" name="file"`} {
		if !strings.Contains(p, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Index(p, `name="Signature"`) > strings.Index(p, `name="file"`) {
		t.Error("the file input is not last")
	}
	var out bytes.Buffer
	if err := form([]string{"-dialect", "oss", "-oss-v4", "-expires", "200h", "-endpoint", s.URL(), "-bucket", bucket}, &out); err == nil {
		t.Error("a V4 form valid for more than 7 days was signed")
	}
}
