package s3

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// S3 server-side encryption headers (UsingServerSideEncryption,
// UsingKMSEncryption, ServerSideEncryptionCustomerKeys). They are also
// POST form fields.
const (
	hSSE             = "x-amz-server-side-encryption"
	hSSEKMSKeyID     = "x-amz-server-side-encryption-aws-kms-key-id"
	hSSEContext      = "x-amz-server-side-encryption-context"
	hSSECAlgorithm   = "x-amz-server-side-encryption-customer-algorithm"
	hSSECKey         = "x-amz-server-side-encryption-customer-key"
	hSSECKeyMD5      = "x-amz-server-side-encryption-customer-key-MD5"
	copySourcePrefix = "x-amz-copy-source-"
)

// sseRequest reads the encryption a new object asks for from get (request
// headers or form fields): AES256 is SSE-S3 (core's managed keys), aws:kms
// is SSE-KMS with Arca's local key manager (any key id names a key), and
// the customer-key headers are SSE-C.
func sseRequest(get func(string) string) (*core.SSERequest, error) {
	mode := strings.TrimSpace(get(hSSE))
	alg := strings.TrimSpace(get(hSSECAlgorithm))
	if mode != "" && alg != "" {
		return nil, invalidArgument(hSSE, mode, "Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
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
			return nil, invalidArgument(hSSECAlgorithm, "", "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.")
		}
		if get(hSSEKMSKeyID) != "" {
			return nil, invalidArgument(hSSEKMSKeyID, get(hSSEKMSKeyID), "x-amz-server-side-encryption-aws-kms-key-id is only valid with x-amz-server-side-encryption: aws:kms.")
		}
		return nil, nil
	case mode == "AES256":
		if get(hSSEKMSKeyID) != "" {
			return nil, invalidArgument(hSSEKMSKeyID, get(hSSEKMSKeyID), "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
		}
		return &core.SSERequest{Mode: core.SSEManaged}, nil
	case mode == "aws:kms":
		ctx := get(hSSEContext)
		if ctx != "" {
			raw, err := base64.StdEncoding.DecodeString(ctx)
			if err != nil || !json.Valid(raw) {
				return nil, invalidArgument(hSSEContext, ctx, "The encryption context must be base64-encoded JSON.")
			}
		}
		id := get(hSSEKMSKeyID)
		if id == "" {
			id = core.DefaultKMSKeyID
		}
		return &core.SSERequest{Mode: core.SSEKMS, KMSKeyID: id, KMSContext: ctx}, nil
	}
	return nil, invalidArgument(hSSE, mode, "The encryption method specified is not supported")
}

// customerKey reads and checks an SSE-C key: the object's own headers
// (prefix "") or a copy source's (copySourcePrefix). nil when none is
// given.
func customerKey(get func(string) string, prefix string) ([]byte, error) {
	name := func(h string) string {
		if prefix == "" {
			return h
		}
		return prefix + strings.TrimPrefix(h, "x-amz-")
	}
	alg, k64, md5b64 := get(name(hSSECAlgorithm)), get(name(hSSECKey)), get(name(hSSECKeyMD5))
	if alg == "" && k64 == "" && md5b64 == "" {
		return nil, nil
	}
	if alg == "" {
		return nil, invalidArgument(name(hSSECAlgorithm), "", "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.")
	}
	if alg != "AES256" {
		return nil, invalidArgument(name(hSSECAlgorithm), alg, "The encryption algorithm specified is not valid.")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k64))
	if err != nil || len(key) != 32 {
		return nil, invalidArgument(name(hSSECKey), "", "The secret key was invalid for the specified algorithm.")
	}
	if md5b64 == "" {
		return nil, invalidArgument(name(hSSECKeyMD5), "", "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.")
	}
	want, err := base64.StdEncoding.DecodeString(strings.TrimSpace(md5b64))
	sum := md5.Sum(key)
	if err != nil || string(want) != string(sum[:]) {
		return nil, invalidArgument(name(hSSECKeyMD5), "", "The calculated MD5 hash of the key did not match the hash that was provided.")
	}
	return key, nil
}

// sseHeaders echoes an object's (or upload's) encryption in a response.
func sseHeaders(h http.Header, e *core.Encryption) {
	if e == nil {
		return
	}
	switch e.Mode {
	case core.SSEManaged:
		h.Set(hSSE, "AES256")
	case core.SSEKMS:
		h.Set(hSSE, "aws:kms")
		h.Set(hSSEKMSKeyID, e.KMSKeyID)
		if e.KMSContext != "" {
			h.Set(hSSEContext, e.KMSContext)
		}
	case core.SSECustomer:
		h.Set(hSSECAlgorithm, "AES256")
		h.Set(hSSECKeyMD5, e.CustomerKeyMD5)
	}
}

// refuseSSEOnRead refuses the SSE-S3 and SSE-KMS headers on a read: S3
// decrypts such objects by itself, and a GET or HEAD that names them is a
// 400 (only SSE-C keys are sent to read).
func refuseSSEOnRead(get func(string) string) error {
	for _, h := range []string{hSSE, hSSEKMSKeyID, hSSEContext} {
		if v := get(h); v != "" {
			return invalidArgument(h, v, "x-amz-server-side-encryption header is not supported for this operation.")
		}
	}
	return nil
}
