package oss

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/core"
)

// TestEveryCoreErrorMapped walks every core error through the OSS table.
func TestEveryCoreErrorMapped(t *testing.T) {
	for _, err := range core.Errors {
		e, known := toError(fmt.Errorf("wrapped: %w", err))
		if !known || e.Code == "InternalError" {
			t.Errorf("core error %q has no OSS mapping", err)
		}
		if e.Status < 400 || e.Status > 599 {
			t.Errorf("core error %q maps to status %d", err, e.Status)
		}
	}
	if e, known := toError(fmt.Errorf("disk on fire")); known || e.Status != 500 {
		t.Errorf("unknown error = %+v, %v; want InternalError, unknown", e, known)
	}
}

// TestErrorBody checks the document's shape: Code, Message, RequestId,
// HostId, the extra elements, EC and RecommendDoc, in that order, and that
// it parses back.
func TestErrorBody(t *testing.T) {
	e := errNoSuchKey.with(Element{"Key", `a<b>&"c"`})
	body := string(e.body("534B371674E88A4D8906008B", "bkt.oss.example"))
	order := []string{"<Code>NoSuchKey</Code>", "<Message>", "<RequestId>534B371674E88A4D8906008B</RequestId>",
		"<HostId>bkt.oss.example</HostId>", "<Key>a&lt;b&gt;&amp;&quot;c&quot;</Key>", "<EC>0026-00000001</EC>", "<RecommendDoc>"}
	at := 0
	for _, s := range order {
		i := strings.Index(body[at:], s)
		if i < 0 {
			t.Fatalf("body lacks %s after offset %d:\n%s", s, at, body)
		}
		at += i
	}
	var parsed struct {
		Code, Message, RequestId, HostId, Key, EC string
	}
	if err := xml.Unmarshal([]byte(body), &parsed); err != nil || parsed.Key != `a<b>&"c"` || parsed.EC != "0026-00000001" {
		t.Fatalf("parsed = %+v, %v", parsed, err)
	}
}
