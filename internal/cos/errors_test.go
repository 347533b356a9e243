package cos

import (
	"fmt"
	"testing"

	"github.com/arcastore/arca/internal/core"
)

// TestEveryCoreErrorMapped walks every core error through the COS table.
func TestEveryCoreErrorMapped(t *testing.T) {
	for _, err := range core.Errors {
		e, known := toError(fmt.Errorf("wrapped: %w", err))
		if !known || e.Code == "InternalError" {
			t.Errorf("core error %q has no COS mapping", err)
		}
		if e.Status < 400 || e.Status > 599 {
			t.Errorf("core error %q maps to status %d", err, e.Status)
		}
	}
	if e, known := toError(fmt.Errorf("disk on fire")); known || e.Status != 500 {
		t.Errorf("unknown error = %+v, %v; want InternalError, unknown", e, known)
	}
}
