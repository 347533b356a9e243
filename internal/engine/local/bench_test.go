package local

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// go test -run '^$' -bench . -benchmem ./internal/engine/local
//
// Stores live in b.TempDir(), so TMPDIR must be on the disk under test (not a
// tmpfs): Commit waits for real fsyncs.

func benchMeta(b *testing.B) *Meta {
	b.Helper()
	m, err := OpenMeta(b.TempDir(), MetaOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

func randBytes(n int) []byte {
	buf := make([]byte, n)
	r := rand.NewChaCha8([32]byte{2})
	_, _ = r.Read(buf)
	return buf
}

// BenchmarkMetaCommit commits small synced batches shaped like a 4 KiB PUT
// (two ~300-byte records and 4 KiB of inline data) from 1, 16 and 64
// concurrent writers. With more than one writer Pebble's commit pipeline
// lets concurrent batches share one WAL fsync; ns/op is the aggregate cost,
// so 1e9/(ns/op) is commits per second.
func BenchmarkMetaCommit(b *testing.B) {
	rec := randBytes(300)
	inline := randBytes(4 << 10)
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			m := benchMeta(b)
			var n atomic.Int64
			commit := func() {
				k := strconv.FormatInt(n.Add(1), 10)
				batch := m.NewBatch()
				batch.Set([]byte("O/bench\x00k/"+k), rec)
				batch.Set([]byte("V/bench\x00k/"+k+"\x00seq00000"), rec)
				batch.Set([]byte("D/i"+k), inline)
				if err := m.Commit(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(2*len(rec) + len(inline)))
			b.ReportAllocs()
			if writers == 1 {
				for b.Loop() {
					commit()
				}
				return
			}
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism(max(1, (writers+procs-1)/procs))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					commit()
				}
			})
		})
	}
}

// BenchmarkBlobWriteCommit creates a blob, writes it in the 256 KiB
// pieces core uses, and commits it (fdatasync plus the shared directory
// fsync), from 1 and 4 concurrent writers, 1 MiB and 64 MiB blobs. It
// reports the process's CPU time per op (cpu-ms/op) beside the rate: on a
// shared machine the rate is noisy, the CPU a write costs much less so.
func BenchmarkBlobWriteCommit(b *testing.B) {
	const piece = 256 << 10
	data := randBytes(64 << 20)
	for _, c := range []struct{ size, writers int }{{1 << 20, 1}, {1 << 20, 4}, {64 << 20, 1}, {64 << 20, 4}} {
		size, writers := c.size, c.writers
		b.Run(fmt.Sprintf("%dMiB/writers=%d", size>>20, writers), func(b *testing.B) {
			bs, err := OpenBlobs(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			write := func() {
				w, err := bs.Create(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				for off := 0; off < size; off += piece {
					if _, err := w.Write(data[off : off+piece]); err != nil {
						b.Fatal(err)
					}
				}
				if n, err := w.Commit(); err != nil || n != int64(size) {
					b.Fatalf("commit: %d, %v", n, err)
				}
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu0 := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
			if writers == 1 {
				for b.Loop() {
					write()
				}
				return
			}
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism(max(1, (writers+procs-1)/procs))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					write()
				}
			})
		})
	}
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
