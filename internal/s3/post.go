package s3

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/s3/s3auth"
	"github.com/arcastore/arca/internal/wire/postform"
	"github.com/arcastore/arca/internal/wire/postpolicy"
)

// postObject is POST Object: a browser form upload into the bucket
// (RESTObjectPOST, sigv4-UsingHTTPPOST). The form's fields before the file
// were read by the server (to recognise the dialect); the file streams from
// the request body into the store.
//
// A signed form (x-amz-algorithm, x-amz-credential, x-amz-date,
// x-amz-signature and policy for SigV4; AWSAccessKeyId, signature and
// policy for SigV2) uploads as its signer; its policy must hold, and, as S3
// requires, every field but the file, the policy, the signature fields and
// those named x-ignore-* must be named by a policy condition. A form
// without signature fields is anonymous and needs a bucket that lets
// everyone write.
func (c *call) postObject() error {
	form, err := c.form()
	if err != nil {
		return err
	}
	b, err := c.bucket()
	if err != nil {
		return err
	}
	pa, policy, err := c.verifyPostSignature(form)
	if err != nil {
		return err
	}
	key, ok := form.Get("key")
	if !ok || key == "" {
		return invalidArgument("key", "", "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
	}
	key = strings.ReplaceAll(key, "${filename}", baseName(form.FileName))
	if err := checkKey(key); err != nil {
		return err
	}
	c.req.Key = key
	if policy != nil {
		if err := checkPolicy(policy, pa, form, key, b.Name); err != nil {
			return err
		}
	}
	if err := c.allowBucket(b, core.PermWrite); err != nil {
		return err
	}
	h := formHeaders(form)
	in, err := c.postInput(h, b, key)
	if err != nil {
		return err
	}
	spec, err := checksumRequest(h)
	if err != nil {
		return err
	}
	var file io.Reader = form.File
	if policy != nil {
		if lo, hi, ok := policy.LengthRange(); ok {
			file = postpolicy.Limit(file, lo, hi)
		}
	}
	in.Ext = map[string]string{}
	if spec != nil && spec.value != nil {
		if file, err = newChecksumReader(file, spec, in.Ext); err != nil {
			return err
		}
	}
	in.Body = core.Body{R: file, Size: -1, Max: maxPutSize}
	o, err := c.h.store.PutObject(c.r.Context(), in)
	if err != nil {
		return postBodyError(err)
	}

	rh := c.w.Header()
	rh.Set("ETag", quote(o.ETag))
	if b.Versioning == core.VersioningEnabled {
		rh.Set("x-amz-version-id", o.VersionID)
	}
	setChecksumHeaders(rh, o.Ext)
	sseHeaders(rh, o.SSE)
	redirect := form.Value("success_action_redirect")
	if redirect == "" {
		redirect = form.Value("redirect")
	}
	if redirect != "" && (strings.HasPrefix(redirect, "http://") || strings.HasPrefix(redirect, "https://")) {
		rh.Set("Location", dialect.RedirectURL(redirect, b.Name, key, quote(o.ETag)))
		return c.empty(http.StatusSeeOther)
	}
	location := dialect.ObjectURL(c.r, c.req.VirtualHost, b.Name, key)
	rh.Set("Location", location)
	switch form.Value("success_action_status") {
	case "200":
		return c.empty(http.StatusOK)
	case "201":
		return writeXML(c.w, http.StatusCreated, postResponse{Location: location, Bucket: b.Name, Key: key, ETag: quote(o.ETag)})
	}
	return c.empty(http.StatusNoContent)
}

type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

// baseName keeps what follows the last slash or backslash of a file name,
// as S3 does for ${filename}.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
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
		return errorf("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold").withDetail("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")
	case errors.Is(err, postform.ErrNoFile), errors.Is(err, postform.ErrTooManyFiles):
		return errorf("IncorrectNumberOfFilesInPostRequest", 400, "POST requires exactly one file upload per request.")
	case errors.As(err, &tl), errors.Is(err, postform.ErrTooManyFields):
		return errorf("MaxPostPreDataLengthExceeded", 400, "Your POST request fields preceding the upload file were too large.")
	}
	return errorf("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.")
}

// postBodyError maps what can go wrong while the file streams in.
func postBodyError(err error) error {
	switch {
	case errors.Is(err, postpolicy.ErrTooLarge):
		return errorf("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
	case errors.Is(err, postpolicy.ErrTooSmall):
		return errorf("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size")
	case errors.Is(err, postform.ErrTooManyFiles):
		return errorf("IncorrectNumberOfFilesInPostRequest", 400, "POST requires exactly one file upload per request.")
	case errors.Is(err, postform.ErrMalformed):
		return errorf("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.")
	}
	return err
}

func policyDenied(msg string) *Error {
	return errorf("AccessDenied", 403, "Invalid according to Policy: %s", msg)
}

// verifyPostSignature checks the form's signature fields and sets the
// caller to the signer. A form without them is anonymous (nil, nil).
func (c *call) verifyPostSignature(form *postform.Form) (*s3auth.PostAuth, *postpolicy.Policy, error) {
	pa, err := s3auth.FromPostForm(form.Get)
	if err != nil {
		return nil, nil, err
	}
	if pa == nil {
		if _, ok := form.Get("policy"); ok {
			return nil, nil, errorf("InvalidArgument", 400, "Bucket POST must contain a field named 'AWSAccessKeyId' or 'X-Amz-Credential' if it contains a policy.")
		}
		return nil, nil, nil
	}
	acct, ok := c.h.keys.Lookup(pa.AccessKey)
	if !ok {
		return nil, nil, s3auth.ErrInvalidAccessKeyID
	}
	if err := pa.Verify(acct.SecretKey); err != nil {
		return nil, nil, err
	}
	if err := checkToken(acct, pa.SecurityToken); err != nil {
		return nil, nil, err
	}
	doc, err := base64.StdEncoding.DecodeString(pa.Policy)
	if err != nil {
		return nil, nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: Invalid Base64 Encoding.")
	}
	if err := policyKeys(doc); err != nil {
		return nil, nil, err
	}
	p, err := postpolicy.Parse(doc)
	if err != nil {
		return nil, nil, errorf("InvalidPolicyDocument", 400, "Invalid Policy: %s", strings.TrimPrefix(err.Error(), "postpolicy: "))
	}
	if p.Expired(c.h.now()) {
		return nil, nil, policyDenied("Policy expired.")
	}
	c.principal, c.account = acct.ID, acct
	return pa, p, nil
}

// policyKeys checks what the shared parser leaves to the dialect: S3's
// policy document names its two members exactly "expiration" and
// "conditions" (JSON decoding in Go would take "CONDITIONS" for the
// latter), and both must be there.
func policyKeys(doc []byte) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) != nil {
		return nil // Parse reports it
	}
	for _, k := range [...]string{"expiration", "conditions"} {
		if _, ok := m[k]; !ok {
			return errorf("InvalidPolicyDocument", 400, "Invalid Policy: Policy missing %s.", k)
		}
	}
	return nil
}

// exemptFields need no policy condition: the file, the policy and the
// signature fields (V2 and V4 differ).
func exemptField(name string, scheme s3auth.Scheme) bool {
	n := strings.ToLower(name)
	switch {
	case n == "file" || n == "policy" || strings.HasPrefix(n, "x-ignore-"):
		return true
	case scheme == s3auth.V2Header:
		return n == "awsaccesskeyid" || n == "signature"
	}
	return n == "x-amz-signature"
}

// checkPolicy checks the policy's conditions against the form, with the
// key after ${filename} substitution and the bucket addressed (a bucket
// field must not stand in for it, or a policy signed for one bucket would
// admit uploads to any other); then that a condition names every field.
func checkPolicy(p *postpolicy.Policy, pa *s3auth.PostAuth, form *postform.Form, key, bucket string) error {
	get := func(name string) (string, bool) {
		switch strings.ToLower(name) {
		case "key":
			return key, true
		case "bucket":
			return bucket, true
		}
		return form.Get(name)
	}
	// A field the form does not carry has the empty value: a
	// ["starts-with", "$field", ""] condition, which allows any value,
	// allows its absence too.
	err := p.Check(get, postpolicy.Options{Implicit: func(string) (string, bool) { return "", true }})
	var ce *postpolicy.ConditionError
	if errors.As(err, &ce) {
		return policyDenied("Policy Condition failed: " + ce.Cond.String())
	}
	if err != nil {
		return err
	}
	covered := map[string]bool{}
	for _, cond := range p.Conditions {
		covered[strings.ToLower(cond.Field)] = true
	}
	var extra []string
	for _, f := range form.Fields {
		if !exemptField(f.Name, pa.Scheme) && !covered[strings.ToLower(f.Name)] {
			extra = append(extra, f.Name)
		}
	}
	if len(extra) > 0 {
		return policyDenied("Extra input fields: " + strings.Join(extra, ", "))
	}
	return nil
}

// formHeaders gathers the fields that carry what PUT Object carries in
// headers. The file part's own Content-Type is not used: only the
// Content-Type field sets the object's type.
func formHeaders(form *postform.Form) http.Header {
	h := http.Header{}
	for _, f := range form.Fields {
		n := strings.ToLower(f.Name)
		switch {
		case n == "cache-control", n == "content-disposition", n == "content-encoding", n == "content-type",
			n == "expires", n == "content-language", strings.HasPrefix(n, "x-amz-") && !postSignatureField[n]:
			h.Add(n, f.Value)
		case n == "acl":
			h.Set("x-amz-acl", f.Value)
		}
	}
	return h
}

// postSignatureField are the x-amz-* fields that sign the form rather
// than describe the object.
var postSignatureField = map[string]bool{
	"x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true, "x-amz-signature": true,
	"x-amz-security-token": true,
}

// postInput builds the object from the form's fields.
func (c *call) postInput(h http.Header, b *core.Bucket, key string) (core.PutInput, error) {
	meta, err := objectMeta(h)
	if err != nil {
		return core.PutInput{}, err
	}
	sc, err := storageClass(h.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	owner := c.principal
	if owner == "" {
		owner = b.Owner
	}
	acl, present, err := c.h.aclFromHeaders(h, owner, b.Owner, true)
	if err != nil {
		return core.PutInput{}, err
	}
	if !present {
		acl = core.ACL{Canned: core.ACLPrivate}
	}
	sse, err := sseRequest(h.Get)
	if err != nil {
		return core.PutInput{}, err
	}
	if sse == nil {
		sse = defaultEncryption(b).request()
	}
	in := core.PutInput{Bucket: b.Name, Key: key, Meta: meta, StorageClass: sc, ACL: acl, Owner: owner, SSE: sse}
	if err := applyOwnership(b, h, &in, present); err != nil {
		return core.PutInput{}, err
	}
	if err := blockPublicACL(b, in.ACL, in.Owner); err != nil {
		return core.PutInput{}, err
	}
	if doc := c.req.Form.Value("tagging"); doc != "" {
		var t inTagging
		if dialect.UnmarshalXML([]byte(doc), &t) != nil || t.TagSet == nil {
			return core.PutInput{}, errMalformedXML
		}
		if in.Tags, err = checkTags(t.TagSet.Tags, maxObjectTags); err != nil {
			return core.PutInput{}, err
		}
	}
	return in, nil
}
