package core

import (
	"context"
	"crypto/cipher"
	"errors"
	"io"
	"os"

	"github.com/arcastore/arca/internal/engine"
)

// errStale means a record's data was replaced between reading the record and
// opening the data; the read is retried with the new record.
var errStale = errors.New("core: data replaced while opening")

// Decide is called with the version about to be read; it returns the byte
// range to read (offset, length) or an error (a failed precondition, an
// unsatisfiable range) that OpenObject returns as is.
type Decide func(o *Object) (offset, length int64, err error)

// OpenObject resolves a version (as GetObject does), lets decide pick the
// range, and opens exactly that data. The returned Reader sees the version
// decide was given, whole, even if it is replaced or deleted meanwhile. The
// caller must Close the Reader. When decide returns an error, the object is
// returned with it and the Reader is nil.
func (s *Store) OpenObject(ctx context.Context, bucket, key, version string, decide Decide) (*Object, *Reader, error) {
	return s.OpenObjectKey(ctx, bucket, key, version, nil, decide)
}

// OpenObjectKey is OpenObject with the SSE-C key the version needs (nil if
// none). An SSE-C version without its key, or with another key, fails with
// ErrSSECustomerKeyNeeded or ErrSSECustomerKeyWrong even when decide asks
// for no bytes (HEAD).
func (s *Store) OpenObjectKey(ctx context.Context, bucket, key, version string, customerKey []byte, decide Decide) (*Object, *Reader, error) {
	for attempt := 0; ; attempt++ {
		o, err := s.GetObject(ctx, bucket, key, version)
		if err != nil {
			return o, nil, err
		}
		off, n := int64(0), o.Size
		if decide != nil {
			if off, n, err = decide(o); err != nil {
				return o, nil, err
			}
		}
		r, err := s.open(o, off, n, customerKey)
		if errors.Is(err, errStale) && attempt < 5 {
			continue
		}
		return o, r, err
	}
}

type piece struct {
	inline []byte
	blob   engine.Blob
	off, n int64
	// stream decrypts the piece, positioned at its first byte (nil when the
	// object is not encrypted).
	stream cipher.Stream
}

// Reader streams a byte range of one object version. It implements
// io.WriterTo so that file-backed data can go to a socket with sendfile.
type Reader struct {
	pieces []piece
	i      int
}

func (s *Store) open(o *Object, off, n int64, customerKey []byte) (*Reader, error) {
	cr, err := s.cryptorOf(o.SSE, customerKey)
	if err != nil {
		return nil, err
	}
	r := &Reader{}
	if n <= 0 {
		return r, nil
	}
	pos := int64(0)
	for _, e := range o.Extents {
		start, end := pos, pos+e.Size
		pos = end
		if end <= off || start >= off+n {
			continue
		}
		lo := max(off, start) - start
		hi := min(off+n, end) - start
		var stream cipher.Stream
		if cr != nil {
			stream = cr.withIV(e.IV).at(lo)
		}
		if e.Inline {
			v, err := s.meta.Get(dataKey(e.ID))
			if errors.Is(err, engine.ErrNotFound) {
				r.Close()
				return nil, errStale
			}
			if err != nil {
				r.Close()
				return nil, err
			}
			if int64(len(v)) < hi {
				r.Close()
				return nil, errors.New("core: inline data shorter than its extent")
			}
			data := v[lo:hi]
			if stream != nil {
				stream.XORKeyStream(data, data)
			}
			r.pieces = append(r.pieces, piece{inline: data})
			continue
		}
		b, err := s.blobs.Open(e.ID)
		if errors.Is(err, engine.ErrNotFound) {
			r.Close()
			return nil, errStale
		}
		if err != nil {
			r.Close()
			return nil, err
		}
		r.pieces = append(r.pieces, piece{blob: b, off: lo, n: hi - lo, stream: stream})
	}
	return r, nil
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	for r.i < len(r.pieces) {
		pc := &r.pieces[r.i]
		if pc.blob == nil {
			if len(pc.inline) == 0 {
				r.i++
				continue
			}
			n := copy(p, pc.inline)
			pc.inline = pc.inline[n:]
			return n, nil
		}
		if pc.n == 0 {
			r.i++
			continue
		}
		if int64(len(p)) > pc.n {
			p = p[:pc.n]
		}
		n, err := pc.blob.ReadAt(p, pc.off)
		if pc.stream != nil {
			pc.stream.XORKeyStream(p[:n], p[:n])
		}
		pc.off += int64(n)
		pc.n -= int64(n)
		if err == io.EOF && pc.n > 0 {
			return n, io.ErrUnexpectedEOF
		}
		if err != nil && err != io.EOF {
			return n, err
		}
		return n, nil
	}
	return 0, io.EOF
}

// WriteTo implements io.WriterTo. File-backed pieces are copied with
// io.Copy from the file itself, so a net/http ResponseWriter can use
// sendfile.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for ; r.i < len(r.pieces); r.i++ {
		pc := &r.pieces[r.i]
		if pc.blob == nil {
			n, err := w.Write(pc.inline)
			total += int64(n)
			pc.inline = pc.inline[n:]
			if err != nil {
				return total, err
			}
			continue
		}
		if pc.stream != nil {
			n, err := r.copyDecrypted(w, pc)
			total += n
			if err != nil {
				return total, err
			}
			continue
		}
		var n int64
		var err error
		if fb, ok := pc.blob.(engine.FileBlob); ok {
			n, err = copyFile(w, fb.File(), pc.off, pc.n)
		} else {
			n, err = io.Copy(w, io.NewSectionReader(pc.blob, pc.off, pc.n))
		}
		total += n
		pc.off += n
		pc.n -= n
		if err != nil {
			return total, err
		}
		if pc.n > 0 {
			return total, io.ErrUnexpectedEOF
		}
	}
	return total, nil
}

// copyDecrypted writes an encrypted piece through a buffer.
func (r *Reader) copyDecrypted(w io.Writer, pc *piece) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var total int64
	for pc.n > 0 {
		m := min(int64(len(buf)), pc.n)
		k, err := pc.blob.ReadAt(buf[:m], pc.off)
		pc.stream.XORKeyStream(buf[:k], buf[:k])
		pc.off += int64(k)
		pc.n -= int64(k)
		if k > 0 {
			wn, werr := w.Write(buf[:k])
			total += int64(wn)
			if werr != nil {
				return total, werr
			}
		}
		if err != nil && pc.n > 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return total, err
		}
	}
	return total, nil
}

func copyFile(w io.Writer, f *os.File, off, n int64) (int64, error) {
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.Copy(w, io.LimitReader(f, n))
}

// Close releases the data. It is safe to call more than once.
func (r *Reader) Close() error {
	for i := range r.pieces {
		if r.pieces[i].blob != nil {
			r.pieces[i].blob.Close()
			r.pieces[i].blob = nil
			r.pieces[i].n = 0
		}
	}
	r.i = len(r.pieces)
	return nil
}
