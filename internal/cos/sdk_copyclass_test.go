package cos_test

import (
	"context"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// A copy is STANDARD unless the request names a class: it does not inherit
// the source's (COS PUT Object - Copy).
func TestObject_CopyStorageClass(t *testing.T) {
	s := arcatest.Start(t)
	ctx := context.Background()
	name := arcatest.Bucket("cpcls")
	c := s.COS(name)
	if _, err := c.Bucket.Put(ctx, nil); err != nil {
		t.Fatal(err)
	}
	opt := &cossdk.ObjectPutOptions{ObjectPutHeaderOptions: &cossdk.ObjectPutHeaderOptions{XCosStorageClass: "ARCHIVE"}}
	if _, err := c.Object.Put(ctx, "src", strings.NewReader("cold"), opt); err != nil {
		t.Fatal(err)
	}
	src := name + ".cos.ap-guangzhou.myqcloud.com/src"
	for _, tt := range []struct{ class, want string }{{"", ""}, {"STANDARD_IA", "STANDARD_IA"}, {"STANDARD", ""}} {
		var copt *cossdk.ObjectCopyOptions
		if tt.class != "" {
			copt = &cossdk.ObjectCopyOptions{ObjectCopyHeaderOptions: &cossdk.ObjectCopyHeaderOptions{XCosStorageClass: tt.class}}
		}
		if _, _, err := c.Object.Copy(ctx, "dst", src, copt); err != nil {
			t.Fatal(err)
		}
		resp, err := c.Object.Head(ctx, "dst", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Header.Get("x-cos-storage-class"); got != tt.want {
			t.Errorf("copy with class %q: x-cos-storage-class = %q, want %q", tt.class, got, tt.want)
		}
	}
}
