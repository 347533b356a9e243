package tooltest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestMinioGo is the everyday workflow with minio-go, as an application
// or mc does it: make a bucket, upload a tree file by file (a multipart
// upload among them), list it recursively, download it, pre-sign a GET and
// a PUT for a plain client, remove everything in one multi-delete, remove
// the bucket.
func TestMinioGo(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	mc := r.s.Minio(arcatest.S3Client{})
	ctx := context.Background()
	const bucket, prefix = "minio-go-tools", "photos/"
	if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}

	src, local := filepath.Join(r.work, "src"), initialTree()
	writeTree(t, src, local)
	for name := range local {
		if _, err := mc.FPutObject(ctx, bucket, prefix+name, filepath.Join(src, filepath.FromSlash(name)),
			minio.PutObjectOptions{PartSize: partSize}); err != nil {
			t.Fatalf("FPutObject %s: %v", name, err)
		}
	}
	sameTree(t, "objects after FPutObject", r.remoteTree(bucket, prefix), local)

	listed := map[string]int64{}
	for o := range mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		listed[o.Key[len(prefix):]] = o.Size
	}
	for name, data := range local {
		if size, ok := listed[name]; !ok || size != int64(len(data)) {
			t.Errorf("ListObjects: %q size %d (listed %v), want %d", name, size, ok, len(data))
		}
	}
	if len(listed) != len(local) {
		t.Errorf("ListObjects lists %d objects, want %d", len(listed), len(local))
	}

	down := filepath.Join(r.work, "down")
	for name := range local {
		if err := mc.FGetObject(ctx, bucket, prefix+name, filepath.Join(down, filepath.FromSlash(name)), minio.GetObjectOptions{}); err != nil {
			t.Fatalf("FGetObject %s: %v", name, err)
		}
	}
	sameTree(t, "files after FGetObject", readTree(t, down), local)

	// Pre-signed URLs, used with a client that reaches the server whatever
	// the URL's host name.
	key := prefix + "sub/deep/x+y=z & ü.txt"
	u, err := mc.PresignedGetObject(ctx, bucket, key, 5*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.s.Client.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, local["sub/deep/x+y=z & ü.txt"]) {
		t.Fatalf("pre-signed GET = %d %q", resp.StatusCode, got)
	}
	u, err = mc.PresignedPutObject(ctx, bucket, prefix+"uploaded.txt", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader([]byte("through a pre-signed PUT")))
	resp, err = r.s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("pre-signed PUT = %d", resp.StatusCode)
	}
	local["uploaded.txt"] = []byte("through a pre-signed PUT")
	sameTree(t, "objects after the pre-signed PUT", r.remoteTree(bucket, prefix), local)

	// Remove recursively (ListObjects into RemoveObjects, one multi-delete).
	for e := range mc.RemoveObjects(ctx, bucket, mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}), minio.RemoveObjectsOptions{}) {
		t.Errorf("RemoveObjects %s: %v", e.ObjectName, e.Err)
	}
	if left := r.remoteTree(bucket, ""); len(left) != 0 {
		t.Fatalf("objects left after RemoveObjects: %d", len(left))
	}
	if err := mc.RemoveBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	r.bucketGone(bucket)
}
