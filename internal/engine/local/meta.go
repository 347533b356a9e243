// Package local is Arca's embedded storage engine: metadata in Pebble (an
// LSM key-value store with a write-ahead log whose syncs are shared by
// concurrent commits) and large object data in files on the same disk.
//
// Durability: Meta.Commit returns after Pebble has fsynced its WAL; a blob's
// Commit returns after the file's data and its directory entry are fsynced.
//
// This package imports engine only.
package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/arcastore/arca/internal/engine"
	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

// MetaOptions tune the Pebble store. The zero value is a valid configuration.
type MetaOptions struct {
	// CacheBytes is the block cache size (default 64 MiB).
	CacheBytes int64
	// MemTableBytes is the memtable size (default 32 MiB).
	MemTableBytes uint64
	// Logger receives Pebble's messages (default: slog.Default at debug level).
	Logger *slog.Logger
}

// Meta is the Pebble-backed engine.Meta.
type Meta struct {
	db        *pebble.DB
	closeOnce sync.Once
	closeErr  error
}

var (
	_ engine.Meta   = (*Meta)(nil)
	_ engine.Prober = (*Meta)(nil)
)

// OpenMeta opens (creating if needed) the metadata store in dir.
func OpenMeta(dir string, o MetaOptions) (*Meta, error) {
	if o.CacheBytes == 0 {
		o.CacheBytes = 64 << 20
	}
	if o.MemTableBytes == 0 {
		o.MemTableBytes = 32 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	// Pebble charges its memtables to the block cache: size the cache so
	// that CacheBytes remain for blocks beside two full memtables.
	cache := pebble.NewCache(o.CacheBytes + 2*int64(o.MemTableBytes))
	defer cache.Unref()
	opts := &pebble.Options{
		Cache:              cache,
		MemTableSize:       o.MemTableBytes,
		FormatMajorVersion: pebble.FormatNewest,
		Logger:             pebbleLogger{o.Logger.With("component", "pebble")},
	}
	// Bloom filters spare point lookups of absent keys (a PUT of a new key
	// looks for its current version) a read of every level.
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	// Value separation: values of at least 1 KiB (inline object data; object
	// records are a few hundred bytes and stay in the sstables) are written
	// once, at flush, to blob files that compactions reference instead of
	// rewriting. Without it every inline byte is rewritten at each LSM level,
	// and with a million 4 KiB objects compactions took 40% of the server's
	// CPU during a PUT load and halved its rate (bench/growth.sh).
	// MaxBlobReferenceDepth: objects arrive in random key order, so every
	// flush makes a blob file that overlaps the whole key space, and with a
	// depth of 10 compactions into L6 soon rewrote the values into new blob
	// files anyway (a third of the CPU of PUTs into a million-object store
	// was blob rewriting). At 64 that rewriting left the profile; PUTs into
	// that store ran 14-38% faster side by side, GETs and listings the same.
	opts.Experimental.ValueSeparationPolicy = func() pebble.ValueSeparationPolicy {
		return pebble.ValueSeparationPolicy{
			Enabled:               true,
			MinimumSize:           1 << 10,
			MaxBlobReferenceDepth: 64,
			RewriteMinimumAge:     5 * time.Minute,
			TargetGarbageRatio:    0.2,
		}
	}
	// Keep every table and blob file open: Pebble's default file cache
	// (1,000 files) is smaller than a store of a million 4 KiB objects
	// (about 600 sstables and 600 blob files), and a GET of a random object
	// then reopened a file and reread its index, a third of the GET's CPU.
	// Go raises the soft RLIMIT_NOFILE to the hard limit at start; use up to
	// half of it, leaving the rest to connections and blob files.
	opts.MaxOpenFiles = maxOpenFiles()
	// Compactions wait until Open has returned (see gatedScheduler).
	sched := newGatedScheduler()
	opts.Experimental.CompactionScheduler = sched
	db, err := pebble.Open(filepath.Clean(dir), opts)
	if err != nil {
		sched.Unregister()
		return nil, fmt.Errorf("open metadata store: %w", err)
	}
	sched.Open()
	return &Meta{db: db}, nil
}

// Get implements engine.Meta.
func (m *Meta) Get(key []byte) ([]byte, error) {
	v, closer, err := m.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, engine.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, nil
}

// Probe implements engine.Prober. Pebble's Get never reads the bloom
// filters of the bottom level (L6), where most keys of a large store live,
// so a lookup of an absent key reads an L6 index and data block; a
// prefix seek with UseL6Filters asks the filter first. With a million
// objects this cut a new-key PUT's server CPU by about 8% (bench/growth.sh).
func (m *Meta) Probe(key []byte) ([]byte, error) {
	it, err := m.db.NewIter(&pebble.IterOptions{UseL6Filters: true})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	if !it.SeekPrefixGE(key) || !bytes.Equal(it.Key(), key) {
		if err := it.Error(); err != nil {
			return nil, err
		}
		return nil, engine.ErrNotFound
	}
	v, err := it.ValueAndErr()
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), v...), nil
}

// NewIter implements engine.Meta.
func (m *Meta) NewIter(lower, upper []byte) (engine.Iter, error) {
	it, err := m.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, err
	}
	return iter{it}, nil
}

// NewBatch implements engine.Meta.
func (m *Meta) NewBatch() engine.Batch { return &batch{b: m.db.NewBatch()} }

// Commit implements engine.Meta. Pebble's commit pipeline lets concurrent
// synced commits share one WAL fsync, which is the group commit Arca relies
// on for small writes.
func (m *Meta) Commit(ctx context.Context, b engine.Batch) error {
	pb, ok := b.(*batch)
	if !ok {
		return errors.New("local: foreign batch")
	}
	defer pb.b.Close()
	if pb.b.Empty() {
		return nil
	}
	return pb.b.Commit(pebble.Sync)
}

// Close implements engine.Meta. Closing twice is harmless.
//
// It flushes the memtables first. Pebble does not at close, so the next
// open would replay the WAL and flush the replayed memtables (up to about
// 1.5 x MemTableBytes, 48 MiB) before it returns: a few hundred ms of the
// restart on a 2-core box, paid here instead, while no request is served.
// A failed flush loses nothing: the WAL still holds every commit.
func (m *Meta) Close() error {
	m.closeOnce.Do(func() {
		if err := m.db.Flush(); err != nil {
			m.closeErr = fmt.Errorf("flush at close: %w", err)
		}
		if err := m.db.Close(); err != nil && m.closeErr == nil {
			m.closeErr = err
		}
	})
	return m.closeErr
}

// maxOpenFiles is Pebble's open-file budget: half the process's file limit,
// between Pebble's default (1,000) and 65,536.
func maxOpenFiles() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 1000
	}
	return int(min(max(rl.Cur/2, 1000), 1<<16))
}

type batch struct{ b *pebble.Batch }

func (b *batch) Set(k, v []byte) { _ = b.b.Set(k, v, nil) }
func (b *batch) Delete(k []byte) { _ = b.b.Delete(k, nil) }
func (b *batch) Len() int        { return int(b.b.Count()) }
func (b *batch) Discard()        { _ = b.b.Close() }

type iter struct{ it *pebble.Iterator }

func (i iter) SeekGE(k []byte) bool { return i.it.SeekGE(k) }
func (i iter) First() bool          { return i.it.First() }
func (i iter) Next() bool           { return i.it.Next() }
func (i iter) Valid() bool          { return i.it.Valid() }
func (i iter) Key() []byte          { return i.it.Key() }
func (i iter) Value() []byte        { return i.it.Value() }
func (i iter) Error() error         { return i.it.Error() }
func (i iter) Close() error         { return i.it.Close() }

type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Debug(fmt.Sprintf(format, args...))
}
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...))
}
func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...))
	panic(fmt.Sprintf(format, args...))
}
