package oss

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/oss/ossauth"
	"github.com/arcastore/arca/internal/wire/postform"
)

// Error is an OSS error: the <Code>, HTTP status and <Message> of the
// error body, the <EC> detail code OSS adds (help.aliyun.com/en/oss/
// user-guide/<EC>; "" where OSS documents none that fits), and the
// operation-specific elements OSS puts between <HostId> and <EC>.
type Error struct {
	Code    string
	Status  int
	Message string
	EC      string
	Extra   []Element
}

// Element is one extra element of an error body, in order.
type Element struct{ Name, Value string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// with returns a copy of e carrying extra elements.
func (e *Error) with(extra ...Element) *Error {
	c := *e
	c.Extra = append(append([]Element(nil), e.Extra...), extra...)
	return &c
}

func errorf(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// invalidArgument is OSS's 400 InvalidArgument with the ArgumentName and
// ArgumentValue elements it names the offending parameter with.
func invalidArgument(ec, name, value, format string, args ...any) *Error {
	return &Error{Code: "InvalidArgument", Status: 400, Message: fmt.Sprintf(format, args...), EC: ec,
		Extra: []Element{{"ArgumentName", name}, {"ArgumentValue", value}}}
}

// Errors the handler raises itself. Codes, statuses, messages and EC codes
// follow OSS's error pages and the SDKs' integration tests (docs/oss-api.md
// §3-§5); where OSS's wording is unknown the message is ours.
var (
	errAccessDenied         = &Error{"AccessDenied", 403, "You have no right to access this object because of bucket acl.", "0003-00000001", nil}
	errAnonymousList        = &Error{"AccessDenied", 403, "Anonymous access is forbidden for this operation.", "0003-00000001", nil}
	errOwnerOnly            = &Error{"AccessDenied", 403, "The bucket you access does not belong to you.", "0003-00000001", nil}
	errNoSuchBucket         = &Error{"NoSuchBucket", 404, "The specified bucket does not exist.", "0015-00000101", nil}
	errNoSuchKey            = &Error{"NoSuchKey", 404, "The specified key does not exist.", "0026-00000001", nil}
	errMethodNotAllowed     = &Error{"MethodNotAllowed", 405, "The specified method is not allowed against this resource.", "", nil}
	errMalformedXML         = &Error{"MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema.", "", nil}
	errInvalidDigest        = &Error{"InvalidDigest", 400, "The Content-MD5 you specified was invalid.", "0017-00000502", nil}
	errMissingLength        = &Error{"MissingContentLength", 411, "You must provide the Content-Length HTTP header.", "", nil}
	errInvalidRange         = &Error{"InvalidRange", 416, "The requested range cannot be satisfied", "", nil}
	errPrecondition         = &Error{"PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold", "0017-00001001", nil}
	errNotImplemented       = &Error{"NotImplemented", 501, "This operation is not implemented by Arca.", "", nil}
	errInternal             = &Error{"InternalError", 500, "We encountered an internal error. Please try again.", "", nil}
	errInlineTooLarge       = &Error{"InlineDataTooLarge", 400, "Inline data exceeds the maximum allowed size.", "", nil}
	errInvalidBucket        = &Error{"InvalidBucketName", 400, "The specified bucket is not valid.", "", nil}
	errObjectNameEmpty      = &Error{"InvalidObjectName", 400, "The Object name can not be empty.", "0016-00000001", nil}
	errObjectName           = &Error{"InvalidObjectName", 400, "The specified object is not valid.", "0016-00000002", nil}
	errObjectNameLong       = &Error{"InvalidObjectName", 400, "The Length of Object name must be less than 1024.", "0016-00000003", nil}
	errFileExists           = &Error{"FileAlreadyExists", 409, "The object you specified already exists and can not be overwritten.", "", nil}
	errFileImmutable        = &Error{"FileImmutable", 409, "The object you specified is immutable.", "", nil}
	errNotSymlink           = &Error{"NotSymlink", 400, "The object is not symlink.", "", nil}
	errSymlinkTarget        = &Error{"SymlinkTargetNotExist", 404, "The symlink target object does not exist.", "", nil}
	errTargetType           = &Error{"InvalidTargetType", 400, "The symbolic's target file type is invalid", "0026-00000011", nil}
	errNoSuchCORS           = &Error{"NoSuchCORSConfiguration", 404, "The CORS Configuration does not exist.", "", nil}
	errCORSForbidden        = &Error{"AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.", "", nil}
	errBadEncryption        = &Error{"InvalidEncryptionAlgorithmError", 400, "The encryption algorithm specified is not valid.", "", nil}
	errSecurityToken        = &Error{"InvalidSecurityToken", 403, "The security token you provided is invalid.", "", nil}
	errSecurityTokenMissing = &Error{"InvalidSecurityToken", 403, "The AccessKeyId is temporary: the request must carry its security token.", "", nil}
)

// errorTable maps core's errors to OSS errors. Every core error has a row;
// a test walks them all.
var errorTable = []struct {
	err error
	oss *Error
}{
	{core.ErrNoSuchBucket, errNoSuchBucket},
	{core.ErrBucketExists, &Error{"BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", "0015-00000104", nil}},
	{core.ErrBucketAlreadyOwned, &Error{"BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", "0015-00000104", nil}},
	{core.ErrBucketNotEmpty, &Error{"BucketNotEmpty", 409, "The bucket you tried to delete is not empty.", "0015-00000301", nil}},
	{core.ErrInvalidBucketName, errInvalidBucket},
	{core.ErrNoSuchKey, errNoSuchKey},
	{core.ErrNoSuchVersion, &Error{"NoSuchVersion", 404, "The specified version does not exist.", "", nil}},
	{core.ErrInvalidKey, errObjectName},
	{core.ErrKeyTooLong, errObjectNameLong},
	{core.ErrMethodNotAllowed, errMethodNotAllowed},
	{core.ErrObjectExists, errFileExists},
	{core.ErrMetadataTooLarge, &Error{"InvalidArgument", 400, "Your metadata headers (x-oss-meta-*) exceed the maximum allowed metadata size of 8 KB.", "", nil}},
	{core.ErrInvalidVersionID, &Error{"InvalidArgument", 400, "Invalid version id specified.", "", nil}},
	{core.ErrCopyToItself, &Error{"InvalidArgument", 400, "The copy would copy the object onto itself without changing anything.", "", nil}},
	{core.ErrObjectNotAppend, &Error{"ObjectNotAppendable", 409, "The object is not appendable.", "", nil}},
	{core.ErrPositionMismatch, &Error{"PositionNotEqualToLength", 409, "Position is not equal to file length", "0026-00000016", nil}},
	{core.ErrAppendTooLarge, &Error{"EntityTooLarge", 400, "An appendable object cannot grow beyond 5 GB.", "", nil}},
	{core.ErrInvalidArgument, &Error{"InvalidArgument", 400, "Invalid argument.", "", nil}},
	{core.ErrInvalidStorageCls, &Error{"InvalidArgument", 400, "The storage class you specified is not valid.", "0017-00000132", nil}},
	{core.ErrBadDigest, &Error{"InvalidDigest", 400, "The Content-MD5 you specified was invalid.", "0017-00000503", nil}},
	{core.ErrIncompleteBody, &Error{"IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.", "", nil}},
	{core.ErrEntityTooLarge, &Error{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size.", "", nil}},
	{core.ErrEntityTooSmall, &Error{"EntityTooSmall", 400, "Your proposed upload smaller than the minimum allowed size.", "0042-00000213", nil}},
	{core.ErrBodyRead, &Error{"RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.", "", nil}},
	{core.ErrNoSuchUpload, &Error{"NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", "", nil}},
	{core.ErrInvalidPart, &Error{"InvalidPart", 400, "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", "", nil}},
	{core.ErrInvalidPartOrder, &Error{"InvalidPartOrder", 400, "The list of parts was not in ascending order.", "0042-00000209", nil}},
	{core.ErrInvalidPartNum, &Error{"InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive.", "0017-00000220", []Element{{"ArgumentName", "PartNumber"}}}},
	{core.ErrAccessDenied, errAccessDenied},
	// Arca's key manager is local; without a master key it is off, which
	// is what OSS reports for an account without KMS.
	{core.ErrSSENotConfigured, &Error{"KmsServiceNotEnabled", 403, "This user does not turn on KMS service.", "", nil}},
	{core.ErrSSEInvalidKey, &Error{"InvalidArgument", 400, "The encryption key is not a valid 256-bit key.", "", nil}},
	{core.ErrSSECustomerKeyNeeded, &Error{"InvalidRequest", 400, "The object was stored with a customer-provided key (through another dialect), which OSS requests cannot give.", "", nil}},
	{core.ErrSSECustomerKeyWrong, &Error{"AccessDenied", 403, "The customer-provided key does not match the key the object was stored with.", "", nil}},
	{core.ErrSSEKeyNotNeeded, &Error{"InvalidRequest", 400, "The object is not encrypted with a customer-provided key.", "", nil}},
}

// toError maps any error to an OSS error. Unknown errors become
// InternalError (the caller logs them); their text is not shown.
func toError(err error) (*Error, bool) {
	var oe *Error
	if errors.As(err, &oe) {
		return oe, true
	}
	var ae *ossauth.Error
	if errors.As(err, &ae) {
		return authError(ae), true
	}
	switch {
	case errors.Is(err, dialect.ErrInvalidDigest):
		return errInvalidDigest, true
	case errors.Is(err, dialect.ErrMalformedXML):
		return errMalformedXML, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			e := *row.oss
			if row.err == core.ErrInvalidArgument {
				e.Message = err.Error() // carries its own detail
			}
			return &e, true
		}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{"RequestTimeout", 400, "The request was cancelled by the client.", "", nil}, true
	}
	return errInternal, false
}

// authError renders a signature failure with the elements OSS adds.
func authError(ae *ossauth.Error) *Error {
	e := &Error{Code: ae.Code, Status: ae.Status, Message: ae.Message, EC: ae.EC}
	if ae.SignatureProvided != "" || ae.StringToSign != "" {
		e.Extra = append(e.Extra, Element{"SignatureProvided", ae.SignatureProvided})
		if ae.StringToSign != "" {
			e.Extra = append(e.Extra, Element{"StringToSign", ae.StringToSign}, Element{"StringToSignBytes", hexBytes(ae.StringToSign)})
		}
		if ae.CanonicalRequest != "" {
			e.Extra = append(e.Extra, Element{"CanonicalRequest", ae.CanonicalRequest})
		}
		if ae.AccessKeyID != "" {
			e.Extra = append(e.Extra, Element{"OSSAccessKeyId", ae.AccessKeyID})
		}
	}
	if !ae.RequestTime.IsZero() {
		e.Extra = append(e.Extra, Element{"RequestTime", ae.RequestTime.Format(time.RFC3339)})
	}
	if !ae.Expires.IsZero() {
		e.Extra = append(e.Extra, Element{"Expires", ae.Expires.Format(time.RFC3339)})
	}
	if !ae.ServerTime.IsZero() {
		e.Extra = append(e.Extra, Element{"ServerTime", ae.ServerTime.Format(time.RFC3339)})
	}
	if ae.Code == ossauth.ErrRequestTimeTooSkewed.Code {
		e.Extra = append(e.Extra, Element{"MaxAllowedSkewMilliseconds", strconv.FormatInt(ossauth.MaxSkew.Milliseconds(), 10)})
	}
	return e
}

// hexBytes renders s as OSS's <StringToSignBytes>: two hex digits a byte,
// space separated.
func hexBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", s[i])
	}
	return b.String()
}

// formError maps what the form reader reports.
func formError(err error) error {
	var tl *postform.FieldTooLongError
	switch {
	case errors.Is(err, postform.ErrNotMultipart):
		return errorf("RequestIsNotMultiPartContent", 400, "Bucket POST must be of the enclosure-type multipart/form-data.")
	case errors.Is(err, postform.ErrNoFile), errors.Is(err, postform.ErrTooManyFiles):
		return errorf("IncorrectNumberOfFilesInPOSTRequest", 400, "POST requires exactly one file upload per request.")
	case errors.As(err, &tl):
		if tl.Value {
			return errorf("FieldItemTooLong", 400, "Your value of form field %q is too long: a form field's value may have at most 2 MB.", tl.Name)
		}
		return errorf("FieldItemTooLong", 400, "Your name of form field is too long: a form field's name may have at most 8 KB.")
	case errors.Is(err, postform.ErrTooManyFields):
		return errorf("MalformedPOSTRequest", 400, "The body of your POST request has too many form fields.")
	}
	return errorf("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.")
}

const xmlProlog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// body renders e as OSS's error document: Code, Message, RequestId,
// HostId, the extra elements, EC and RecommendDoc, indented by two spaces.
func (e *Error) body(requestID, hostID string) []byte {
	var b bytes.Buffer
	b.WriteString(xmlProlog + "<Error>\n")
	el := func(name, v string) {
		b.WriteString("  <" + name + ">")
		xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">\n")
	}
	el("Code", e.Code)
	el("Message", e.Message)
	el("RequestId", requestID)
	el("HostId", hostID)
	for _, x := range e.Extra {
		el(x.Name, x.Value)
	}
	if e.EC != "" {
		el("EC", e.EC)
		el("RecommendDoc", "https://api.aliyun.com/troubleshoot?q="+e.EC)
	}
	b.WriteString("</Error>\n")
	return bytes.ReplaceAll(b.Bytes(), []byte("&#34;"), []byte("&quot;"))
}

// writeError renders err as OSS does. A HEAD response has no body: the
// error document travels base64-encoded in x-oss-err, which
// alibabacloud-oss-go-sdk-v2 reads.
func (c *call) writeError(err error) {
	e, known := toError(err)
	if !known {
		c.h.log.Error("internal error", "id", c.req.ID, "err", err)
	}
	switch e.Code {
	case "NoSuchBucket", "BucketNotEmpty":
		if c.req.Bucket != "" && !hasExtra(e, "BucketName") {
			e = e.with(Element{"BucketName", c.req.Bucket})
		}
	case "NoSuchKey":
		if c.req.Key != "" && !hasExtra(e, "Key") {
			e = e.with(Element{"Key", c.req.Key})
		}
	case "MethodNotAllowed":
		if !hasExtra(e, "Method") {
			rt := "Object"
			if c.req.Key == "" {
				rt = "Bucket"
			}
			e = e.with(Element{"Method", c.r.Method}, Element{"ResourceType", rt})
			c.w.Header().Set("Allow", "GET DELETE HEAD PUT POST OPTIONS")
		}
	}
	h := c.w.Header()
	if e.EC != "" {
		h.Set("x-oss-ec", e.EC)
	}
	body := e.body(c.requestID(), c.req.Host)
	h.Set("Content-Type", "application/xml")
	if c.r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
		h.Set("Content-Length", "0")
		c.w.WriteHeader(e.Status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(e.Status)
	c.w.Write(body)
}

func hasExtra(e *Error, name string) bool {
	for _, x := range e.Extra {
		if x.Name == name {
			return true
		}
	}
	return false
}
