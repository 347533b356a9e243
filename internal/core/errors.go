package core

import (
	"errors"
	"fmt"
)

// Errors returned by Store methods, possibly wrapped with detail (use
// errors.Is). Each dialect maps every one of them to its own code and status
// in one table.
var (
	// Buckets.
	ErrNoSuchBucket       = errors.New("the specified bucket does not exist")
	ErrBucketExists       = errors.New("the requested bucket name is not available")
	ErrBucketAlreadyOwned = errors.New("the bucket already exists and is owned by you")
	ErrBucketNotEmpty     = errors.New("the bucket you tried to delete is not empty")
	ErrInvalidBucketName  = errors.New("the specified bucket name is not valid")

	// Objects and versions.
	ErrNoSuchKey         = errors.New("the specified key does not exist")
	ErrNoSuchVersion     = errors.New("the specified version does not exist")
	ErrInvalidKey        = errors.New("the specified object key is not valid")
	ErrKeyTooLong        = errors.New("the specified object key is too long")
	ErrMethodNotAllowed  = errors.New("the specified method is not allowed against this resource")
	ErrObjectExists      = errors.New("the object already exists")
	ErrMetadataTooLarge  = errors.New("the user metadata is too large")
	ErrInvalidVersionID  = errors.New("the version id is not valid")
	ErrCopyToItself      = errors.New("the copy request would copy an object to itself without changing anything")
	ErrObjectNotAppend   = errors.New("the object is not appendable")
	ErrPositionMismatch  = errors.New("the position is not equal to the object length")
	ErrAppendTooLarge    = errors.New("the appendable object would exceed its size limit")
	ErrInvalidArgument   = errors.New("invalid argument")
	ErrInvalidStorageCls = errors.New("the storage class is not valid")

	// Bodies.
	ErrBadDigest      = errors.New("the Content-MD5 you specified did not match what was received")
	ErrIncompleteBody = errors.New("the request body is shorter than its declared length")
	ErrEntityTooLarge = errors.New("the proposed upload exceeds the maximum allowed size")
	ErrEntityTooSmall = errors.New("the proposed upload is smaller than the minimum allowed size")
	ErrBodyRead       = errors.New("the request body could not be read")

	// Multipart.
	ErrNoSuchUpload     = errors.New("the specified multipart upload does not exist")
	ErrInvalidPart      = errors.New("one or more of the specified parts could not be found or its entity tag did not match")
	ErrInvalidPartOrder = errors.New("the list of parts was not in ascending order")
	ErrInvalidPartNum   = errors.New("the part number is not valid")

	// Access.
	ErrAccessDenied = errors.New("access denied")

	// Encryption.
	ErrSSENotConfigured     = errors.New("server-side encryption is not configured on this server")
	ErrSSEInvalidKey        = errors.New("the encryption key is not a valid 256-bit key")
	ErrSSECustomerKeyNeeded = errors.New("the object is encrypted with a customer key, which the request must provide")
	ErrSSECustomerKeyWrong  = errors.New("the customer key does not match the one the object was stored with")
	ErrSSEKeyNotNeeded      = errors.New("the object is not encrypted with a customer key")
)

// Errors lists every sentinel above, so that each dialect's table can be
// checked for completeness.
var Errors = []error{
	ErrNoSuchBucket, ErrBucketExists, ErrBucketAlreadyOwned, ErrBucketNotEmpty, ErrInvalidBucketName,
	ErrNoSuchKey, ErrNoSuchVersion, ErrInvalidKey, ErrKeyTooLong, ErrMethodNotAllowed, ErrObjectExists,
	ErrMetadataTooLarge, ErrInvalidVersionID, ErrCopyToItself, ErrObjectNotAppend, ErrPositionMismatch,
	ErrAppendTooLarge, ErrInvalidArgument, ErrInvalidStorageCls,
	ErrBadDigest, ErrIncompleteBody, ErrEntityTooLarge, ErrEntityTooSmall, ErrBodyRead,
	ErrNoSuchUpload, ErrInvalidPart, ErrInvalidPartOrder, ErrInvalidPartNum,
	ErrAccessDenied,
	ErrSSENotConfigured, ErrSSEInvalidKey, ErrSSECustomerKeyNeeded, ErrSSECustomerKeyWrong, ErrSSEKeyNotNeeded,
}

// detail adds detail to a sentinel while keeping errors.Is working.
func detail(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
