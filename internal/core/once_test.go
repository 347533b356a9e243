package core

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClaimOnce(t *testing.T) {
	s := newStore(t, 0)
	ctx := context.Background()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimOnce(ctx, "sig-1", time.Now().Add(time.Hour))
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won, want 1", wins.Load())
	}
	if ok, _ := s.ClaimOnce(ctx, "sig-2", time.Time{}); !ok {
		t.Fatal("a fresh token was refused")
	}
}
