// Package iam holds Arca's accounts and their keys: the root account and
// any others configured (each owns the buckets it creates).
//
// It imports no Arca package.
package iam

import (
	"crypto/subtle"
	"strings"
)

// Account is a principal with one access key pair.
type Account struct {
	// ID is the account's owner id: a COS UIN-style decimal string for the
	// root account, any string without spaces for others. Dialects render
	// it their own way (qcs::cam::uin/<id>:uin/<id> for COS, the canonical
	// user id for S3).
	ID        string
	AccessKey string
	SecretKey string
	// DisplayName is shown where a dialect names owners and grantees
	// (S3's DisplayName); "" shows the id.
	DisplayName string
	// Email, if set, lets ACL grants name the account by e-mail address
	// (S3's AmazonCustomerByEmail grantee).
	Email string
	// SessionToken, if set, makes the key pair temporary credentials:
	// requests signed with it must carry this token
	// (x-amz-security-token).
	SessionToken string
}

// Keyring finds accounts by access key. Implementations are safe for
// concurrent use.
type Keyring interface {
	Lookup(accessKey string) (*Account, bool)
}

// Directory finds accounts by id or e-mail address, for dialects that name
// owners and grantees. A Keyring may implement it.
type Directory interface {
	ByID(id string) (*Account, bool)
	ByEmail(email string) (*Account, bool)
}

// Static is a Keyring and Directory over a fixed set of accounts.
type Static []*Account

// Lookup implements Keyring.
func (s Static) Lookup(ak string) (*Account, bool) {
	for _, a := range s {
		if len(a.AccessKey) == len(ak) && subtle.ConstantTimeCompare([]byte(a.AccessKey), []byte(ak)) == 1 {
			return a, true
		}
	}
	return nil, false
}

// ByID implements Directory.
func (s Static) ByID(id string) (*Account, bool) {
	for _, a := range s {
		if a.ID == id {
			return a, true
		}
	}
	return nil, false
}

// ByEmail implements Directory; addresses compare case-insensitively.
func (s Static) ByEmail(email string) (*Account, bool) {
	for _, a := range s {
		if a.Email != "" && strings.EqualFold(a.Email, email) {
			return a, true
		}
	}
	return nil, false
}
