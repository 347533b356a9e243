package ossauth

import (
	"crypto/sha256"
	"strings"
	"sync"
)

// signingKeys remembers the V4 signing keys of signatures that verified, so
// that the next request of the same credential on the same day (all of a
// client's requests, in practice) skips the four chained HMACs of
// SigningKeyV4: about a third of a V4 header signature's verification, and
// most of its allocations.
//
// Only a key that has just verified a signature is stored, so a client that
// does not know the secret cannot fill the cache or push keys out of it.
// Entries are keyed by the secret itself, not the access key: a rotated
// secret never finds the old one's keys. The cache is bounded: when full it
// is emptied and refills from the requests that follow.
var signingKeys = keyCache{max: 1024}

// maxCachedScope bounds date+region+product of a cached key; a scope
// longer than any real one is derived every time.
const maxCachedScope = 128

type keyCache struct {
	mu  sync.RWMutex
	m   map[scopeKey][sha256.Size]byte
	max int
}

type scopeKey struct {
	secret string
	scope  Scope
}

// get returns SigningKeyV4(secretKey, s) and whether it came from the
// cache.
func (c *keyCache) get(secretKey string, s Scope) (key [sha256.Size]byte, cached bool) {
	c.mu.RLock()
	key, cached = c.m[scopeKey{secretKey, s}]
	c.mu.RUnlock()
	if !cached {
		copy(key[:], SigningKeyV4(secretKey, s))
	}
	return key, cached
}

// put stores a key that has just verified a signature.
func (c *keyCache) put(secretKey string, s Scope, key [sha256.Size]byte) {
	if len(s.Date)+len(s.Region)+len(s.Product) > maxCachedScope {
		return
	}
	// Clones: the scope's strings are slices of the request's credential.
	k := scopeKey{strings.Clone(secretKey), Scope{strings.Clone(s.Date), strings.Clone(s.Region), strings.Clone(s.Product)}}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[scopeKey][sha256.Size]byte)
	}
	c.m[k] = key
	c.mu.Unlock()
}
