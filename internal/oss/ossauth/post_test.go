package ossauth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// PostObject vectors. Neither Go SDK has a form-signing helper, so the
// expected signatures were computed independently with Python's hmac and
// hashlib from the documented algorithms:
//
//   - V1, the form-upload document's example (seed 004): its policy
//     text, base64-encoded, signed with its example AccessKeySecret;
//   - V4, a policy with the conditions the V4 form must carry, signed
//     with the signing key of AKIDEXAMPLE/20231203/cn-hangzhou/oss.
const (
	postV1Secret = "ZQNJzf4QJRkrH4"
	postV1Policy = "eyJleHBpcmF0aW9uIjoiMjExNS0wMS0yN1QxMDo1NjoxOVoiLCJjb25kaXRpb25zIjpbWyJjb250ZW50LWxlbmd0aC1yYW5nZSIsIDAsIDEwNDg1NzZdXX0="
	postV1Sig    = "UbkfxS01Tj08Eu8Ueg1aFbIPyU0="

	postV4AK     = "AKIDEXAMPLE"
	postV4Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	postV4Date   = "20231203T121212Z"
	postV4Cred   = "AKIDEXAMPLE/20231203/cn-hangzhou/oss/aliyun_v4_request"
	postV4Policy = "eyJleHBpcmF0aW9uIjoiMjAyMy0xMi0wM1QxMzowMDowMC4wMDBaIiwiY29uZGl0aW9ucyI6W3siYnVja2V0IjoiZXhhbXBsZWJ1Y2tldCJ9LHsieC1vc3Mtc2lnbmF0dXJlLXZlcnNpb24iOiJPU1M0LUhNQUMtU0hBMjU2In0seyJ4LW9zcy1jcmVkZW50aWFsIjoiQUtJREVYQU1QTEUvMjAyMzEyMDMvY24taGFuZ3pob3Uvb3NzL2FsaXl1bl92NF9yZXF1ZXN0In0seyJ4LW9zcy1kYXRlIjoiMjAyMzEyMDNUMTIxMjEyWiJ9LFsiY29udGVudC1sZW5ndGgtcmFuZ2UiLDEsMTBdLFsiZXEiLCIkc3VjY2Vzc19hY3Rpb25fc3RhdHVzIiwiMjAxIl0sWyJzdGFydHMtd2l0aCIsIiRrZXkiLCJ1c2VyL2VyaWMvIl1dfQ=="
	postV4Sig    = "6bc7aeb5afb315b84f954c6677c47cb427e8ef9c17465dc4845c9b8ede699ce3"
)

var postV4Time = time.Date(2023, 12, 3, 12, 12, 12, 0, time.UTC)

// form is a PostObject form as postform.Form.Get reads it: names compared
// case-insensitively.
type form map[string]string

func (f form) get(name string) (string, bool) {
	for k, v := range f {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

func (f form) with(k, v string) form {
	g := form{}
	for kk, vv := range f {
		g[kk] = vv
	}
	if v == "<omit>" {
		delete(g, k)
	} else {
		g[k] = v
	}
	return g
}

var (
	postV1Form = form{"key": "upload/${filename}", "OSSAccessKeyId": "tphpxp", "policy": postV1Policy, "Signature": postV1Sig}
	postV4Form = form{
		"key": "user/eric/a.txt", "success_action_status": "201",
		"x-oss-signature-version": AlgorithmV4, "x-oss-credential": postV4Cred, "x-oss-date": postV4Date,
		"policy": postV4Policy, "x-oss-signature": postV4Sig,
	}
)

func TestPostVectors(t *testing.T) {
	if doc, _ := base64.StdEncoding.DecodeString(postV1Policy); string(doc) != `{"expiration":"2115-01-27T10:56:19Z","conditions":[["content-length-range", 0, 1048576]]}` {
		t.Errorf("V1 policy decodes to %s", doc)
	}
	if got := SignPostV1(postV1Policy, postV1Secret); got != postV1Sig {
		t.Errorf("SignPostV1() = %s, want %s", got, postV1Sig)
	}
	if err := VerifyPostV1(postV1Policy, postV1Sig, postV1Secret); err != nil {
		t.Errorf("VerifyPostV1() = %v", err)
	}
	s := NewScope(postV4Time, "cn-hangzhou")
	if s.Credential(postV4AK) != postV4Cred {
		t.Errorf("Credential() = %s, want %s", s.Credential(postV4AK), postV4Cred)
	}
	if got := SignPostV4(postV4Policy, postV4Secret, s); got != postV4Sig {
		t.Errorf("SignPostV4() = %s, want %s", got, postV4Sig)
	}
	if err := VerifyPostV4(postV4Form.get, postV4Secret, postV4Time); err != nil {
		t.Errorf("VerifyPostV4() = %v", err)
	}

	p, err := ParsePost(postV1Form.get)
	if err != nil || p == nil || p.Version != V1 || p.AccessKey != "tphpxp" || p.Policy != postV1Policy {
		t.Fatalf("ParsePost(V1) = %+v, %v", p, err)
	}
	if err := p.Verify(postV1Secret, time.Now()); err != nil {
		t.Errorf("Verify(V1) = %v", err)
	}
	p, err = ParsePost(postV4Form.get)
	if err != nil || p == nil || p.Version != V4 || p.AccessKey != postV4AK || p.Scope != s || !p.Time.Equal(postV4Time) {
		t.Fatalf("ParsePost(V4) = %+v, %v", p, err)
	}
}

func TestPostVerify(t *testing.T) {
	tests := []struct {
		name   string
		f      form
		secret string
		now    time.Time
		want   *Error
		wantEC string
	}{
		{name: "V1 valid", f: postV1Form, secret: postV1Secret},
		{name: "V1 field names in other case", f: form{"ossaccesskeyid": "a", "POLICY": postV1Policy, "signature": postV1Sig}, secret: postV1Secret},
		{name: "V1 wrong secret", f: postV1Form, secret: "x", want: ErrSignatureDoesNotMatch, wantEC: "0002-00000705"},
		{name: "V1 policy changed", f: postV1Form.with("policy", "e30="), secret: postV1Secret, want: ErrSignatureDoesNotMatch},
		{name: "V1 signature not base64", f: postV1Form.with("Signature", "***"), secret: postV1Secret, want: ErrSignatureDoesNotMatch},
		{name: "V4 valid", f: postV4Form, secret: postV4Secret},
		{name: "V4 valid 15 min early", f: postV4Form, secret: postV4Secret, now: postV4Time.Add(-MaxSkew)},
		{name: "V4 valid after 7 days", f: postV4Form, secret: postV4Secret, now: postV4Time.Add(MaxExpiresV4)},
		{name: "V4 too early", f: postV4Form, secret: postV4Secret, now: postV4Time.Add(-MaxSkew - time.Second), want: ErrNotYetValid},
		{name: "V4 over 7 days", f: postV4Form, secret: postV4Secret, now: postV4Time.Add(MaxExpiresV4 + time.Second), want: ErrRequestExpired},
		{name: "V4 wrong secret", f: postV4Form, secret: "x", want: ErrSignatureDoesNotMatch, wantEC: "0002-00000705"},
		{name: "V4 other region", f: postV4Form.with("x-oss-credential", strings.Replace(postV4Cred, "cn-hangzhou", "cn-beijing", 1)), secret: postV4Secret, want: ErrSignatureDoesNotMatch},
		{name: "V4 other date, same day", f: postV4Form.with("x-oss-date", "20231203T000000Z"), secret: postV4Secret},
		{name: "V4 signature not hex", f: postV4Form.with("x-oss-signature", "zz"), secret: postV4Secret, want: ErrSignatureDoesNotMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = postV4Time
			}
			p, err := ParsePost(tt.f.get)
			if err != nil {
				t.Fatalf("ParsePost() = %v", err)
			}
			err = p.Verify(tt.secret, now)
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("Verify() = %v, want success", err)
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("Verify() = %v, want %v", err, tt.want)
			}
			if _, _, ec := errCode(t, err); tt.wantEC != "" && ec != tt.wantEC {
				t.Errorf("EC = %q, want %q", ec, tt.wantEC)
			}
		})
	}
}

func TestParsePostMalformed(t *testing.T) {
	tests := []struct {
		name   string
		f      form
		wantEC string
	}{
		{"V1 policy alone", form{"policy": postV1Policy}, "0002-00000706"},
		{"V1 no access key", postV1Form.with("OSSAccessKeyId", "<omit>"), "0002-00000706"},
		{"V1 no policy", postV1Form.with("policy", "<omit>"), "0002-00000702"},
		{"V1 no signature", postV1Form.with("Signature", "<omit>"), "0002-00000703"},
		{"V1 empty signature", postV1Form.with("Signature", ""), "0002-00000704"},
		{"V1 empty policy", postV1Form.with("policy", ""), "0002-00000702"},
		{"V1 empty access key", postV1Form.with("OSSAccessKeyId", ""), "0002-00000706"},
		{"V4 bad version", postV4Form.with("x-oss-signature-version", "2"), "0002-00000701"},
		{"V4 OSS2", postV4Form.with("x-oss-signature-version", "OSS2"), "0002-00000701"},
		{"V4 no version", postV4Form.with("x-oss-signature-version", "<omit>"), "0002-00000701"},
		{"V4 no credential", postV4Form.with("x-oss-credential", "<omit>"), "0002-00000710"},
		{"V4 credential bad terminator", postV4Form.with("x-oss-credential", strings.Replace(postV4Cred, "aliyun_v4_request", "aws4_request", 1)), "0002-00000710"},
		{"V4 credential bad date", postV4Form.with("x-oss-credential", strings.Replace(postV4Cred, "20231203", "2023-12-03", 1)), "0002-00000709"},
		{"V4 credential bad access key", postV4Form.with("x-oss-credential", "\t"+postV4Cred), "0002-00000708"},
		{"V4 credential product", postV4Form.with("x-oss-credential", strings.Replace(postV4Cred, "/oss/", "/s3/", 1)), "0002-00000710"},
		{"V4 no date", postV4Form.with("x-oss-date", "<omit>"), ""},
		{"V4 date in HTTP format", postV4Form.with("x-oss-date", "Sun, 03 Dec 2023 12:12:12 GMT"), ""},
		{"V4 date not the credential's day", postV4Form.with("x-oss-date", "20231204T121212Z"), "0002-00000709"},
		{"V4 no signature", postV4Form.with("x-oss-signature", "<omit>"), "0002-00000703"},
		{"V4 empty signature", postV4Form.with("x-oss-signature", ""), "0002-00000704"},
		{"V4 no policy", postV4Form.with("policy", "<omit>"), "0002-00000702"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePost(tt.f.get)
			code, status, ec := errCode(t, err)
			if code != "InvalidArgument" || status != 400 || !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParsePost() = %+v, %v; want InvalidArgument 400", p, err)
			}
			if ec != tt.wantEC {
				t.Errorf("EC = %q, want %q (%v)", ec, tt.wantEC, err)
			}
		})
	}
}

func TestParsePostAnonymous(t *testing.T) {
	p, err := ParsePost(form{"key": "a", "success_action_status": "201", "x-oss-meta-a": "b"}.get)
	if p != nil || err != nil {
		t.Errorf("ParsePost(anonymous) = %+v, %v; want nil, nil", p, err)
	}
	if err := VerifyPostV4(postV1Form.get, postV1Secret, time.Now()); !errors.Is(err, ErrMalformed) {
		t.Errorf("VerifyPostV4(V1 form) = %v, want malformed", err)
	}
}

// The fields PostV4Fields returns, a policy over them and SignPostV4 make
// a form that verifies, token included.
func TestPostV4FieldsRoundTrip(t *testing.T) {
	c := Credentials{AccessKey: testAK, SecretKey: testSK, SecurityToken: "sts-token"}
	fields := PostV4Fields(c, "cn-shanghai", testTime)
	policy := base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2024-03-15T13:00:00Z","conditions":[{"x-oss-credential":"` +
		fields[FieldCredential] + `"},{"x-oss-date":"` + fields[FieldDate] + `"},{"x-oss-signature-version":"OSS4-HMAC-SHA256"}]}`))
	f := form{"key": "k", FieldPolicy: policy, FieldSignatureV4: SignPostV4(policy, c.SecretKey, NewScope(testTime, "cn-shanghai"))}
	for k, v := range fields {
		f[k] = v
	}
	p, err := ParsePost(f.get)
	if err != nil {
		t.Fatal(err)
	}
	if p.SecurityToken != "sts-token" || p.Scope.Region != "cn-shanghai" || p.AccessKey != testAK {
		t.Errorf("ParsePost() = %+v", p)
	}
	if err := p.Verify(testSK, testTime.Add(time.Hour)); err != nil {
		t.Errorf("Verify() = %v", err)
	}
}
