package cosauth

import (
	"fmt"
	"net/http"
)

// Error is a signature failure as COS reports it: an error code for the
// <Code> element, the HTTP status and a message. Two Errors match under
// errors.Is when their codes are equal, so callers can test a returned
// error against the sentinels below whatever its message.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// The errors this package returns, and the one its callers need for an
// unknown q-ak. Codes and statuses follow the COS error code list
// (tencentcloud.com/document/product/436/7730) and the COS troubleshooting
// page for 403 responses (436/40105).
var (
	// ErrSignatureDoesNotMatch: the recomputed signature differs from
	// q-signature (wrong secret key, or a signed header, parameter, method
	// or path changed).
	ErrSignatureDoesNotMatch = &Error{"SignatureDoesNotMatch", http.StatusForbidden,
		"The signature computed for this request differs from q-signature."}

	// ErrRequestExpired: now is past the end of q-sign-time or q-key-time.
	// COS reports this as AccessDenied with the message below.
	ErrRequestExpired = &Error{"AccessDenied", http.StatusForbidden, "Request has expired"}

	// ErrNotYetValid: now is before the start of q-sign-time or q-key-time,
	// usually a client clock running ahead.
	ErrNotYetValid = &Error{"RequestTimeTooSkewed", http.StatusForbidden,
		"The signature is not valid yet: its start time is later than the server time."}

	// ErrInvalidAccessKeyID is for callers: return it when q-ak names no
	// known key. Verify never returns it, since it is given the secret key.
	ErrInvalidAccessKeyID = &Error{"InvalidAccessKeyId", http.StatusForbidden,
		"The SecretId in q-ak is not known."}

	// ErrMalformed matches every error about a signature that cannot be
	// parsed: a missing field, a bad time, an unknown algorithm. The errors
	// actually returned carry a message naming the problem.
	ErrMalformed = &Error{"InvalidArgument", http.StatusBadRequest, "The COS signature is malformed."}
)

func malformed(format string, args ...any) *Error {
	return &Error{ErrMalformed.Code, ErrMalformed.Status, "Malformed COS signature: " + fmt.Sprintf(format, args...)}
}
