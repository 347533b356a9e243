package checksum

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"hash"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

// TestLaneMD5 checks the multi-lane MD5 against crypto/md5 for every length
// up to a few blocks past the padding boundaries and for large bodies
// written in uneven pieces.
func TestLaneMD5(t *testing.T) {
	if !haveMD5x8 {
		t.Skip("no AVX-512 here: newMD5 is crypto/md5")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for n := 0; n <= 300; n++ {
		h := newMD5()
		h.Write(data[:n])
		if got, want := h.Sum(nil), md5.Sum(data[:n]); !bytes.Equal(got, want[:]) {
			t.Fatalf("len %d: %x, want %x", n, got, want)
		}
	}
	for _, n := range []int{4095, 4096, 4097, 64 << 10, 100<<10 + 13, len(data)} {
		h := newMD5()
		for p := data[:n]; len(p) > 0; {
			k := min(len(p), 1+rng.IntN(70<<10))
			h.Write(p[:k])
			p = p[k:]
		}
		want := md5.Sum(data[:n])
		if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("len %d in pieces: %x, want %x", n, got, want)
		}
		// Sum does not disturb the state; Reset starts over.
		h.Reset()
		h.Write(data[:n])
		if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("len %d after Reset: %x, want %x", n, got, want)
		}
	}
}

// TestLaneMD5Concurrent runs more streams than lanes at once, with bodies of
// different lengths, so that the combiner fills lanes, queues streams,
// hands leadership over with lanes in flight, and drains.
func TestLaneMD5Concurrent(t *testing.T) {
	if !haveMD5x8 {
		t.Skip("no AVX-512 here: newMD5 is crypto/md5")
	}
	const streams = 24
	var wg sync.WaitGroup
	errs := make(chan string, streams)
	for g := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for round := 0; round < 20; round++ {
				n := rng.IntN(1 << 20)
				data := make([]byte, n)
				for i := range data {
					data[i] = byte(rng.Uint32())
				}
				h := newMD5()
				for p := data; len(p) > 0; {
					k := min(len(p), 1+rng.IntN(128<<10))
					h.Write(p[:k])
					p = p[k:]
				}
				want := md5.Sum(data)
				if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
					errs <- "stream mismatch"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	for i, c := range combiners {
		c.mu.Lock()
		if c.busy || c.n != 0 || len(c.queue) != 0 {
			t.Errorf("combiner %d not idle after all streams: busy=%v n=%d queued=%d", i, c.busy, c.n, len(c.queue))
		}
		c.mu.Unlock()
	}
}

// TestMD5x8Lanes drives the kernel directly: eight lanes with different
// data, some masked off, against crypto/md5 block by block.
func TestMD5x8Lanes(t *testing.T) {
	if !haveMD5x8 {
		t.Skip("no AVX-512 here")
	}
	const blocks = 5
	var bufs [8][]byte
	var st [4][8]uint32
	var ptrs [8]uintptr
	for i := range bufs {
		bufs[i] = make([]byte, blocks*64)
		for k := range bufs[i] {
			bufs[i][k] = byte(i*31 + k*7)
		}
		st[0][i], st[1][i], st[2][i], st[3][i] = md5Init[0], md5Init[1], md5Init[2], md5Init[3]
		ptrs[i] = uintptr(unsafe.Pointer(&bufs[i][0]))
	}
	const mask = 0b1011_0111 // lanes 3 and 6 off
	md5x8(&st, &ptrs, &md5K8, mask, blocks)
	for i := range bufs {
		if mask&(1<<i) == 0 {
			continue
		}
		d := newMD5().(*laneMD5)
		d.scalar(bufs[i])
		for w := range 4 {
			if st[w][i] != d.s[w] {
				t.Fatalf("lane %d word %d: %#x, crypto/md5 %#x", i, w, st[w][i], d.s[w])
			}
		}
	}
	runtime.KeepAlive(&bufs)
}

func FuzzLaneMD5(f *testing.F) {
	if !haveMD5x8 {
		f.Skip("no AVX-512 here")
	}
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{7}, 9000), uint16(5000))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		h := newMD5()
		k := min(int(split), len(data))
		h.Write(data[:k])
		h.Write(data[k:])
		want := md5.Sum(data)
		if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("%x, want %x", got, want)
		}
	})
}

// BenchmarkMD5Streams hashes 1 MiB bodies in 64 KiB writes from several
// goroutines at once (b.SetParallelism), crypto/md5 against the multi-lane
// MD5: go test ./internal/checksum -bench MD5Streams -cpu 2
func BenchmarkMD5Streams(b *testing.B) {
	body := make([]byte, 1<<20)
	for i := range body {
		body[i] = byte(i * 7)
	}
	for _, impl := range []struct {
		name string
		new  func() hash.Hash
	}{{"crypto-md5", md5.New}, {"lanes", newMD5}} {
		for _, par := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("%s/streams-per-cpu=%d", impl.name, par), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.SetParallelism(par)
				b.RunParallel(func(pb *testing.PB) {
					h := impl.new()
					for pb.Next() {
						h.Reset()
						for p := body; len(p) > 0; p = p[64<<10:] {
							h.Write(p[:64<<10])
						}
						h.Sum(nil)
					}
				})
			})
		}
	}
}
