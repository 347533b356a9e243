package core

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/arcastore/arca/internal/engine/local"
)

// go test -run '^$' -bench . -benchmem ./internal/core
//
// The store lives in b.TempDir(), so TMPDIR must be on the disk under test
// (not a tmpfs): every PutObject waits for real fsyncs.

func benchStore(b *testing.B) *Store {
	b.Helper()
	dir := b.TempDir()
	m, err := local.OpenMeta(dir+"/meta", local.MetaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	bl, err := local.OpenBlobs(dir + "/blobs")
	if err != nil {
		b.Fatal(err)
	}
	s, err := Open(Config{Meta: m, Blobs: bl})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); m.Close() })
	if _, err := s.CreateBucket(context.Background(), Bucket{Name: "bench", Owner: "1"}); err != nil {
		b.Fatal(err)
	}
	return s
}

var (
	benchMu  sync.Mutex
	benchBuf []byte
)

// benchData returns n random bytes, shared read-only between benchmarks.
func benchData(n int) []byte {
	benchMu.Lock()
	defer benchMu.Unlock()
	if len(benchBuf) < n {
		benchBuf = make([]byte, n)
		r := rand.NewChaCha8([32]byte{1})
		_, _ = r.Read(benchBuf)
	}
	return benchBuf[:n]
}

func benchPut(b *testing.B, s *Store, key string, data []byte) {
	_, err := s.PutObject(context.Background(), PutInput{
		Bucket: "bench", Key: key,
		Body: Body{R: bytes.NewReader(data), Size: int64(len(data))},
	})
	if err != nil {
		b.Fatal(err)
	}
}

// parallelism returns the SetParallelism factor that gives about n
// goroutines under RunParallel.
func parallelism(n int) int {
	return max(1, (n+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0))
}

// BenchmarkPutObject4KiB is a 4 KiB PUT, each to a new key: inline data in
// one synced Pebble batch per PUT. With one writer every PUT waits for its
// own WAL fsync; with 16 concurrent writers (RunParallel, parallelism set
// for 16 goroutines) concurrent batches share WAL fsyncs (group commit).
// ns/op is the aggregate cost, so 1e9/(ns/op) is PUTs per second.
func BenchmarkPutObject4KiB(b *testing.B) {
	data := benchData(4 << 10)
	b.Run("writers=1", func(b *testing.B) {
		s := benchStore(b)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			benchPut(b, s, "k/"+strconv.Itoa(i), data)
		}
	})
	b.Run("writers=16", func(b *testing.B) {
		s := benchStore(b)
		var n atomic.Int64
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.SetParallelism(parallelism(16))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				benchPut(b, s, "k/"+strconv.FormatInt(n.Add(1), 10), data)
			}
		})
	})
}

// BenchmarkPutObjectLarge is one writer streaming 1 MiB and 64 MiB bodies:
// a blob file (hashing, write, fdatasync, directory fsync) plus a synced
// metadata commit per PUT.
func BenchmarkPutObjectLarge(b *testing.B) {
	for _, size := range []int{1 << 20, 64 << 20} {
		b.Run(sizeName(size), func(b *testing.B) {
			s := benchStore(b)
			data := benchData(size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				benchPut(b, s, "k/"+strconv.Itoa(i), data)
			}
		})
	}
}

func sizeName(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + "MiB"
	}
	return strconv.Itoa(n>>10) + "KiB"
}

// BenchmarkOpenObject4KiB resolves the current version of a random one of
// 2,500 inline 4 KiB objects, opens it and reads it whole: the core part of
// a GET.
func BenchmarkOpenObject4KiB(b *testing.B) {
	const objects = 2500
	s := benchStore(b)
	data := benchData(4 << 10)
	fill(b, s, objects, data)
	ctx := context.Background()
	get := func(rng *rand.Rand, buf *bytes.Buffer) {
		key := benchKey(rng.IntN(objects))
		_, r, err := s.OpenObject(ctx, "bench", key, "", nil)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		if _, err := r.WriteTo(buf); err != nil {
			b.Fatal(err)
		}
		r.Close()
		if buf.Len() != len(data) {
			b.Fatalf("read %d bytes", buf.Len())
		}
	}
	b.Run("serial", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		var buf bytes.Buffer
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			get(rng, &buf)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var seed atomic.Uint64
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(seed.Add(1), 2))
			var buf bytes.Buffer
			for pb.Next() {
				get(rng, &buf)
			}
		})
	})
}

func benchKey(i int) string { return fmt.Sprintf("dir/obj-%05d", i) }

// fill puts n objects named benchKey(0..n-1) with 16 concurrent writers.
func fill(b *testing.B, s *Store, n int, data []byte) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				benchPut(b, s, benchKey(i), data)
			}
		})
	}
	wg.Wait()
}

// BenchmarkListObjects100 lists a page of 100 keys after a random marker in
// a bucket of 10,000 small objects: seek, scan, decode 100 records.
func BenchmarkListObjects100(b *testing.B) {
	const objects = 10000
	s := benchStore(b)
	fill(b, s, objects, benchData(1<<10))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	for b.Loop() {
		marker := benchKey(rng.IntN(objects - 101)) // leaves > 100 keys after it
		res, err := s.ListObjects(ctx, "bench", ListOptions{Marker: marker, MaxKeys: 100})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Objects) != 100 || !res.IsTruncated {
			b.Fatalf("page of %d, truncated %v", len(res.Objects), res.IsTruncated)
		}
	}
	b.ReportMetric(float64(b.N)*100/b.Elapsed().Seconds(), "keys/s")
}
