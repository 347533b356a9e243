package cos_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestService_ListBuckets covers GET Service: the owner, the buckets in
// name order with region and creation date, the region filter, and the
// refusal of anonymous callers.
func TestService_ListBuckets(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	svc := s.COS("")

	res, resp, err := svc.Service.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Buckets) != 0 {
		t.Fatalf("fresh server lists %d buckets", len(res.Buckets))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/xml" {
		t.Errorf("Content-Type = %q", ct)
	}
	if resp.Header.Get("x-cos-request-id") == "" || resp.Header.Get("Server") != "tencent-cos" {
		t.Errorf("common headers missing: %v", resp.Header)
	}
	wantOwner := "qcs::cam::uin/" + s.Root.ID + ":uin/" + s.Root.ID
	if res.Owner == nil || res.Owner.ID != wantOwner || res.Owner.DisplayName != s.Root.ID {
		t.Errorf("owner = %+v, want ID %s", res.Owner, wantOwner)
	}

	before := time.Now().UTC().Add(-2 * time.Second)
	var names []string
	for _, p := range []string{"zeta", "alpha", "mid"} {
		_, name := newBucket(t, s, p)
		names = append(names, name)
	}
	slices.Sort(names)

	res, _, err = svc.Service.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range res.Buckets {
		got = append(got, b.Name)
		if b.Region != "ap-guangzhou" {
			t.Errorf("%s: Location = %q", b.Name, b.Region)
		}
		ct, err := time.Parse("2006-01-02T15:04:05Z", b.CreationDate)
		if err != nil || ct.Before(before) || ct.After(time.Now().Add(2*time.Second)) {
			t.Errorf("%s: CreationDate = %q (%v)", b.Name, b.CreationDate, err)
		}
	}
	if joinKeys(got) != joinKeys(names) {
		t.Errorf("buckets = %v, want %v", got, names)
	}

	t.Run("region filter", func(t *testing.T) {
		res, _, err := svc.Service.Get(t.Context(), &cossdk.ServiceGetOptions{Region: "ap-guangzhou"})
		if err != nil || len(res.Buckets) != 3 {
			t.Fatalf("same region: %d buckets, %v", len(res.Buckets), err)
		}
		res, _, err = svc.Service.Get(t.Context(), &cossdk.ServiceGetOptions{Region: "ap-beijing"})
		if err != nil || len(res.Buckets) != 0 {
			t.Fatalf("other region: %d buckets, %v", len(res.Buckets), err)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		_, _, err := s.COSWith("", "", "").Service.Get(t.Context())
		wantErr(t, err, http.StatusForbidden, "AccessDenied")
	})

	t.Run("deleted bucket disappears", func(t *testing.T) {
		if _, err := s.COS(names[0]).Bucket.Delete(t.Context()); err != nil {
			t.Fatal(err)
		}
		res, _, err := svc.Service.Get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range res.Buckets {
			if b.Name == names[0] {
				t.Fatalf("deleted bucket %s still listed", b.Name)
			}
		}
		if len(res.Buckets) != 2 {
			t.Fatalf("%d buckets listed, want 2", len(res.Buckets))
		}
	})
}
