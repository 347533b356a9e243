package cos_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

func TestSmoke(t *testing.T) {
	s := arcatest.Start(t)
	ctx := context.Background()
	bucket := arcatest.Bucket("smoke")
	c := s.COS(bucket)
	if _, err := c.Bucket.Put(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Object.Put(ctx, "dir/hello.txt", strings.NewReader("hello world"), nil); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Object.Get(ctx, "dir/hello.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello world" {
		t.Fatalf("got %q", b)
	}
	res, _, err := c.Bucket.Get(ctx, &cossdk.BucketGetOptions{Delimiter: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CommonPrefixes) != 1 {
		t.Fatalf("list = %+v", res)
	}
	svc, _, err := s.COS("").Service.Get(ctx)
	if err != nil || len(svc.Buckets) != 1 {
		t.Fatalf("service = %+v, %v", svc, err)
	}
	big := bytes.Repeat([]byte("z"), 3<<20)
	if _, _, err := c.Object.Upload(ctx, "big", "", &cossdk.MultiUploadOptions{PartSize: 1}); err == nil {
		_ = big
	}
}
