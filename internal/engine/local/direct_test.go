package local

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"testing"
)

// TestDirectWrites writes blobs of sizes around the alignment and buffer
// boundaries in uneven pieces, through Write and through the lent staging
// buffer (BlobFiller) mixed, and reads them back byte for byte, and
// aborts some half-way: whatever the mix of direct writes, the
// goroutine's hand-offs and the buffered tail, the file holds exactly
// what was written, and an aborted one is gone.
func TestDirectWrites(t *testing.T) {
	bs, err := OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	probe, direct, err := openDirect(bs.root + "/probe")
	if err != nil {
		t.Fatal(err)
	}
	probe.Close()
	if !direct {
		t.Log("this filesystem refuses O_DIRECT: testing the buffered fallback")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 3*directBufSize+directBufSize/2+123)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	sizes := []int{0, 1, directAlign - 1, directAlign, directAlign + 1, directBufSize - 1, directBufSize,
		directBufSize + 1, 2*directBufSize + directAlign, len(data)}
	for _, size := range sizes {
		for _, abort := range []bool{false, true} {
			w, err := bs.Create(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if (w.(*blobWriter).direct != nil) != direct {
				t.Fatalf("size %d: direct writer %v, filesystem direct %v", size, w.(*blobWriter).direct != nil, direct)
			}
			filler := w.(*blobWriter)
			for p := data[:size]; len(p) > 0; {
				n := min(len(p), 1+rng.IntN(300<<10))
				// Half the time fill the lent staging buffer instead
				// (engine.BlobFiller), as core does for request bodies.
				if buf := filler.Buffer(); rng.IntN(2) == 0 && len(buf) > 0 {
					n = copy(buf[:min(n, len(buf))], p)
					if err := filler.Filled(n); err != nil {
						t.Fatal(err)
					}
				} else if _, err := w.Write(p[:n]); err != nil {
					t.Fatal(err)
				}
				p = p[n:]
				if abort && len(p) < size/2 {
					break
				}
			}
			if abort {
				w.Abort()
				if _, err := os.Stat(w.(*blobWriter).path); !os.IsNotExist(err) {
					t.Fatalf("size %d: aborted blob still there: %v", size, err)
				}
				continue
			}
			n, err := w.Commit()
			if err != nil || n != int64(size) {
				t.Fatalf("size %d: Commit = %d, %v", size, n, err)
			}
			b, err := bs.Open(w.ID())
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(io.NewSectionReader(b, 0, 1<<40))
			b.Close()
			if err != nil || !bytes.Equal(got, data[:size]) {
				t.Fatalf("size %d: read back %d bytes (%v), want the %d written", size, len(got), err, size)
			}
			if _, err := w.Write([]byte("x")); err == nil {
				t.Fatalf("size %d: Write after Commit succeeded", size)
			}
		}
	}
}
