package cosjson

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/iam"
)

// go test -run '^$' -bench Verify -benchmem ./internal/cosjson
//
// Each iteration is the handler's whole signature work for a request that
// needs a multi-use signature (upload, stat, list...): authenticate
// (ParseSignature, the SecretId lookup, the HMAC, the appid and bucket
// checks) then authorize (expiry, lifetime, the file id binding).

func benchAuth(b *testing.B, auth, appID, bucketName, path string, now time.Time) {
	b.Helper()
	h := New(Config{
		Keys:  iam.Static{{ID: "100000000001", AccessKey: vecSecretID, SecretKey: vecSecretKey}},
		AppID: appID,
		Now:   func() time.Time { return now },
	})
	r := httptest.NewRequest("POST", "/files/v2/"+appID+"/"+bucketName+"/"+url.PathEscape(path), nil)
	r.Header.Set("Authorization", auth)
	c := &call{h: h, r: r, t: target{AppID: appID, BucketName: bucketName, Bucket: bucketName + "-" + appID, Path: path}}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.authenticate(); err != nil {
			b.Fatal(err)
		}
		if err := c.authorize(multiUse); err != nil {
			b.Fatal(err)
		}
	}
}

// The multi-use signature of seed 002 (签名算法, 示例), bound to no file.
func BenchmarkVerifyMulti(b *testing.B) {
	benchAuth(b, vecMultiSign, "200001", "newbucket", "tencent_test.jpg", time.Unix(1470736950, 0))
}

// A multi-use signature bound to a directory's file id with an escape in
// it, fields in the order the SDKs send them (b last), as the Python SDK
// signs every request.
func BenchmarkVerifyMultiBound(b *testing.B) {
	t := time.Unix(1470736940, 0)
	orig := "a=200001&k=" + vecSecretID + "&e=1470737000&t=1470736940&r=490258943&f=" +
		EncodeFileID("200001", "newbucket", "photos 2016/") + "&b=newbucket"
	benchAuth(b, Sign(vecSecretKey, orig), "200001", "newbucket", "photos 2016/tencent_test.jpg", t.Add(10*time.Second))
}
