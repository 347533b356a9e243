package cos

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// COS server-side encryption headers (and form fields of POST Object).
const (
	hSSE            = "x-cos-server-side-encryption"
	hSSEKMSKeyID    = "x-cos-server-side-encryption-cos-kms-key-id"
	hSSEContext     = "x-cos-server-side-encryption-context"
	hSSECAlgorithm  = "x-cos-server-side-encryption-customer-algorithm"
	hSSECKey        = "x-cos-server-side-encryption-customer-key"
	hSSECKeyMD5     = "x-cos-server-side-encryption-customer-key-MD5"
	copySourcePrefx = "x-cos-copy-source-"
)

// sseRequest reads the encryption a new object asks for from get (request
// headers or form fields, looked up case-insensitively).
func sseRequest(get func(string) string) (*core.SSERequest, error) {
	mode := strings.TrimSpace(get(hSSE))
	alg := strings.TrimSpace(get(hSSECAlgorithm))
	if mode != "" && alg != "" {
		return nil, errorf("InvalidArgument", 400, "Server-side encryption with COS keys and with customer keys cannot be combined.")
	}
	switch {
	case alg != "":
		key, err := customerKey(get, "")
		if err != nil {
			return nil, err
		}
		return &core.SSERequest{Mode: core.SSECustomer, CustomerKey: key}, nil
	case mode == "":
		if get(hSSECKey) != "" || get(hSSECKeyMD5) != "" {
			return nil, errorf("InvalidArgument", 400, "%s is required with a customer key.", hSSECAlgorithm)
		}
		return nil, nil
	case strings.EqualFold(mode, "AES256"):
		return &core.SSERequest{Mode: core.SSEManaged}, nil
	case strings.EqualFold(mode, "cos/kms"):
		ctx := get(hSSEContext)
		if ctx != "" {
			if _, err := base64.StdEncoding.DecodeString(ctx); err != nil {
				return nil, errorf("InvalidArgument", 400, "%s must be base64-encoded JSON.", hSSEContext)
			}
		}
		return &core.SSERequest{Mode: core.SSEKMS, KMSKeyID: get(hSSEKMSKeyID), KMSContext: ctx}, nil
	}
	return nil, errorf("InvalidArgument", 400, "The encryption method specified is not supported: %s.", mode)
}

// customerKey reads and checks an SSE-C key (prefix "" for the object's own
// headers, copySourcePrefx for a copy source's). nil when none is given.
func customerKey(get func(string) string, prefix string) ([]byte, error) {
	// The copy-source headers drop the "x-cos-" of the plain ones.
	name := func(h string) string {
		if prefix == "" {
			return h
		}
		return prefix + strings.TrimPrefix(h, "x-cos-")
	}
	alg, k64, md5b64 := get(name(hSSECAlgorithm)), get(name(hSSECKey)), get(name(hSSECKeyMD5))
	if alg == "" && k64 == "" && md5b64 == "" {
		return nil, nil
	}
	if !strings.EqualFold(strings.TrimSpace(alg), "AES256") {
		return nil, errorf("InvalidArgument", 400, "The customer-key encryption algorithm must be AES256.")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k64))
	if err != nil || len(key) != 32 {
		return nil, errorf("InvalidArgument", 400, "The customer key must be a base64-encoded 256-bit key.")
	}
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(md5b64))
	sum := md5.Sum(key)
	if err != nil || string(want) != string(sum[:]) {
		return nil, errorf("InvalidArgument", 400, "The MD5 of the customer key does not match %s.", hSSECKeyMD5)
	}
	return key, nil
}

// sseHeaders echoes an object's encryption in the response.
func sseHeaders(h http.Header, e *core.Encryption) {
	if e == nil {
		return
	}
	switch e.Mode {
	case core.SSEManaged:
		h.Set(hSSE, "AES256")
	case core.SSEKMS:
		h.Set(hSSE, "cos/kms")
		h.Set(hSSEKMSKeyID, e.KMSKeyID)
	case core.SSECustomer:
		h.Set(hSSECAlgorithm, "AES256")
		h.Set(hSSECKeyMD5, e.CustomerKeyMD5)
	}
}

// headerGetter looks request headers up (http.Header.Get is already
// case-insensitive).
func headerGetter(h http.Header) func(string) string { return h.Get }
