package s3auth

import (
	"fmt"
	"net/http"
)

// Error is an authentication failure as S3 reports it: the <Code> of the
// XML error document, the HTTP status and the <Message>. Details are the
// extra elements S3 adds to some of these documents (StringToSign and
// CanonicalRequest for SignatureDoesNotMatch, RequestTime and ServerTime
// for RequestTimeTooSkewed, X-Amz-Expires for an expired URL, ...), in
// the order S3 writes them; a renderer may emit them or leave them out.
// None of them holds a secret.
//
// Two Errors match under errors.Is when their codes are equal, so callers
// can test a returned error against the sentinels below whatever its
// message: errors.Is(err, ErrSignatureDoesNotMatch).
type Error struct {
	Code    string
	Status  int
	Message string
	Details []Detail
}

// Detail is one extra element of an S3 error document.
type Detail struct {
	Name, Value string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// with returns a copy of e with another message (when msg is not empty)
// and the given details.
func (e *Error) with(msg string, details ...Detail) *Error {
	c := *e
	if msg != "" {
		c.Message = msg
	}
	c.Details = details
	return &c
}

// The errors this package returns, and the ones its callers need around
// it. Codes, statuses and messages follow the S3 error code list
// (docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and, for
// the messages that list does not give, the text S3 is known to send.
// Several codes are shared by sentinels that differ only in message:
// errors.Is matches them all (ErrRequestExpired is an AccessDenied).
var (
	// ErrSignatureDoesNotMatch: the recomputed signature differs from the
	// one sent (wrong secret key, or a signed header, parameter, method or
	// path changed), or a chunk or trailer signature of a streaming upload
	// is wrong.
	ErrSignatureDoesNotMatch = &Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
		Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}

	// ErrAccessDenied is the generic AccessDenied. The package returns it
	// for unsigned x-amz-* headers and a missing date; callers use it for
	// policy decisions.
	ErrAccessDenied = &Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Access Denied"}

	// ErrRequestExpired: a pre-signed URL (SigV4 or SigV2) is used after
	// its expiry.
	ErrRequestExpired = &Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Request has expired"}

	// ErrRequestNotYetValid: a pre-signed URL's X-Amz-Date lies further in
	// the future than the allowed clock skew.
	ErrRequestNotYetValid = &Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Request is not valid yet"}

	// ErrMissingDate: a signed request carries neither a valid x-amz-date
	// nor a valid Date header.
	ErrMissingDate = &Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: "AWS authentication requires a valid Date or x-amz-date header"}

	// ErrHeadersNotSigned: an x-amz-* header (or Host) is present but not
	// covered by the signature. The Details name the headers.
	ErrHeadersNotSigned = &Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: "There were headers present in the request which were not signed"}

	// ErrInvalidAccessKeyID is for callers: return it when the access key
	// names no known key. Verify never returns it, since it is given the
	// secret key.
	ErrInvalidAccessKeyID = &Error{Code: "InvalidAccessKeyId", Status: http.StatusForbidden,
		Message: "The AWS Access Key Id you provided does not exist in our records."}

	// ErrRequestTimeTooSkewed: the request time (x-amz-date, Date) is more
	// than MaxSkew away from the server's clock.
	ErrRequestTimeTooSkewed = &Error{Code: "RequestTimeTooSkewed", Status: http.StatusForbidden,
		Message: "The difference between the request time and the current time is too large."}

	// ErrAuthorizationHeaderMalformed matches every error about a SigV4
	// Authorization header that cannot be parsed: a missing component, a
	// bad credential scope, a wrong service. The errors returned carry a
	// message naming the problem.
	ErrAuthorizationHeaderMalformed = &Error{Code: "AuthorizationHeaderMalformed", Status: http.StatusBadRequest,
		Message: "The authorization header is malformed."}

	// ErrAuthorizationQueryParametersError matches every error about the
	// X-Amz-* parameters of a SigV4 pre-signed URL, X-Amz-Expires out of
	// range included.
	ErrAuthorizationQueryParametersError = &Error{Code: "AuthorizationQueryParametersError", Status: http.StatusBadRequest,
		Message: "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."}

	// ErrXAmzContentSHA256Mismatch: the payload's SHA-256 differs from the
	// hex x-amz-content-sha256 the request was signed with. Reported at
	// the end of the body.
	ErrXAmzContentSHA256Mismatch = &Error{Code: "XAmzContentSHA256Mismatch", Status: http.StatusBadRequest,
		Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}

	// ErrIncompleteBody: the body ended early, or an aws-chunked body
	// decodes to another length than x-amz-decoded-content-length, or its
	// framing is broken.
	ErrIncompleteBody = &Error{Code: "IncompleteBody", Status: http.StatusBadRequest,
		Message: "You did not provide the number of bytes specified by the Content-Length HTTP header"}

	// ErrMalformedTrailer: the trailing headers of an aws-chunked body are
	// not well formed, undeclared, repeated or missing.
	ErrMalformedTrailer = &Error{Code: "MalformedTrailerError", Status: http.StatusBadRequest,
		Message: "The request contained trailing data that was not well-formed or did not conform to our published schema."}

	// ErrMissingContentLength: a streaming (aws-chunked) upload without a
	// valid x-amz-decoded-content-length. S3 answers this code for it
	// (versity/versitygw#1656 records the response).
	ErrMissingContentLength = &Error{Code: "MissingContentLength", Status: http.StatusLengthRequired,
		Message: "You must provide the Content-Length HTTP header."}

	// ErrMissingContentSHA256: a SigV4 Authorization header request without
	// x-amz-content-sha256.
	ErrMissingContentSHA256 = &Error{Code: "InvalidRequest", Status: http.StatusBadRequest,
		Message: "Missing required header for this request: x-amz-content-sha256"}

	// ErrInvalidRequest matches the InvalidRequest errors: an unsupported
	// signing algorithm, a signed streaming payload without a SigV4 header
	// signature, an unsupported x-amz-trailer.
	ErrInvalidRequest = &Error{Code: "InvalidRequest", Status: http.StatusBadRequest, Message: "Invalid Request"}

	// ErrUnsupportedAlgorithm: an Authorization header of SigV4a
	// (AWS4-ECDSA-P256-SHA256), which this package does not verify.
	ErrUnsupportedAlgorithm = &Error{Code: "InvalidRequest", Status: http.StatusBadRequest,
		Message: "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."}

	// ErrInvalidArgument matches the InvalidArgument errors: an
	// Authorization header of an unknown scheme, a malformed SigV2
	// header, two authentication mechanisms in one request, an invalid
	// x-amz-content-sha256 value.
	ErrInvalidArgument = &Error{Code: "InvalidArgument", Status: http.StatusBadRequest, Message: "Invalid Argument"}

	// ErrMissingSecurityHeader is for callers: S3 answers it when a header
	// the request needs is absent (the Details name it), for instance
	// x-amz-security-token for a temporary key. This package does not
	// return it.
	ErrMissingSecurityHeader = &Error{Code: "MissingSecurityHeader", Status: http.StatusBadRequest,
		Message: "Your request was missing a required header."}
)

func headerMalformed(format string, args ...any) *Error {
	return ErrAuthorizationHeaderMalformed.with("The authorization header is malformed; " + fmt.Sprintf(format, args...))
}

func queryParamsError(format string, args ...any) *Error {
	return ErrAuthorizationQueryParametersError.with(fmt.Sprintf(format, args...))
}

func invalidArgument(name, format string, args ...any) *Error {
	e := ErrInvalidArgument.with(fmt.Sprintf(format, args...))
	if name != "" {
		e.Details = []Detail{{"ArgumentName", name}}
	}
	return e
}

func invalidRequest(format string, args ...any) *Error {
	return ErrInvalidRequest.with(fmt.Sprintf(format, args...))
}

func incompleteBody(format string, args ...any) *Error {
	return ErrIncompleteBody.with(fmt.Sprintf(format, args...))
}

func malformedTrailer(format string, args ...any) *Error {
	e := *ErrMalformedTrailer
	e.Details = []Detail{{"Reason", fmt.Sprintf(format, args...)}}
	return &e
}
