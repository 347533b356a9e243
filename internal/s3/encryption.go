package s3

import (
	"encoding/json"
	"encoding/xml"
	"strings"

	"github.com/arcastore/arca/internal/core"
)

// Bucket default encryption (PutBucketEncryption, GetBucketEncryption,
// DeleteBucketEncryption): the encryption an S3 upload into the bucket
// gets when it asks for none (PutObject, CreateMultipartUpload, CopyObject
// and POST Object; a request naming SSE-S3, SSE-KMS or SSE-C keeps its
// own). It is kept in the bucket's Configs under encryptionConfigKey as
// JSON. COS and OSS have no such setting in Arca: their uploads into the
// bucket are not affected.

const encryptionConfigKey = "s3-encryption"

// bucketEncryption is the stored default.
type bucketEncryption struct {
	Algorithm string `json:"alg"` // AES256 or aws:kms
	KMSKeyID  string `json:"kms,omitempty"`
	BucketKey bool   `json:"bk,omitempty"`
}

var errNoEncryptionConfig = &Error{Code: "ServerSideEncryptionConfigurationNotFoundError", Status: 404,
	Message: "The server side encryption configuration was not found"}

type xmlSSEDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

type xmlSSERule struct {
	Default          *xmlSSEDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled *bool          `xml:"BucketKeyEnabled"`
}

type xmlSSEConfig struct {
	XMLName xml.Name     `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration"`
	Rules   []xmlSSERule `xml:"Rule"`
}

type inSSEConfig struct {
	XMLName xml.Name     `xml:"ServerSideEncryptionConfiguration"`
	Rules   []xmlSSERule `xml:"Rule"`
}

// defaultEncryption returns a bucket's default encryption, or nil.
func defaultEncryption(b *core.Bucket) *bucketEncryption {
	raw, ok := b.Configs[encryptionConfigKey]
	if !ok {
		return nil
	}
	var e bucketEncryption
	if json.Unmarshal(raw, &e) != nil || e.Algorithm == "" {
		return nil
	}
	return &e
}

// request is the encryption the default gives an upload.
func (e *bucketEncryption) request() *core.SSERequest {
	if e == nil {
		return nil
	}
	if e.Algorithm == "aws:kms" {
		id := e.KMSKeyID
		if id == "" {
			id = core.DefaultKMSKeyID
		}
		return &core.SSERequest{Mode: core.SSEKMS, KMSKeyID: id}
	}
	return &core.SSERequest{Mode: core.SSEManaged}
}

func (c *call) putBucketEncryption() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	var in inSSEConfig
	if err := c.readXML(&in); err != nil {
		return err
	}
	if len(in.Rules) != 1 || in.Rules[0].Default == nil {
		return errMalformedXML
	}
	r := in.Rules[0]
	e := bucketEncryption{Algorithm: strings.TrimSpace(r.Default.SSEAlgorithm), KMSKeyID: strings.TrimSpace(r.Default.KMSMasterKeyID)}
	if r.BucketKeyEnabled != nil {
		e.BucketKey = *r.BucketKeyEnabled
	}
	switch e.Algorithm {
	case "AES256":
		if e.KMSKeyID != "" {
			return invalidArgument("ApplyServerSideEncryptionByDefault", "", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms":
	case "aws:kms:dsse":
		return errorf("NotImplemented", 501, "Dual-layer SSE-KMS is not implemented by Arca.")
	default:
		return errMalformedXML
	}
	raw, _ := json.Marshal(&e)
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		nb.Configs[encryptionConfigKey] = raw
		return nil
	}); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getBucketEncryption() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	e := defaultEncryption(b)
	if e == nil {
		return errNoEncryptionConfig
	}
	bk := e.BucketKey
	return writeXML(c.w, 200, xmlSSEConfig{Rules: []xmlSSERule{{
		Default:          &xmlSSEDefault{SSEAlgorithm: e.Algorithm, KMSMasterKeyID: e.KMSKeyID},
		BucketKeyEnabled: &bk,
	}}})
}

func (c *call) deleteBucketEncryption() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, encryptionConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}
