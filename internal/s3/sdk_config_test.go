package s3_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestCORS covers PutBucketCors, GetBucketCors and DeleteBucketCors, the
// OPTIONS preflight and the headers of actual cross-origin requests, and
// that the rules are the ones COS sees.
func TestCORS(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := newBucket(t, c, "cors")
	put(t, c, bucket, "page.html", []byte("<p>"))

	_, err := c.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 404, "NoSuchCORSConfiguration")
	rules := []types.CORSRule{
		{ID: aws.String("app"), AllowedOrigins: []string{"https://app.example.com"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"x-amz-*", "content-type"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(600)},
		{AllowedOrigins: []string{"https://*.example.org"}, AllowedMethods: []string{"GET"}},
	}
	if _, err := c.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	if err != nil || len(out.CORSRules) != 2 || aws.ToString(out.CORSRules[0].ID) != "app" || aws.ToInt32(out.CORSRules[0].MaxAgeSeconds) != 600 ||
		!slices.Equal(out.CORSRules[0].AllowedHeaders, rules[0].AllowedHeaders) || !slices.Equal(out.CORSRules[1].AllowedOrigins, rules[1].AllowedOrigins) {
		t.Fatalf("GetBucketCors = %+v, %v", out, err)
	}
	if cos, _, err := s.COS(bucket).Bucket.GetCORS(ctx(t)); err != nil || len(cos.Rules) != 2 {
		t.Errorf("COS sees %+v, %v", cos, err)
	}

	for _, tc := range []struct {
		name, origin, method, headers string
		status                        int
		allowOrigin                   string
	}{
		{"allowed", "https://app.example.com", "PUT", "x-amz-meta-a, Content-Type", 200, "https://app.example.com"},
		{"wildcard origin", "https://cdn.example.org", "GET", "", 200, "https://cdn.example.org"},
		{"method not allowed", "https://cdn.example.org", "PUT", "", 403, ""},
		{"header not allowed", "https://app.example.com", "GET", "authorization", 403, ""},
		{"origin not allowed", "https://evil.example.net", "GET", "", 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Origin": {tc.origin}, "Access-Control-Request-Method": {tc.method}}
			if tc.headers != "" {
				h.Set("Access-Control-Request-Headers", tc.headers)
			}
			resp := do(t, s, rawReq{method: "OPTIONS", path: "/" + bucket + "/page.html", header: h, sign: "none"})
			if resp.StatusCode != tc.status || resp.Header.Get("Access-Control-Allow-Origin") != tc.allowOrigin {
				t.Fatalf("OPTIONS = %d %s, Allow-Origin %q", resp.StatusCode, resp.body, resp.Header.Get("Access-Control-Allow-Origin"))
			}
			if tc.status == 403 && resp.err.Code != "AccessForbidden" {
				t.Errorf("code %s", resp.err.Code)
			}
			if tc.status == 200 && tc.method == "PUT" && (resp.Header.Get("Access-Control-Max-Age") != "600" ||
				!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "PUT") || resp.Header.Get("Access-Control-Allow-Headers") == "") {
				t.Errorf("preflight headers %v", resp.Header)
			}
		})
	}
	// An actual request from an allowed origin gets the headers.
	resp := do(t, s, rawReq{method: "GET", path: "/" + bucket + "/page.html", header: http.Header{"Origin": {"https://app.example.com"}}})
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || resp.Header.Get("Access-Control-Expose-Headers") != "ETag" {
		t.Errorf("actual GET: %d %v", resp.StatusCode, resp.Header)
	}

	_, err = c.PutBucketCors(ctx(t), &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}})
	wantErr(t, err, 400, "InvalidRequest")
	_, err = alt(s).GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 403, "AccessDenied")
	if _, err := c.DeleteBucketCors(ctx(t), &s3.DeleteBucketCorsInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketCors(ctx(t), &s3.GetBucketCorsInput{Bucket: aws.String(bucket)})
	wantErr(t, err, 404, "NoSuchCORSConfiguration")
	resp = do(t, s, rawReq{method: "OPTIONS", path: "/" + bucket + "/page.html", sign: "none",
		header: http.Header{"Origin": {"https://app.example.com"}, "Access-Control-Request-Method": {"GET"}}})
	if resp.StatusCode != 403 || resp.err.Code != "AccessForbidden" {
		t.Errorf("OPTIONS without rules = %d %s", resp.StatusCode, resp.body)
	}
}

// TestTagging covers object tagging (x-amz-tagging, the ?tagging
// operations, versions, tag counts and limits) and bucket tagging.
func TestTagging(t *testing.T) {
	t.Parallel()
	s := start(t)
	c := root(s)
	bucket := versionedBucket(t, c, "tags")
	first, err := c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("o"), Body: strings.NewReader("1"),
		Tagging: aws.String("project=arca&empty=&sp%20ace=a%26b")})
	if err != nil {
		t.Fatal(err)
	}
	tags := func(version *string) map[string]string {
		out, err := c.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("o"), VersionId: version})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, tag := range out.TagSet {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		return m
	}
	if got := tags(nil); fmt.Sprint(got) != fmt.Sprint(map[string]string{"project": "arca", "empty": "", "sp ace": "a&b"}) {
		t.Errorf("tags from the header = %v", got)
	}
	h, _ := c.HeadObject(ctx(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("o")})
	if aws.ToInt32(h.TagCount) != 3 {
		t.Errorf("TagCount %d", aws.ToInt32(h.TagCount))
	}
	put(t, c, bucket, "o", []byte("2"))
	out, err := c.PutObjectTagging(ctx(t), &s3.PutObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("o"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("new"), Value: aws.String("v")}}}})
	if err != nil || out.VersionId == nil {
		t.Fatalf("PutObjectTagging = %+v, %v", out, err)
	}
	if got := tags(nil); fmt.Sprint(got) != "map[new:v]" {
		t.Errorf("current version's tags = %v", got)
	}
	if got := tags(first.VersionId); len(got) != 3 {
		t.Errorf("first version's tags = %v", got)
	}
	if _, err := c.DeleteObjectTagging(ctx(t), &s3.DeleteObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("o"), VersionId: first.VersionId}); err != nil {
		t.Fatal(err)
	}
	if got := tags(first.VersionId); len(got) != 0 {
		t.Errorf("after delete: %v", got)
	}

	many := func(n int) []types.Tag {
		var ts []types.Tag
		for i := 0; i < n; i++ {
			ts = append(ts, types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")})
		}
		return ts
	}
	for _, tc := range []struct {
		name string
		set  []types.Tag
		code string
	}{
		{"eleven", many(11), "BadRequest"},
		{"long key", []types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}, "InvalidTag"},
		{"long value", []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}, "InvalidTag"},
		{"same key twice", []types.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}, "InvalidTag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutObjectTagging(ctx(t), &s3.PutObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("o"), Tagging: &types.Tagging{TagSet: tc.set}})
			wantErr(t, err, 400, tc.code)
		})
	}
	_, err = c.PutObject(ctx(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("bad"), Body: strings.NewReader("1"), Tagging: aws.String("a=1&a=2")})
	wantErr(t, err, 400, "InvalidTag")
	_, err = c.GetObjectTagging(ctx(t), &s3.GetObjectTaggingInput{Bucket: aws.String(bucket), Key: aws.String("absent")})
	wantErr(t, err, 404, "NoSuchKey")

	t.Run("bucket", func(t *testing.T) {
		_, err := c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 404, "NoSuchTagSet")
		if _, err := c.PutBucketTagging(ctx(t), &s3.PutBucketTaggingInput{Bucket: aws.String(bucket),
			Tagging: &types.Tagging{TagSet: many(50)}}); err != nil {
			t.Fatal(err)
		}
		out, err := c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		if err != nil || len(out.TagSet) != 50 {
			t.Fatalf("GetBucketTagging = %d tags, %v", len(out.TagSet), err)
		}
		_, err = c.PutBucketTagging(ctx(t), &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &types.Tagging{TagSet: many(51)}})
		wantErr(t, err, 400, "BadRequest")
		_, err = alt(s).GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 403, "AccessDenied")
		if _, err := c.DeleteBucketTagging(ctx(t), &s3.DeleteBucketTaggingInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetBucketTagging(ctx(t), &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
		wantErr(t, err, 404, "NoSuchTagSet")
	})
}
