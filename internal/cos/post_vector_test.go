package cos

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/cos/cosauth"
)

// The signature example of COS's POST Object document ("Signature
// protection use cases"), copied here from the project's verified vectors.
const (
	seedSecretKey = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz"
	seedKeyTime   = "1567150692;1567157892"
	seedPolicyB64 = "ewogICAgImV4cGlyYXRpb24iOiAiMjAxOS0wOC0zMFQwOTozODoxMi40MTRaIiwKICAgICJjb25kaXRpb25zIjogWwogICAgICAgIHsgImFjbCI6ICJkZWZhdWx0IiB9LAogICAgICAgIHsgImJ1Y2tldCI6ICJleGFtcGxlYnVja2V0LTEyNTAwMDAwMDAiIH0sCiAgICAgICAgWyAic3RhcnRzLXdpdGgiLCAiJGtleSIsICJmb2xkZXIvc3ViZm9sZGVyLyIgXSwKICAgICAgICBbICJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyIgXSwKICAgICAgICBbICJzdGFydHMtd2l0aCIsICIkc3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiLCAiaHR0cHM6Ly9teS53ZWJzaXRlLyIgXSwKICAgICAgICBbICJlcSIsICIkeC1jb3Mtc2VydmVyLXNpZGUtZW5jcnlwdGlvbiIsICJBRVMyNTYiIF0sCiAgICAgICAgeyAicS1zaWduLWFsZ29yaXRobSI6ICJzaGExIiB9LAogICAgICAgIHsgInEtYWsiOiAiQUtJRFFqejNsdG9tcFZqQm5pNUxpdGtXSEZsRnB3a245VTVxIiB9LAogICAgICAgIHsgInEtc2lnbi10aW1lIjogIjE1NjcxNTA2OTI7MTU2NzE1Nzg5MiIgfQogICAgXQp9"
)

func TestPostSignatureSeedVector(t *testing.T) {
	doc, err := base64.StdEncoding.DecodeString(seedPolicyB64)
	if err != nil {
		t.Fatal(err)
	}
	if got := cosauth.SignKey(seedSecretKey, seedKeyTime); got != "39acc8c9f34ba5b19bce4e965b370cd3f62d2fba" {
		t.Errorf("SignKey = %s", got)
	}
	if got := postSignature(seedSecretKey, seedKeyTime, doc); got != "7758dc9a832e9d301dca704cacbf9d9f8172fdef" {
		t.Errorf("postSignature = %s, want 7758dc9a832e9d301dca704cacbf9d9f8172fdef", got)
	}
	f := PostFormFields("AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q", seedSecretKey, doc, time.Unix(1567150692, 0), time.Unix(1567157892, 0))
	if f["q-signature"] != "7758dc9a832e9d301dca704cacbf9d9f8172fdef" || f["policy"] != seedPolicyB64 || f["q-key-time"] != seedKeyTime {
		t.Errorf("PostFormFields = %v", f)
	}
}
