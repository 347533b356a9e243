package local

import (
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// gatedScheduler is the Pebble compaction scheduler of a Meta: Pebble's
// default policy (run as many compactions as the DB asks for, re-offered
// every 100 ms and whenever one finishes), except that it grants none until
// opened.
//
// Why: pebble.Open, before it returns, waits for every compaction in progress
// to finish (it scans for obsolete files with compactions stopped). The
// default scheduler starts compactions as soon as the DB registers, early in
// Open, so a store left with compaction debt (after a bulk load, or after the
// flush of the memtables replayed from the WAL) made Open, and with it the
// server's start, wait for a whole compaction: 2.5 s with a million 4 KiB
// objects (bench/growth.sh). Held until Open returns, the compactions run
// after the start instead, in the background as usual.
type gatedScheduler struct {
	db   pebble.DBForCompaction
	poke chan struct{}
	stop chan struct{}

	mu           sync.Mutex
	cond         *sync.Cond // signalled when granting turns false
	open         bool
	unregistered bool
	granting     bool
	running      int
	stopOnce     sync.Once
}

var (
	_ pebble.CompactionScheduler   = (*gatedScheduler)(nil)
	_ pebble.CompactionGrantHandle = (*gatedScheduler)(nil)
)

func newGatedScheduler() *gatedScheduler {
	s := &gatedScheduler{poke: make(chan struct{}, 1), stop: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// Register implements pebble.CompactionScheduler.
func (s *gatedScheduler) Register(_ int, db pebble.DBForCompaction) {
	s.db = db
	go s.loop()
}

// Unregister implements pebble.CompactionScheduler: after it returns, the
// scheduler calls the DB no more.
func (s *gatedScheduler) Unregister() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unregistered = true
	for s.granting {
		s.cond.Wait()
	}
}

// Open lets compactions run.
func (s *gatedScheduler) Open() {
	s.mu.Lock()
	s.open = true
	s.mu.Unlock()
	s.nudge()
}

// TrySchedule implements pebble.CompactionScheduler. The DB calls it with
// its own mutex held, so it only reads the DB's allowance (an atomic).
func (s *gatedScheduler) TrySchedule() (bool, pebble.CompactionGrantHandle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unregistered || !s.open {
		return false, nil
	}
	if s.db.GetAllowedWithoutPermission() > s.running {
		s.running++
		return true, s
	}
	return false, nil
}

// UpdateGetAllowedWithoutPermission implements pebble.CompactionScheduler.
func (s *gatedScheduler) UpdateGetAllowedWithoutPermission() { s.nudge() }

// Started, MeasureCPU, CumulativeStats and Done implement
// pebble.CompactionGrantHandle (one handle serves every grant).
func (s *gatedScheduler) Started()                                          {}
func (s *gatedScheduler) MeasureCPU(pebble.CompactionGoroutineKind)         {}
func (s *gatedScheduler) CumulativeStats(pebble.CompactionGrantHandleStats) {}
func (s *gatedScheduler) Done() {
	s.mu.Lock()
	s.running--
	s.mu.Unlock()
	s.nudge()
}

func (s *gatedScheduler) nudge() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// loop offers waiting compactions their grants, every 100 ms and when
// nudged, as Pebble's ConcurrencyLimitScheduler does.
func (s *gatedScheduler) loop() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		case <-s.poke:
		}
		s.grant()
	}
}

func (s *gatedScheduler) grant() {
	s.mu.Lock()
	if s.unregistered || !s.open || s.granting {
		s.mu.Unlock()
		return
	}
	n := s.db.GetAllowedWithoutPermission() - s.running
	if n <= 0 {
		s.mu.Unlock()
		return
	}
	s.granting = true
	s.mu.Unlock()
	for ; n > 0; n-- {
		if waiting, _ := s.db.GetWaitingCompaction(); !waiting {
			break
		}
		if !s.db.Schedule(s) {
			break
		}
		s.mu.Lock()
		s.running++
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.granting = false
	s.cond.Broadcast()
	s.mu.Unlock()
}
