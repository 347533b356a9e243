package ossauth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"time"
)

// Names of the signature fields of a PostObject form.
const (
	FieldPolicy        = "policy"
	FieldAccessKeyID   = "OSSAccessKeyId" // V1
	FieldSignature     = "Signature"      // V1
	FieldVersion       = "x-oss-signature-version"
	FieldCredential    = "x-oss-credential"
	FieldDate          = "x-oss-date"
	FieldSignatureV4   = "x-oss-signature"
	FieldSecurityToken = "x-oss-security-token"
)

// PostAuth is the signature of a PostObject form.
type PostAuth struct {
	Version       Version
	AccessKey     string
	Policy        string // the policy field as sent (base64): the string signed
	Signature     string // base64 (V1) or hex (V4), as sent
	SecurityToken string // x-oss-security-token; checking it is the caller's job

	Scope Scope     // V4: from x-oss-credential
	Date  string    // V4: x-oss-date as sent
	Time  time.Time // V4: x-oss-date parsed
}

// ParsePost finds the signature fields of a PostObject form; get returns a
// form field by name, case-insensitively, and whether it is present (as
// postform.Form.Get does). A form with x-oss-signature-version,
// x-oss-credential or x-oss-signature is V4; one with OSSAccessKeyId,
// Signature or policy is V1. ParsePost returns (nil, nil) for a form with
// none of these, an anonymous upload, and an *Error matching ErrMalformed
// when a field is missing or malformed: in V1, any of the three fields
// requires the other two.
//
// The policy itself (its expiration and conditions, which must cover the
// V4 fields) is the caller's to check, and so are signatures sent in the
// request's header or URL, which OSS ignores on a PostObject request.
func ParsePost(get func(name string) (string, bool)) (*PostAuth, error) {
	_, v4a := get(FieldVersion)
	_, v4b := get(FieldCredential)
	_, v4c := get(FieldSignatureV4)
	if v4a || v4b || v4c {
		return parsePostV4(get)
	}
	ak, hasKey := get(FieldAccessKeyID)
	sig, hasSig := get(FieldSignature)
	policy, hasPolicy := get(FieldPolicy)
	switch {
	case !hasKey && !hasSig && !hasPolicy:
		return nil, nil
	case !hasKey:
		return nil, malformed(ecPostNoAccessKey, "The form has a policy or Signature but no OSSAccessKeyId.")
	case !hasPolicy:
		return nil, malformed(ecPostNoPolicy, "The form has OSSAccessKeyId or Signature but no policy.")
	case !hasSig:
		return nil, malformed(ecPostNoSignature, "The form has OSSAccessKeyId and policy but no Signature.")
	case ak == "" || !validAccessKey(ak):
		return nil, malformed(ecPostNoAccessKey, "The OSSAccessKeyId of the form is empty or holds illegal characters.")
	case sig == "":
		return nil, malformed(ecPostEmptySig, "The Signature of the form is empty.")
	case policy == "":
		return nil, malformed(ecPostNoPolicy, "The policy of the form is empty.")
	}
	token, _ := get(FieldSecurityToken)
	return &PostAuth{Version: V1, AccessKey: ak, Policy: policy, Signature: sig, SecurityToken: token}, nil
}

func parsePostV4(get func(string) (string, bool)) (*PostAuth, error) {
	switch version, _ := get(FieldVersion); version {
	case AlgorithmV4:
	case "OSS2":
		return nil, malformed(ecPostBadVersion, "OSS2 (V2) signatures are not supported; sign with V1 or V4.")
	default:
		return nil, malformed(ecPostBadVersion, "The form's x-oss-signature-version %q is not OSS4-HMAC-SHA256.", version)
	}
	cred, _ := get(FieldCredential)
	p := &PostAuth{Version: V4}
	var err error
	if p.AccessKey, p.Scope, err = parseCredential(cred, credentialPostECs); err != nil {
		return nil, err
	}
	date, _ := get(FieldDate)
	if p.Time, err = time.Parse(TimeFormatV4, date); err != nil {
		return nil, malformed("", "The form's x-oss-date %q is missing or not YYYYMMDDThhmmssZ.", date)
	}
	p.Date = date
	if day := date[:8]; day != p.Scope.Date {
		return nil, malformed(ecPostBadDate, "The date %s of x-oss-credential is not the day of x-oss-date %s.", p.Scope.Date, day)
	}
	sig, ok := get(FieldSignatureV4)
	switch {
	case !ok:
		return nil, malformed(ecPostNoSignature, "The form has no x-oss-signature.")
	case sig == "":
		return nil, malformed(ecPostEmptySig, "The form's x-oss-signature is empty.")
	}
	policy, ok := get(FieldPolicy)
	if !ok || policy == "" {
		return nil, malformed(ecPostNoPolicy, "The form has V4 signature fields but no policy.")
	}
	p.Signature, p.Policy = sig, policy
	p.SecurityToken, _ = get(FieldSecurityToken)
	return p, nil
}

// Verify checks p with secretKey at time now. For V4, now must fall in
// [x-oss-date - MaxSkew, x-oss-date + 7 days]. It returns nil or an *Error
// matching ErrSignatureDoesNotMatch, ErrRequestExpired or ErrNotYetValid.
func (p *PostAuth) Verify(secretKey string, now time.Time) error {
	switch p.Version {
	case V1:
		return VerifyPostV1(p.Policy, p.Signature, secretKey)
	case V4:
		if now.Before(p.Time.Add(-MaxSkew)) {
			e := ErrNotYetValid.with(ecPostBadDate)
			e.RequestTime, e.ServerTime = p.Time.UTC(), now.UTC()
			return e
		}
		if exp := p.Time.Add(MaxExpiresV4); now.After(exp) {
			e := ErrRequestExpired.with("")
			e.Expires, e.ServerTime = exp.UTC(), now.UTC()
			return e
		}
		want, err := hex.DecodeString(p.Signature)
		got := postMAC(sha256.New, SigningKeyV4(secretKey, p.Scope), p.Policy)
		if err != nil || !hmac.Equal(got, want) {
			return postMismatch(p.AccessKey, p.Signature, p.Policy)
		}
		return nil
	}
	return malformed("", "Unknown signature version %d.", p.Version)
}

// SignPostV1 returns the V1 Signature field of a form: base64 of the
// HMAC-SHA1, under secretKey, of the policy field as sent (base64 text).
func SignPostV1(policyB64, secretKey string) string {
	return base64.StdEncoding.EncodeToString(postMAC(sha1.New, []byte(secretKey), policyB64))
}

// SignPostV4 returns the x-oss-signature field of a form: hex of the
// HMAC-SHA256, under the signing key of s, of the policy field as sent.
func SignPostV4(policyB64, secretKey string, s Scope) string {
	return hex.EncodeToString(postMAC(sha256.New, SigningKeyV4(secretKey, s), policyB64))
}

// VerifyPostV1 checks the Signature field of a V1 form against the policy
// field, both as sent. It returns nil or an *Error matching
// ErrSignatureDoesNotMatch.
func VerifyPostV1(policyB64, signature, secretKey string) error {
	want, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || !hmac.Equal(postMAC(sha1.New, []byte(secretKey), policyB64), want) {
		return postMismatch("", signature, policyB64)
	}
	return nil
}

// VerifyPostV4 parses and checks the V4 signature of a form (see
// ParsePost and PostAuth.Verify). A form without a V4 signature is
// malformed here.
func VerifyPostV4(get func(name string) (string, bool), secretKey string, now time.Time) error {
	p, err := ParsePost(get)
	if err != nil {
		return err
	}
	if p == nil || p.Version != V4 {
		return malformed(ecPostBadVersion, "The form carries no V4 signature.")
	}
	return p.Verify(secretKey, now)
}

// PostV4Fields returns the signature fields of a V4 form other than policy
// and x-oss-signature: x-oss-signature-version, x-oss-credential,
// x-oss-date and, when c has a token, x-oss-security-token. The policy
// must carry a condition on each of them; sign it with SignPostV4 and
// NewScope(t, region).
func PostV4Fields(c Credentials, region string, t time.Time) map[string]string {
	f := map[string]string{
		FieldVersion:    AlgorithmV4,
		FieldCredential: NewScope(t, region).Credential(c.AccessKey),
		FieldDate:       t.UTC().Format(TimeFormatV4),
	}
	if c.SecurityToken != "" {
		f[FieldSecurityToken] = c.SecurityToken
	}
	return f
}

func postMAC(h func() hash.Hash, key []byte, policy string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(policy))
	return m.Sum(nil)
}

func postMismatch(ak, sig, policy string) *Error {
	e := ErrSignatureDoesNotMatch.with(ecPostMismatch)
	e.AccessKeyID, e.SignatureProvided, e.StringToSign = ak, sig, policy
	return e
}
