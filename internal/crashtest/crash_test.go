package crashtest

import (
	"context"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load shape of TestCrashMidUpload.
const (
	crashWorkers   = 16
	crashCycles    = 3
	ownKeys        = 5 // keys each worker alone writes: w07/k3
	hotKeys        = 4 // keys every worker writes: hot/2
	crashBucket    = "crash1-" + appID
	tinyMax        = 4 << 10   // 0..4 KiB: stored inline
	mediumMin      = 100 << 10 // 100 KiB..2 MiB: one blob file
	mediumMax      = 2 << 20
	partMin        = 1 << 20 // COS's smallest part but the last
	sweepTimeout   = 10 * time.Second
	killAfterMin   = 250 * time.Millisecond
	killAfterRange = 1500 * time.Millisecond
)

// outcome is what the client knows about a write.
type outcome int

const (
	inFlight outcome = iota // no answer: the kill cut it off (it may or may not have committed)
	acked                   // 200 (204 for a DELETE)
	refused                 // an error status: must never become visible
)

// write is one PUT, DELETE or Complete Multipart Upload of a key.
type write struct {
	key        string
	c          *content  // nil for a DELETE
	start, end time.Time // end is zero while in flight
	outcome    outcome
	upload     *mpUpload // the upload a Complete finishes
}

// keyHistory is what one key went through in the current cycle.
type keyHistory struct {
	base   *content // content verified at the start of the cycle; nil: absent
	writes []*write
}

type mpPart struct {
	n      int
	ch     chunk
	etag   string
	answer outcome
}

type mpUpload struct {
	key       string
	id        string // "" when the Initiate was in flight at the kill
	parts     []*mpPart
	complete  *write
	initiated bool
}

// model records every write of a cycle; workers append to it, and the
// verifier reads it once they are all done.
type model struct {
	mu      sync.Mutex
	keys    map[string]*keyHistory
	uploads []*mpUpload
	seed    atomic.Uint64
}

func (m *model) add(w *write) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.keys[w.key]
	if h == nil {
		h = &keyHistory{}
		m.keys[w.key] = h
	}
	h.writes = append(h.writes, w)
}

func (m *model) addUpload(u *mpUpload) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.uploads = append(m.uploads, u)
}

// nextSeed gives every payload distinct bytes.
func (m *model) nextSeed() uint64 { return m.seed.Add(0x9e3779b97f4a7c15) }

// cycleStats are the counts a cycle reports.
type cycleStats struct {
	mu                                             sync.Mutex
	puts, mpus, parts, deletes                     int
	ackedPuts, ackedMPUs, ackedParts, ackedDeletes int
	inFlight                                       int
	ackedBytes                                     int64
	verified, fromInFlight, absentKeys             int
	blobs, uploadsLeft, partsLeft                  int
}

func (s *cycleStats) count(f func(*cycleStats)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

// loadRun is one cycle's load against one process.
type loadRun struct {
	t      *testing.T
	c      *cosClient
	m      *model
	st     *cycleStats
	killed atomic.Bool
}

// failed reports an unexpected error: before the kill every request must
// get an answer; after it, errors are what a killed server gives.
func (l *loadRun) failed(what string, err error) {
	if !l.killed.Load() {
		l.t.Errorf("%s failed before the kill: %v", what, err)
	}
}

func (l *loadRun) worker(w int, r *rand.Rand) {
	for !l.killed.Load() {
		var ok bool
		key := fmt.Sprintf("w%02d/k%d", w, r.IntN(ownKeys))
		switch op := r.IntN(100); {
		case op < 12:
			ok = l.multipart(key, r)
		case op < 18:
			if r.IntN(3) == 0 {
				key = fmt.Sprintf("hot/%d", r.IntN(hotKeys))
			}
			ok = l.delete(key)
		default:
			if r.IntN(4) == 0 {
				key = fmt.Sprintf("hot/%d", r.IntN(hotKeys))
			}
			size := r.IntN(tinyMax + 1)
			if r.IntN(100) < 45 {
				size = mediumMin + r.IntN(mediumMax-mediumMin+1)
			}
			ok = l.put(key, size)
		}
		if !ok {
			return
		}
	}
}

func (l *loadRun) put(key string, size int) bool {
	ch := chunk{seed: l.m.nextSeed(), size: size}
	w := &write{key: key, c: newContent([]chunk{ch}, false)}
	l.st.count(func(s *cycleStats) { s.puts++ })
	w.start = time.Now()
	l.m.add(w)
	resp, err := l.c.do(context.Background(), request{method: "PUT", bucket: crashBucket, key: key, body: ch.bytes()})
	if err != nil {
		l.failed("PUT "+key, err)
		return false
	}
	w.end = time.Now()
	if resp.status != 200 {
		w.outcome = refused
		l.t.Errorf("PUT %s (%d bytes): %s", key, size, resp)
		return false
	}
	w.outcome = acked
	if got := strings.Trim(resp.header.Get("ETag"), `"`); got != w.c.etag {
		l.t.Errorf("PUT %s: ETag %s, want %s", key, got, w.c.etag)
	}
	if got := resp.header.Get("x-cos-hash-crc64ecma"); got != strconv.FormatUint(w.c.crc, 10) {
		l.t.Errorf("PUT %s: x-cos-hash-crc64ecma %s, want %d", key, got, w.c.crc)
	}
	l.st.count(func(s *cycleStats) { s.ackedPuts++; s.ackedBytes += int64(size) })
	return true
}

// delete removes key; a delete is a write whose content is "absent".
func (l *loadRun) delete(key string) bool {
	w := &write{key: key}
	l.st.count(func(s *cycleStats) { s.deletes++ })
	w.start = time.Now()
	l.m.add(w)
	resp, err := l.c.do(context.Background(), request{method: "DELETE", bucket: crashBucket, key: key})
	if err != nil {
		l.failed("DELETE "+key, err)
		return false
	}
	w.end = time.Now()
	if resp.status != 204 {
		w.outcome = refused
		l.t.Errorf("DELETE %s: %s", key, resp)
		return false
	}
	w.outcome = acked
	l.st.count(func(s *cycleStats) { s.ackedDeletes++ })
	return true
}

func (l *loadRun) multipart(key string, r *rand.Rand) bool {
	u := &mpUpload{key: key}
	l.m.addUpload(u)
	l.st.count(func(s *cycleStats) { s.mpus++ })
	resp, err := l.c.do(context.Background(), initiateRequest(crashBucket, key))
	if err != nil {
		l.failed("Initiate "+key, err)
		return false
	}
	if resp.status != 200 {
		l.t.Errorf("Initiate %s: %s", key, resp)
		return false
	}
	if u.id, err = uploadID(resp); err != nil {
		l.t.Errorf("Initiate %s: %v", key, err)
		return false
	}
	u.initiated = true
	n := 2 + r.IntN(2)
	var chunks []chunk
	var etags []string
	for i := 1; i <= n; i++ {
		size := partMin + r.IntN(512<<10)
		if i == n {
			size = 1 + r.IntN(512<<10)
		}
		ch := chunk{seed: l.m.nextSeed(), size: size}
		body := ch.bytes()
		p := &mpPart{n: i, ch: ch, etag: md5hex(body)}
		u.parts = append(u.parts, p)
		l.st.count(func(s *cycleStats) { s.parts++ })
		resp, err := l.c.do(context.Background(), partRequest(crashBucket, key, u.id, i, body))
		if err != nil {
			l.failed("Upload Part "+key, err)
			return false
		}
		if resp.status != 200 {
			p.answer = refused
			l.t.Errorf("Upload Part %s #%d: %s", key, i, resp)
			return false
		}
		p.answer = acked
		if got := strings.Trim(resp.header.Get("ETag"), `"`); got != p.etag {
			l.t.Errorf("Upload Part %s #%d: ETag %s, want %s", key, i, got, p.etag)
		}
		l.st.count(func(s *cycleStats) { s.ackedParts++ })
		chunks = append(chunks, ch)
		etags = append(etags, p.etag)
	}
	w := &write{key: key, c: newContent(chunks, true), upload: u}
	u.complete = w
	w.start = time.Now()
	l.m.add(w)
	resp, err = l.c.do(context.Background(), completeRequest(crashBucket, key, u.id, etags))
	if err != nil {
		l.failed("Complete "+key, err)
		return false
	}
	w.end = time.Now()
	var res struct {
		XMLName xml.Name `xml:"CompleteMultipartUploadResult"`
		ETag    string   `xml:"ETag"`
	}
	if resp.status != 200 || xml.Unmarshal(resp.body, &res) != nil {
		w.outcome = refused
		l.t.Errorf("Complete %s: %s", key, resp)
		return false
	}
	w.outcome = acked
	if got := strings.Trim(res.ETag, `"`); got != w.c.etag {
		l.t.Errorf("Complete %s: ETag %s, want %s", key, got, w.c.etag)
	}
	if got := resp.header.Get("x-cos-hash-crc64ecma"); got != strconv.FormatUint(w.c.crc, 10) {
		l.t.Errorf("Complete %s: x-cos-hash-crc64ecma %s, want %d", key, got, w.c.crc)
	}
	l.st.count(func(s *cycleStats) { s.ackedMPUs++; s.ackedBytes += w.c.size })
	return true
}

// candidates returns the writes whose result key may show after the crash
// (a write with nil content is a delete: the key may be absent).
//
// A write is a candidate when it may have committed (acknowledged, or in
// flight at the kill: either old or new content is then allowed, never a mix)
// and no acknowledged write began after it was acknowledged (that write
// reached the server later and its per-key commit replaced it). The state at
// the start of the cycle counts as a write acknowledged before every write of
// the cycle.
func (h *keyHistory) candidates(cycleStart time.Time) []*write {
	all := append(slices.Clone(h.writes), &write{c: h.base, start: cycleStart, end: cycleStart, outcome: acked})
	var cands []*write
	for _, w := range all {
		if w.outcome == refused {
			continue
		}
		superseded := false
		if w.outcome == acked {
			for _, x := range all {
				if x.outcome == acked && x.start.After(w.end) {
					superseded = true
					break
				}
			}
		}
		if !superseded {
			cands = append(cands, w)
		}
	}
	return cands
}

func TestCrashMidUpload(t *testing.T) {
	arcaBinary(t)
	testStart := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ARCA_CRASHTEST_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ARCA_CRASHTEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (rerun with ARCA_CRASHTEST_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	data := t.TempDir()
	p := startArca(t, arcaOpts{data: data})
	c := p.client()
	c.createBucket(t, crashBucket)
	m := &model{keys: map[string]*keyHistory{}}
	m.seed.Store(seed)

	for cycle := 1; cycle <= crashCycles; cycle++ {
		killAfter := killAfterMin + time.Duration(rng.Int64N(int64(killAfterRange)))
		st := &cycleStats{}
		l := &loadRun{t: t, c: c, m: m, st: st}
		cycleStart := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < crashWorkers; w++ {
			wr := rand.New(rand.NewPCG(seed, uint64(cycle*1000+w)))
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.worker(w, wr)
			}()
		}
		time.Sleep(killAfter)
		l.killed.Store(true)
		p.kill()
		wg.Wait()
		c.close()
		if t.Failed() {
			t.FailNow()
		}
		for _, h := range m.keys {
			for _, w := range h.writes {
				if w.outcome == inFlight {
					st.inFlight++
				}
			}
		}
		for _, u := range m.uploads {
			for _, p := range u.parts {
				if p.answer == inFlight {
					st.inFlight++
				}
			}
			if !u.initiated {
				st.inFlight++
			}
		}

		// Restart at once, as a supervisor would: the sweep reclaims the
		// killed process's partial blobs however recent they are (see
		// TestOrphanSweepAfterFastRestart).
		restartStart := time.Now()
		p = startArca(t, arcaOpts{data: data})
		c = p.client()
		restartTook := time.Since(restartStart)

		verifyStart := time.Now()
		verifyCrash(t, c, m, st, data, cycleStart)
		t.Logf("cycle %d: killed %v into the load; PUTs %d (acked %d), DELETEs %d (acked %d), multipart uploads %d (completed %d), parts %d (acked %d), %.1f MiB acked; "+
			"in flight at the kill %d; restarted in %v; verified in %v: %d objects (%d from a write in flight at the kill), %d keys absent, "+
			"%d uploads with %d parts left (then aborted), %d blob files exactly",
			cycle, killAfter.Round(time.Millisecond), st.puts, st.ackedPuts, st.deletes, st.ackedDeletes, st.mpus, st.ackedMPUs, st.parts, st.ackedParts,
			float64(st.ackedBytes)/(1<<20), st.inFlight, restartTook.Round(time.Millisecond), time.Since(verifyStart).Round(time.Millisecond),
			st.verified, st.fromInFlight, st.absentKeys, st.uploadsLeft, st.partsLeft, st.blobs)
		if t.Failed() {
			t.FailNow()
		}
	}

	// Delete everything: no blob may remain.
	n := 0
	for key, h := range m.keys {
		if h.base != nil {
			c.must(t, 204, request{method: "DELETE", bucket: crashBucket, key: key})
			n++
		}
	}
	if got := c.listAll(t, crashBucket); len(got) != 0 {
		t.Fatalf("after deleting every object the listing still holds %d keys", len(got))
	}
	waitBlobCount(t, data, 0, sweepTimeout)
	took := p.stop(10 * time.Second)
	p = startArca(t, arcaOpts{data: data})
	c = p.client()
	if got := c.listAll(t, crashBucket); len(got) != 0 {
		t.Fatalf("after a restart the empty bucket lists %d keys", len(got))
	}
	if ups := c.listUploads(t, crashBucket); len(ups) != 0 {
		t.Fatalf("after a restart %d uploads are listed", len(ups))
	}
	waitBlobCount(t, data, 0, sweepTimeout)
	p.stop(10 * time.Second)
	t.Logf("deleted %d objects: blob store empty; graceful stop took %v; total %v", n, took.Round(time.Millisecond), time.Since(testStart).Round(time.Millisecond))
}

// verifyCrash checks the restarted server against the model, resolves each
// key to the content it holds for the next cycle, checks multipart uploads,
// waits for the orphan sweep to leave exactly the referenced blobs and
// aborts the uploads left over.
func verifyCrash(t *testing.T, c *cosClient, m *model, st *cycleStats, data string, cycleStart time.Time) {
	t.Helper()
	listed := c.listAll(t, crashBucket)
	resolved := map[string]*write{}
	wantBlobs := 0
	keys := make([]string, 0, len(m.keys))
	for k := range m.keys {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		h := m.keys[key]
		cands := h.candidates(cycleStart)
		absentOK := slices.ContainsFunc(cands, func(w *write) bool { return w.c == nil })
		resp, err := c.do(context.Background(), request{method: "GET", bucket: crashBucket, key: key})
		if err != nil {
			t.Fatalf("GET %s: %v", key, err)
		}
		var got *write
		switch resp.status {
		case 404:
			if !absentOK {
				t.Errorf("%s: acknowledged content lost, GET gives %s; candidates %s", key, resp, describe(cands))
			}
			st.absentKeys++
		case 200:
			var errs []string
			for _, w := range cands {
				if w.c == nil {
					continue
				}
				err := checkObject(resp, w.c)
				if err == nil {
					got = w
					break
				}
				errs = append(errs, err.Error())
			}
			if got == nil {
				t.Errorf("%s: content (%d bytes, ETag %s) is none of the allowed versions %s: %s",
					key, len(resp.body), resp.header.Get("ETag"), describe(cands), strings.Join(errs, "; "))
			}
		default:
			t.Errorf("GET %s: %s", key, resp)
		}
		lo, inList := listed[key]
		switch {
		case got == nil && inList && resp.status == 404:
			t.Errorf("%s: listed (%+v) but GET gives 404", key, lo)
		case got != nil && !inList:
			t.Errorf("%s: readable but not listed", key)
		case got != nil && (lo.etag != got.c.etag || lo.size != got.c.size):
			t.Errorf("%s: listed as %+v, holds %s", key, lo, got.c)
		}
		delete(listed, key)
		if got != nil {
			st.verified++
			if got.outcome == inFlight {
				st.fromInFlight++
			}
			resolved[key] = got
			h.base = got.c
			wantBlobs += got.c.blobCount()
		} else {
			h.base = nil
		}
		h.writes = nil
	}
	for key, lo := range listed {
		t.Errorf("listing holds %q (%+v), which was never written", key, lo)
	}

	// Multipart uploads: one that was initiated and not completed is still
	// there with every acknowledged part; a completed one is gone; one whose
	// Complete was in flight is either still there or the key's content,
	// never both or neither.
	ups := c.listUploads(t, crashBucket)
	byID := map[string]listedUpload{}
	for _, u := range ups {
		byID[u.id] = u
	}
	unknownInit := map[string]bool{}
	for _, u := range m.uploads {
		if !u.initiated {
			unknownInit[u.key] = true
			continue
		}
		lu, isListed := byID[u.id]
		delete(byID, u.id)
		if isListed && lu.key != u.key {
			t.Errorf("upload %s listed under key %q, initiated for %q", u.id, lu.key, u.key)
		}
		switch {
		case u.complete == nil || u.complete.outcome == refused:
			if !isListed {
				t.Errorf("upload %s of %s (not completed) is gone after the crash", u.id, u.key)
			}
		case u.complete.outcome == acked:
			if isListed {
				t.Errorf("upload %s of %s was completed but is still listed", u.id, u.key)
			}
		default: // Complete in flight at the kill
			published := resolved[u.key] == u.complete
			if isListed == published {
				t.Errorf("upload %s of %s: Complete in flight at the kill left the upload listed=%v and the object published=%v",
					u.id, u.key, isListed, published)
			}
		}
		if !isListed {
			continue
		}
		parts := c.listParts(t, crashBucket, u.key, u.id)
		wantBlobs += len(parts)
		got := map[int]listedPart{}
		for _, lp := range parts {
			got[lp.Number] = lp
		}
		for _, p := range u.parts {
			lp, ok := got[p.n]
			switch {
			case ok && (lp.ETag != p.etag || lp.Size != int64(p.ch.size)):
				t.Errorf("upload %s of %s: part %d listed as %+v, uploaded %d bytes with ETag %s", u.id, u.key, p.n, lp, p.ch.size, p.etag)
			case !ok && p.answer == acked:
				t.Errorf("upload %s of %s: acknowledged part %d lost", u.id, u.key, p.n)
			}
			delete(got, p.n)
		}
		for n := range got {
			t.Errorf("upload %s of %s lists part %d, never uploaded", u.id, u.key, n)
		}
	}
	for id, lu := range byID {
		if !unknownInit[lu.key] {
			t.Errorf("upload %s of %s is listed but was never initiated", id, lu.key)
			continue
		}
		if parts := c.listParts(t, crashBucket, lu.key, id); len(parts) != 0 {
			t.Errorf("upload %s of %s, initiated at the kill, lists %d parts", id, lu.key, len(parts))
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// The blob store now holds exactly the blobs of the live objects and of
	// the listed parts, once the sweep has removed the killed writes' files.
	waitBlobCount(t, data, wantBlobs, sweepTimeout)
	st.blobs, st.uploadsLeft = wantBlobs, len(ups)

	// Aborting the leftover uploads frees their parts' blobs at once.
	objBlobs := wantBlobs
	for _, u := range ups {
		n := len(c.listParts(t, crashBucket, u.key, u.id))
		objBlobs -= n
		st.partsLeft += n
		c.must(t, 204, abortRequest(crashBucket, u.key, u.id))
	}
	if got := c.listUploads(t, crashBucket); len(got) != 0 {
		t.Errorf("%d uploads listed after aborting them all", len(got))
	}
	waitBlobCount(t, data, objBlobs, time.Second)
	m.uploads = nil
}

func describe(ws []*write) string {
	var b strings.Builder
	b.WriteString("[")
	for i, w := range ws {
		if i > 0 {
			b.WriteString(", ")
		}
		state := map[outcome]string{inFlight: "in flight", acked: "acked", refused: "refused"}[w.outcome]
		if w.c == nil {
			fmt.Fprintf(&b, "%s delete", state)
			continue
		}
		fmt.Fprintf(&b, "%s %s", state, w.c)
	}
	b.WriteString("]")
	return b.String()
}
