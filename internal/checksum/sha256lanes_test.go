package checksum

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSHA256Batch hashes many messages of assorted lengths, added in
// uneven pieces over several runs, and compares with crypto/sha256: lanes
// that finish early, refills from the queue, the SHA-NI tail and a digest
// added twice in one batch.
func TestSHA256Batch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for _, count := range []int{1, 7, 8, 9, 16, 17, 40} {
		msgs := make([][]byte, count)
		ds := make([]SHA256, count)
		left := make([][]byte, count)
		for i := range msgs {
			n := rng.IntN(70 << 10)
			if i%5 == 0 {
				n = 64 << 10
			}
			off := rng.IntN(len(data) - n)
			msgs[i] = data[off : off+n]
			left[i] = msgs[i]
			ds[i].Reset()
		}
		var b SHA256Batch
		for round := 0; ; round++ {
			added := false
			for i := range ds {
				if len(left[i]) == 0 {
					continue
				}
				k := min(len(left[i]), rng.IntN(40<<10)+1)
				b.Add(&ds[i], left[i][:k])
				left[i] = left[i][k:]
				added = true
				if rng.IntN(4) == 0 && len(left[i]) > 0 { // again in the same batch
					k := min(len(left[i]), rng.IntN(200)+1)
					b.Add(&ds[i], left[i][:k])
					left[i] = left[i][k:]
				}
			}
			b.Run()
			if !added {
				break
			}
		}
		for i := range ds {
			want := sha256.Sum256(msgs[i])
			if got := ds[i].Sum(nil); !bytes.Equal(got, want[:]) {
				t.Fatalf("%d messages, #%d (%d bytes): %x, want %x", count, i, len(msgs[i]), got, want)
			}
		}
	}
	// Every length around the padding boundaries, alone.
	for n := 0; n <= 200; n++ {
		var d SHA256
		d.Reset()
		var b SHA256Batch
		b.Add(&d, data[:n])
		b.Run()
		want := sha256.Sum256(data[:n])
		if got := d.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("len %d: %x, want %x", n, got, want)
		}
	}
}

// BenchmarkSHA256Batch hashes n messages of 64 KiB (a streaming upload's
// chunks) per run; bytes/s is over all of them, comparable with
// BenchmarkSHA256Stdlib.
func BenchmarkSHA256Batch(b *testing.B) {
	data := make([]byte, 16<<20)
	for _, n := range []int{4, 8, 16} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ds := make([]SHA256, n)
			var batch SHA256Batch
			b.SetBytes(int64(n) << 16)
			for b.Loop() {
				for i := range ds {
					ds[i].Reset()
					batch.Add(&ds[i], data[i<<16:(i+1)<<16])
				}
				batch.Run()
			}
		})
	}
}

func BenchmarkSHA256Stdlib(b *testing.B) {
	data := make([]byte, 64<<10)
	h := sha256.New()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h.Write(data)
	}
}
