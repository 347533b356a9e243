package local

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// fakeDB is a DBForCompaction with one compaction always waiting.
type fakeDB struct {
	allowed   int
	scheduled atomic.Int32
}

func (f *fakeDB) GetAllowedWithoutPermission() int { return f.allowed }
func (f *fakeDB) GetWaitingCompaction() (bool, pebble.WaitingCompaction) {
	return true, pebble.WaitingCompaction{}
}
func (f *fakeDB) Schedule(pebble.CompactionGrantHandle) bool { f.scheduled.Add(1); return true }

func TestGatedSchedulerGrantsNothingUntilOpen(t *testing.T) {
	db := &fakeDB{allowed: 2}
	s := newGatedScheduler()
	s.Register(2, db)
	if ok, _ := s.TrySchedule(); ok {
		t.Fatal("TrySchedule granted before Open")
	}
	time.Sleep(250 * time.Millisecond) // two ticks of the granting loop
	if n := db.scheduled.Load(); n != 0 {
		t.Fatalf("%d compactions granted before Open", n)
	}
	s.Open()
	deadline := time.Now().Add(5 * time.Second)
	for db.scheduled.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := db.scheduled.Load(); n != 2 {
		t.Fatalf("%d compactions granted after Open, want 2 (the allowance)", n)
	}
	if ok, _ := s.TrySchedule(); ok {
		t.Fatal("TrySchedule granted beyond the allowance")
	}
	s.Done()
	if ok, h := s.TrySchedule(); !ok || h == nil {
		t.Fatal("TrySchedule refused after a compaction finished")
	}
	s.Unregister()
	if ok, _ := s.TrySchedule(); ok {
		t.Fatal("TrySchedule granted after Unregister")
	}
}

// TestMetaCompactsAfterReopen: with the gate, a reopened store with
// compaction debt still compacts, and data written before survives.
func TestMetaCompactsAfterReopen(t *testing.T) {
	dir := t.TempDir()
	o := MetaOptions{MemTableBytes: 256 << 10, CacheBytes: 8 << 20}
	m, err := OpenMeta(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	val := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	write := func(m *Meta, n int) {
		for i := 0; i < n; i += 16 {
			b := m.NewBatch()
			for j := i; j < i+16; j++ {
				for k := range val {
					val[k] = byte(r.Uint32())
				}
				b.Set(fmt.Appendf(nil, "k%08d", r.IntN(1<<20)), val)
			}
			b.Set([]byte("last"), fmt.Appendf(nil, "%d", i))
			if err := m.Commit(context.Background(), b); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(m, 4000) // ~16 MiB through 256 KiB memtables
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m, err = OpenMeta(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if v, err := m.Get([]byte("last")); err != nil || string(v) != "3984" {
		t.Fatalf("after reopen: last = %q, %v", v, err)
	}
	before := m.db.Metrics().Compact.Count
	write(m, 2000)
	deadline := time.Now().Add(20 * time.Second)
	for m.db.Metrics().Compact.Count == before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if m.db.Metrics().Compact.Count == before {
		t.Fatalf("no compaction after reopen:\n%s", m.db.Metrics())
	}
}
