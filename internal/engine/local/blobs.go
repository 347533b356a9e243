package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/arcastore/arca/internal/engine"
)

// Blobs stores each blob as one file, blobs/<2 hex>/<32 hex>, written in
// place. Ids are random, so names never collide and never derive from object
// keys: nothing a client sends reaches a file path.
//
// A blob file that exists but that no metadata names is an orphan: an upload
// that failed (removed at once by Abort) or one cut short by a crash (left
// for the sweep at the next start, see core).
type Blobs struct {
	root    string
	epoch   string // hex suffix of every id this instance creates
	dirs    [256]dirSyncer
	created atomic.Uint64 // blobs created, for newID's directory
}

var (
	_ engine.Blobs      = (*Blobs)(nil)
	_ engine.BlobOrigin = (*Blobs)(nil)
	_ engine.BlobFiller = (*blobWriter)(nil)
)

// OpenBlobs opens (creating if needed) the blob store rooted at dir.
func OpenBlobs(dir string) (*Blobs, error) {
	var e [4]byte
	_, _ = rand.Read(e[:])
	b := &Blobs{root: dir, epoch: hex.EncodeToString(e[:])}
	b.created.Store(uint64(e[0]) * blobsPerDir) // start in a random directory
	for i := range b.dirs {
		p := filepath.Join(dir, fmt.Sprintf("%02x", i))
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
		b.dirs[i].path = p
	}
	if err := syncDir(dir); err != nil {
		return nil, err
	}
	return b, nil
}

// newID returns a directory byte and 11 random bytes, then the instance's
// epoch, hex-encoded, and the directory byte. The directory advances every
// blobsPerDir creations rather than at random, so that blobs created at the
// same time share a directory and the fsyncs that make their names durable
// coalesce (dirSyncer): with random directories, 8 concurrent 1 MiB PUTs
// made 8 directory fsyncs. Over time the directories fill evenly.
func (b *Blobs) newID() (string, byte) {
	var r [12]byte
	_, _ = rand.Read(r[:])
	r[0] = byte(b.created.Add(1) / blobsPerDir)
	return hex.EncodeToString(r[:]) + b.epoch, r[0]
}

// blobsPerDir is how many consecutive creations share a directory.
const blobsPerDir = 64

// CreatedHere implements engine.BlobOrigin: ids end with the epoch of the
// instance that created them, chosen at random when it opened.
func (b *Blobs) CreatedHere(id string) bool { return strings.HasSuffix(id, b.epoch) }

func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func (b *Blobs) path(id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("local: bad blob id %q", id)
	}
	return filepath.Join(b.root, id[:2], id), nil
}

// Create implements engine.Blobs. The directory entry is made durable in the
// background while the caller writes, and Commit waits for it.
func (b *Blobs) Create(ctx context.Context) (engine.BlobWriter, error) {
	id, first := b.newID()
	p := filepath.Join(b.root, id[:2], id)
	f, direct, err := openDirect(p)
	if err != nil {
		return nil, err
	}
	w := &blobWriter{id: id, f: f, path: p, dirDone: make(chan error, 1)}
	if direct {
		w.direct = newDirectWriter(f)
	}
	d := &b.dirs[first]
	go func() { w.dirDone <- d.sync() }()
	return w, nil
}

type blobWriter struct {
	id      string
	f       *os.File
	path    string
	n       int64
	dirDone chan error
	done    bool
	direct  *directWriter // stages the writes when the file is O_DIRECT (direct.go)
}

func (w *blobWriter) ID() string { return w.id }

// Buffer implements engine.BlobFiller when the file is O_DIRECT.
func (w *blobWriter) Buffer() []byte {
	if w.done || w.direct == nil || w.direct.err != nil {
		return nil
	}
	return w.direct.buffer()
}

// Filled implements engine.BlobFiller.
func (w *blobWriter) Filled(n int) error {
	if w.done || w.direct == nil {
		return errors.New("local: blob writer cannot lend buffers")
	}
	if err := w.direct.filled(n); err != nil {
		return err
	}
	w.n += int64(n)
	return nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	if w.done {
		return 0, errors.New("local: blob writer already finished")
	}
	var n int
	var err error
	if w.direct != nil {
		n, err = w.direct.Write(p)
	} else {
		n, err = w.f.Write(p)
	}
	w.n += int64(n)
	return n, err
}

func (w *blobWriter) Commit() (int64, error) {
	if w.done {
		return 0, errors.New("local: blob writer already finished")
	}
	var err error
	if w.direct != nil {
		err = w.direct.finish()
		w.direct.release()
	}
	if err == nil {
		err = fdatasync(w.f)
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if derr := <-w.dirDone; err == nil {
		err = derr
	}
	w.dirDone = nil
	if err != nil {
		w.done = true
		os.Remove(w.path)
		return 0, err
	}
	w.done = true
	return w.n, nil
}

func (w *blobWriter) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.direct != nil {
		w.direct.release()
	}
	w.f.Close()
	os.Remove(w.path)
	if w.dirDone != nil {
		go func(c chan error) { <-c }(w.dirDone)
	}
}

// Open implements engine.Blobs.
func (b *Blobs) Open(id string) (engine.Blob, error) {
	p, err := b.path(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, engine.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileBlob{f: f, size: st.Size()}, nil
}

type fileBlob struct {
	f    *os.File
	size int64
}

func (b *fileBlob) Size() int64                             { return b.size }
func (b *fileBlob) File() *os.File                          { return b.f }
func (b *fileBlob) Close() error                            { return b.f.Close() }
func (b *fileBlob) ReadAt(p []byte, off int64) (int, error) { return b.f.ReadAt(p, off) }

// Delete implements engine.Blobs. The removal is not synced: a blob that
// reappears after a crash is an orphan and the sweep reclaims it.
func (b *Blobs) Delete(id string) error {
	p, err := b.path(id)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Walk implements engine.Blobs.
func (b *Blobs) Walk(fn func(id string, created time.Time) error) error {
	for i := range b.dirs {
		ents, err := os.ReadDir(b.dirs[i].path)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if !validID(e.Name()) {
				continue
			}
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			if err := fn(e.Name(), info.ModTime()); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close implements engine.Blobs.
func (b *Blobs) Close() error { return nil }

// dirSyncer coalesces fsyncs of one directory: a caller's request is covered
// by any fsync that starts after the request was made, so concurrent creators
// share one fsync instead of queueing one each.
type dirSyncer struct {
	path string

	mu        sync.Mutex
	cond      *sync.Cond
	requested uint64 // sequence of the newest request
	durable   uint64 // every request <= durable is covered
	running   bool
}

func (d *dirSyncer) sync() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cond == nil {
		d.cond = sync.NewCond(&d.mu)
	}
	d.requested++
	mine := d.requested
	for d.durable < mine {
		if d.running {
			d.cond.Wait()
			continue
		}
		d.running = true
		target := d.requested
		d.mu.Unlock()
		err := syncDir(d.path)
		d.mu.Lock()
		d.running = false
		d.cond.Broadcast()
		if err != nil {
			return err
		}
		if target > d.durable {
			d.durable = target
		}
	}
	return nil
}

func syncDir(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func fdatasync(f *os.File) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return f.Sync()
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return serr
}
