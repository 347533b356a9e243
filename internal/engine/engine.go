// Package engine defines the two small interfaces Arca's core stores everything
// through: Meta, an ordered key-value store with atomic durable batches, and
// Blobs, a store of immutable byte strings (object data too large to keep in
// Meta).
//
// Publish order is the invariant every pairing of Meta and Blobs relies on:
//
//	blob written and Committed (durable) -> Meta.Commit (durable) -> acknowledge
//
// A crash therefore leaves at most a blob that no metadata names (an orphan,
// reclaimed by a sweep), never metadata that names missing data.
//
// This package imports nothing from Arca. Implementations live in
// sub-packages (local: Pebble plus files); enginetest holds the suite every
// implementation must pass.
package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"time"
)

// ErrNotFound is returned by Meta.Get and Blobs.Open when the key or blob
// does not exist.
var ErrNotFound = errors.New("engine: not found")

// Meta is an ordered key-value store. Keys sort bytewise.
//
// Get and NewIter see every batch whose Commit has returned. Commit is atomic
// (all of a batch or none of it becomes visible) and durable when it returns
// nil: the batch survives a crash of the process or the machine. Concurrent
// Commits are allowed and are expected to share one sync (group commit).
//
// Meta gives no isolation between a read and a later Commit: callers that
// read-modify-write must serialise on the keys themselves (the core does,
// with per-key locks).
type Meta interface {
	// Get returns a copy of the value stored under key, or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// NewIter returns an iterator over keys in [lower, upper). A nil upper
	// means no upper bound. The caller must Close it.
	NewIter(lower, upper []byte) (Iter, error)
	// NewBatch returns an empty batch. A batch is not safe for concurrent use.
	NewBatch() Batch
	// Commit applies b atomically and returns after it is durable. The batch
	// must not be used afterwards.
	Commit(ctx context.Context, b Batch) error
	// Close releases the store. No call may follow.
	Close() error
}

// Batch collects writes for one atomic Commit. The store copies keys and
// values, so callers may reuse their slices after Set or Delete returns.
type Batch interface {
	Set(key, value []byte)
	Delete(key []byte)
	// Len is the number of operations added so far.
	Len() int
	// Discard releases a batch that will not be committed.
	Discard()
}

// Iter walks keys in order. Key and Value are valid until the next move and
// must be copied to be kept.
type Iter interface {
	// SeekGE moves to the first key >= key; it reports whether one exists.
	SeekGE(key []byte) bool
	// First moves to the first key in range.
	First() bool
	Next() bool
	Valid() bool
	Key() []byte
	Value() []byte
	// Error reports an I/O error hit while iterating.
	Error() error
	Close() error
}

// Blobs stores immutable byte strings addressed by ids that the store chooses.
type Blobs interface {
	// Create starts a new blob. The caller must end the writer with exactly
	// one Commit or Abort.
	Create(ctx context.Context) (BlobWriter, error)
	// Open returns a reader over a committed blob. The caller must Close it.
	Open(id string) (Blob, error)
	// Delete removes a blob. Deleting a missing blob is not an error.
	Delete(id string) error
	// Walk calls fn for every blob present, committed or not, with the time
	// it was created. It is used to find orphans after a crash.
	Walk(fn func(id string, created time.Time) error) error
	Close() error
}

// BlobOrigin is implemented by Blobs that can tell which blobs this
// instance created. The orphan sweep uses it to leave alone the blobs of
// writes in flight in this process, and only those, instead of guessing from
// creation times.
type BlobOrigin interface {
	CreatedHere(id string) bool
}

// BlobWriter receives a blob's bytes.
type BlobWriter interface {
	io.Writer
	// ID is the blob's id, known from creation.
	ID() string
	// Commit makes the blob durable (data and its name) and returns its size.
	// On error nothing is committed and the writer is aborted.
	Commit() (size int64, err error)
	// Abort discards the blob. It is safe to call after Commit failed.
	Abort()
}

// Prober is implemented by metadata stores with a point lookup tuned for
// keys that are usually absent: a PUT of a new key looking for the key's
// current version. Probe answers like Get; it may read filters that Get
// skips because they rarely pay for keys that exist.
type Prober interface {
	Probe(key []byte) ([]byte, error)
}

// BlobFiller is implemented by BlobWriters that stage data in buffers of
// their own (the local engine's O_DIRECT writer): the caller reads into
// Buffer and reports how much it filled, instead of Write copying it there.
// Buffer returns the free part of the current staging buffer, or nil when
// the writer cannot lend one (then use Write); Filled(n) records that its
// first n bytes now hold the blob's next bytes (n <= len of the last Buffer)
// and may start writing them. The two may be mixed with Write.
type BlobFiller interface {
	Buffer() []byte
	Filled(n int) error
}

// Blob is a committed blob open for reading. It is safe for concurrent ReadAt.
type Blob interface {
	io.ReaderAt
	Size() int64
	Close() error
}

// FileBlob is implemented by blobs backed by an operating-system file, so
// that readers can hand the file to the kernel (sendfile) instead of copying.
type FileBlob interface {
	Blob
	File() *os.File
}
