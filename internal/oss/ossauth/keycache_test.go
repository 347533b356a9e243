package ossauth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// reset empties the cache.
func (c *keyCache) reset() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *keyCache) has(secretKey string, s Scope) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.m[scopeKey{secretKey, s}]
	return ok
}

func TestSigningKeyCache(t *testing.T) {
	const region = "xx-keycache-1" // no other test signs for it
	r := baseRequest()
	SignV4(r, testBucket, testKey, testCred, V4Options{Region: region}, testTime)
	a, err := FromRequest(r, testBucket, testKey)
	if err != nil {
		t.Fatal(err)
	}

	// A signature that does not verify leaves nothing behind.
	const wrong = "wrongAccessKeySecret000000000000"
	if err := a.Verify(r, wrong, testTime); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Fatalf("wrong secret: %v", err)
	}
	if signingKeys.has(wrong, a.Scope) {
		t.Error("a key that verified nothing was cached")
	}

	// One that verifies is cached, and verifies again from the cache.
	for range 2 {
		if err := a.Verify(r, testSK, testTime); err != nil {
			t.Fatal(err)
		}
	}
	key, cached := signingKeys.get(testSK, a.Scope)
	if !cached || !bytes.Equal(key[:], SigningKeyV4(testSK, a.Scope)) {
		t.Errorf("cached = %v, key = %x", cached, key)
	}
	// The cache is keyed by the secret: another secret (a rotated key)
	// still fails.
	if err := a.Verify(r, wrong, testTime); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Fatalf("wrong secret after caching: %v", err)
	}
}

func TestKeyCacheBounds(t *testing.T) {
	c := keyCache{max: 2}
	var k [32]byte
	for _, region := range []string{"r1", "r2", "r3"} {
		c.put("secret", Scope{"20240315", region, "oss"}, k)
	}
	if n := len(c.m); n == 0 || n > 2 {
		t.Errorf("%d entries in a cache of 2", n)
	}
	if !c.has("secret", Scope{"20240315", "r3", "oss"}) {
		t.Error("the newest key was not kept")
	}
	long := Scope{"20240315", strings.Repeat("r", maxCachedScope), "oss"}
	c.put("secret", long, k)
	if c.has("secret", long) {
		t.Error("a scope longer than maxCachedScope was cached")
	}
}
