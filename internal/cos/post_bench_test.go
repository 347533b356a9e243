package cos

import (
	"testing"
	"time"

	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/wire/postform"
)

// go test -run '^$' -bench VerifyPost -benchmem ./internal/cos
//
// BenchmarkVerifyPostPolicy is the server's whole signature and policy
// work for one POST Object form, on the form's fields as the server has
// read them (the multipart parsing and the upload are not included):
// verifyPostSignature (key lookup, base64 of the policy, the HMAC chain,
// policy.Parse, the required conditions, expiration) then checkPolicy
// (every condition against the form). The form is the one of COS's POST
// Object document (nine conditions, the seed vector of
// TestPostSignatureSeedVector).
func BenchmarkVerifyPostPolicy(b *testing.B) {
	const ak = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q"
	now := time.Unix(1567150692, 0).Add(time.Minute)
	h := New(Config{
		Keys: iam.Static{{ID: "100000000001", AccessKey: ak, SecretKey: seedSecretKey}},
		Now:  func() time.Time { return now },
	})
	c := &call{h: h}
	const key = "folder/subfolder/photo.jpg"
	form := &postform.Form{Fields: []postform.Field{
		{Name: "key", Value: key},
		{Name: "Content-Type", Value: "image/jpeg"},
		{Name: "success_action_redirect", Value: "https://my.website/done"},
		{Name: "acl", Value: "default"},
		{Name: "x-cos-server-side-encryption", Value: "AES256"},
		{Name: "policy", Value: seedPolicyB64},
		{Name: "q-sign-algorithm", Value: "sha1"},
		{Name: "q-ak", Value: ak},
		{Name: "q-key-time", Value: seedKeyTime},
		{Name: "q-signature", Value: "7758dc9a832e9d301dca704cacbf9d9f8172fdef"},
	}, FileName: "photo.jpg"}
	b.ReportAllocs()
	for b.Loop() {
		principal, policy, err := c.verifyPostSignature(form)
		if err != nil {
			b.Fatal(err)
		}
		if principal != "100000000001" || policy == nil {
			b.Fatalf("verifyPostSignature = %q, %v", principal, policy)
		}
		if err := c.checkPolicy(policy, form, key, "examplebucket-1250000000"); err != nil {
			b.Fatal(err)
		}
	}
}
