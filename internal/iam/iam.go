// Package iam holds Arca's accounts and their keys. Today there is one root
// account, which owns every bucket; the Keyring interface leaves room for
// more.
//
// It imports no Arca package.
package iam

import "crypto/subtle"

// Account is a principal with one access key pair.
type Account struct {
	// ID is the account's owner id: a COS UIN-style decimal string. Dialects
	// render it their own way (qcs::cam::uin/<id>:uin/<id> for COS).
	ID        string
	AccessKey string
	SecretKey string
}

// Keyring finds accounts by access key. Implementations are safe for
// concurrent use.
type Keyring interface {
	Lookup(accessKey string) (*Account, bool)
}

// Static is a Keyring over a fixed set of accounts.
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
