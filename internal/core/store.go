package core

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcastore/arca/internal/engine"
)

// Config assembles a Store. Meta and Blobs are required.
type Config struct {
	Meta  engine.Meta
	Blobs engine.Blobs
	// InlineMax is the largest object stored inline in Meta (default 64 KiB;
	// negative disables inlining).
	InlineMax int
	Logger    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// MasterKey (32 bytes) protects the data keys of server-side encrypted
	// objects. Without it, requests for SSE other than SSE-C fail.
	MasterKey []byte
}

// Store is the object model over one engine. It is safe for concurrent use.
type Store struct {
	meta      engine.Meta
	blobs     engine.Blobs
	inlineMax int
	log       *slog.Logger
	now       func() time.Time
	started   time.Time
	masterKey []byte

	keyLocks    [1024]sync.Mutex
	uploadLocks [256]sync.Mutex
	lockSeed    maphash.Seed
	bucketsMu   sync.Mutex // serialises bucket create/delete/update
	buckets     sync.Map   // name -> *bucketState

	seq      atomic.Uint64
	seqFloor atomic.Uint64 // persisted: every seq handed out is below it
	seqMu    sync.Mutex

	sweepDone chan struct{}
	closed    atomic.Bool
}

// bucketState is the cached record plus the lock that keeps a bucket from
// being deleted while an object write into it commits.
type bucketState struct {
	rec atomic.Pointer[Bucket]
	// live is read-locked by object writers for their commit and
	// write-locked by DeleteBucket.
	live sync.RWMutex
}

func newBucketState(b *Bucket) *bucketState {
	st := new(bucketState)
	st.rec.Store(b)
	return st
}

// Open builds a Store and starts the orphan sweep in the background.
func Open(cfg Config) (*Store, error) {
	if cfg.Meta == nil || cfg.Blobs == nil {
		return nil, errors.New("core: Meta and Blobs are required")
	}
	s := &Store{
		meta:      cfg.Meta,
		blobs:     cfg.Blobs,
		inlineMax: cfg.InlineMax,
		log:       cfg.Logger,
		now:       cfg.Now,
		lockSeed:  maphash.MakeSeed(),
		sweepDone: make(chan struct{}),
		masterKey: cfg.MasterKey,
	}
	if len(s.masterKey) != 0 && len(s.masterKey) != 32 {
		return nil, errors.New("core: the master key must be 32 bytes")
	}
	if s.inlineMax == 0 {
		s.inlineMax = 64 << 10
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.started = s.now()
	if err := s.initSeq(); err != nil {
		return nil, err
	}
	if err := s.loadBuckets(); err != nil {
		return nil, err
	}
	go s.sweepOrphans()
	return s, nil
}

// Close waits for the orphan sweep to stop. It does not close the engine.
func (s *Store) Close() error {
	s.closed.Store(true)
	<-s.sweepDone
	return nil
}

// SweepDone is closed when the startup orphan sweep has finished.
func (s *Store) SweepDone() <-chan struct{} { return s.sweepDone }

func (s *Store) lockKey(bucket, key string) func() {
	m := &s.keyLocks[s.stripe(bucket, key)]
	m.Lock()
	return m.Unlock
}

// --- sequence numbers ---
//
// Seqs order versions and name uploads. They follow wall-clock nanoseconds
// when the clock moves forward and are strictly increasing regardless: a
// floor persisted ahead of use keeps them increasing across restarts even if
// the clock goes back.

const seqFloorAhead = uint64(30 * time.Minute)

var keySeqFloor = []byte("S/seqfloor")

func (s *Store) initSeq() error {
	var floor uint64
	v, err := s.meta.Get(keySeqFloor)
	switch {
	case err == nil && len(v) == 8:
		floor = binary.BigEndian.Uint64(v)
	case err == nil || errors.Is(err, engine.ErrNotFound):
	default:
		return err
	}
	now := uint64(s.now().UnixNano())
	start := max(now, floor)
	s.seq.Store(start)
	return s.raiseFloor(start + seqFloorAhead)
}

func (s *Store) raiseFloor(to uint64) error {
	b := s.meta.NewBatch()
	b.Set(keySeqFloor, binary.BigEndian.AppendUint64(nil, to))
	if err := s.meta.Commit(context.Background(), b); err != nil {
		return err
	}
	s.seqFloor.Store(to)
	return nil
}

func (s *Store) nextSeq() (uint64, error) {
	for {
		cur := s.seq.Load()
		next := max(cur+1, uint64(s.now().UnixNano()))
		if next >= s.seqFloor.Load() {
			s.seqMu.Lock()
			if next >= s.seqFloor.Load() {
				if err := s.raiseFloor(next + seqFloorAhead); err != nil {
					s.seqMu.Unlock()
					return 0, err
				}
			}
			s.seqMu.Unlock()
		}
		if s.seq.CompareAndSwap(cur, next) {
			return next, nil
		}
	}
}

// --- keys ---

func bucketKey(b string) []byte { return append([]byte("B/"), b...) }

func objKey(b, k string) []byte {
	out := make([]byte, 0, 3+len(b)+len(k))
	out = append(out, "O/"...)
	out = append(out, b...)
	out = append(out, 0)
	return append(out, k...)
}

func objPrefix(b string) []byte { return append(append([]byte("O/"), b...), 0) }

func verPrefix(b, k string) []byte {
	out := make([]byte, 0, 12+len(b)+len(k))
	out = append(out, "V/"...)
	out = append(out, b...)
	out = append(out, 0)
	out = append(out, k...)
	return append(out, 0)
}

func verKey(b, k string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(verPrefix(b, k), ^seq)
}

func verBucketPrefix(b string) []byte { return append(append([]byte("V/"), b...), 0) }

func dataKey(id string) []byte { return append([]byte("D/"), id...) }
func refKey(id string) []byte  { return append([]byte("R/"), id...) }

func uploadKey(b, k, id string) []byte {
	out := append([]byte("U/"), b...)
	out = append(out, 0)
	out = append(out, k...)
	out = append(out, 0)
	return append(out, id...)
}

func uploadBucketPrefix(b string) []byte { return append(append([]byte("U/"), b...), 0) }

func partPrefix(uploadID string) []byte { return append(append([]byte("P/"), uploadID...), 0) }

func partKey(uploadID string, n int) []byte {
	return binary.BigEndian.AppendUint32(partPrefix(uploadID), uint32(n))
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// --- records ---

func encode(v any) []byte {
	if o, ok := v.(*Object); ok {
		return encodeObject(o)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("core: encoding %T: %v", v, err))
	}
	return b
}

func decodeObject(b []byte, bucket, key string) (*Object, error) {
	o := new(Object)
	var err error
	if len(b) > 0 && b[0] == objectCodecV1 {
		err = decodeObjectBinary(b, o)
	} else {
		err = json.Unmarshal(b, o) // records written before the binary form
	}
	if err != nil {
		return nil, fmt.Errorf("core: corrupt object record %s/%s: %w", bucket, key, err)
	}
	o.Bucket, o.Key = bucket, key
	return o, nil
}

// getObjectRecord reads the current version of bucket/key, or returns nil.
func (s *Store) getCurrent(bucket, key string) (*Object, error) {
	return s.lookupCurrent(bucket, key, false)
}

// probeCurrent is getCurrent for a key that is usually absent (a write's
// look at what it replaces): it uses the engine's Prober when it has one.
func (s *Store) probeCurrent(bucket, key string) (*Object, error) {
	return s.lookupCurrent(bucket, key, true)
}

func (s *Store) lookupCurrent(bucket, key string, probe bool) (*Object, error) {
	get := s.meta.Get
	if p, ok := s.meta.(engine.Prober); ok && probe {
		get = p.Probe
	}
	v, err := get(objKey(bucket, key))
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeObject(v, bucket, key)
}

// versionsOf returns every version of bucket/key, newest first.
func (s *Store) versionsOf(bucket, key string) ([]*Object, error) {
	p := verPrefix(bucket, key)
	it, err := s.meta.NewIter(p, prefixEnd(p))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []*Object
	for ok := it.First(); ok; ok = it.Next() {
		o, err := decodeObject(it.Value(), bucket, key)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, it.Error()
}

// --- orphan sweep ---

// sweepOrphans deletes blobs that no R/ key names and that no write in
// flight in this process may still name: leftovers of uploads a crash cut
// short. When the engine can tell which blobs this process created
// (engine.BlobOrigin), exactly those are spared; otherwise blobs modified
// since shortly before the start are.
func (s *Store) sweepOrphans() {
	defer close(s.sweepDone)
	origin, _ := s.blobs.(engine.BlobOrigin)
	cutoff := s.started.Add(-time.Second)
	var removed, kept int
	errStop := errors.New("stop")
	err := s.blobs.Walk(func(id string, created time.Time) error {
		if s.closed.Load() {
			return errStop
		}
		if origin != nil {
			if origin.CreatedHere(id) {
				return nil
			}
		} else if created.After(cutoff) {
			return nil
		}
		if _, err := s.meta.Get(refKey(id)); err == nil {
			kept++
			return nil
		} else if !errors.Is(err, engine.ErrNotFound) {
			return err
		}
		if err := s.blobs.Delete(id); err != nil {
			return err
		}
		removed++
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		s.log.Error("orphan sweep failed", "err", err)
		return
	}
	if removed > 0 {
		s.log.Info("orphan sweep reclaimed blobs", "removed", removed, "kept", kept)
	}
}
