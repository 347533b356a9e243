package cosjson

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcastore/arca/internal/core"
)

// Error is a JSON API error: the business code and its name from the seed's
// 错误码 tables (the name is the response's message, as COS sends it), and
// the HTTP status.
type Error struct {
	Code   int
	Name   string
	Status int
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Name) }

// HTTP statuses, from the seed's 后端HTTP返回码 table: 400 for a request
// that is not valid, 401 when the caller's identity cannot be established
// (no, bad or expired signature, unknown SecretId), 403 when a valid
// signature does not allow this request, 413 for a body over its limit,
// 500 for storage failures. A missing file or directory is 404: the seed's
// backend code 612 is not a standard status, and the official Python SDK
// treats every status from 500 up as a network failure.
const (
	stBad       = 400
	stAuth      = 401
	stForbidden = 403
	stNotFound  = 404
	stTooLarge  = 413
	stInternal  = 500
)

// Errors Arca returns. Codes and names are the seed's.
var (
	// Signatures (PROXY 错误码).
	errAuthFailed        = &Error{-97, "ERROR_PROXY_AUTH_FAILED", stAuth}
	errAuthExpired       = &Error{-96, "ERROR_PROXY_AUTH_EXPIRED", stAuth}
	errNoSession         = &Error{-95, "ERROR_PROXY_NO_SESSION", stBad}
	errSignEmpty         = &Error{-81, "ERROR_PROXY_AUTH_SIGN_EMPTY", stAuth}
	errSecretIDNotExist  = &Error{-79, "ERROR_PROXY_AUTH_SECRETID_NOEXIST", stAuth}
	errReplay            = &Error{-77, "ERROR_PROXY_AUTH_REPLAY_ATTACH", stForbidden}
	errOnceNoFileID      = &Error{-76, "ERROR_PROXY_AUTH_ONCESIGN_NOFILEID", stForbidden}
	errUnsupportedOp     = &Error{-75, "ERROR_PROXY_AUTH_UNSUPPORTED_OP", stBad}
	errMultiExpiredEmpty = &Error{-74, "ERROR_PROXY_AUTH_MULTISIGN_EXPIREDEMPTY", stForbidden}
	errOnceExpiredSet    = &Error{-73, "ERROR_PROXY_AUTH_ONCESIGN_EXPIREDNOTEMPTY", stForbidden}
	errAppIDNotMatch     = &Error{-70, "ERROR_PROXY_APPID_USERID_NOTMATCH", stForbidden}
	errFileIDNotMatch    = &Error{-63, "ERROR_PROXY_FILEID_NOTMATCH", stForbidden}
	errAppIDSecretID     = &Error{-62, "ERROR_PROXY_AUTH_APPID", stForbidden}
	errBucketNotMatch    = &Error{-61, "ERROR_PROXY_SIGN_BUCKET_NOTMATCH", stForbidden}

	// Files and directories (CMD 错误码).
	errFileNotExist     = &Error{-197, "ERROR_CMD_FILE_NOTEXIST", stNotFound}
	errCOS              = &Error{-181, "ERROR_CMD_COS_ERROR", stInternal}
	errInvalidPath      = &Error{-180, "ERROR_CMD_COS_INVALID_PATH", stBad}
	errPathConflict     = &Error{-178, "ERROR_CMD_COS_PATH_CONFLICT", stBad}
	errFileExist        = &Error{-177, "ERROR_CMD_COS_FILE_EXIST", stBad}
	errFileSizeNotEqu   = &Error{-175, "ERROR_CMD_COS_FILE_SIZE_NOT_EQU", stBad}
	errSHANotEqu        = &Error{-174, "ERROR_CMD_COS_SHA_NOT_EQU", stBad}
	errDirNotEmpty      = &Error{-173, "ERROR_CMD_COS_DIR_NOT_EMPTY", stBad}
	errInvalidListNum   = &Error{-170, "ERROR_CMD_COS_INVALID_LIST_NUM", stBad}
	errInvalidSHA       = &Error{-168, "ERROR_CMD_COS_INVALID_SHA", stBad}
	errListMaxNum       = &Error{-165, "ERROR_CMD_COS_MAX_NUM", stBad}
	errPathEmpty        = &Error{-164, "ERROR_CMD_PARAM_PATH_EMPTY", stBad}
	errPathMissing      = &Error{-163, "ERROR_CMD_PARAM_PATH_ELEMENT_MISSING", stBad}
	errDirMissingSlash  = &Error{-161, "ERROR_CMD_PARAM_PATH_DIR_MISSING_SLASH", stBad}
	errFileSurplusSlash = &Error{-160, "ERROR_CMD_PARAM_PAHT_FILE_SURPLUS_SLASH", stBad}
	errListMinNum       = &Error{-157, "ERROR_CMD_PARAM_MIN_NUM", stBad}

	// Uploads (文件缓存 and 文件插件 错误码).
	errInvalidOffset  = &Error{-290, "ERROR_PROCESS_OFFSET", stBad}
	errFileTooLarge   = &Error{-285, "ERROR_PROCESS_FILE_TOO_LARGE", stTooLarge}
	errWrongSliceSize = &Error{-284, "ERROR_PROCESS_WRONG_SLICE_SIZE", stBad}
	errSliceTooSmall  = &Error{-283, "ERROR_PROCESS_SLICE_TOO_SMALL", stBad}
	errOffsetToZero   = &Error{-4019, "ErrOffsetToZero", stBad}

	// Requests (CGI 错误码).
	errParam            = &Error{-5999, "ERROR_CGI_PARAM", stBad}
	errReqMethod        = &Error{-5996, "ERROR_CGI_REQ_METHOD", stBad}
	errFileSize         = &Error{-5995, "ERROR_CGI_FILESIZE", stBad}
	errFormErr          = &Error{-5993, "ERROR_CGI_FORM_ERR", stBad}
	errSliceTooLarge    = &Error{-5991, "ERROR_CGI_SLICE", stTooLarge}
	errMissingContent   = &Error{-5990, "ERROR_CGI_MISSING_FILECONTENT", stBad}
	errSHANotMatch      = &Error{-5984, "ERROR_CGI_SHA_NOT_MATCH", stBad}
	errWrongSession     = &Error{-5983, "ERROR_CGI_WRONG_SESSION", stBad}
	errMissingOp        = &Error{-5980, "ERROR_CGI_PARAM_MISSING_OP", stBad}
	errJSONParse        = &Error{-5975, "ERROR_CGI_JSON_PARSE_ERROR", stBad}
	errCrossBucketCopy  = &Error{-5973, "ERROR_CGI_CROSS_BUCKET_COPY", stBad}
	errMissingFilesize  = &Error{-5971, "ERROR_CGI_PARAM_MISSING_FILESIZE", stBad}
	errRequestCancelled = &Error{-5989, "ERROR_CGI_UPLOAD_FAIL", stBad}
)

// errorTable maps core's errors. Every core error has a row; a test walks
// them all.
var errorTable = []struct {
	err error
	e   *Error
}{
	{core.ErrNoSuchBucket, errFileNotExist},
	{core.ErrBucketExists, errPathConflict},
	{core.ErrBucketAlreadyOwned, errPathConflict},
	{core.ErrBucketNotEmpty, errDirNotEmpty},
	{core.ErrInvalidBucketName, errPathMissing},
	{core.ErrNoSuchKey, errFileNotExist},
	{core.ErrNoSuchVersion, errFileNotExist},
	{core.ErrInvalidKey, errInvalidPath},
	{core.ErrKeyTooLong, errInvalidPath},
	{core.ErrMethodNotAllowed, errFileNotExist},
	{core.ErrObjectExists, errFileExist},
	{core.ErrMetadataTooLarge, errParam},
	{core.ErrInvalidVersionID, errParam},
	{core.ErrCopyToItself, errFileExist},
	{core.ErrObjectNotAppend, errParam},
	{core.ErrPositionMismatch, errParam},
	{core.ErrAppendTooLarge, errFileTooLarge},
	{core.ErrInvalidArgument, errParam},
	{core.ErrInvalidStorageCls, errParam},
	{core.ErrBadDigest, errSHANotEqu},
	{core.ErrIncompleteBody, errFileSizeNotEqu},
	{core.ErrEntityTooLarge, errFileTooLarge},
	{core.ErrEntityTooSmall, errSliceTooSmall},
	{core.ErrBodyRead, errRequestCancelled},
	{core.ErrNoSuchUpload, errWrongSession},
	{core.ErrInvalidPart, errFileSizeNotEqu},
	{core.ErrInvalidPartOrder, errInvalidOffset},
	{core.ErrInvalidPartNum, errInvalidOffset},
	{core.ErrAccessDenied, errAppIDSecretID},
	{core.ErrSSENotConfigured, errParam},
	{core.ErrSSEInvalidKey, errParam},
	{core.ErrSSECustomerKeyNeeded, errAppIDSecretID},
	{core.ErrSSECustomerKeyWrong, errAppIDSecretID},
	{core.ErrSSEKeyNotNeeded, errParam},
}

// toError maps any error to a JSON API error. Unknown errors become
// ERROR_CMD_COS_ERROR (the caller logs them); their text is not shown.
func toError(err error) (*Error, bool) {
	var je *Error
	if errors.As(err, &je) {
		return je, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.e, true
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errRequestCancelled, true
	}
	return errCOS, false
}
