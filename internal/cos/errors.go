package cos

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/cos/cosauth"
	"github.com/arcastore/arca/internal/dialect"
)

// Error is a COS error: code, HTTP status and message.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// COS errors Arca raises itself. Codes and statuses follow COS's error code
// list (cloud.tencent.com/document/product/436/7730); messages are ours.
var (
	errAccessDenied       = &Error{"AccessDenied", 403, "Access Denied."}
	errNoSuchBucket       = &Error{"NoSuchBucket", 404, "The specified bucket does not exist."}
	errNoSuchKey          = &Error{"NoSuchKey", 404, "The specified key does not exist."}
	errNoSuchVersion      = &Error{"NoSuchVersion", 404, "The specified version does not exist."}
	errNoSuchUpload       = &Error{"NoSuchUpload", 404, "The specified multipart upload does not exist."}
	errMethodNotAllowed   = &Error{"MethodNotAllowed", 405, "The specified method is not allowed against this resource."}
	errMalformedXML       = &Error{"MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema."}
	errInvalidDigest      = &Error{"InvalidDigest", 400, "The Content-MD5 you specified is not valid."}
	errMissingLength      = &Error{"MissingContentLength", 411, "You must provide the Content-Length HTTP header."}
	errInvalidRange       = &Error{"InvalidRange", 416, "The requested range is not satisfiable."}
	errPreconditionFailed = &Error{"PreconditionFailed", 412, "Precondition not match."}
	errNotImplemented     = &Error{"NotImplemented", 501, "This operation is not implemented by Arca."}
	errInternal           = &Error{"InternalError", 500, "We encountered an internal error. Please try again."}
	errEntityTooLarge     = &Error{"EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size."}
	errKeyTooLong         = &Error{"KeyTooLong", 400, "The object key is longer than 850 bytes."}
	errInvalidObjectName  = &Error{"InvalidObjectName", 400, "The object key is not valid."}
	errInvalidBucketName  = &Error{"InvalidBucketName", 400, "The specified bucket name is not valid."}
	errBucketNameTooLong  = &Error{"BucketNameTooLong", 400, "The bucket name is too long for this region's endpoint."}
	errMissingBody        = &Error{"MissingRequestBodyError", 400, "The request body is empty."}
	errInvalidDelimiter   = &Error{"InvalidDelimiter", 400, "The delimiter must be a single character."}
)

// errorTable maps core's errors to COS errors. Every core error has a row;
// a test walks them all.
var errorTable = []struct {
	err error
	cos *Error
}{
	{core.ErrNoSuchBucket, errNoSuchBucket},
	{core.ErrBucketExists, &Error{"BucketAlreadyExists", 409, "The requested bucket name is not available."}},
	{core.ErrBucketAlreadyOwned, &Error{"BucketAlreadyOwnedByYou", 409, "The bucket you tried to create already exists, and you own it."}},
	{core.ErrBucketNotEmpty, &Error{"BucketNotEmpty", 409, "The bucket you tried to delete is not empty."}},
	{core.ErrInvalidBucketName, errInvalidBucketName},
	{core.ErrNoSuchKey, errNoSuchKey},
	{core.ErrNoSuchVersion, errNoSuchVersion},
	{core.ErrInvalidKey, errInvalidObjectName},
	{core.ErrKeyTooLong, errKeyTooLong},
	{core.ErrMethodNotAllowed, errMethodNotAllowed},
	{core.ErrObjectExists, &Error{"ObjectAlreadyExists", 409, "The object already exists."}},
	{core.ErrMetadataTooLarge, &Error{"InvalidArgument", 400, "The user metadata (x-cos-meta-*) exceeds 2 KB."}},
	{core.ErrInvalidVersionID, &Error{"InvalidArgument", 400, "Invalid version id specified."}},
	{core.ErrCopyToItself, &Error{"InvalidRequest", 400, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata (use x-cos-metadata-directive: Replaced)."}},
	{core.ErrObjectNotAppend, &Error{"ObjectNotAppendable", 409, "The object is not appendable."}},
	{core.ErrPositionMismatch, &Error{"AppendPositionErr", 409, "The position does not equal the current length of the object."}},
	{core.ErrAppendTooLarge, &Error{"EntityTooLarge", 400, "An appendable object cannot grow beyond 5 GB."}},
	{core.ErrInvalidArgument, &Error{"InvalidArgument", 400, "Invalid argument."}},
	{core.ErrInvalidStorageCls, &Error{"InvalidArgument", 400, "The storage class is not valid."}},
	{core.ErrBadDigest, &Error{"BadDigest", 400, "The Content-MD5 you specified did not match what we received."}},
	{core.ErrIncompleteBody, &Error{"IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header."}},
	{core.ErrEntityTooLarge, errEntityTooLarge},
	{core.ErrEntityTooSmall, &Error{"EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size (every part but the last must be at least 1 MB)."}},
	{core.ErrBodyRead, &Error{"RequestTimeout", 400, "The request body could not be read to its end; the upload was not stored."}},
	{core.ErrNoSuchUpload, errNoSuchUpload},
	{core.ErrInvalidPart, &Error{"InvalidPart", 400, "One or more of the specified parts could not be found, or its ETag does not match."}},
	{core.ErrInvalidPartOrder, &Error{"InvalidPartOrder", 400, "The list of parts was not in ascending order."}},
	{core.ErrInvalidPartNum, &Error{"InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive."}},
	{core.ErrAccessDenied, errAccessDenied},
	{dialect.ErrInvalidDigest, errInvalidDigest},
	{dialect.ErrMalformedXML, errMalformedXML},
	{core.ErrSSENotConfigured, &Error{"KmsException", 400, "Server-side encryption is not configured on this server."}},
	{core.ErrSSEInvalidKey, &Error{"InvalidArgument", 400, "The customer key must be a base64-encoded 256-bit key."}},
	{core.ErrSSECustomerKeyNeeded, &Error{"InvalidRequest", 400, "The object was stored with a customer-provided key (SSE-C); the request must provide the key."}},
	{core.ErrSSECustomerKeyWrong, &Error{"AccessDenied", 403, "The customer-provided key does not match the key the object was stored with."}},
	{core.ErrSSEKeyNotNeeded, &Error{"InvalidRequest", 400, "The object is not encrypted with a customer-provided key."}},
}

// toError maps any error to a COS error. Unknown errors become InternalError
// (the caller logs them); their text is not shown to the client.
func toError(err error) (*Error, bool) {
	var ce *Error
	if errors.As(err, &ce) {
		return ce, true
	}
	var ae *cosauth.Error
	if errors.As(err, &ae) {
		return &Error{Code: ae.Code, Status: ae.Status, Message: ae.Message}, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			e := *row.cos
			if row.err == core.ErrInvalidArgument || row.err == core.ErrInvalidKey || row.err == core.ErrObjectNotAppend {
				// These carry useful detail of their own.
				e.Message = err.Error()
			}
			return &e, true
		}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{"RequestTimeout", 400, "The request was cancelled by the client."}, true
	}
	return errInternal, false
}

type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource"`
	RequestID string   `xml:"RequestId"`
	TraceID   string   `xml:"TraceId"`
}

// writeError renders err in COS's error format. HEAD responses carry no
// body.
func (c *call) writeError(err error) {
	e, known := toError(err)
	if !known {
		c.h.log.Error("internal error", "id", c.req.ID, "err", err)
	}
	w := c.w
	trace := base64.StdEncoding.EncodeToString([]byte(c.req.ID + c.req.ID))
	w.Header().Set("x-cos-trace-id", trace)
	if c.r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	resource := c.req.Host
	if c.req.Bucket != "" && !c.req.VirtualHost {
		resource += "/" + c.req.Bucket
	}
	if c.req.Key != "" {
		resource += "/" + c.req.Key
	}
	body := errorBody{Code: e.Code, Message: e.Message, Resource: resource, RequestID: c.requestID(), TraceID: trace}
	writeXML(w, e.Status, body)
}
