package s3auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"strings"
	"time"
)

// PostAuth is the signature of a browser form upload (POST Object): the
// policy field and the signature fields that cover it. Only the policy is
// signed, not the request; what the policy allows is evaluated elsewhere
// (internal/wire/postpolicy), including its expiration, which is the
// form's only validity window: S3 does not check x-amz-date against the
// clock for forms.
type PostAuth struct {
	Scheme        Scheme // V4Header for the x-amz-* fields, V2Header for AWSAccessKeyId and signature
	AccessKey     string
	Policy        string // the policy field as sent: base64 of the policy document
	Signature     string // V4: hex; V2: base64
	SecurityToken string // x-amz-security-token

	// SigV4 only: the scope of x-amz-credential and x-amz-date.
	Date, Region, Service string
	Time                  time.Time
}

// FromPostForm reads the signature fields of a form. get returns a
// field's value and whether the form has it; field names are
// case-insensitive (sigv4-post-example: "The post parameters are case
// insensitive"), which get must honour, as postform.Form.Get does.
//
// A form with x-amz-algorithm, x-amz-credential or x-amz-signature is
// SigV4 and needs all three plus x-amz-date and policy; one with
// AWSAccessKeyId or signature is SigV2 and needs both plus policy. A form
// with none of these is anonymous: FromPostForm returns (nil, nil).
// Malformed fields give ErrAuthorizationQueryParametersError-style
// messages under InvalidArgument (S3 reports form fields as arguments), as
// do missing ones.
func FromPostForm(get func(name string) (string, bool)) (*PostAuth, error) {
	val := func(name string) string { v, _ := get(name); return v }
	_, hasAlg := get("x-amz-algorithm")
	_, hasCred := get("x-amz-credential")
	_, hasSig4 := get("x-amz-signature")
	_, hasAK := get("AWSAccessKeyId")
	_, hasSig2 := get("signature")
	policy := strings.TrimSpace(val("policy"))
	p := &PostAuth{SecurityToken: val("x-amz-security-token"), Policy: policy}
	switch {
	case hasAlg || hasCred || hasSig4:
		if (hasAK || hasSig2) && hasSig4 {
			return nil, invalidArgument("x-amz-signature", "Only one auth mechanism allowed; a form may carry either x-amz-signature or signature")
		}
		p.Scheme = V4Header
		alg, cred, date, sig := val("x-amz-algorithm"), val("x-amz-credential"), val("x-amz-date"), val("x-amz-signature")
		for _, f := range [...]struct{ name, v string }{{"Policy", policy}, {"X-Amz-Algorithm", alg},
			{"X-Amz-Credential", cred}, {"X-Amz-Date", date}, {"X-Amz-Signature", sig}} {
			if f.v == "" {
				return nil, missingField(f.name)
			}
		}
		if alg != algorithmV4 {
			return nil, invalidArgument("x-amz-algorithm", "Invalid algorithm %q; only AWS4-HMAC-SHA256 is supported", alg)
		}
		var a Auth
		err := a.setCredential(cred, func(format string, args ...any) *Error {
			return invalidArgument("x-amz-credential", "Error parsing the X-Amz-Credential parameter; "+format, args...)
		})
		if err != nil {
			return nil, err
		}
		p.AccessKey, p.Date, p.Region, p.Service = a.AccessKey, a.Date, a.Region, a.Service
		t, err := time.Parse(iso8601Basic, date)
		if err != nil {
			return nil, invalidArgument("x-amz-date", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
		}
		p.Time = t
		if !isHexSignature(sig) {
			return nil, ErrSignatureDoesNotMatch
		}
		p.Signature = sig
	case hasAK || hasSig2:
		p.Scheme = V2Header
		p.AccessKey, p.Signature = val("AWSAccessKeyId"), val("signature")
		for _, f := range [...]struct{ name, v string }{{"AWSAccessKeyId", p.AccessKey}, {"Signature", p.Signature}, {"Policy", policy}} {
			if f.v == "" {
				return nil, missingField(f.name)
			}
		}
	default:
		return nil, nil
	}
	return p, nil
}

// missingField is S3's answer to a signed form without one of the fields
// its signature needs.
func missingField(name string) *Error {
	return invalidArgument(name, "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields.", name)
}

// Verify checks the form's signature over its policy field under
// secretKey: for SigV4 hex(HMAC-SHA256(SigningKey(date, region), policy)),
// for SigV2 base64(HMAC-SHA1(secretKey, policy)), the policy taken as the
// base64 text the form carries (sigv4-HTTPPOSTConstructPolicy: the
// StringToSign is the base64-encoded policy). It returns nil or
// ErrSignatureDoesNotMatch, comparing in constant time.
func (p *PostAuth) Verify(secretKey string) error {
	switch p.Scheme {
	case V4Header:
		want, ok := decodeSignature(p.Signature)
		got := hmacSHA256(nil, SigningKey(secretKey, p.Date, p.Region, p.Service), []byte(p.Policy))
		if ok && hmac.Equal(got, want[:]) {
			return nil
		}
		return ErrSignatureDoesNotMatch.with("", Detail{"AWSAccessKeyId", p.AccessKey},
			Detail{"StringToSign", p.Policy}, Detail{"SignatureProvided", p.Signature})
	case V2Header:
		want, ok := decodeV2Signature(strings.ReplaceAll(p.Signature, " ", "+"))
		m := hmac.New(sha1.New, []byte(secretKey))
		m.Write([]byte(p.Policy))
		if ok && hmac.Equal(m.Sum(nil), want) {
			return nil
		}
		return ErrSignatureDoesNotMatch.with("", Detail{"AWSAccessKeyId", p.AccessKey},
			Detail{"StringToSign", p.Policy}, Detail{"SignatureProvided", p.Signature})
	}
	return ErrSignatureDoesNotMatch
}
