package s3

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// Error is an S3 error: the <Code> of the error document, the HTTP status,
// the <Message>, and the extra elements S3 adds to some documents
// (ArgumentName, UploadId, ...), in order.
type Error struct {
	Code    string
	Status  int
	Message string
	Details []s3auth.Detail
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code string, status int, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

// withDetail returns a copy of e with an extra element.
func (e *Error) withDetail(name, value string) *Error {
	c := *e
	c.Details = append(append([]s3auth.Detail(nil), e.Details...), s3auth.Detail{Name: name, Value: value})
	return &c
}

// invalidArgument is S3's InvalidArgument with the ArgumentName and
// ArgumentValue elements.
func invalidArgument(name, value, format string, args ...any) *Error {
	e := errorf("InvalidArgument", 400, format, args...)
	if name != "" {
		e.Details = []s3auth.Detail{{Name: "ArgumentName", Value: name}, {Name: "ArgumentValue", Value: value}}
	}
	return e
}

func invalidRequest(format string, args ...any) *Error {
	return errorf("InvalidRequest", 400, format, args...)
}

// S3 errors Arca raises itself. Codes, statuses and messages follow the S3
// error code list (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
var (
	errAccessDenied          = &Error{Code: "AccessDenied", Status: 403, Message: "Access Denied"}
	errNoSuchBucket          = &Error{Code: "NoSuchBucket", Status: 404, Message: "The specified bucket does not exist"}
	errNoSuchKey             = &Error{Code: "NoSuchKey", Status: 404, Message: "The specified key does not exist."}
	errNoSuchVersion         = &Error{Code: "NoSuchVersion", Status: 404, Message: "The specified version does not exist."}
	errNoSuchUpload          = &Error{Code: "NoSuchUpload", Status: 404, Message: "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}
	errMethodNotAllowed      = &Error{Code: "MethodNotAllowed", Status: 405, Message: "The specified method is not allowed against this resource."}
	errMalformedXML          = &Error{Code: "MalformedXML", Status: 400, Message: "The XML you provided was not well-formed or did not validate against our published schema."}
	errMalformedACL          = &Error{Code: "MalformedACLError", Status: 400, Message: "The XML you provided was not well-formed or did not validate against our published schema."}
	errInvalidDigest         = &Error{Code: "InvalidDigest", Status: 400, Message: "The Content-MD5 you specified is not valid."}
	errMissingLength         = &Error{Code: "MissingContentLength", Status: 411, Message: "You must provide the Content-Length HTTP header."}
	errInvalidRange          = &Error{Code: "InvalidRange", Status: 416, Message: "The requested range is not satisfiable"}
	errPreconditionFailed    = &Error{Code: "PreconditionFailed", Status: 412, Message: "At least one of the pre-conditions you specified did not hold"}
	errNotImplemented        = &Error{Code: "NotImplemented", Status: 501, Message: "A header or query you provided implies functionality that is not implemented."}
	errInternal              = &Error{Code: "InternalError", Status: 500, Message: "We encountered an internal error. Please try again."}
	errEntityTooLarge        = &Error{Code: "EntityTooLarge", Status: 400, Message: "Your proposed upload exceeds the maximum allowed object size."}
	errKeyTooLong            = &Error{Code: "KeyTooLongError", Status: 400, Message: "Your key is too long"}
	errInvalidBucketName     = &Error{Code: "InvalidBucketName", Status: 400, Message: "The specified bucket is not valid."}
	errMissingBody           = &Error{Code: "MissingRequestBodyError", Status: 400, Message: "Request Body is empty"}
	errNoSuchCORS            = &Error{Code: "NoSuchCORSConfiguration", Status: 404, Message: "The CORS configuration does not exist"}
	errNoSuchTagSet          = &Error{Code: "NoSuchTagSet", Status: 404, Message: "The TagSet does not exist"}
	errInvalidStorageClass   = &Error{Code: "InvalidStorageClass", Status: 400, Message: "The storage class you specified is not valid"}
	errInvalidToken          = &Error{Code: "InvalidToken", Status: 400, Message: "The provided token is malformed or otherwise invalid."}
	errAnonymousResponseHdrs = &Error{Code: "InvalidRequest", Status: 400, Message: "Request specific response headers cannot be used for anonymous GET requests."}
	errNoObjectLockConfig    = &Error{Code: "ObjectLockConfigurationNotFoundError", Status: 404, Message: "Object Lock configuration does not exist for this bucket"}
	errMissingChecksum       = &Error{Code: "InvalidRequest", Status: 400, Message: "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"}
)

// errorTable maps core's errors (and dialect's) to S3 errors. Every core
// error has a row; a test walks them all.
var errorTable = []struct {
	err error
	s3  *Error
}{
	{core.ErrNoSuchBucket, errNoSuchBucket},
	{core.ErrBucketExists, &Error{Code: "BucketAlreadyExists", Status: 409, Message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}},
	{core.ErrBucketAlreadyOwned, &Error{Code: "BucketAlreadyOwnedByYou", Status: 409, Message: "Your previous request to create the named bucket succeeded and you already own it."}},
	{core.ErrBucketNotEmpty, &Error{Code: "BucketNotEmpty", Status: 409, Message: "The bucket you tried to delete is not empty"}},
	{core.ErrInvalidBucketName, errInvalidBucketName},
	{core.ErrNoSuchKey, errNoSuchKey},
	{core.ErrNoSuchVersion, errNoSuchVersion},
	{core.ErrInvalidKey, &Error{Code: "InvalidArgument", Status: 400, Message: "The object key is not valid."}},
	{core.ErrKeyTooLong, errKeyTooLong},
	{core.ErrMethodNotAllowed, errMethodNotAllowed},
	// Only If-None-Match: * makes core refuse an overwrite.
	{core.ErrObjectExists, errPreconditionFailed},
	{core.ErrMetadataTooLarge, &Error{Code: "MetadataTooLarge", Status: 400, Message: "Your metadata headers exceed the maximum allowed metadata size"}},
	{core.ErrInvalidVersionID, &Error{Code: "InvalidArgument", Status: 400, Message: "Invalid version id specified"}},
	{core.ErrCopyToItself, &Error{Code: "InvalidRequest", Status: 400, Message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."}},
	// S3 has no appendable objects; these arise only for objects other
	// dialects made.
	{core.ErrObjectNotAppend, &Error{Code: "InvalidRequest", Status: 400, Message: "The object is not appendable."}},
	{core.ErrPositionMismatch, &Error{Code: "InvalidRequest", Status: 409, Message: "The position does not equal the object's length."}},
	{core.ErrAppendTooLarge, errEntityTooLarge},
	{core.ErrInvalidArgument, &Error{Code: "InvalidArgument", Status: 400, Message: "Invalid argument."}},
	{core.ErrInvalidStorageCls, errInvalidStorageClass},
	{core.ErrBadDigest, &Error{Code: "BadDigest", Status: 400, Message: "The Content-MD5 you specified did not match what we received."}},
	{core.ErrIncompleteBody, &Error{Code: "IncompleteBody", Status: 400, Message: "You did not provide the number of bytes specified by the Content-Length HTTP header"}},
	{core.ErrEntityTooLarge, errEntityTooLarge},
	{core.ErrEntityTooSmall, &Error{Code: "EntityTooSmall", Status: 400, Message: "Your proposed upload is smaller than the minimum allowed object size."}},
	{core.ErrBodyRead, &Error{Code: "RequestTimeout", Status: 400, Message: "Your socket connection to the server was not read from or written to within the timeout period."}},
	{core.ErrNoSuchUpload, errNoSuchUpload},
	{core.ErrInvalidPart, &Error{Code: "InvalidPart", Status: 400, Message: "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}},
	{core.ErrInvalidPartOrder, &Error{Code: "InvalidPartOrder", Status: 400, Message: "The list of parts was not in ascending order. Parts must be ordered by part number."}},
	{core.ErrInvalidPartNum, &Error{Code: "InvalidArgument", Status: 400, Message: "Part number must be an integer between 1 and 10000, inclusive"}},
	{core.ErrAccessDenied, errAccessDenied},
	{core.ErrSSENotConfigured, &Error{Code: "InvalidRequest", Status: 400, Message: "Server-side encryption is not configured on this server."}},
	{core.ErrSSEInvalidKey, &Error{Code: "InvalidArgument", Status: 400, Message: "The secret key was invalid for the specified algorithm."}},
	{core.ErrSSECustomerKeyNeeded, &Error{Code: "InvalidRequest", Status: 400, Message: "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."}},
	{core.ErrSSECustomerKeyWrong, &Error{Code: "InvalidRequest", Status: 400, Message: "The provided encryption parameters did not match the ones used originally."}},
	{core.ErrSSEKeyNotNeeded, &Error{Code: "InvalidRequest", Status: 400, Message: "The encryption parameters are not applicable to this object."}},
	{dialect.ErrInvalidDigest, errInvalidDigest},
	{dialect.ErrMalformedXML, errMalformedXML},
}

// detailed are the core errors whose own text says more than the table's
// message; it is shown instead.
var detailed = map[error]bool{core.ErrInvalidArgument: true, core.ErrInvalidKey: true}

// toError maps any error to an S3 error. Unknown errors become
// InternalError (the caller logs them); their text is not shown.
func toError(err error) (*Error, bool) {
	var se *Error
	if errors.As(err, &se) {
		return se, true
	}
	var ae *s3auth.Error
	if errors.As(err, &ae) {
		return &Error{Code: ae.Code, Status: ae.Status, Message: ae.Message, Details: ae.Details}, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			e := *row.s3
			if detailed[row.err] {
				e.Message = err.Error()
			}
			return &e, true
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errEntityTooLarge, true
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: "RequestTimeout", Status: 400, Message: "The request was cancelled by the client."}, true
	}
	return errInternal, false
}

// element is one extra element of an error document.
type element struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

type errorBody struct {
	XMLName   xml.Name  `xml:"Error"`
	Code      string    `xml:"Code"`
	Message   string    `xml:"Message"`
	Extra     []element `xml:",any"`
	Resource  string    `xml:"Resource,omitempty"`
	RequestID string    `xml:"RequestId"`
	HostID    string    `xml:"HostId"`
}

// Codes whose documents name the bucket or the key, as S3's do.
var (
	namesBucket = map[string]bool{
		"NoSuchBucket": true, "BucketAlreadyExists": true, "BucketAlreadyOwnedByYou": true, "BucketNotEmpty": true,
		"NoSuchCORSConfiguration": true, "NoSuchTagSet": true, "InvalidBucketName": true,
	}
	namesKey = map[string]bool{"NoSuchKey": true, "NoSuchVersion": true}
)

// writeError renders err as S3's error document. HEAD responses carry no
// body, as S3's do.
func (c *call) writeError(err error) {
	e, known := toError(err)
	if !known {
		c.h.log.Error("internal error", "id", c.req.ID, "err", err)
	}
	w := c.w
	if c.r.Method == http.MethodHead {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	body := errorBody{Code: e.Code, Message: e.Message, RequestID: c.requestID(), HostID: c.hostID()}
	if namesBucket[e.Code] && c.req.Bucket != "" {
		body.Extra = append(body.Extra, element{XMLName: xml.Name{Local: "BucketName"}, Value: c.req.Bucket})
	}
	if namesKey[e.Code] && c.req.Key != "" {
		body.Extra = append(body.Extra, element{XMLName: xml.Name{Local: "Key"}, Value: c.req.Key})
	}
	for _, d := range e.Details {
		body.Extra = append(body.Extra, element{XMLName: xml.Name{Local: d.Name}, Value: d.Value})
	}
	if c.req.Bucket != "" {
		body.Resource = "/" + c.req.Bucket
		if c.req.Key != "" {
			body.Resource += "/" + c.req.Key
		}
	} else {
		body.Resource = "/"
	}
	writeXML(w, e.Status, body)
}
