package s3auth

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

// reset empties the cache.
func (c *keyCache) reset() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (c *keyCache) has(secretKey, date, region, service string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.m[scopeKey{secretKey, date, region, service}]
	return ok
}

func TestSigningKeyCache(t *testing.T) {
	const region = "xx-keycache-1" // no other test signs for it
	r := httptest.NewRequest("GET", "http://bucket.s3.example.com/k", nil)
	SignV4(r, testCreds, region, t0, UnsignedPayload)
	r.RequestURI = r.URL.RequestURI()
	a, err := FromRequest(r)
	if err != nil {
		t.Fatal(err)
	}

	// A signature that does not verify leaves nothing behind.
	const wrong = "wrong/secret+key=000000000000000000000000"
	if err := a.Verify(r, wrong, t0); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Fatalf("wrong secret: %v", err)
	}
	if signingKeys.has(wrong, a.Date, region, "s3") {
		t.Error("a key that verified nothing was cached")
	}

	// One that verifies is cached, and verifies again from the cache.
	for range 2 {
		if err := a.Verify(r, testCreds.SecretKey, t0); err != nil {
			t.Fatal(err)
		}
	}
	key, cached := signingKeys.get(testCreds.SecretKey, a.Date, region, "s3")
	if !cached || !bytes.Equal(key[:], SigningKey(testCreds.SecretKey, a.Date, region, "s3")) {
		t.Errorf("cached = %v, key = %x", cached, key)
	}
	// The cache is keyed by the secret: another secret (a rotated key)
	// still fails.
	if err := a.Verify(r, wrong, t0); !errors.Is(err, ErrSignatureDoesNotMatch) {
		t.Fatalf("wrong secret after caching: %v", err)
	}
}

func TestKeyCacheBounds(t *testing.T) {
	c := keyCache{max: 2}
	var k [32]byte
	for _, region := range []string{"r1", "r2", "r3"} {
		c.put("secret", "20260102", region, "s3", k)
	}
	if n := len(c.m); n == 0 || n > 2 {
		t.Errorf("%d entries in a cache of 2", n)
	}
	if !c.has("secret", "20260102", "r3", "s3") {
		t.Error("the newest key was not kept")
	}
	long := strings.Repeat("r", maxCachedScope)
	c.put("secret", "20260102", long, "s3", k)
	if c.has("secret", "20260102", long, "s3") {
		t.Error("a scope longer than maxCachedScope was cached")
	}
}
