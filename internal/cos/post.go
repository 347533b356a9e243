package cos

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/cos/cosauth"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/wire/postform"
	"github.com/arcastore/arca/internal/wire/postpolicy"
	"github.com/arcastore/arca/internal/wire/throttle"
)

// Traffic limits COS accepts, in bit/s (100 KB/s to 100 MB/s).
const (
	minTrafficLimit = 819200
	maxTrafficLimit = 838860800
)

// postObject is POST Object: a browser form upload into the bucket, as
// COS's POST Object document describes. The form's fields before the file
// were read by the server (to recognise the dialect); the file streams from
// the request body straight into the store.
func (c *call) postObject() error {
	form, err := c.form()
	if err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	get := form.Get
	value := func(name string) string { v, _ := get(name); return v }

	principal, policy, err := c.verifyPostSignature(form)
	if err != nil {
		return err
	}
	if c.principal == "" {
		c.principal = principal
	}

	key, ok := get("key")
	if !ok || key == "" {
		return errorf("InvalidArgument", 400, "The form has no key field.")
	}
	key = strings.ReplaceAll(key, "${filename}", form.FileName)
	if err := checkKey(key); err != nil {
		return err
	}
	c.req.Key = key

	if policy != nil {
		if err := c.checkPolicy(policy, form, key, b.Name); err != nil {
			return err
		}
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}

	in, err := postInput(form, b, key, c.principal)
	if err != nil {
		return err
	}
	md5sum, err := dialect.ParseContentMD5(value("Content-MD5"))
	if err != nil {
		return err
	}
	var file io.Reader = form.File
	if policy != nil {
		if lo, hi, ok := policy.LengthRange(); ok {
			file = postpolicy.Limit(file, lo, hi)
		}
	}
	if v, ok := get("x-cos-traffic-limit"); ok {
		bps, err := trafficLimit(v)
		if err != nil {
			return err
		}
		file = throttle.Reader(c.r.Context(), file, bps)
	}
	in.Body = core.Body{R: file, Size: -1, MD5: md5sum, Max: maxPutSize}

	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return postBodyError(err)
	}

	h := c.w.Header()
	h.Set("ETag", quote(o.ETag))
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	if b.Versioning == core.VersioningEnabled {
		h.Set("x-cos-version-id", o.VersionID)
	}
	sseHeaders(h, o.SSE)
	if redirect := value("success_action_redirect"); redirect != "" {
		h.Set("Location", dialect.RedirectURL(redirect, b.Name, key, quote(o.ETag)))
		return c.empty(http.StatusSeeOther)
	}
	h.Set("Location", dialect.ObjectURL(c.r, c.req.VirtualHost, b.Name, key))
	status := http.StatusNoContent
	switch value("success_action_status") {
	case "200":
		status = http.StatusOK
	case "201":
		status = http.StatusCreated
	}
	return c.empty(status)
}

// form returns the request's form, read by the server or here.
func (c *call) form() (*postform.Form, error) {
	if c.req.FormErr != nil {
		return nil, formError(c.req.FormErr)
	}
	if c.req.Form != nil {
		return c.req.Form, nil
	}
	f, err := postform.Read(c.r, postform.Limits{})
	if err != nil {
		return nil, formError(err)
	}
	c.req.Form = f
	return f, nil
}

func formError(err error) error {
	var tl *postform.FieldTooLongError
	switch {
	case errors.Is(err, postform.ErrNotMultipart):
		return errorf("InvalidArgument", 400, "POST Object needs a multipart/form-data body.")
	case errors.Is(err, postform.ErrNoFile), errors.Is(err, postform.ErrTooManyFiles):
		return errorf("IncorrectNumberOfFilesInPostRequest", 400, "POST Object requires exactly one file field.")
	case errors.As(err, &tl):
		return errorf("MalformedPOSTRequest", 400, "%v", err)
	case errors.Is(err, postform.ErrTooManyFields):
		return errorf("MalformedPOSTRequest", 400, "The form has too many fields.")
	}
	return errorf("MalformedPOSTRequest", 400, "The body of the POST request is not well-formed multipart/form-data.")
}

// postBodyError maps what can go wrong while the file streams in.
func postBodyError(err error) error {
	switch {
	case errors.Is(err, postpolicy.ErrTooLarge):
		return errorf("EntityTooLarge", 400, "Your proposed upload exceeds the maximum size the policy's content-length-range allows.")
	case errors.Is(err, postpolicy.ErrTooSmall):
		return errorf("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum size the policy's content-length-range allows.")
	case errors.Is(err, postform.ErrTooManyFiles):
		return errorf("IncorrectNumberOfFilesInPostRequest", 400, "POST Object requires exactly one file field.")
	case errors.Is(err, postform.ErrMalformed):
		return errorf("MalformedPOSTRequest", 400, "The body of the POST request is not well-formed multipart/form-data.")
	}
	return err
}

// verifyPostSignature checks the form's signature fields. A form without
// any is anonymous. It returns the signer and the parsed policy.
func (c *call) verifyPostSignature(form *postform.Form) (string, *postpolicy.Policy, error) {
	value := func(name string) string { v, _ := form.Get(name); return v }
	policyB64, hasPolicy := form.Get("policy")
	_, hasSig := form.Get("q-signature")
	_, hasAK := form.Get("q-ak")
	if !hasPolicy && !hasSig && !hasAK {
		return "", nil, nil
	}
	if !hasPolicy {
		return "", nil, errorf("InvalidPolicyDocument", 400, "You must provide a policy with the signature fields of a POST Object request.")
	}
	if !hasSig || !hasAK || value("q-key-time") == "" {
		return "", nil, errorf("AccessDenied", 403, "A signed POST Object form needs q-sign-algorithm, q-ak, q-key-time and q-signature.")
	}
	if alg := value("q-sign-algorithm"); !strings.EqualFold(alg, "sha1") {
		return "", nil, errorf("InvalidArgument", 400, "q-sign-algorithm must be sha1.")
	}
	if tok := value("x-cos-security-token"); tok != "" {
		return "", nil, errorf("InvalidAccessKeyId", 403, "Arca issues no temporary credentials, so x-cos-security-token cannot be valid.")
	}
	acct, ok := c.h.keys.Lookup(value("q-ak"))
	if !ok {
		return "", nil, cosauth.ErrInvalidAccessKeyID
	}
	doc, err := base64.StdEncoding.DecodeString(strings.TrimSpace(policyB64))
	if err != nil {
		return "", nil, errorf("InvalidPolicyDocument", 400, "The policy is not valid base64.")
	}
	keyTime := value("q-key-time")
	start, end, ok := parseKeyTime(keyTime)
	if !ok {
		return "", nil, errorf("InvalidArgument", 400, "q-key-time must be <start>;<end> in Unix seconds.")
	}
	want := postSignature(acct.SecretKey, keyTime, doc)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(value("q-signature")))) {
		return "", nil, errorf("SignatureDoesNotMatch", 403, "The Signature you specified is invalid.")
	}
	now := c.h.now().Unix()
	if now > end {
		return "", nil, errorf("AccessDenied", 403, "Request has expired")
	}
	if now < start-int64(clockTolerance/time.Second) {
		return "", nil, cosauth.ErrNotYetValid
	}
	p, err := postpolicy.Parse(doc)
	if err != nil {
		return "", nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: %v", strings.TrimPrefix(err.Error(), "postpolicy: "))
	}
	if len(p.Conditions) == 0 {
		return "", nil, errorf("InvalidPolicyDocument", 400, "You must provide condition if you specify a policy in post object request.")
	}
	for _, required := range []string{"q-sign-algorithm", "q-ak", "q-sign-time"} {
		found := false
		for _, cond := range p.Conditions {
			if strings.EqualFold(cond.Field, required) {
				found = true
			}
		}
		if !found {
			return "", nil, errorf("InvalidPolicyDocument", 400, "The policy must have a condition on %s.", required)
		}
	}
	if p.Expired(c.h.now()) {
		return "", nil, errorf("AccessDenied", 403, "You post object request has been expired, expiration time: %d but the time now : %d", p.Expiration.Unix(), now)
	}
	return acct.ID, p, nil
}

// postSignature is the signature of a POST Object policy, in the seed's
// steps: SignKey = HMAC-SHA1(SecretKey, KeyTime); StringToSign =
// SHA1(policy JSON as sent); Signature = HMAC-SHA1(SignKey as hex text,
// StringToSign as hex text).
func postSignature(secretKey, keyTime string, policyJSON []byte) string {
	sum := sha1.Sum(policyJSON)
	return cosauth.HMACHex(cosauth.SignKey(secretKey, keyTime), hex.EncodeToString(sum[:]))
}

// PostFormFields signs a POST Object policy document and returns the
// signature fields a form must carry: policy (base64), q-sign-algorithm,
// q-ak, q-key-time and q-signature. The policy should carry conditions on
// q-sign-algorithm, q-ak and q-sign-time with the same values.
func PostFormFields(accessKey, secretKey string, policyJSON []byte, start, end time.Time) map[string]string {
	keyTime := fmt.Sprintf("%d;%d", start.Unix(), end.Unix())
	return map[string]string{
		"policy":           base64.StdEncoding.EncodeToString(policyJSON),
		"q-sign-algorithm": "sha1",
		"q-ak":             accessKey,
		"q-key-time":       keyTime,
		"q-signature":      postSignature(secretKey, keyTime, policyJSON),
	}
}

func parseKeyTime(s string) (int64, int64, bool) {
	a, b, ok := strings.Cut(s, ";")
	if !ok {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	end, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	return start, end, err1 == nil && err2 == nil && start <= end
}

// checkPolicy checks the policy's conditions against the form, with the
// key after ${filename} substitution. Every field a condition names must be
// in the form, except bucket, which is always the bucket addressed (a
// bucket field in the form must not stand in for it, or a policy signed for
// one bucket would admit uploads to any other); q-sign-time is the form's
// q-key-time.
func (c *call) checkPolicy(p *postpolicy.Policy, form *postform.Form, key, bucket string) error {
	get := func(name string) (string, bool) {
		switch strings.ToLower(name) {
		case "key":
			return key, true
		case "bucket":
			return bucket, true
		}
		return form.Get(name)
	}
	err := p.Check(get, postpolicy.Options{Implicit: func(field string) (string, bool) {
		switch strings.ToLower(field) {
		case "q-sign-time":
			return form.Get("q-key-time")
		}
		return "", false
	}})
	var ce *postpolicy.ConditionError
	if errors.As(err, &ce) {
		if ce.Missing {
			return errorf("AccessDenied", 403, "The form has no field %s, which the policy's condition %s names.", ce.Cond.Field, ce.Cond)
		}
		return errorf("AccessDenied", 403, "Condition key %s doesn't match the value %s", ce.Cond.Field, ce.Got)
	}
	return err
}

// postInput builds the object from the form's fields, which carry what PUT
// Object carries in headers. The browser's Content-Type for the file part
// is not used: only the Content-Type field sets the object's type.
func postInput(form *postform.Form, b *core.Bucket, key, principal string) (core.PutInput, error) {
	h := http.Header{}
	for _, f := range form.Fields {
		n := strings.ToLower(f.Name)
		switch {
		case n == "cache-control", n == "content-disposition", n == "content-encoding", n == "content-type",
			n == "expires", n == "content-language", strings.HasPrefix(n, "x-cos-"):
			if h.Get(n) == "" {
				h.Set(n, f.Value)
			}
		case n == "acl":
			h.Set("x-cos-acl", f.Value)
		}
	}
	meta, err := objectMeta(h)
	if err != nil {
		return core.PutInput{}, err
	}
	sc, err := storageClass(h)
	if err != nil {
		return core.PutInput{}, err
	}
	if strings.TrimSpace(h.Get("x-cos-acl")) == "" {
		h.Del("x-cos-acl")
	}
	acl, _, err := aclFromHeaders(h, b.Owner, true)
	if err != nil {
		return core.PutInput{}, err
	}
	sse, err := sseRequest(h.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	owner := principal
	if owner == "" {
		owner = b.Owner
	}
	return core.PutInput{Bucket: b.Name, Key: key, Meta: meta, StorageClass: sc, ACL: acl, Owner: owner, SSE: sse}, nil
}

// trafficLimit parses x-cos-traffic-limit.
func trafficLimit(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < minTrafficLimit || n > maxTrafficLimit {
		return 0, errorf("InvalidArgument", 400, "x-cos-traffic-limit must be an integer from %d to %d (bit/s).", minTrafficLimit, maxTrafficLimit)
	}
	return n, nil
}
