package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestFormCommandS3 posts the fields `arca form -dialect s3` signs (a
// SigV4 POST policy) with a file, reads the object back with
// aws-sdk-go-v2, and checks that the policy's size range and key prefix
// hold.
func TestFormCommandS3(t *testing.T) {
	s := arcatest.Start(t)
	c := s.S3(arcatest.S3Client{})
	const bucket = "form-s3"
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARCA_ROOT_ACCESS_KEY", s.Root.AccessKey)
	t.Setenv("ARCA_ROOT_SECRET_KEY", s.Root.SecretKey)
	var out bytes.Buffer
	if err := form([]string{"-dialect", "s3", "-endpoint", s.URL(), "-bucket", bucket, "-json",
		"-key", "upload/${filename}", "-max-size", "100", "-status", "201", "-content-type", "text/x-form"}, &out); err != nil {
		t.Fatal(err)
	}
	var sf signedForm
	if err := json.Unmarshal(out.Bytes(), &sf); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "policy"} {
		if sf.Fields[f] == "" {
			t.Errorf("no %s field: %v", f, sf.Fields)
		}
	}
	if !strings.Contains(sf.Fields["x-amz-credential"], "/us-east-1/s3/aws4_request") {
		t.Errorf("credential %q is not scoped to us-east-1/s3", sf.Fields["x-amz-credential"])
	}
	resp, body := postAll(t, &sf, "hello.txt", "hello")
	if resp.StatusCode != 201 || !bytes.Contains(body, []byte("<Key>upload/hello.txt</Key>")) {
		t.Fatalf("upload = %d %s", resp.StatusCode, body)
	}
	got, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("upload/hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != "hello" || aws.ToString(got.ContentType) != "text/x-form" {
		t.Fatalf("object = %q, %q", data, aws.ToString(got.ContentType))
	}
	if resp, body := postAll(t, &sf, "big.txt", strings.Repeat("x", 101)); resp.StatusCode != 400 || !bytes.Contains(body, []byte("EntityTooLarge")) {
		t.Errorf("oversized upload = %d %s", resp.StatusCode, body)
	}
	sf.Fields["key"] = "elsewhere/${filename}"
	if resp, _ := postAll(t, &sf, "x.txt", "x"); resp.StatusCode != 403 {
		t.Errorf("key outside the prefix = %d, want 403", resp.StatusCode)
	}
	var page bytes.Buffer
	if err := form([]string{"-dialect", "s3", "-endpoint", s.URL(), "-bucket", bucket}, &page); err != nil {
		t.Fatal(err)
	}
	if p := page.String(); !strings.Contains(p, `name="x-amz-signature"`) || strings.Index(p, `name="x-amz-signature"`) > strings.Index(p, `name="file"`) {
		t.Errorf("page lacks the signature before the file input:\n%s", p)
	}
}
