package s3auth

import (
	"crypto/sha256"
	"strings"
	"sync"
)

// signingKeys remembers the signing keys of signatures that verified, so
// that the next request of the same credential on the same day (all of a
// client's requests, in practice) skips the four chained HMACs of
// SigningKey: about a third of a header signature's verification, and most
// of its allocations.
//
// Only a key that has just verified a signature is stored, so a client that
// does not know the secret cannot fill the cache or push keys out of it.
// Entries are keyed by the secret itself, not the access key: a rotated
// secret never finds the old one's keys. The cache is bounded: when full it
// is emptied and refills from the requests that follow.
var signingKeys = keyCache{max: 1024}

// maxCachedScope bounds date+region+service of a cached key; a scope
// longer than any real one is derived every time.
const maxCachedScope = 128

type keyCache struct {
	mu  sync.RWMutex
	m   map[scopeKey][sha256.Size]byte
	max int
}

type scopeKey struct{ secret, date, region, service string }

// get returns SigningKey(secretKey, date, region, service) and whether it
// came from the cache.
func (c *keyCache) get(secretKey, date, region, service string) (key [sha256.Size]byte, cached bool) {
	c.mu.RLock()
	key, cached = c.m[scopeKey{secretKey, date, region, service}]
	c.mu.RUnlock()
	if !cached {
		copy(key[:], SigningKey(secretKey, date, region, service))
	}
	return key, cached
}

// put stores a key that has just verified a signature.
func (c *keyCache) put(secretKey, date, region, service string, key [sha256.Size]byte) {
	if len(date)+len(region)+len(service) > maxCachedScope {
		return
	}
	// Clones: the scope's strings are slices of the request's header.
	k := scopeKey{strings.Clone(secretKey), strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[scopeKey][sha256.Size]byte)
	}
	c.m[k] = key
	c.mu.Unlock()
}
