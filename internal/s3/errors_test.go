package s3

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/dialect"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// TestEveryCoreErrorMapped walks every core error through the S3 table.
func TestEveryCoreErrorMapped(t *testing.T) {
	for _, err := range append(core.Errors, dialect.ErrInvalidDigest, dialect.ErrMalformedXML) {
		e, known := toError(fmt.Errorf("wrapped: %w", err))
		if !known || e.Code == "InternalError" {
			t.Errorf("core error %q has no S3 mapping", err)
		}
		if e.Status < 400 || e.Status > 599 {
			t.Errorf("core error %q maps to status %d", err, e.Status)
		}
	}
	if e, known := toError(errors.New("disk on fire")); known || e.Status != 500 {
		t.Errorf("unknown error = %+v, %v; want InternalError, unknown", e, known)
	}
	// Errors of the body readers survive core's wrapping of read errors.
	wrapped := fmt.Errorf("%w: %w", core.ErrBodyRead, errBadChecksum(algorithmNamed("crc32")))
	if e, _ := toError(wrapped); e.Code != "BadDigest" {
		t.Errorf("a checksum mismatch inside a body read = %s, want BadDigest", e.Code)
	}
	wrapped = fmt.Errorf("%w: %w", core.ErrBodyRead, s3auth.ErrXAmzContentSHA256Mismatch)
	if e, _ := toError(wrapped); e.Code != "XAmzContentSHA256Mismatch" {
		t.Errorf("a payload hash mismatch inside a body read = %s", e.Code)
	}
	if e, _ := toError(fmt.Errorf("x: %w", io.ErrUnexpectedEOF)); e.Code != "InternalError" {
		t.Errorf("io error = %s", e.Code)
	}
}
