package oss

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/oss/ossauth"
	"github.com/arcastore/arca/internal/wire/postform"
	"github.com/arcastore/arca/internal/wire/postpolicy"
)

// maxPostBody is the largest PostObject request body OSS accepts.
const maxPostBody = 5 << 30

// postObject is PostObject: a browser form upload (POST / on the bucket,
// multipart/form-data), as OSS's PostObject and form upload documents
// describe, with V1 (OSSAccessKeyId, policy, Signature) or V4
// (x-oss-signature-version, x-oss-credential, x-oss-date, policy,
// x-oss-signature) form signatures, or none on a public-read-write
// bucket. The fields before the file were read by the server; the file
// streams from the request straight into the store, and fields after it
// are ignored.
func (c *call) postObject() error {
	form, err := c.form()
	if err != nil {
		return err
	}
	if c.r.ContentLength > maxPostBody {
		return errorf("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size: a PostObject request body may have at most 5 GB.")
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	policy, err := c.verifyPostSignature(form)
	if err != nil {
		return err
	}

	key, ok := form.Get("key")
	if !ok || key == "" {
		return invalidArgument("", "key", "", "The form has no key field: a PostObject form must name the object.")
	}
	key = strings.ReplaceAll(key, "${filename}", form.FileName)
	// OSS's own example posts "/user/a/objectName.txt" and stores
	// "user/a/objectName.txt": one leading slash is dropped, then the
	// naming rules apply.
	key = strings.TrimPrefix(key, "/")
	if err := checkKey(key); err != nil {
		return err
	}
	c.req.Key = key

	if policy != nil {
		if err := checkPolicy(policy, form, key, b.Name); err != nil {
			return err
		}
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	in, err := c.putInput(b, postHeaders(form), key)
	if err != nil {
		return err
	}
	md5sum, err := dialect.ParseContentMD5(form.Value("Content-MD5"))
	if err != nil {
		return err
	}
	var file io.Reader = form.File
	if policy != nil {
		if lo, hi, ok := policy.LengthRange(); ok {
			file = postpolicy.Limit(file, lo, hi)
		}
	}
	in.Body = core.Body{R: file, Size: -1, MD5: md5sum, Max: maxPutSize}
	fix, err := c.wormWrite(b, key, &in.ForbidOverwrite)
	if err != nil {
		return err
	}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return postBodyError(fix(err))
	}

	c.uploadHeaders(b, o)
	if redirect := form.Value("success_action_redirect"); redirect != "" {
		c.w.Header().Set("Location", dialect.RedirectURL(redirect, b.Name, key, etag(o)))
		return c.empty(http.StatusSeeOther)
	}
	switch form.Value("success_action_status") {
	case "200":
		return c.empty(http.StatusOK)
	case "201":
		type postResponse struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Bucket   string   `xml:"Bucket"`
			Location string   `xml:"Location"`
			Key      string   `xml:"Key"`
			ETag     string   `xml:"ETag"`
		}
		return c.writeXML(http.StatusCreated, postResponse{Bucket: b.Name, Location: c.postLocation(b.Name, key), Key: key, ETag: etag(o)})
	}
	// 204 also for an absent or invalid success_action_status.
	return c.empty(http.StatusNoContent)
}

// postLocation is the new object's URL as OSS's PostResponse shows it:
// the key URL-encoded, "/" included.
func (c *call) postLocation(bucket, key string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	if c.req.VirtualHost {
		return scheme + "://" + c.r.Host + "/" + urlEncode(key)
	}
	return scheme + "://" + c.r.Host + "/" + bucket + "/" + urlEncode(key)
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

// postBodyError maps what can go wrong while the file streams in.
func postBodyError(err error) error {
	switch {
	case errors.Is(err, postpolicy.ErrTooLarge):
		// The message of OSS's PostObject FAQ.
		return errorf("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size.")
	case errors.Is(err, postpolicy.ErrTooSmall):
		return errorf("EntityTooSmall", 400, "Your proposed upload smaller than the minimum allowed size.")
	case errors.Is(err, postform.ErrTooManyFiles):
		return formError(postform.ErrTooManyFiles)
	case errors.Is(err, postform.ErrMalformed):
		return formError(err)
	}
	return err
}

// postHeaders gathers the form fields that describe the object, as the
// request headers PutObject would carry them. Field names are compared
// case-insensitively; the first of a name wins. The object's type is
// x-oss-content-type, else the Content-Type field, else the file part's
// Content-Type. x-oss-tagging is not supported by PostObject and is
// ignored.
func postHeaders(form *postform.Form) http.Header {
	h := http.Header{}
	for _, f := range form.Fields {
		n := strings.ToLower(f.Name)
		switch {
		case n == "cache-control", n == "content-disposition", n == "content-encoding", n == "content-language",
			n == "expires", n == "content-type",
			strings.HasPrefix(n, metaPrefix), n == "x-oss-object-acl", n == "x-oss-storage-class",
			n == "x-oss-forbid-overwrite", strings.HasPrefix(n, "x-oss-server-side-"):
			if _, seen := h[http.CanonicalHeaderKey(n)]; !seen {
				h.Set(n, f.Value)
			}
		}
	}
	switch {
	case form.Value("x-oss-content-type") != "":
		h.Set("Content-Type", form.Value("x-oss-content-type"))
	case h.Get("Content-Type") == "" && form.FileType != "":
		h.Set("Content-Type", form.FileType)
	}
	return h
}

// verifyPostSignature checks the form's signature and returns its policy
// (nil for an anonymous form). It sets the caller's identity.
func (c *call) verifyPostSignature(form *postform.Form) (*postpolicy.Policy, error) {
	pa, err := ossauth.ParsePost(form.Get)
	if err != nil || pa == nil {
		return nil, err
	}
	acct, ok := c.h.keys.Lookup(pa.AccessKey)
	if !ok {
		return nil, ossauth.ErrInvalidAccessKeyID
	}
	now := c.h.now()
	if err := pa.Verify(acct.SecretKey, now); err != nil {
		return nil, err
	}
	if err := checkToken(acct, pa.SecurityToken); err != nil {
		return nil, err
	}
	p, err := parsePolicy(pa.Policy)
	if err != nil {
		return nil, err
	}
	if pa.Version == ossauth.V4 {
		// The policy must pin the V4 fields, as OSS's samples do: the
		// signature covers the policy, not the fields.
		for _, f := range []string{ossauth.FieldVersion, ossauth.FieldCredential, ossauth.FieldDate} {
			if !hasCondition(p, f) {
				return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: a V4 policy must have a condition on %s.", f)
			}
		}
	}
	if p.Expired(now) {
		return nil, errorf("AccessDenied", 403, "Invalid according to Policy: Policy expired.")
	}
	c.principal = acct.ID
	return p, nil
}

func hasCondition(p *postpolicy.Policy, field string) bool {
	for _, cond := range p.Conditions {
		if strings.EqualFold(cond.Field, field) {
			return true
		}
	}
	return false
}

// parsePolicy decodes and parses a policy field: base64 of a JSON object
// with an expiration and a list of conditions, whose object form must
// have exactly one property.
func parsePolicy(b64 string) (*postpolicy.Policy, error) {
	doc, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: the policy is not valid base64.")
	}
	var raw struct {
		Expiration *json.RawMessage   `json:"expiration"`
		Conditions *[]json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: Invalid JSON: %v", err)
	}
	if raw.Expiration == nil {
		return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: Policy missing expiration.")
	}
	if raw.Conditions == nil {
		return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: Policy missing conditions.")
	}
	for _, rc := range *raw.Conditions {
		rc = bytes.TrimSpace(rc)
		if len(rc) > 0 && rc[0] == '{' {
			var m map[string]json.RawMessage
			if json.Unmarshal(rc, &m) == nil && len(m) != 1 {
				return nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
			}
		}
	}
	p, err := postpolicy.Parse(doc)
	if err != nil {
		e := errorf("InvalidPolicyDocument", 400, "Invalid Policy: %s", strings.TrimPrefix(err.Error(), "postpolicy: malformed policy document: "))
		e.EC = "0006-00000218"
		return nil, e
	}
	return p, nil
}

// checkPolicy checks the policy's conditions against the form. key is
// the object's final name; bucket is always the bucket addressed, never a
// form field (a policy signed for one bucket must not admit uploads to
// another).
func checkPolicy(p *postpolicy.Policy, form *postform.Form, key, bucket string) error {
	get := func(name string) (string, bool) {
		switch strings.ToLower(name) {
		case "key":
			return key, true
		case "bucket":
			return bucket, true
		}
		return form.Get(name)
	}
	var ce *postpolicy.ConditionError
	if err := p.Check(get, postpolicy.Options{}); errors.As(err, &ce) {
		return errorf("AccessDenied", 403, "Invalid according to Policy: Policy Condition failed: %s", ce.Cond)
	} else if err != nil {
		return err
	}
	return nil
}
