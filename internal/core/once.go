package core

import (
	"context"
	"encoding/binary"
	"errors"
	"time"

	"github.com/arcastore/arca/internal/engine"
)

// ClaimOnce records the use of a one-time token (a COS JSON API "once"
// signature, say) and reports whether this call was its first use. The
// record is durable before ClaimOnce returns true, so a token is accepted
// once across restarts and crashes too. until bounds how long the record
// must be kept (records past it may be purged); zero keeps it forever.
//
// Concurrent claims of one token: exactly one gets true.
func (s *Store) ClaimOnce(ctx context.Context, token string, until time.Time) (bool, error) {
	key := append([]byte("N/"), token...)
	unlock := s.lockKey("\x00once", token)
	defer unlock()
	if _, err := s.meta.Get(key); err == nil {
		return false, nil
	} else if !errors.Is(err, engine.ErrNotFound) {
		return false, err
	}
	var v []byte
	if !until.IsZero() {
		v = binary.BigEndian.AppendUint64(nil, uint64(until.Unix()))
	}
	b := s.meta.NewBatch()
	b.Set(key, v)
	if err := s.meta.Commit(ctx, b); err != nil {
		return false, err
	}
	return true, nil
}
