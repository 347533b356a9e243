package local

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Large blobs are written with O_DIRECT: the bytes go from the writer's
// buffer to the device without a copy into the page cache, which is CPU a
// large PUT otherwise spends twice (copy in, then writeback), and the
// final fdatasync finds little left to flush. The data is staged in
// aligned buffers of directBufSize and written by a goroutine while the
// next buffer fills, so receiving, hashing and the disk overlap. The tail
// that does not fill a whole alignment block is written through the page
// cache (O_DIRECT cleared) at Commit, before the fdatasync that makes the
// blob durable either way.
//
// Filesystems without O_DIRECT (tmpfs) refuse the open flag with EINVAL;
// Create then falls back to plain buffered writes.
const (
	directAlign   = 4096
	directBufSize = 1 << 20
)

var directBufs = sync.Pool{New: func() any {
	b := make([]byte, directBufSize+directAlign)
	off := int(-uintptr(unsafe.Pointer(&b[0])) & (directAlign - 1))
	b = b[off : off+directBufSize : off+directBufSize]
	return &b
}}

// directWriter stages writes for a file opened with O_DIRECT.
type directWriter struct {
	f    *os.File
	cur  *[]byte // the buffer being filled (len = bytes staged)
	off  int64   // file offset of cur's first byte
	jobs chan directJob
	free chan *[]byte // a buffer the goroutine has finished with
	done chan error   // the goroutine's first error, once jobs is closed
	err  error        // sticky
}

type directJob struct {
	buf *[]byte
	off int64
}

func newDirectWriter(f *os.File) *directWriter {
	b := directBufs.Get().(*[]byte)
	*b = (*b)[:0]
	return &directWriter{f: f, cur: b}
}

// Write stages p, handing full buffers to the writing goroutine.
func (d *directWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if d.err != nil {
			return 0, d.err
		}
		b := *d.cur
		c := copy(b[len(b):cap(b)], p)
		*d.cur = b[:len(b)+c]
		p = p[c:]
		if len(*d.cur) == cap(*d.cur) {
			d.handOff()
		}
	}
	return n, nil
}

// buffer returns the free part of the buffer being filled (see
// engine.BlobFiller).
func (d *directWriter) buffer() []byte {
	b := *d.cur
	return b[len(b):cap(b)]
}

// filled records that the first n bytes of the last buffer() hold data.
func (d *directWriter) filled(n int) error {
	if d.err != nil {
		return d.err
	}
	b := *d.cur
	if n < 0 || len(b)+n > cap(b) {
		return errors.New("local: filled past the staging buffer")
	}
	*d.cur = b[:len(b)+n]
	if len(*d.cur) == cap(*d.cur) {
		d.handOff()
	}
	return d.err
}

// handOff sends the full current buffer to the goroutine (started on the
// first one) and takes a free buffer to fill next.
func (d *directWriter) handOff() {
	if d.jobs == nil {
		d.jobs = make(chan directJob, 1)
		d.free = make(chan *[]byte, 2)
		d.done = make(chan error, 1)
		spare := directBufs.Get().(*[]byte)
		d.free <- spare
		go d.run()
	}
	d.jobs <- directJob{d.cur, d.off}
	d.off += int64(len(*d.cur))
	d.cur = <-d.free
	*d.cur = (*d.cur)[:0]
}

func (d *directWriter) run() {
	var first error
	for j := range d.jobs {
		if first == nil {
			_, first = d.f.WriteAt(*j.buf, j.off)
		}
		d.free <- j.buf
	}
	d.done <- first
}

// finish waits for the goroutine and writes what is staged: the aligned
// part directly, the rest through the page cache. It does not sync.
func (d *directWriter) finish() error {
	if d.err != nil {
		return d.err
	}
	if err := d.wait(); err != nil {
		return err
	}
	b := *d.cur
	aligned := len(b) &^ (directAlign - 1)
	if aligned > 0 {
		if _, err := d.f.WriteAt(b[:aligned], d.off); err != nil {
			return err
		}
	}
	if aligned < len(b) {
		if err := clearDirect(d.f); err != nil {
			return err
		}
		if _, err := d.f.WriteAt(b[aligned:], d.off+int64(aligned)); err != nil {
			return err
		}
	}
	return nil
}

// wait stops the goroutine, if any, and returns its error.
func (d *directWriter) wait() error {
	if d.jobs == nil {
		return nil
	}
	close(d.jobs)
	err := <-d.done
	close(d.free)
	for b := range d.free {
		directBufs.Put(b)
	}
	d.jobs = nil
	if err != nil {
		d.err = err
	}
	return err
}

// release returns the buffers; the writer is unusable afterwards.
func (d *directWriter) release() {
	d.wait()
	if d.cur != nil {
		directBufs.Put(d.cur)
		d.cur = nil
	}
	if d.err == nil {
		d.err = errors.New("local: blob writer released")
	}
}

// openDirect creates path for writing with O_DIRECT, or reports
// direct=false after creating it without when the filesystem refuses the
// flag.
func openDirect(path string) (f *os.File, direct bool, err error) {
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_DIRECT, 0o644)
	if err == nil {
		return f, true, nil
	}
	if !errors.Is(err, syscall.EINVAL) {
		return nil, false, err
	}
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	return f, false, err
}

// clearDirect turns O_DIRECT off on f, for an unaligned tail.
func clearDirect(f *os.File) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = raw.Control(func(fd uintptr) {
		var fl int
		if fl, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0); ferr == nil {
			_, ferr = unix.FcntlInt(fd, unix.F_SETFL, fl&^syscall.O_DIRECT)
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
