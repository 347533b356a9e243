package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestPresignCommandDialects does what TestPresignCommand does for the OSS
// (V1 and V4) and S3 URLs: a plain client PUTs through one URL and GETs
// through another, with a key that needs escaping; a GET URL refuses a
// PUT, and the object is read back through the dialect's SDK.
func TestPresignCommandDialects(t *testing.T) {
	s := arcatest.Start(t)
	t.Setenv("ARCA_ROOT_ACCESS_KEY", s.Root.AccessKey)
	t.Setenv("ARCA_ROOT_SECRET_KEY", s.Root.SecretKey)
	ossBucket := arcatest.OSSBucket("presign")
	if err := s.OSSV1(false).CreateBucket(ossBucket); err != nil {
		t.Fatal(err)
	}
	s3c := s.S3(arcatest.S3Client{})
	const s3Bucket = "presign-s3"
	if _, err := s3c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(s3Bucket)}); err != nil {
		t.Fatal(err)
	}
	const key = "docs/a b+c ü.txt"
	for _, tc := range []struct {
		dialect, bucket string
		args            []string
		readBack        func(t *testing.T) string
	}{
		{"oss", ossBucket, nil, func(t *testing.T) string { return ossGet(t, s, ossBucket, key) }},
		{"oss-v4", ossBucket, []string{"-region", "eu-central-1"}, func(t *testing.T) string { return ossGet(t, s, ossBucket, key) }},
		{"s3", s3Bucket, nil, func(t *testing.T) string {
			out, err := s3c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			defer out.Body.Close()
			b, _ := io.ReadAll(out.Body)
			return string(b)
		}},
	} {
		t.Run(tc.dialect, func(t *testing.T) {
			url := func(args ...string) string {
				t.Helper()
				var out bytes.Buffer
				base := []string{"-dialect", tc.dialect, "-endpoint", s.URL(), "-bucket", tc.bucket, "-key", key, "-expires", "10m"}
				if err := presign(append(append(base, tc.args...), args...), &out); err != nil {
					t.Fatal(err)
				}
				return strings.TrimSpace(out.String())
			}
			body := "uploaded through a " + tc.dialect + " URL"
			if code, got := do(t, http.MethodPut, url("-method", "PUT"), body); code != 200 {
				t.Fatalf("presigned PUT = %d %s", code, got)
			}
			if code, got := do(t, http.MethodGet, url(), ""); code != 200 || got != body {
				t.Fatalf("presigned GET = %d %q", code, got)
			}
			if code, _ := do(t, http.MethodPut, url(), "x"); code != 403 {
				t.Fatalf("PUT with a GET URL = %d, want 403", code)
			}
			if got := tc.readBack(t); got != body {
				t.Fatalf("read back through the SDK: %q", got)
			}
		})
	}
}

func ossGet(t *testing.T, s *arcatest.Server, bucket, key string) string {
	t.Helper()
	r, err := s.OSSV1Bucket(bucket, false).GetObject(key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
