package ossauth

import (
	"fmt"
	"net/http"
	"time"
)

// Error is a signature failure as OSS reports it: the <Code> and HTTP
// status of the error response, a message, and the <EC> detail code OSS
// adds to every error ("0002-00000040"; empty where no documented code
// fits). The other fields are filled when they apply, for the elements OSS
// puts in the error body next to Code and Message.
//
// Two Errors match under errors.Is when they are the same kind of failure:
// every error this package returns matches exactly one of the sentinels
// below, whatever its message and details. An Error built by a caller
// (without a kind) matches on Code alone.
type Error struct {
	Code    string
	Status  int
	Message string
	EC      string

	AccessKeyID       string // <OSSAccessKeyId>, for SignatureDoesNotMatch
	SignatureProvided string // <SignatureProvided>
	StringToSign      string // <StringToSign>: what the server signed
	CanonicalRequest  string // <CanonicalRequest>, V4 only

	RequestTime time.Time // <RequestTime>, for RequestTimeTooSkewed
	Expires     time.Time // <Expires>, for an expired URL
	ServerTime  time.Time // <ServerTime>: the now given to Verify

	kind errKind
}

type errKind uint8

const (
	kindNone errKind = iota
	kindMismatch
	kindExpired
	kindNotYetValid
	kindSkewed
	kindDate
	kindAccessKey
	kindMalformed
)

func (e *Error) Error() string {
	if e.EC != "" {
		return e.Code + ": " + e.Message + " (EC " + e.EC + ")"
	}
	return e.Code + ": " + e.Message
}

// Is reports whether target is an *Error of the same kind (see Error).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.kind != kindNone && e.kind != kindNone {
		return t.kind == e.kind
	}
	return t.Code == e.Code
}

// MaxSkew is how far the time of a request signed in the Authorization
// header may be from the server's clock, either way. It is also how long
// before its x-oss-date a V4 pre-signed URL or POST form is accepted.
const MaxSkew = 15 * time.Minute

// The errors this package returns, and the one its callers need for an
// unknown access key. The codes, statuses and messages follow the OSS
// error responses: see the package documentation for the EC codes and
// where each comes from.
var (
	// ErrSignatureDoesNotMatch: the recomputed signature differs from the
	// one sent (wrong secret key, or a signed part of the request changed).
	// The returned error carries StringToSign (and CanonicalRequest for
	// V4), as OSS does, so a client can find the difference.
	ErrSignatureDoesNotMatch = &Error{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden,
		Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		kind:    kindMismatch}

	// ErrRequestExpired: a pre-signed URL (or POST form) used after its
	// expiry.
	ErrRequestExpired = &Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: "Request has expired.", kind: kindExpired}

	// ErrNotYetValid: a V4 pre-signed URL or POST form used more than
	// MaxSkew before its x-oss-date, usually a signer whose clock runs
	// ahead.
	ErrNotYetValid = &Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: "Request is not valid yet: x-oss-date is later than the server time.", kind: kindNotYetValid}

	// ErrRequestTimeTooSkewed: the date of a request signed in the
	// Authorization header is more than MaxSkew from the server's clock.
	ErrRequestTimeTooSkewed = &Error{Code: "RequestTimeTooSkewed", Status: http.StatusForbidden,
		Message: "The difference between the request time and the current time is too large.",
		kind:    kindSkewed}

	// ErrMissingDate: a request signed in the Authorization header has
	// neither a usable Date nor a usable x-oss-date header.
	ErrMissingDate = &Error{Code: "AccessDenied", Status: http.StatusForbidden,
		Message: "OSS authentication requires a valid Date.", kind: kindDate}

	// ErrInvalidAccessKeyID is for callers: return it when AccessKey names
	// no known key. Verify never returns it, since it is given the secret.
	ErrInvalidAccessKeyID = &Error{Code: "InvalidAccessKeyId", Status: http.StatusForbidden,
		Message: "The OSS Access Key Id you provided does not exist in our records.",
		EC:      "0002-00000902", kind: kindAccessKey}

	// ErrMalformed matches every error about a signature that cannot be
	// parsed: a missing field, a bad credential scope, an unsupported
	// algorithm, x-oss-expires out of range. The errors actually returned
	// carry a message naming the problem and, where OSS documents one,
	// its EC code. They are 400 InvalidArgument, except for an incomplete
	// V1 pre-signed URL or a bad Expires, which OSS refuses with 403
	// AccessDenied.
	ErrMalformed = &Error{Code: "InvalidArgument", Status: http.StatusBadRequest,
		Message: "The OSS signature is malformed.", kind: kindMalformed}
)

// EC codes OSS documents for the failures below (help.aliyun.com/en/oss/
// user-guide/<EC>). Unexported: they are data for the error body.
const (
	ecV1Mismatch       = "0002-00000040" // V1 signature does not match
	ecV1BadScheme      = "0002-00000061" // Authorization neither "OSS " nor another known scheme
	ecV1NoColon        = "0002-00000062" // "OSS ak:sig" without the colon
	ecV1NoAccessKey    = "0002-00000063" // empty AccessKeyId
	ecV1BadAccessKey   = "0002-00000064" // AccessKeyId with illegal characters
	ecV1NoSignature    = "0002-00000065" // "OSS ak:" with nothing after the colon
	ecURLBadVersion    = "0002-00000066" // x-oss-signature-version not recognized
	ecV1NoExpires      = "0002-00000067" // URL without Expires
	ecV1EmptyExpires   = "0002-00000068" // Expires=
	ecV1Expired        = "0002-00000069" // URL past Expires
	ecV1BadExpires     = "0002-00000070" // Expires not an integer
	ecV1NoURLAccessKey = "0002-00000071" // URL without OSSAccessKeyId
	ecV1BadURLKey      = "0002-00000073" // OSSAccessKeyId with illegal characters
	ecV1EmptySignature = "0002-00000075" // Signature=
	ecV4Mismatch       = "0002-00000201" // V4 signature does not match
	ecV4BadHeader      = "0002-00000202" // Authorization fields missing or unknown
	ecV4NoEquals       = "0002-00000203" // a field without '='
	ecV4NoCredential   = "0002-00000205" // Credential missing
	ecV4BadAccessKey   = "0002-00000206" // AccessKeyId in Credential with illegal characters
	ecV4NoSignature    = "0002-00000208" // Signature empty
	ecV4EmptyAddl      = "0002-00000209" // AdditionalHeaders=
	ecV4EmptyAddlItem  = "0002-00000210" // AdditionalHeaders=host;
	ecV4BadDate        = "0002-00000212" // SignDate in Credential invalid
	ecV4BadCredential  = "0002-00000213" // Credential not .../aliyun_v4_request
	ecV4BadSHA256      = "0002-00000214" // x-oss-content-sha256 not UNSIGNED-PAYLOAD
	ecV4NoExpires      = "0002-00000215" // URL without x-oss-expires
	ecV4NoURLCred      = "0002-00000218" // x-oss-credential empty
	ecV4NoURLSignature = "0002-00000219" // URL without x-oss-signature
	ecV4EmptyURLSig    = "0002-00000220" // x-oss-signature=
	ecV4BadURLKey      = "0002-00000222" // AccessKeyId in x-oss-credential with illegal characters
	ecV4BadURLDate     = "0002-00000223" // SignDate in x-oss-credential invalid
	ecV4BadURLCred     = "0002-00000224" // x-oss-credential not .../aliyun_v4_request
	ecV4BadProduct     = "0002-00000227" // product in the scope not oss (or oss-cloudbox)
	ecV4BadExpires     = "0002-00000232" // x-oss-expires outside 1..604800
	ecV4NotYetValid    = "0002-00000235" // URL used more than 15 min before x-oss-date
	ecV4Expired        = "0002-00000236" // URL past x-oss-date + x-oss-expires
	ecBadDate          = "0002-00000502" // Date or x-oss-date in the wrong format
	ecNoDate           = "0002-00000503" // neither Date nor x-oss-date
	ecSkewed           = "0002-00000504" // Date or x-oss-date more than 15 min off
	ecPostBadVersion   = "0002-00000701" // form x-oss-signature-version not recognized
	ecPostNoPolicy     = "0002-00000702" // signature fields without policy
	ecPostNoSignature  = "0002-00000703" // Signature (or x-oss-signature) missing
	ecPostEmptySig     = "0002-00000704" // Signature (or x-oss-signature) empty
	ecPostMismatch     = "0002-00000705" // form signature does not match
	ecPostNoAccessKey  = "0002-00000706" // OSSAccessKeyId missing
	ecPostBadAccessKey = "0002-00000708" // AccessKeyId in x-oss-credential invalid
	ecPostBadDate      = "0002-00000709" // SignDate in x-oss-credential invalid, or far from now
	ecPostBadCred      = "0002-00000710" // x-oss-credential not .../aliyun_v4_request
)

// with returns a copy of the sentinel s carrying the EC code ec, for the
// caller to fill in details.
func (s *Error) with(ec string) *Error {
	e := *s
	e.EC = ec
	return &e
}

func malformed(ec, format string, args ...any) *Error {
	return &Error{Code: ErrMalformed.Code, Status: ErrMalformed.Status,
		Message: fmt.Sprintf(format, args...), EC: ec, kind: kindMalformed}
}

// deniedMalformed is a malformed V1 pre-signed URL, which OSS refuses
// with 403 AccessDenied rather than 400 InvalidArgument (as S3 does). It
// matches ErrMalformed.
func deniedMalformed(ec, message string) *Error {
	return &Error{Code: "AccessDenied", Status: http.StatusForbidden, Message: message, EC: ec, kind: kindMalformed}
}

// Messages of OSS for V1 pre-signed URLs.
const (
	msgQueryIncomplete = "Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters"
	msgBadExpires      = "Invalid date (should be seconds since epoch)."
)
