package core

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// Server-side encryption modes.
const (
	// SSEManaged encrypts with a data key wrapped by a key Arca derives from
	// its master key (COS SSE-COS, OSS/S3 AES256).
	SSEManaged = "AES256"
	// SSEKMS wraps the data key with a key-manager key named by KMSKeyID.
	// Arca's key manager is local: every key id names a key derived from the
	// master key, so any id works and the same id always gives the same key.
	SSEKMS = "KMS"
	// SSECustomer wraps the data key with the key the client sends with
	// every request (SSE-C); Arca keeps only the key's MD5.
	SSECustomer = "SSE-C"
)

// SSERequest asks for the encryption of new data.
type SSERequest struct {
	Mode       string
	KMSKeyID   string
	KMSContext string
	// CustomerKey is the 32-byte SSE-C key.
	CustomerKey []byte
}

// Encryption is how a version's (or an upload's) data is encrypted: with
// AES-256-CTR under a random data key, which is stored sealed (AES-256-GCM)
// under the key-encryption key the mode designates. Each extent has its own
// IV.
type Encryption struct {
	Mode           string `json:"m"`
	KMSKeyID       string `json:"k,omitempty"`
	KMSContext     string `json:"x,omitempty"`
	CustomerKeyMD5 string `json:"c,omitempty"` // base64
	SealedKey      []byte `json:"w"`
}

// CustomerKeyMD5 is the base64 MD5 of an SSE-C key, as headers carry it.
func CustomerKeyMD5(key []byte) string {
	sum := md5.Sum(key)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// DefaultKMSKeyID is the key id used when a KMS request names none.
const DefaultKMSKeyID = "arca-default-kms-key"

// kek derives the key-encryption key for a mode.
func (s *Store) kek(e *Encryption, customerKey []byte) ([]byte, error) {
	switch e.Mode {
	case SSECustomer:
		if len(customerKey) == 0 {
			return nil, ErrSSECustomerKeyNeeded
		}
		if len(customerKey) != 32 {
			return nil, ErrSSEInvalidKey
		}
		if CustomerKeyMD5(customerKey) != e.CustomerKeyMD5 {
			return nil, ErrSSECustomerKeyWrong
		}
		return customerKey, nil
	case SSEManaged, SSEKMS:
		if len(s.masterKey) == 0 {
			return nil, ErrSSENotConfigured
		}
		m := hmac.New(sha256.New, s.masterKey)
		if e.Mode == SSEManaged {
			m.Write([]byte("arca sse managed"))
		} else {
			m.Write([]byte("arca kms key\x00" + e.KMSKeyID))
		}
		return m.Sum(nil), nil
	}
	return nil, fmt.Errorf("core: unknown encryption mode %q", e.Mode)
}

func (e *Encryption) aad() []byte {
	return []byte(e.Mode + "\x00" + e.KMSKeyID + "\x00" + e.KMSContext)
}

// newEncryption makes a fresh data key for a request and returns it with its
// sealed record.
func (s *Store) newEncryption(r *SSERequest) (*Encryption, []byte, error) {
	e := &Encryption{Mode: r.Mode}
	switch r.Mode {
	case SSECustomer:
		if len(r.CustomerKey) != 32 {
			return nil, nil, ErrSSEInvalidKey
		}
		e.CustomerKeyMD5 = CustomerKeyMD5(r.CustomerKey)
	case SSEKMS:
		e.KMSKeyID, e.KMSContext = r.KMSKeyID, r.KMSContext
		if e.KMSKeyID == "" {
			e.KMSKeyID = DefaultKMSKeyID
		}
	case SSEManaged:
	default:
		return nil, nil, fmt.Errorf("%w: unknown encryption %q", ErrInvalidArgument, r.Mode)
	}
	kek, err := s.kek(e, r.CustomerKey)
	if err != nil {
		return nil, nil, err
	}
	dk := make([]byte, 32)
	if _, err := rand.Read(dk); err != nil {
		return nil, nil, err
	}
	gcm, err := newGCM(kek)
	if err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	e.SealedKey = gcm.Seal(nonce, nonce, dk, e.aad())
	return e, dk, nil
}

// dataKey unseals a version's data key.
func (s *Store) dataKey(e *Encryption, customerKey []byte) ([]byte, error) {
	kek, err := s.kek(e, customerKey)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(kek)
	if err != nil {
		return nil, err
	}
	ns := gcm.NonceSize()
	if len(e.SealedKey) < ns {
		return nil, errors.New("core: sealed data key is corrupt")
	}
	dk, err := gcm.Open(nil, e.SealedKey[:ns], e.SealedKey[ns:], e.aad())
	if err != nil {
		if e.Mode == SSECustomer {
			return nil, ErrSSECustomerKeyWrong
		}
		return nil, fmt.Errorf("core: unsealing data key: %w", err)
	}
	return dk, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// cryptor encrypts or decrypts one extent with AES-256-CTR.
type cryptor struct {
	key   []byte
	block cipher.Block
	iv    []byte
}

func newCryptor(dataKey []byte) (*cryptor, error) {
	b, err := aes.NewCipher(dataKey)
	if err != nil {
		return nil, err
	}
	return &cryptor{key: dataKey, block: b}, nil
}

// fresh returns a cryptor sharing the key with a new random IV.
func (c *cryptor) fresh() *cryptor {
	iv := make([]byte, aes.BlockSize)
	_, _ = rand.Read(iv)
	return c.withIV(iv)
}

// withIV returns a cryptor sharing the key with the given IV.
func (c *cryptor) withIV(iv []byte) *cryptor {
	return &cryptor{key: c.key, block: c.block, iv: iv}
}

// at returns a keystream positioned at byte offset off of the extent.
func (c *cryptor) at(off int64) cipher.Stream {
	ctr := make([]byte, aes.BlockSize)
	copy(ctr, c.iv)
	// Add off/16 to the 128-bit big-endian counter.
	blocks := uint64(off / aes.BlockSize)
	lo := binary.BigEndian.Uint64(ctr[8:])
	hi := binary.BigEndian.Uint64(ctr[:8])
	nlo := lo + blocks
	if nlo < lo {
		hi++
	}
	binary.BigEndian.PutUint64(ctr[8:], nlo)
	binary.BigEndian.PutUint64(ctr[:8], hi)
	s := cipher.NewCTR(c.block, ctr)
	if skip := int(off % aes.BlockSize); skip > 0 {
		var junk [aes.BlockSize]byte
		s.XORKeyStream(junk[:skip], junk[:skip])
	}
	return s
}

// sseETag is the ETag of an SSE-C object: not the plaintext's MD5 (which
// would leak a property of the plaintext to anyone who can list), but a
// keyed digest of it.
func sseETag(dataKey []byte, plainMD5 [16]byte) string {
	m := hmac.New(md5.New, dataKey)
	m.Write(plainMD5[:])
	return fmt.Sprintf("%x", m.Sum(nil))
}
