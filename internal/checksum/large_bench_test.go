package checksum

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLargeVsPlain hashes 1 MiB bodies in 64 KiB Writes (the size of
// an aws-chunked chunk) from several concurrent streams, with the plain
// Hasher (New) and the multi-lane one (NewLarge), and reports CPU time per
// MiB: what the choice costs the server, whatever the wall clock says on
// a shared machine.
func BenchmarkLargeVsPlain(b *testing.B) {
	data := benchData(1 << 20)
	for _, streams := range []int{1, 4, 8, 16} {
		for _, large := range []bool{false, true} {
			b.Run(fmt.Sprintf("streams=%d/large=%v", streams, large), func(b *testing.B) {
				b.SetBytes(int64(streams) << 20)
				cpu0 := rusageCPU()
				// Each stream hashes b.N bodies back to back, so that the
				// streams overlap as concurrent uploads do.
				var wg sync.WaitGroup
				for range streams {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range b.N {
							h := New()
							if large {
								h = NewLarge(false)
							}
							for off := 0; off < len(data); off += 64 << 10 {
								h.Write(data[off : off+64<<10])
							}
							h.Sum()
							h.Close()
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64((rusageCPU()-cpu0).Microseconds())/1000/float64(b.N*streams), "cpu-ms/MiB")
			})
		}
	}
}

func rusageCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
