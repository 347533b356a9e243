package local

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
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

// BenchmarkBlobWriteCommit creates a blob, writes 1 MiB in the 256 KiB
// pieces core uses, and commits it (fdatasync plus the shared directory
// fsync), from 1 and 4 concurrent writers.
func BenchmarkBlobWriteCommit(b *testing.B) {
	const size, piece = 1 << 20, 256 << 10
	data := randBytes(size)
	for _, writers := range []int{1, 4} {
		b.Run(fmt.Sprintf("1MiB/writers=%d", writers), func(b *testing.B) {
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
				if n, err := w.Commit(); err != nil || n != size {
					b.Fatalf("commit: %d, %v", n, err)
				}
			}
			b.SetBytes(size)
			b.ReportAllocs()
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
