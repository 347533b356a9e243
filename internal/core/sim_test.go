package core

// A randomized model-based test of the Store, in the spirit of bbolt's
// simulation_test.go and Pebble's metamorphic tests.
//
// TestSim runs seeded random sequences of object operations (put, delete,
// delete of a version, versioning changes, copy, append, multipart uploads,
// tags, close-and-reopen) against a Store and, in step, against simBucket, a
// brute-force in-memory model of the S3 semantics core implements. After
// every step it compares everything observable: each key's current version
// and every one of its versions (record and bytes), object, version and
// upload listings paged with random page sizes, prefixes, delimiters and
// markers, and the parts of each upload. Every few steps, after a reopen and
// at the end it also audits the engine: every D/, R/, P/, U/, O/ and V/ key
// in Meta and every blob file must be accounted for by exactly one record.
//
// TestSimConcurrent hammers overlapping keys from several goroutines and
// checks that every key ends as one of the writes and that nothing leaked;
// TestSimConcurrentMultipart races part uploads against completion and abort.
//
// Flags (go test ./internal/core -run TestSim -args ...):
//
//	-sim.seed=N    replay with seed N (every run logs its seed, and a failure
//	               prints the command that replays it)
//	-sim.steps=N   steps per configuration (default simDefaultSteps); also
//	               scales the iterations of TestSimConcurrent
//
// Short runs are bound by fsync; TMPDIR=/dev/shm speeds them up.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc64"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/engine/local"
)

var (
	simSeed  = flag.Uint64("sim.seed", 0, "TestSim: seed to replay (0 picks one at random)")
	simSteps = flag.Int("sim.steps", 0, "TestSim: steps per configuration (0 = default)")
)

const simDefaultSteps = 100

var crcTable = crc64.MakeTable(crc64.ECMA)

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// --- engine environment that survives a reopen ---

// simClock is the Store's clock. Each reopen moves it an hour ahead, so that
// the startup orphan sweep considers every blob already on disk.
type simClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *simClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *simClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

type simEnv struct {
	t      testing.TB
	dir    string
	inline int
	clock  *simClock
	meta   *local.Meta
	blobs  *local.Blobs
	s      *Store
}

func openSimEnv(t testing.TB, inline int) *simEnv {
	t.Helper()
	e := &simEnv{t: t, dir: t.TempDir(), inline: inline, clock: &simClock{}}
	e.open()
	t.Cleanup(e.close)
	return e
}

func (e *simEnv) open() {
	e.t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	m, err := local.OpenMeta(filepath.Join(e.dir, "meta"), local.MetaOptions{Logger: quiet, CacheBytes: 8 << 20, MemTableBytes: 4 << 20})
	if err != nil {
		e.t.Fatal(err)
	}
	b, err := local.OpenBlobs(filepath.Join(e.dir, "blobs"))
	if err != nil {
		m.Close()
		e.t.Fatal(err)
	}
	s, err := Open(Config{Meta: m, Blobs: b, InlineMax: e.inline, Logger: quiet, Now: e.clock.now})
	if err != nil {
		m.Close()
		e.t.Fatal(err)
	}
	e.meta, e.blobs, e.s = m, b, s
}

func (e *simEnv) close() {
	if e.s == nil {
		return
	}
	e.s.Close()
	e.blobs.Close()
	e.meta.Close()
	e.s, e.meta, e.blobs = nil, nil, nil
}

// reopen closes the Store and the engine and opens them again over the same
// directories, then waits for the orphan sweep.
func (e *simEnv) reopen() {
	e.close()
	e.clock.advance(time.Hour)
	e.open()
	<-e.s.SweepDone()
}

// inlineMax is the effective InlineMax.
func (e *simEnv) inlineMax() int {
	if e.inline == 0 {
		return 64 << 10
	}
	return e.inline
}

// --- the model ---

type simVer struct {
	id         string // "" is the null version
	marker     bool
	data       []byte
	etag       string
	appendable bool
	parts      int
	tags       map[string]string
}

// sel is the selector core takes for this version.
func (v *simVer) sel() string {
	if v.id == "" {
		return NullVersion
	}
	return v.id
}

func (v *simVer) String() string {
	id := v.id
	if id == "" {
		id = "null"
	}
	if v.marker {
		return id + "(marker)"
	}
	return fmt.Sprintf("%s(%dB)", id, len(v.data))
}

type simPart struct {
	data []byte
	etag string
}

type simUpload struct {
	bucket, key, id string
	tags            map[string]string
	parts           map[int]*simPart
}

type simBucket struct {
	name       string
	versioning string
	keys       map[string][]*simVer // newest first
	uploads    map[string]*simUpload
}

// current is what a GET without version returns: the newest version unless
// it is a delete marker.
func (b *simBucket) current(k string) *simVer {
	vs := b.keys[k]
	if len(vs) == 0 || vs[0].marker {
		return nil
	}
	return vs[0]
}

// add makes v the newest version of k. In an unversioned or suspended bucket
// the new version is the null version and replaces the old null version,
// wherever it was in the stack (S3: "Adding objects to versioning-suspended
// buckets").
func (b *simBucket) add(k string, v *simVer) {
	vs := b.keys[k]
	if b.versioning != VersioningEnabled {
		vs = slices.DeleteFunc(slices.Clone(vs), func(x *simVer) bool { return x.id == "" })
	}
	b.keys[k] = append([]*simVer{v}, vs...)
}

func (b *simBucket) find(k, sel string) int {
	for i, v := range b.keys[k] {
		if (sel == NullVersion && v.id == "") || (sel != NullVersion && v.id == sel) {
			return i
		}
	}
	return -1
}

func (b *simBucket) removeAt(k string, i int) {
	vs := slices.Delete(slices.Clone(b.keys[k]), i, i+1)
	if len(vs) == 0 {
		delete(b.keys, k)
		return
	}
	b.keys[k] = vs
}

func (b *simBucket) sortedKeys(withCurrentOnly bool) []string {
	var out []string
	for k := range b.keys {
		if !withCurrentOnly || b.current(k) != nil {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// simEntry is one item of a listing: a common prefix, an object, a version
// or an upload.
type simEntry struct {
	name   string // the key, or the common prefix
	cp     bool
	v      *simVer
	latest bool
	up     *simUpload
}

func (e simEntry) String() string {
	switch {
	case e.cp:
		return "CP:" + e.name
	case e.up != nil:
		return e.name + "#" + e.up.id
	case e.v != nil:
		return e.name + "@" + e.v.String()
	}
	return e.name
}

// group turns sorted keys into listing entries: keys, or the common
// prefixes they roll up into.
func group(keys []string, prefix, delim string) []simEntry {
	var out []simEntry
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if len(out) == 0 || !out[len(out)-1].cp || out[len(out)-1].name != cp {
					out = append(out, simEntry{name: cp, cp: true})
				}
				continue
			}
		}
		out = append(out, simEntry{name: k})
	}
	return out
}

// entriesAfter returns the entries whose name sorts after marker. A common prefix
// that sorts at or before the marker is not repeated even if some keys under
// it sort after the marker (a truncated page may end with a common prefix,
// and the next page starts after it).
func entriesAfter(all []simEntry, marker string) []simEntry {
	for i, e := range all {
		if e.name > marker {
			return all[i:]
		}
	}
	return nil
}

func (b *simBucket) objectEntries(prefix, delim string) []simEntry {
	es := group(b.sortedKeys(true), prefix, delim)
	for i := range es {
		if !es[i].cp {
			es[i].v = b.current(es[i].name)
		}
	}
	return es
}

func (b *simBucket) versionEntries(prefix, delim string) []simEntry {
	var out []simEntry
	for _, e := range group(b.sortedKeys(false), prefix, delim) {
		if e.cp {
			out = append(out, e)
			continue
		}
		for i, v := range b.keys[e.name] {
			out = append(out, simEntry{name: e.name, v: v, latest: i == 0})
		}
	}
	return out
}

func (b *simBucket) uploadEntries(prefix, delim string) []simEntry {
	byKey := map[string][]*simUpload{}
	for _, u := range b.uploads {
		byKey[u.key] = append(byKey[u.key], u)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []simEntry
	for _, e := range group(keys, prefix, delim) {
		if e.cp {
			out = append(out, e)
			continue
		}
		ups := byKey[e.name]
		sort.Slice(ups, func(i, j int) bool { return ups[i].id < ups[j].id })
		for _, u := range ups {
			out = append(out, simEntry{name: e.name, up: u})
		}
	}
	return out
}

// --- the simulation ---

type sim struct {
	t       *testing.T
	ctx     context.Context
	seed    uint64
	rng     *rand.Rand
	e       *simEnv
	buckets []*simBucket
	keys    []string
	hist    []string
	step    int
	ids     []string        // every version id core handed out
	seenIDs map[string]bool // the same, as a set
	gone    []*simUpload    // completed or aborted uploads
	lastUp  string          // the id of the newest upload

	stats map[string]int
}

// simKeys overlap by prefix so that delimiters roll them up in several ways;
// they include non-ASCII, a control character and keys ending with the
// delimiter.
var simKeys = []string{
	"a", "a/", "a/b", "a/b/c", "a/c", "a-b", "ab", "b", "b/x", "b/y/z",
	"c-1", "c-2", "c/é", "é", "é/x", "z", "a b", "x\x01y", "日本/語",
}

var simDelims = []string{"", "", "/", "/", "-", "b", "é", "/b", "語"}

func newSim(t *testing.T, inline int, seed uint64) *sim {
	s := &sim{
		t: t, ctx: context.Background(), seed: seed,
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		e:       openSimEnv(t, inline),
		keys:    simKeys,
		seenIDs: map[string]bool{},

		stats: map[string]int{},
	}
	for _, name := range []string{"sim-one", "sim-two"} {
		if _, err := s.e.s.CreateBucket(s.ctx, Bucket{Name: name, Owner: "1"}); err != nil {
			t.Fatal(err)
		}
		s.buckets = append(s.buckets, &simBucket{name: name, keys: map[string][]*simVer{}, uploads: map[string]*simUpload{}})
	}
	return s
}

func (s *sim) logf(format string, args ...any) {
	s.hist = append(s.hist, fmt.Sprintf("step %d: ", s.step)+fmt.Sprintf(format, args...))
}

func (s *sim) fatalf(format string, args ...any) {
	s.t.Helper()
	tail := s.hist
	if len(tail) > 60 {
		tail = tail[len(tail)-60:]
	}
	s.t.Fatalf("seed %d, step %d: %s\nlast operations:\n  %s\nreplay: go test ./internal/core -run '%s' -args -sim.seed=%d -sim.steps=%d",
		s.seed, s.step, fmt.Sprintf(format, args...), strings.Join(tail, "\n  "), s.t.Name(), s.seed, s.step+1)
}

func (s *sim) store() *Store { return s.e.s }

func (s *sim) bucket() *simBucket { return s.buckets[s.rng.IntN(len(s.buckets))] }
func (s *sim) key() string        { return s.keys[s.rng.IntN(len(s.keys))] }

// data returns random bytes whose size spans both sides of InlineMax and,
// now and then, of 64 KiB.
func (s *sim) data() []byte {
	im := s.e.inlineMax()
	var n int
	switch r := s.rng.IntN(100); {
	case r < 3:
		n = 64<<10 - 100 + s.rng.IntN(200<<10)
	case r < 30:
		n = s.rng.IntN(17)
	case im > 0 && im < 64<<10 && r < 65:
		n = max(0, im-2+s.rng.IntN(5))
	case im >= 64<<10 && r < 40:
		n = im - 2 + s.rng.IntN(5)
	default:
		lim := 3 * im
		if im <= 0 || im >= 64<<10 {
			lim = 3000
		}
		n = s.rng.IntN(lim + 1)
	}
	return s.bytes(n)
}

func (s *sim) bytes(n int) []byte {
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], s.rng.Uint64())
	}
	return b[:n]
}

func body(d []byte) Body { return Body{R: bytes.NewReader(d), Size: int64(len(d))} }

// expectInline says whether a put or copy of n bytes is stored inline.
func (s *sim) expectInline(n int) bool {
	im := s.e.inlineMax()
	return im >= 0 && n <= im
}

func (s *sim) newID(what, id string) {
	if id == "" {
		s.fatalf("%s: got the null version id in a versioning-enabled bucket", what)
	}
	if s.seenIDs[id] {
		s.fatalf("%s: version id %q handed out twice", what, id)
	}
	if _, ok := parseVersionID(id); !ok {
		s.fatalf("%s: version id %q does not parse", what, id)
	}
	s.seenIDs[id] = true
	s.ids = append(s.ids, id)
}

// versionFor checks the version id a write got and returns it.
func (s *sim) versionFor(what string, b *simBucket, o *Object) string {
	if b.versioning == VersioningEnabled {
		s.newID(what, o.VersionID)
		return o.VersionID
	}
	if o.VersionID != "" {
		s.fatalf("%s: version id %q in a bucket with versioning %q, want null", what, o.VersionID, b.versioning)
	}
	return ""
}

func (s *sim) wantErr(what string, err, want error) {
	s.t.Helper()
	if want == nil && err != nil {
		s.fatalf("%s: unexpected error %v", what, err)
	}
	if want != nil && !errors.Is(err, want) {
		s.fatalf("%s: error %v, want %v", what, err, want)
	}
}

// pickSel picks a version selector: an existing version, "null", a version
// id of some other key, or a malformed id.
func (s *sim) pickSel(b *simBucket, k string) string {
	vs := b.keys[k]
	switch r := s.rng.IntN(10); {
	case r < 7 && len(vs) > 0:
		return vs[s.rng.IntN(len(vs))].sel()
	case r < 8 && len(s.ids) > 0:
		return s.ids[s.rng.IntN(len(s.ids))]
	case r < 9:
		return "bogus-id"
	}
	return NullVersion
}

func (s *sim) run(steps int) {
	for s.step = 0; s.step < steps; s.step++ {
		s.op()
		s.checkAll()
		if s.step%10 == 9 {
			s.checkEngine()
		}
	}
	s.checkEngine()
	s.teardown()
	s.t.Logf("seed %d: %d steps, ops %v", s.seed, steps, s.stats)
}

func (s *sim) op() {
	type op struct {
		w  int
		fn func()
	}
	ops := []op{
		{24, s.opPut}, {8, s.opDelete}, {8, s.opDeleteVersion}, {8, s.opCopy},
		{10, s.opAppend}, {4, s.opCreateUpload}, {9, s.opUploadPart},
		{4, s.opComplete}, {2, s.opAbort}, {4, s.opSetVersioning}, {1, s.opReopen},
		{4, s.opSetTags}, {1, s.opBadKey},
	}
	total := 0
	for _, o := range ops {
		total += o.w
	}
	r := s.rng.IntN(total)
	for _, o := range ops {
		if r < o.w {
			o.fn()
			return
		}
		r -= o.w
	}
}

// tags returns nil or a one-tag set that records the step.
func (s *sim) tags() map[string]string {
	if s.rng.IntN(2) == 0 {
		return nil
	}
	return map[string]string{"step": fmt.Sprint(s.step)}
}

// badBody returns d's body, or now and then a body that fails (bad
// Content-MD5, shorter than declared) with the error it must fail with, or
// a body of unknown length.
func (s *sim) badBody(d []byte) (Body, string, error) {
	bd := body(d)
	switch s.rng.IntN(20) {
	case 0:
		bd.MD5 = make([]byte, 16)
		return bd, "bad md5", ErrBadDigest
	case 1:
		bd.Size++
		return bd, "short body", ErrIncompleteBody
	case 2, 3, 4:
		bd.Size = -1
		return bd, "chunked", nil
	case 5:
		sum := md5.Sum(d)
		bd.MD5 = sum[:]
		return bd, "with md5", nil
	}
	return bd, "", nil
}

func (s *sim) opPut() {
	b, k, d := s.bucket(), s.key(), s.data()
	forbid := s.rng.IntN(10) == 0
	bd, mode, berr := s.badBody(d)
	tags := s.tags()
	s.logf("put %s/%q %dB %s forbidOverwrite=%v", b.name, k, len(d), mode, forbid)
	s.stats["put"]++
	o, err := s.store().PutObject(s.ctx, PutInput{Bucket: b.name, Key: k, Body: bd, Owner: "1", ForbidOverwrite: forbid, Tags: tags})
	if berr != nil {
		s.wantErr("put ("+mode+")", err, berr)
		return
	}
	if forbid && b.current(k) != nil {
		s.wantErr("put with ForbidOverwrite over an object", err, ErrObjectExists)
		return
	}
	s.wantErr("put", err, nil)
	v := &simVer{id: s.versionFor("put", b, o), data: d, etag: md5hex(d), tags: tags}
	if len(o.Extents) != 1 || o.Extents[0].Inline != s.expectInline(len(d)) {
		s.fatalf("put of %d bytes: extents %+v, want one, inline=%v", len(d), o.Extents, s.expectInline(len(d)))
	}
	b.add(k, v)
	s.sameObj("put result", o, b, k, v)
}

func (s *sim) opDelete() {
	b, k := s.bucket(), s.key()
	s.logf("delete %s/%q (versioning %q)", b.name, k, b.versioning)
	s.stats["delete"]++
	res, err := s.store().DeleteObject(s.ctx, b.name, k, "")
	s.wantErr("delete", err, nil)
	switch b.versioning {
	case VersioningOff:
		if res != (DeleteResult{}) {
			s.fatalf("delete in an unversioned bucket returned %+v", res)
		}
		delete(b.keys, k)
	case VersioningEnabled:
		if !res.DeleteMarker {
			s.fatalf("delete in a versioned bucket returned %+v, want a delete marker", res)
		}
		s.newID("delete marker", res.VersionID)
		b.add(k, &simVer{id: res.VersionID, marker: true})
	case VersioningSuspended:
		if res != (DeleteResult{DeleteMarker: true}) {
			s.fatalf("delete in a suspended bucket returned %+v, want a null delete marker", res)
		}
		b.add(k, &simVer{marker: true})
	}
	s.logf("  -> %+v; versions now %v", res, b.keys[k])
}

func (s *sim) opDeleteVersion() {
	b, k := s.bucket(), s.key()
	sel := s.pickSel(b, k)
	s.logf("delete %s/%q version %s (versions %v)", b.name, k, sel, b.keys[k])
	s.stats["deleteVersion"]++
	res, err := s.store().DeleteObject(s.ctx, b.name, k, sel)
	if sel == "bogus-id" {
		s.wantErr("delete of a malformed version id", err, ErrInvalidVersionID)
		return
	}
	s.wantErr("delete version", err, nil)
	i := b.find(k, sel)
	if i < 0 {
		want := DeleteResult{VersionID: sel}
		if sel == NullVersion {
			want.VersionID = ""
		}
		if res != want {
			s.fatalf("delete of absent version %s returned %+v, want %+v", sel, res, want)
		}
		return
	}
	v := b.keys[k][i]
	if want := (DeleteResult{VersionID: v.id, DeleteMarker: v.marker}); res != want {
		s.fatalf("delete of version %v returned %+v, want %+v", v, res, want)
	}
	b.removeAt(k, i)
}

func (s *sim) opSetVersioning() {
	b := s.bucket()
	state := VersioningEnabled
	if s.rng.IntN(3) == 0 {
		state = VersioningSuspended
	}
	s.logf("set versioning %s %s", b.name, state)
	s.stats["versioning"]++
	nb, err := s.store().SetVersioning(s.ctx, b.name, state)
	s.wantErr("set versioning", err, nil)
	if nb.Versioning != state {
		s.fatalf("set versioning returned %q", nb.Versioning)
	}
	b.versioning = state
}

// resolve is what GetObject(k, sel) must return according to the model.
func (b *simBucket) resolve(k, sel string) (*simVer, error) {
	if sel == "" {
		if v := b.current(k); v != nil {
			return v, nil
		}
		return nil, ErrNoSuchKey
	}
	i := b.find(k, sel)
	if i < 0 {
		return nil, ErrNoSuchVersion
	}
	if v := b.keys[k][i]; v.marker {
		return v, ErrMethodNotAllowed
	}
	return b.keys[k][i], nil
}

func (s *sim) opCopy() {
	sb, sk := s.bucket(), s.key()
	sel := ""
	if s.rng.IntN(2) == 0 {
		sel = s.pickSel(sb, sk)
	}
	db, dk := s.bucket(), s.key()
	if s.rng.IntN(4) == 0 {
		db, dk = sb, sk
	}
	s.logf("copy %s/%q@%s -> %s/%q", sb.name, sk, sel, db.name, dk)
	s.stats["copy"]++
	replace := s.rng.IntN(3) == 0
	newTags := s.tags()
	want, werr := sb.resolve(sk, sel)
	limit := int64(0)
	if s.rng.IntN(8) == 0 && werr == nil {
		limit = max(1, int64(len(want.data))-int64(s.rng.IntN(2)))
	}
	dst, src, err := s.store().CopyObject(s.ctx, CopyInput{SrcBucket: sb.name, SrcKey: sk, SrcVersion: sel, Bucket: db.name, Key: dk, Owner: "1",
		ReplaceMeta: replace, Tags: newTags, Max: limit})
	if werr == nil && limit > 0 && int64(len(want.data)) > limit {
		werr = ErrEntityTooLarge
	}
	if werr != nil {
		s.wantErr("copy from "+sel, err, werr)
		return
	}
	s.wantErr("copy", err, nil)
	s.sameObj("copy source", src, sb, sk, want)
	v := &simVer{id: s.versionFor("copy", db, dst), data: want.data, etag: md5hex(want.data), tags: want.tags}
	if replace {
		v.tags = newTags
	}
	if len(dst.Extents) != 1 || dst.Extents[0].Inline != s.expectInline(len(v.data)) {
		s.fatalf("copy of %d bytes: extents %+v, want one, inline=%v", len(v.data), dst.Extents, s.expectInline(len(v.data)))
	}
	db.add(dk, v)
	s.sameObj("copy result", dst, db, dk, v)
}

func (s *sim) opAppend() {
	b, k, d := s.bucket(), s.key(), s.data()
	if s.rng.IntN(3) == 0 {
		d = d[:min(len(d), 40)]
	}
	cur := b.current(k)
	pos := int64(0)
	if cur != nil {
		pos = int64(len(cur.data))
	}
	switch s.rng.IntN(8) {
	case 0:
		pos++
	case 1:
		pos--
	case 2:
		pos = int64(s.rng.IntN(100))
	}
	allow := s.rng.IntN(2) == 0
	maxSize := int64(0)
	switch s.rng.IntN(10) {
	case 0:
		maxSize = max(1, pos+int64(len(d))-1)
	case 1:
		maxSize = max(1, pos+int64(len(d)))
	case 2:
		maxSize = max(1, pos)
	}
	bd := body(d)
	if s.rng.IntN(4) == 0 {
		bd.Size = -1 // chunked: MaxSize is enforced while reading
	}
	s.logf("append %s/%q pos=%d %dB chunked=%v allowVersioned=%v maxSize=%d (current %v)", b.name, k, pos, len(d), bd.Size < 0, allow, maxSize, cur)
	s.stats["append"]++
	res, err := s.store().AppendObject(s.ctx, AppendInput{Bucket: b.name, Key: k, Position: pos, Body: bd, Owner: "1", AllowVersioned: allow, MaxSize: maxSize})
	// AppendObject's checks, in core's order: a body of known length is
	// measured against MaxSize before the object is looked at, a chunked
	// one while it streams in, after.
	tooLarge := maxSize > 0 && pos+int64(len(d)) > maxSize
	var werr error
	switch {
	case pos < 0:
		werr = ErrPositionMismatch
	case b.versioning == VersioningEnabled && !allow:
		werr = ErrObjectNotAppend
	case tooLarge && bd.Size >= 0:
		werr = ErrAppendTooLarge
	case cur == nil && pos != 0:
		werr = ErrPositionMismatch
	case cur != nil && !cur.appendable:
		werr = ErrObjectNotAppend
	case cur != nil && pos != int64(len(cur.data)):
		werr = ErrPositionMismatch
	case tooLarge:
		werr = ErrAppendTooLarge
	}
	if werr != nil {
		s.wantErr("append", err, werr)
		return
	}
	s.wantErr("append", err, nil)
	var all []byte
	if cur != nil {
		all = append(slices.Clone(cur.data), d...)
	} else {
		all = d
	}
	if res.Piece.Size != int64(len(d)) || res.Piece.MD5 != md5.Sum(d) {
		s.fatalf("append piece sums %+v, want %d bytes md5 %x", res.Piece, len(d), md5.Sum(d))
	}
	if cur == nil {
		v := &simVer{id: s.versionFor("append", b, res.Object), data: all, etag: md5hex(all), appendable: true}
		b.add(k, v)
		s.sameObj("append result", res.Object, b, k, v)
		return
	}
	// An append extends the current version in place: same id.
	if res.VersionID != cur.id {
		s.fatalf("append to version %q returned version %q; appends must not make versions", cur.id, res.VersionID)
	}
	v := &simVer{id: cur.id, data: all, etag: md5hex(all), appendable: true, tags: cur.tags}
	vs := slices.Clone(b.keys[k])
	for i, x := range vs {
		if x == cur {
			vs[i] = v
		}
	}
	b.keys[k] = vs
	s.sameObj("append result", res.Object, b, k, v)
}

func (s *sim) opCreateUpload() {
	b, k := s.bucket(), s.key()
	s.stats["createUpload"]++
	tags := s.tags()
	u, err := s.store().CreateUpload(s.ctx, CreateUploadInput{Bucket: b.name, Key: k, Owner: "1", Tags: tags})
	s.wantErr("create upload", err, nil)
	s.logf("create upload %s/%q -> %s", b.name, k, u.ID)
	if !validUploadID(u.ID) || u.ID <= s.lastUp {
		// Listings order a key's uploads by id, which must therefore
		// follow initiation, across reopens too.
		s.fatalf("create upload: id %q is not valid or not after the previous one %q", u.ID, s.lastUp)
	}
	s.lastUp = u.ID
	b.uploads[u.ID] = &simUpload{bucket: b.name, key: k, id: u.ID, tags: tags, parts: map[int]*simPart{}}
}

// pickUpload returns a live upload, or now and then a completed or aborted
// one (with live == false).
func (s *sim) pickUpload() (u *simUpload, b *simBucket, live bool) {
	var all []*simUpload
	for _, b := range s.buckets {
		for _, u := range b.uploads {
			all = append(all, u)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	if len(s.gone) > 0 && (len(all) == 0 || s.rng.IntN(10) == 0) {
		u := s.gone[s.rng.IntN(len(s.gone))]
		return u, s.bucketNamed(u.bucket), false
	}
	if len(all) == 0 {
		return nil, nil, false
	}
	u = all[s.rng.IntN(len(all))]
	return u, s.bucketNamed(u.bucket), true
}

func (s *sim) bucketNamed(name string) *simBucket {
	for _, b := range s.buckets {
		if b.name == name {
			return b
		}
	}
	panic(name)
}

func (s *sim) opUploadPart() {
	u, _, live := s.pickUpload()
	if u == nil {
		s.opCreateUpload()
		return
	}
	n := 1 + s.rng.IntN(6)
	switch s.rng.IntN(20) {
	case 0:
		n = 0
	case 1:
		n = MaxParts + 1
	}
	d := s.data()
	bd, mode, berr := s.badBody(d)
	s.logf("upload part %s/%q %s #%d %dB %s (live=%v)", u.bucket, u.key, u.id, n, len(d), mode, live)
	s.stats["uploadPart"]++
	p, err := s.store().UploadPart(s.ctx, u.bucket, u.key, u.id, n, bd)
	switch {
	case n < 1 || n > MaxParts:
		s.wantErr("upload part", err, ErrInvalidPartNum)
		return
	case !live:
		s.wantErr("upload part to a finished upload", err, ErrNoSuchUpload)
		return
	case berr != nil:
		s.wantErr("upload part ("+mode+")", err, berr)
		return
	}
	s.wantErr("upload part", err, nil)
	if p.Number != n || p.Size != int64(len(d)) || p.ETag != md5hex(d) || p.CRC64 != crc64.Checksum(d, crcTable) {
		s.fatalf("upload part returned %+v for %d bytes", p, len(d))
	}
	u.parts[n] = &simPart{data: d, etag: p.ETag}
}

func (s *sim) opComplete() {
	u, b, live := s.pickUpload()
	if u == nil {
		return
	}
	var nums []int
	for _, n := range slices.Sorted(maps.Keys(u.parts)) {
		if s.rng.IntN(4) != 0 {
			nums = append(nums, n)
		}
	}
	var list []CompletePart
	for _, n := range nums {
		etag := u.parts[n].etag
		if s.rng.IntN(2) == 0 {
			etag = `"` + etag + `"`
		}
		list = append(list, CompletePart{Number: n, ETag: etag})
	}
	mode := "subset"
	switch r := s.rng.IntN(20); {
	case r == 0 && len(list) > 1:
		list[0], list[1] = list[1], list[0]
		mode = "out of order"
	case r == 1 && len(list) > 0:
		list[len(list)-1].ETag = md5hex([]byte("wrong"))
		mode = "wrong etag"
	case r == 2:
		list = append(list, CompletePart{Number: 9999, ETag: md5hex(nil)})
		mode = "missing part"
	case r == 3 && len(list) > 0:
		list = append(list, list[len(list)-1])
		mode = "duplicate"
	}
	minSize := int64(0)
	if s.rng.IntN(5) == 0 {
		minSize = int64(s.rng.IntN(s.e.inlineMax()&0xffff + 2))
	}
	s.logf("complete %s/%q %s %s %v minPart=%d (live=%v)", u.bucket, u.key, u.id, mode, list, minSize, live)
	s.stats["complete"]++
	o, err := s.store().CompleteUpload(s.ctx, CompleteInput{Bucket: u.bucket, Key: u.key, UploadID: u.id, Parts: list, MinPartSize: minSize})

	// The model of CompleteUpload's checks, in core's order.
	var werr error
	for i, p := range list {
		if p.Number < 1 || p.Number > MaxParts {
			werr = ErrInvalidPart
			break
		}
		if i > 0 && p.Number <= list[i-1].Number {
			werr = ErrInvalidPartOrder
			break
		}
	}
	if len(list) == 0 {
		werr = ErrInvalidPart
	}
	if werr == nil && !live {
		werr = ErrNoSuchUpload
	}
	var data, md5s []byte
	if werr == nil {
		for i, cp := range list {
			p := u.parts[cp.Number]
			if p == nil || strings.Trim(cp.ETag, `"`) != p.etag {
				werr = ErrInvalidPart
				break
			}
			if i < len(list)-1 && int64(len(p.data)) < minSize {
				werr = ErrEntityTooSmall
				break
			}
			data = append(data, p.data...)
			sum := md5.Sum(p.data)
			md5s = append(md5s, sum[:]...)
		}
	}
	if werr != nil {
		s.wantErr("complete ("+mode+")", err, werr)
		return
	}
	s.wantErr("complete", err, nil)
	delete(b.uploads, u.id)
	s.gone = append(s.gone, u)
	v := &simVer{id: s.versionFor("complete", b, o), data: data, etag: fmt.Sprintf("%s-%d", md5hex(md5s), len(list)), parts: len(list), tags: u.tags}
	for _, e := range o.Extents {
		if e.Inline {
			s.fatalf("complete: inline extent %+v", e)
		}
	}
	b.add(u.key, v)
	s.sameObj("complete result", o, b, u.key, v)
}

func (s *sim) opAbort() {
	u, b, live := s.pickUpload()
	if u == nil {
		return
	}
	s.logf("abort %s/%q %s (live=%v)", u.bucket, u.key, u.id, live)
	s.stats["abort"]++
	err := s.store().AbortUpload(s.ctx, u.bucket, u.key, u.id)
	if !live {
		s.wantErr("abort of a finished upload", err, ErrNoSuchUpload)
		return
	}
	s.wantErr("abort", err, nil)
	delete(b.uploads, u.id)
	s.gone = append(s.gone, u)
}

func (s *sim) opSetTags() {
	b, k := s.bucket(), s.key()
	sel := ""
	if s.rng.IntN(2) == 0 {
		sel = s.pickSel(b, k)
	}
	tags := s.tags()
	s.logf("set tags %s/%q@%s %v", b.name, k, sel, tags)
	s.stats["setTags"]++
	o, err := s.store().SetObjectTags(s.ctx, b.name, k, sel, tags)
	v, werr := b.resolve(k, sel)
	if werr != nil {
		s.wantErr("set tags", err, werr)
		return
	}
	s.wantErr("set tags", err, nil)
	// Copy the version: the old record may still be held by nothing else,
	// but keep the model's versions immutable all the same.
	nv := *v
	nv.tags = tags
	b.keys[k][b.find(k, v.sel())] = &nv
	s.sameObj("set tags result", o, b, k, &nv)
}

// simBadKeys are keys core must refuse.
var simBadKeys = []string{"", "nul\x00key", "bad\xffutf8", strings.Repeat("k", MaxKeyLen+1)}

func (s *sim) opBadKey() {
	b := s.bucket()
	k := simBadKeys[s.rng.IntN(len(simBadKeys))]
	want := ErrInvalidKey
	if len(k) > MaxKeyLen {
		want = ErrKeyTooLong
	}
	s.logf("bad key %s/%.20q", b.name, k)
	s.stats["badKey"]++
	_, err := s.store().PutObject(s.ctx, PutInput{Bucket: b.name, Key: k, Body: body([]byte("x"))})
	s.wantErr("put to an invalid key", err, want)
	_, err = s.store().DeleteObject(s.ctx, b.name, k, "")
	s.wantErr("delete of an invalid key", err, want)
	_, err = s.store().GetObject(s.ctx, b.name, k, "")
	s.wantErr("get of an invalid key", err, ErrNoSuchKey)
	_, err = s.store().GetObject(s.ctx, b.name, k, NullVersion)
	s.wantErr("get of an invalid key's null version", err, ErrNoSuchVersion)
	_, err = s.store().AppendObject(s.ctx, AppendInput{Bucket: b.name, Key: k, Body: body([]byte("x"))})
	s.wantErr("append to an invalid key", err, want)
	_, err = s.store().CreateUpload(s.ctx, CreateUploadInput{Bucket: b.name, Key: k})
	s.wantErr("create upload for an invalid key", err, want)
	_, _, err = s.store().CopyObject(s.ctx, CopyInput{SrcBucket: b.name, SrcKey: s.key(), Bucket: b.name, Key: k})
	s.wantErr("copy to an invalid key", err, want)
	_, err = s.store().PutObject(s.ctx, PutInput{Bucket: "no-such-bucket", Key: "k", Body: body([]byte("x"))})
	s.wantErr("put to a missing bucket", err, ErrNoSuchBucket)
}

func (s *sim) opReopen() {
	s.logf("reopen")
	s.stats["reopen"]++
	// Leave orphans behind, as a crash would: a committed blob and a
	// half-written one that no record names. The sweep must remove them.
	bw, err := s.e.blobs.Create(s.ctx)
	if err != nil {
		s.fatalf("create orphan: %v", err)
	}
	bw.Write([]byte("orphan"))
	if _, err := bw.Commit(); err != nil {
		s.fatalf("commit orphan: %v", err)
	}
	half, err := s.e.blobs.Create(s.ctx)
	if err != nil {
		s.fatalf("create orphan: %v", err)
	}
	half.Write([]byte("half"))
	s.e.reopen()
	half.Abort() // only releases the file: the sweep has removed it
	s.checkEngine()
	for _, b := range s.buckets {
		got, err := s.store().Bucket(s.ctx, b.name)
		if err != nil || got.Versioning != b.versioning {
			s.fatalf("after reopen bucket %s = %+v, %v; want versioning %q", b.name, got, err, b.versioning)
		}
	}
}

// --- checks ---

func (s *sim) sameObj(what string, o *Object, b *simBucket, k string, v *simVer) {
	s.t.Helper()
	if o == nil {
		s.fatalf("%s %s/%q: nil object, want %v", what, b.name, k, v)
	}
	if o.Bucket != b.name || o.Key != k {
		s.fatalf("%s: object is %s/%q, want %s/%q", what, o.Bucket, o.Key, b.name, k)
	}
	if o.VersionID != v.id || o.DeleteMarker != v.marker {
		s.fatalf("%s %s/%q: version %q marker=%v, want %v", what, b.name, k, o.VersionID, o.DeleteMarker, v)
	}
	if v.marker {
		return
	}
	if o.Size != int64(len(v.data)) || o.ETag != v.etag || o.CRC64 != crc64.Checksum(v.data, crcTable) ||
		o.Appendable != v.appendable || o.Parts != v.parts || !maps.Equal(o.Tags, v.tags) {
		s.fatalf("%s %s/%q@%s: size %d etag %s crc %d appendable %v parts %d tags %v; want size %d etag %s crc %d appendable %v parts %d tags %v",
			what, b.name, k, v.sel(), o.Size, o.ETag, o.CRC64, o.Appendable, o.Parts, o.Tags,
			len(v.data), v.etag, crc64.Checksum(v.data, crcTable), v.appendable, v.parts, v.tags)
	}
	var sum int64
	for _, e := range o.Extents {
		sum += e.Size
	}
	if sum != o.Size {
		s.fatalf("%s %s/%q: extents %+v add up to %d bytes, size is %d", what, b.name, k, o.Extents, sum, o.Size)
	}
}

func (s *sim) read(b, k, sel string, off, n int64, ranged bool) ([]byte, *Object, error) {
	var decide Decide
	if ranged {
		decide = func(o *Object) (int64, int64, error) { return off, min(n, o.Size-off), nil }
	}
	o, r, err := s.store().OpenObject(s.ctx, b, k, sel, decide)
	if err != nil {
		return nil, o, err
	}
	defer r.Close()
	var buf bytes.Buffer
	if s.rng.IntN(2) == 0 {
		_, err = r.WriteTo(&buf)
	} else {
		_, err = io.Copy(&buf, struct{ io.Reader }{r})
	}
	return buf.Bytes(), o, err
}

func (s *sim) checkKey(b *simBucket, k string) {
	st := s.store()
	// The current version.
	o, err := st.GetObject(s.ctx, b.name, k, "")
	if cur := b.current(k); cur != nil {
		s.wantErr(fmt.Sprintf("get %s/%q", b.name, k), err, nil)
		s.sameObj("get", o, b, k, cur)
		got, _, err := s.read(b.name, k, "", 0, 0, false)
		if err != nil || !bytes.Equal(got, cur.data) {
			s.fatalf("read %s/%q: %d bytes (%v), want %v", b.name, k, len(got), err, cur)
		}
		if len(cur.data) > 0 {
			off := int64(s.rng.IntN(len(cur.data)))
			n := int64(1 + s.rng.IntN(len(cur.data)-int(off)))
			got, _, err := s.read(b.name, k, "", off, n, true)
			if err != nil || !bytes.Equal(got, cur.data[off:off+n]) {
				s.fatalf("ranged read %s/%q [%d,+%d): %d bytes (%v)", b.name, k, off, n, len(got), err)
			}
		}
	} else {
		s.wantErr(fmt.Sprintf("get %s/%q (no current version)", b.name, k), err, ErrNoSuchKey)
		vs := b.keys[k]
		if len(vs) > 0 && vs[0].marker {
			s.sameObj("get returning the delete marker", o, b, k, vs[0])
		} else if o != nil {
			s.fatalf("get %s/%q: returned %+v with ErrNoSuchKey, want nil", b.name, k, o)
		}
	}
	// Every version.
	hasNull := false
	for _, v := range b.keys[k] {
		hasNull = hasNull || v.id == ""
		o, err := st.GetObject(s.ctx, b.name, k, v.sel())
		if v.marker {
			s.wantErr(fmt.Sprintf("get %s/%q@%s (delete marker)", b.name, k, v.sel()), err, ErrMethodNotAllowed)
			s.sameObj("get marker by version", o, b, k, v)
			continue
		}
		s.wantErr(fmt.Sprintf("get %s/%q@%s", b.name, k, v.sel()), err, nil)
		s.sameObj("get version", o, b, k, v)
		got, _, err := s.read(b.name, k, v.sel(), 0, 0, false)
		if err != nil || !bytes.Equal(got, v.data) {
			s.fatalf("read %s/%q@%s: %d bytes (%v), want %v", b.name, k, v.sel(), len(got), err, v)
		}
		if v.id == "" {
			// The null version must not answer to a made-up id derived
			// from its sequence number (TestSimBugNullVersionBySeqID).
			if _, err := st.GetObject(s.ctx, b.name, k, versionID(o.Seq)); !errors.Is(err, ErrNoSuchVersion) {
				s.fatalf("get %s/%q by the id of the null version's seq (%s): %v, want ErrNoSuchVersion", b.name, k, versionID(o.Seq), err)
			}
		}
	}
	if !hasNull {
		_, err := st.GetObject(s.ctx, b.name, k, NullVersion)
		s.wantErr(fmt.Sprintf("get %s/%q@null (none)", b.name, k), err, ErrNoSuchVersion)
	}
}

func (s *sim) checkAll() {
	for _, b := range s.buckets {
		for _, k := range s.keys {
			s.checkKey(b, k)
		}
		s.checkListObjects(b)
		s.checkListVersions(b)
		s.checkUploads(b)
	}
}

func (s *sim) prefixDelim() (string, string) {
	prefix := ""
	if s.rng.IntN(3) == 0 {
		k := s.key()
		prefix = k[:s.rng.IntN(len(k)+1)]
	}
	return prefix, simDelims[s.rng.IntN(len(simDelims))]
}

func (s *sim) maxKeys() int {
	if s.rng.IntN(10) == 0 {
		return 1000
	}
	return 1 + s.rng.IntN(5)
}

func names(es []simEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.String()
	}
	return out
}

func (s *sim) checkListObjects(b *simBucket) {
	prefix, delim := s.prefixDelim()
	all := b.objectEntries(prefix, delim)
	// A random single page after a random marker.
	marker := ""
	if s.rng.IntN(2) == 0 {
		marker = s.key()
		if s.rng.IntN(3) == 0 {
			marker = marker[:s.rng.IntN(len(marker)+1)]
		}
	}
	s.listObjectsPage(b, prefix, delim, marker, s.maxKeys(), all)
	// Page through everything.
	mk := s.maxKeys()
	marker = ""
	var got []string
	for page := 0; ; page++ {
		if page > len(all)+1 {
			s.fatalf("list %s prefix=%q delim=%q max=%d: more pages than entries", b.name, prefix, delim, mk)
		}
		res := s.listObjectsPage(b, prefix, delim, marker, mk, all)
		for _, o := range res.Objects {
			got = append(got, o.Key)
		}
		got = append(got, res.CommonPrefixes...)
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
	}
	if len(got) != len(all) {
		s.fatalf("paged list %s prefix=%q delim=%q max=%d: %d entries, want %d", b.name, prefix, delim, mk, len(got), len(all))
	}
}

func (s *sim) listObjectsPage(b *simBucket, prefix, delim, marker string, mk int, all []simEntry) *ListResult {
	rest := entriesAfter(all, marker)
	page := rest[:min(mk, len(rest))]
	res, err := s.store().ListObjects(s.ctx, b.name, ListOptions{Prefix: prefix, Delimiter: delim, Marker: marker, MaxKeys: mk})
	if err != nil {
		s.fatalf("list: %v", err)
	}
	var wantObjs, wantCPs, gotObjs []string
	for _, e := range page {
		if e.cp {
			wantCPs = append(wantCPs, e.name)
		} else {
			wantObjs = append(wantObjs, e.name)
		}
	}
	for _, o := range res.Objects {
		gotObjs = append(gotObjs, o.Key)
	}
	wantTrunc := len(rest) > len(page)
	wantNext := ""
	if wantTrunc {
		wantNext = page[len(page)-1].name
	}
	if fmt.Sprintf("%q", gotObjs) != fmt.Sprintf("%q", wantObjs) || fmt.Sprintf("%q", res.CommonPrefixes) != fmt.Sprintf("%q", wantCPs) ||
		res.IsTruncated != wantTrunc || res.NextMarker != wantNext {
		s.fatalf("ListObjects %s prefix=%q delim=%q marker=%q max=%d:\n got objects %q prefixes %q truncated=%v next=%q\nwant objects %q prefixes %q truncated=%v next=%q",
			b.name, prefix, delim, marker, mk, gotObjs, res.CommonPrefixes, res.IsTruncated, res.NextMarker,
			wantObjs, wantCPs, wantTrunc, wantNext)
	}
	for _, o := range res.Objects {
		s.sameObj("listed object", o, b, o.Key, b.current(o.Key))
	}
	return res
}

// versionsAfter is the rest of a version listing after (km, vm): the
// versions of km after vm, then every entry after km. A version-id marker
// is ignored without a key marker, and an unknown one skips km entirely.
func versionsAfter(all []simEntry, km, vm, prefix string) []simEntry {
	if km != "" && vm != "" && strings.HasPrefix(km, prefix) {
		for i, e := range all {
			if !e.cp && e.name == km && e.v.sel() == vm {
				return all[i+1:]
			}
		}
	}
	return entriesAfter(all, km)
}

func (s *sim) checkListVersions(b *simBucket) {
	prefix, delim := s.prefixDelim()
	all := b.versionEntries(prefix, delim)
	// A random single page after a random cursor.
	km, vm := "", ""
	switch r := s.rng.IntN(3); {
	case r == 0 && len(all) > 0:
		e := all[s.rng.IntN(len(all))]
		km = e.name
		if !e.cp {
			vm = e.v.sel()
		}
	case r == 1:
		km = s.key()
	}
	s.listVersionsPage(b, prefix, delim, km, vm, s.maxKeys(), all)
	// Page through everything.
	mk := s.maxKeys()
	km, vm = "", ""
	n := 0
	for page := 0; ; page++ {
		if page > len(all)+1 {
			s.fatalf("list versions %s prefix=%q delim=%q max=%d: more pages than entries", b.name, prefix, delim, mk)
		}
		res := s.listVersionsPage(b, prefix, delim, km, vm, mk, all)
		n += len(res.Versions) + len(res.CommonPrefixes)
		if !res.IsTruncated {
			break
		}
		km, vm = res.NextKeyMarker, res.NextVersionIDMarker
	}
	if n != len(all) {
		s.fatalf("paged version list %s prefix=%q delim=%q max=%d: %d entries, want %d", b.name, prefix, delim, mk, n, len(all))
	}
}

func (s *sim) listVersionsPage(b *simBucket, prefix, delim, km, vm string, mk int, all []simEntry) *VersionListResult {
	rest := versionsAfter(all, km, vm, prefix)
	page := rest[:min(mk, len(rest))]
	res, err := s.store().ListVersions(s.ctx, b.name, VersionListOptions{Prefix: prefix, Delimiter: delim, KeyMarker: km, VersionIDMarker: vm, MaxKeys: mk})
	if err != nil {
		s.fatalf("list versions: %v", err)
	}
	var want, got []string
	var wantCPs []string
	for _, e := range page {
		if e.cp {
			wantCPs = append(wantCPs, e.name)
		} else {
			want = append(want, fmt.Sprintf("%s@%s latest=%v", e.name, e.v, e.latest))
		}
	}
	for _, v := range res.Versions {
		sv := &simVer{id: v.VersionID, marker: v.DeleteMarker, data: make([]byte, v.Size)}
		got = append(got, fmt.Sprintf("%s@%s latest=%v", v.Key, sv, v.IsLatest))
	}
	wantTrunc := len(rest) > len(page)
	wantKM, wantVM := "", ""
	if wantTrunc {
		last := page[len(page)-1]
		wantKM = last.name
		if !last.cp {
			wantVM = last.v.sel()
		}
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) || fmt.Sprintf("%q", res.CommonPrefixes) != fmt.Sprintf("%q", wantCPs) ||
		res.IsTruncated != wantTrunc || res.NextKeyMarker != wantKM || res.NextVersionIDMarker != wantVM {
		s.fatalf("ListVersions %s prefix=%q delim=%q key-marker=%q version-id-marker=%q max=%d:\n got %q prefixes %q truncated=%v next=(%q, %q)\nwant %q prefixes %q truncated=%v next=(%q, %q)\nall entries: %q",
			b.name, prefix, delim, km, vm, mk, got, res.CommonPrefixes, res.IsTruncated, res.NextKeyMarker, res.NextVersionIDMarker,
			want, wantCPs, wantTrunc, wantKM, wantVM, names(all))
	}
	for i, v := range res.Versions {
		s.sameObj("listed version", v.Object, b, v.Key, page[i+countCPsBefore(page, i)].v)
	}
	return res
}

// countCPsBefore maps the i-th version of a page to its index among all the
// page's entries.
func countCPsBefore(page []simEntry, i int) int {
	n, seen := 0, 0
	for _, e := range page {
		if e.cp {
			n++
			continue
		}
		if seen == i {
			break
		}
		seen++
	}
	return n
}

func uploadsAfter(all []simEntry, km, um, prefix string) []simEntry {
	if km != "" && um != "" && strings.HasPrefix(km, prefix) {
		var out []simEntry
		i := 0
		for ; i < len(all) && all[i].name <= km; i++ {
			if !all[i].cp && all[i].name == km && all[i].up.id > um {
				out = append(out, all[i])
			}
		}
		return append(out, all[i:]...)
	}
	return entriesAfter(all, km)
}

func (s *sim) checkUploads(b *simBucket) {
	prefix, delim := s.prefixDelim()
	all := b.uploadEntries(prefix, delim)
	mk := s.maxKeys()
	km, um := "", ""
	if s.rng.IntN(3) == 0 && len(all) > 0 {
		e := all[s.rng.IntN(len(all))]
		km = e.name
		if !e.cp {
			um = e.up.id
		}
		s.listUploadsPage(b, prefix, delim, km, um, mk, all)
		km, um = "", ""
	}
	n := 0
	for page := 0; ; page++ {
		if page > len(all)+1 {
			s.fatalf("list uploads %s: more pages than entries", b.name)
		}
		res := s.listUploadsPage(b, prefix, delim, km, um, mk, all)
		n += len(res.Uploads) + len(res.CommonPrefixes)
		if !res.IsTruncated {
			break
		}
		km, um = res.NextKeyMarker, res.NextUploadIDMarker
	}
	if n != len(all) {
		s.fatalf("paged upload list %s: %d entries, want %d", b.name, n, len(all))
	}
	// Parts of every live upload, and the absence of finished ones.
	for _, id := range slices.Sorted(maps.Keys(b.uploads)) {
		u := b.uploads[id]
		nums := slices.Sorted(maps.Keys(u.parts))
		max := 1 + s.rng.IntN(4)
		marker := 0
		var got []int
		for page := 0; ; page++ {
			if page > len(nums)+1 {
				s.fatalf("list parts %s: more pages than parts", u.id)
			}
			_, res, err := s.store().ListParts(s.ctx, b.name, u.key, u.id, marker, max)
			if err != nil {
				s.fatalf("list parts %s/%q %s: %v", b.name, u.key, u.id, err)
			}
			for _, p := range res.Parts {
				sp := u.parts[p.Number]
				if sp == nil || p.ETag != sp.etag || p.Size != int64(len(sp.data)) || p.CRC64 != crc64.Checksum(sp.data, crcTable) {
					s.fatalf("list parts %s: part %+v, model %v", u.id, p, sp != nil)
				}
				got = append(got, p.Number)
			}
			if res.IsTruncated != (len(got) < len(nums)) {
				s.fatalf("list parts %s marker=%d max=%d: truncated=%v after %v of %v", u.id, marker, max, res.IsTruncated, got, nums)
			}
			if !res.IsTruncated {
				break
			}
			marker = res.NextPartNumberMarker
		}
		if !slices.Equal(got, nums) {
			s.fatalf("list parts %s: %v, want %v", u.id, got, nums)
		}
	}
	for _, u := range s.gone {
		if u.bucket != b.name {
			continue
		}
		if _, err := s.store().Upload(s.ctx, b.name, u.key, u.id); !errors.Is(err, ErrNoSuchUpload) {
			s.fatalf("finished upload %s: %v, want ErrNoSuchUpload", u.id, err)
		}
	}
}

func (s *sim) listUploadsPage(b *simBucket, prefix, delim, km, um string, mk int, all []simEntry) *UploadListResult {
	rest := uploadsAfter(all, km, um, prefix)
	page := rest[:min(mk, len(rest))]
	res, err := s.store().ListUploads(s.ctx, b.name, UploadListOptions{Prefix: prefix, Delimiter: delim, KeyMarker: km, UploadIDMarker: um, MaxUploads: mk})
	if err != nil {
		s.fatalf("list uploads: %v", err)
	}
	var want, got, wantCPs []string
	for _, e := range page {
		if e.cp {
			wantCPs = append(wantCPs, e.name)
		} else {
			want = append(want, e.name+"#"+e.up.id)
		}
	}
	for _, u := range res.Uploads {
		got = append(got, u.Key+"#"+u.ID)
	}
	wantTrunc := len(rest) > len(page)
	wantKM, wantUM := "", ""
	if wantTrunc {
		last := page[len(page)-1]
		wantKM = last.name
		if !last.cp {
			wantUM = last.up.id
		}
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) || fmt.Sprintf("%q", res.CommonPrefixes) != fmt.Sprintf("%q", wantCPs) ||
		res.IsTruncated != wantTrunc || res.NextKeyMarker != wantKM || res.NextUploadIDMarker != wantUM {
		s.fatalf("ListUploads %s prefix=%q delim=%q key-marker=%q upload-id-marker=%q max=%d:\n got %q prefixes %q truncated=%v next=(%q, %q)\nwant %q prefixes %q truncated=%v next=(%q, %q)",
			b.name, prefix, delim, km, um, mk, got, res.CommonPrefixes, res.IsTruncated, res.NextKeyMarker, res.NextUploadIDMarker,
			want, wantCPs, wantTrunc, wantKM, wantUM)
	}
	return res
}

// --- engine audit ---

// simAudit is what checkEngine found in Meta and the blob store.
type simAudit struct {
	buckets  map[string]bool
	current  map[string][]byte    // bucket\x00key -> O/ record
	versions map[string][]*Object // bucket\x00key -> V/ records in key order
	rawVer   map[string][][]byte
	data     map[string]int // D/ id -> value length
	refs     map[string]bool
	uploads  map[string]string // upload id -> bucket\x00key
	parts    map[string][]*Part
	blobs    map[string]int64
	other    []string
}

func audit(t testing.TB, meta *local.Meta, blobs *local.Blobs) (*simAudit, error) {
	a := &simAudit{
		buckets: map[string]bool{}, current: map[string][]byte{}, versions: map[string][]*Object{},
		rawVer: map[string][][]byte{}, data: map[string]int{}, refs: map[string]bool{},
		uploads: map[string]string{}, parts: map[string][]*Part{}, blobs: map[string]int64{},
	}
	it, err := meta.NewIter(nil, nil)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k, v := string(it.Key()), slices.Clone(it.Value())
		switch {
		case strings.HasPrefix(k, "B/"):
			a.buckets[k[2:]] = true
		case strings.HasPrefix(k, "S/"):
		case strings.HasPrefix(k, "O/"):
			a.current[k[2:]] = v
		case strings.HasPrefix(k, "V/"):
			rest := k[2:]
			if len(rest) < 9 || rest[len(rest)-9] != 0 {
				return nil, fmt.Errorf("malformed V/ key %q", k)
			}
			bk := rest[:len(rest)-9]
			seq := ^binary.BigEndian.Uint64([]byte(rest[len(rest)-8:]))
			o, err := decodeObject(v, "", "")
			if err != nil {
				return nil, fmt.Errorf("V/ %q: %v", k, err)
			}
			if o.Seq != seq {
				return nil, fmt.Errorf("V/ %q holds seq %d, key says %d", k, o.Seq, seq)
			}
			if !o.IsNull() && o.VersionID != versionID(seq) {
				return nil, fmt.Errorf("V/ %q holds version id %q, want %q", k, o.VersionID, versionID(seq))
			}
			a.versions[bk] = append(a.versions[bk], o)
			a.rawVer[bk] = append(a.rawVer[bk], v)
		case strings.HasPrefix(k, "D/"):
			a.data[k[2:]] = len(v)
		case strings.HasPrefix(k, "R/"):
			a.refs[k[2:]] = true
		case strings.HasPrefix(k, "U/"):
			rest := k[2:]
			i := strings.LastIndexByte(rest, 0)
			if i < 0 {
				return nil, fmt.Errorf("malformed U/ key %q", k)
			}
			a.uploads[rest[i+1:]] = rest[:i]
		case strings.HasPrefix(k, "P/"):
			rest := k[2:]
			if len(rest) < 5 || rest[len(rest)-5] != 0 {
				return nil, fmt.Errorf("malformed P/ key %q", k)
			}
			p := new(Part)
			if err := json.Unmarshal(v, p); err != nil {
				return nil, fmt.Errorf("P/ %q: %v", k, err)
			}
			if n := int(binary.BigEndian.Uint32([]byte(rest[len(rest)-4:]))); n != p.Number {
				return nil, fmt.Errorf("P/ %q holds part %d", k, p.Number)
			}
			id := rest[:len(rest)-5]
			a.parts[id] = append(a.parts[id], p)
		default:
			a.other = append(a.other, k)
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	err = blobs.Walk(func(id string, _ time.Time) error {
		b, err := blobs.Open(id)
		if err != nil {
			return fmt.Errorf("blob %s listed but not readable: %v", id, err)
		}
		a.blobs[id] = b.Size()
		return b.Close()
	})
	return a, err
}

// problems lists every inconsistency between the records and the data.
func (a *simAudit) problems() []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, k := range a.other {
		bad("unexpected key %q", k)
	}
	dataRefs := map[string]int{}
	blobRefs := map[string]int{}
	blobSize := map[string]int64{}
	for bk, vs := range a.versions {
		newest := vs[0]
		cur, ok := a.current[bk]
		switch {
		case newest.DeleteMarker && ok:
			bad("%q: O/ record present although the newest version is a delete marker", bk)
		case !newest.DeleteMarker && !ok:
			bad("%q: O/ record missing for newest version %q", bk, newest.VersionID)
		case ok && !bytes.Equal(cur, a.rawVer[bk][0]):
			bad("%q: O/ record differs from the newest V/ record:\n  O/ %s\n  V/ %s", bk, cur, a.rawVer[bk][0])
		}
		nulls := 0
		for _, v := range vs {
			if v.IsNull() {
				nulls++
			}
			if v.DeleteMarker && len(v.Extents) > 0 {
				bad("%q: delete marker with extents", bk)
			}
			for _, e := range v.Extents {
				if e.Inline {
					dataRefs[e.ID]++
					if n, ok := a.data[e.ID]; !ok {
						bad("%q@%q: inline extent %s has no D/ key", bk, v.VersionID, e.ID)
					} else if int64(n) != e.Size {
						bad("%q@%q: inline extent %s is %d bytes, D/ holds %d", bk, v.VersionID, e.ID, e.Size, n)
					}
				} else {
					blobRefs[e.ID]++
					blobSize[e.ID] = e.Size
				}
			}
		}
		if nulls > 1 {
			bad("%q: %d null versions", bk, nulls)
		}
	}
	for bk := range a.current {
		if len(a.versions[bk]) == 0 {
			bad("%q: O/ record without any V/ record", bk)
		}
	}
	for id, ps := range a.parts {
		if _, ok := a.uploads[id]; !ok {
			bad("P/ keys of upload %s, which has no U/ record", id)
		}
		for _, p := range ps {
			blobRefs[p.Blob]++
			blobSize[p.Blob] = p.Size
		}
	}
	for id, n := range dataRefs {
		if n > 1 {
			bad("inline data %s named by %d versions", id, n)
		}
	}
	for id := range a.data {
		if dataRefs[id] == 0 {
			bad("D/%s is named by no version (leak)", id)
		}
	}
	for id, n := range blobRefs {
		if n > 1 {
			bad("blob %s named by %d versions or parts", id, n)
		}
		if !a.refs[id] {
			bad("blob %s is in use but has no R/ key", id)
		}
		if sz, ok := a.blobs[id]; !ok {
			bad("blob %s is in use but missing", id)
		} else if sz != blobSize[id] {
			bad("blob %s is %d bytes, its record says %d", id, sz, blobSize[id])
		}
	}
	for id := range a.refs {
		if blobRefs[id] == 0 {
			bad("R/%s is named by no version or part (leak)", id)
		}
	}
	for id := range a.blobs {
		if blobRefs[id] == 0 {
			bad("blob file %s is named by no version or part (leak)", id)
		}
	}
	sort.Strings(out)
	return out
}

func (s *sim) checkEngine() {
	a, err := audit(s.t, s.e.meta, s.e.blobs)
	if err != nil {
		s.fatalf("audit: %v", err)
	}
	if p := a.problems(); len(p) > 0 {
		s.fatalf("engine audit:\n  %s", strings.Join(p, "\n  "))
	}
	// Meta holds exactly the model's versions and uploads.
	for _, b := range s.buckets {
		if !a.buckets[b.name] {
			s.fatalf("bucket %s has no B/ record", b.name)
		}
		for k, vs := range b.keys {
			recs := a.versions[b.name+"\x00"+k]
			if len(recs) != len(vs) {
				s.fatalf("%s/%q: %d V/ records, model has %v", b.name, k, len(recs), vs)
			}
			for i, v := range vs {
				if recs[i].VersionID != v.id || recs[i].DeleteMarker != v.marker {
					s.fatalf("%s/%q: V/ record %d is %q marker=%v, model has %v", b.name, k, i, recs[i].VersionID, recs[i].DeleteMarker, v)
				}
			}
		}
		for id, u := range b.uploads {
			if a.uploads[id] != b.name+"\x00"+u.key {
				s.fatalf("upload %s: U/ record %q", id, a.uploads[id])
			}
			if len(a.parts[id]) != len(u.parts) {
				s.fatalf("upload %s: %d P/ records, model has %d parts", id, len(a.parts[id]), len(u.parts))
			}
		}
	}
	nv, nu := 0, 0
	for _, b := range s.buckets {
		nv += len(b.keys)
		nu += len(b.uploads)
	}
	if len(a.versions) != nv || len(a.uploads) != nu {
		s.fatalf("Meta has versions of %d keys and %d uploads, model %d and %d", len(a.versions), len(a.uploads), nv, nu)
	}
}

// teardown deletes every version and aborts every upload through the
// Store; then nothing may be left but the bucket and store records.
func (s *sim) teardown() {
	s.logf("teardown")
	for _, b := range s.buckets {
		for _, k := range b.sortedKeys(false) {
			for len(b.keys[k]) > 0 {
				v := b.keys[k][s.rng.IntN(len(b.keys[k]))]
				res, err := s.store().DeleteObject(s.ctx, b.name, k, v.sel())
				if err != nil || res != (DeleteResult{VersionID: v.id, DeleteMarker: v.marker}) {
					s.fatalf("teardown: delete %s/%q@%s = %+v, %v", b.name, k, v.sel(), res, err)
				}
				b.removeAt(k, b.find(k, v.sel()))
				s.checkKey(b, k)
			}
		}
		for id, u := range b.uploads {
			if err := s.store().AbortUpload(s.ctx, b.name, u.key, id); err != nil {
				s.fatalf("teardown: abort %s: %v", id, err)
			}
			delete(b.uploads, id)
		}
		s.checkListObjects(b)
		s.checkListVersions(b)
		s.checkUploads(b)
	}
	s.checkEngine()
	a, err := audit(s.t, s.e.meta, s.e.blobs)
	if err != nil {
		s.fatalf("audit: %v", err)
	}
	if len(a.current)+len(a.versions)+len(a.data)+len(a.refs)+len(a.uploads)+len(a.parts)+len(a.blobs) != 0 {
		s.fatalf("after deleting everything: %d O/, %d V/ keys, %d D/, %d R/, %d U/, %d P/ keys and %d blobs remain",
			len(a.current), len(a.versions), len(a.data), len(a.refs), len(a.uploads), len(a.parts), len(a.blobs))
	}
	for _, b := range s.buckets {
		if err := s.store().DeleteBucket(s.ctx, b.name); err != nil {
			s.fatalf("delete bucket %s: %v", b.name, err)
		}
	}
	s.e.reopen()
	if n := len(s.store().ListBuckets(s.ctx, "")); n != 0 {
		s.fatalf("%d buckets after deleting them all and reopening", n)
	}
}

// TestSim runs the model-based simulation over several inline thresholds:
// none (every object a blob), tiny and 1 KiB (both paths with small data),
// and the default 64 KiB.
func TestSim(t *testing.T) {
	steps := *simSteps
	if steps <= 0 {
		steps = simDefaultSteps
		if testing.Short() {
			steps /= 5
		}
	}
	base := *simSeed
	if base == 0 {
		base = uint64(time.Now().UnixNano())
	}
	for i, inline := range []int{-1, 16, 1024, 0} {
		t.Run(fmt.Sprintf("inline=%d", inline), func(t *testing.T) {
			t.Parallel()
			seed := base
			if *simSeed == 0 {
				seed = base + uint64(i)
			}
			t.Logf("seed %d (replay with -args -sim.seed=%d)", seed, seed)
			newSim(t, inline, seed).run(steps)
		})
	}
}

// --- concurrency ---

// TestSimConcurrent runs puts, deletes, copies, appends, multipart uploads
// and reads on a few overlapping keys from several goroutines, in an
// unversioned, a versioned and a bucket whose versioning flips, then checks
// that every version of every key is one whole write with a correct ETag and
// CRC-64, that versioned keys have one version per write, and that no blob or
// record leaked.
func TestSimConcurrent(t *testing.T) {
	ctx := context.Background()
	e := openSimEnv(t, 512)
	st := e.s
	buckets := []string{"conc-off", "conc-ver", "conc-flip"}
	for _, b := range buckets {
		if _, err := st.CreateBucket(ctx, Bucket{Name: b, Owner: "1"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range buckets[1:] {
		if _, err := st.SetVersioning(ctx, b, VersioningEnabled); err != nil {
			t.Fatal(err)
		}
	}
	keys := []string{"k0", "k1", "k2", "dir/k3"}
	const workers = 8
	iters := 60
	if testing.Short() {
		iters = 15
	}
	if *simSteps > 0 {
		iters = *simSteps
	}

	var mu sync.Mutex
	written := map[string]bool{} // md5 of every body written by put, append or complete
	// writes[bucket\x00key] counts the versions a versioned bucket gains.
	writes := map[string]int{}
	note := func(b, k string, content []byte) {
		mu.Lock()
		defer mu.Unlock()
		if content != nil {
			written[md5hex(content)] = true
		}
		writes[b+"\x00"+k]++
	}
	var failures atomic.Int32
	fail := func(format string, args ...any) {
		failures.Add(1)
		t.Errorf(format, args...)
	}
	verify := func(what string, o *Object, data []byte) {
		if int64(len(data)) != o.Size || crc64.Checksum(data, crcTable) != o.CRC64 {
			fail("%s: read %d bytes crc %d; record says %d bytes crc %d", what, len(data), crc64.Checksum(data, crcTable), o.Size, o.CRC64)
		}
		if o.Parts == 0 && o.ETag != md5hex(data) {
			fail("%s: ETag %s, MD5 of the bytes %s", what, o.ETag, md5hex(data))
		}
		if o.Parts > 0 && int64(len(data)) == o.Size {
			// MD5 of the parts' MD5s, each part's MD5 that of its bytes.
			var md5s []byte
			off := int64(0)
			for _, e := range o.Extents {
				sum := md5.Sum(data[off : off+e.Size])
				if e.ETag != hex.EncodeToString(sum[:]) {
					fail("%s: part at %d has ETag %s, MD5 of its bytes %x", what, off, e.ETag, sum)
				}
				md5s = append(md5s, sum[:]...)
				off += e.Size
			}
			if want := fmt.Sprintf("%s-%d", md5hex(md5s), len(o.Extents)); o.ETag != want || len(o.Extents) != o.Parts {
				fail("%s: multipart ETag %s over %d extents, want %s", what, o.ETag, len(o.Extents), want)
			}
		}
	}

	var flipStop atomic.Bool
	var flipWG sync.WaitGroup
	flipWG.Add(1)
	go func() {
		defer flipWG.Done()
		for i := 0; !flipStop.Load(); i++ {
			state := VersioningSuspended
			if i%2 == 1 {
				state = VersioningEnabled
			}
			if _, err := st.SetVersioning(ctx, "conc-flip", state); err != nil {
				fail("flip versioning: %v", err)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := 0; i < iters && failures.Load() == 0; i++ {
				b, k := buckets[rng.IntN(len(buckets))], keys[rng.IntN(len(keys))]
				n := rng.IntN(1500)
				if rng.IntN(15) == 0 {
					n = 70<<10 + rng.IntN(64<<10)
				}
				data := make([]byte, n)
				for j := range data {
					data[j] = byte(rng.Uint32())
				}
				copy(data, fmt.Sprintf("w%d-i%d|", w, i))
				switch op := rng.IntN(10); {
				case op < 4:
					o, err := st.PutObject(ctx, PutInput{Bucket: b, Key: k, Body: body(data)})
					if err != nil {
						fail("put: %v", err)
						continue
					}
					if o.ETag != md5hex(data) || o.CRC64 != crc64.Checksum(data, crcTable) {
						fail("put result %+v", o)
					}
					note(b, k, data)
				case op < 5:
					if _, err := st.DeleteObject(ctx, b, k, ""); err != nil {
						fail("delete: %v", err)
						continue
					}
					if b != "conc-off" {
						note(b, k, nil)
					}
				case op < 7:
					sk := keys[rng.IntN(len(keys))]
					dst, src, err := st.CopyObject(ctx, CopyInput{SrcBucket: b, SrcKey: sk, Bucket: b, Key: k})
					if errors.Is(err, ErrNoSuchKey) {
						continue
					}
					if err != nil {
						fail("copy: %v", err)
						continue
					}
					if dst.Size != src.Size || dst.CRC64 != src.CRC64 {
						fail("copy %+v of %+v", dst, src)
					}
					note(b, k, nil)
				case op < 8:
					u, err := st.CreateUpload(ctx, CreateUploadInput{Bucket: b, Key: k})
					if err != nil {
						fail("create upload: %v", err)
						continue
					}
					half := len(data) / 2
					var parts []CompletePart
					for j, piece := range [][]byte{data[:half], data[half:]} {
						p, err := st.UploadPart(ctx, b, k, u.ID, j+1, body(piece))
						if err != nil {
							fail("upload part: %v", err)
							break
						}
						parts = append(parts, CompletePart{Number: j + 1, ETag: p.ETag})
					}
					if rng.IntN(4) == 0 {
						if err := st.AbortUpload(ctx, b, k, u.ID); err != nil {
							fail("abort: %v", err)
						}
						continue
					}
					if _, err := st.CompleteUpload(ctx, CompleteInput{Bucket: b, Key: k, UploadID: u.ID, Parts: parts}); err != nil {
						fail("complete: %v", err)
						continue
					}
					note(b, k, data)
				default:
					o, r, err := st.OpenObject(ctx, b, k, "", nil)
					if errors.Is(err, ErrNoSuchKey) {
						continue
					}
					if err != nil {
						fail("open %s/%s: %v", b, k, err)
						continue
					}
					got, err := io.ReadAll(r)
					r.Close()
					if err != nil {
						fail("read %s/%s: %v", b, k, err)
						continue
					}
					verify(fmt.Sprintf("concurrent read of %s/%s", b, k), o, got)
				}
			}
		}(w)
	}
	wg.Wait()
	flipStop.Store(true)
	flipWG.Wait()
	if t.Failed() {
		return
	}

	for _, b := range buckets {
		res, err := st.ListVersions(ctx, b, VersionListOptions{MaxKeys: 100000})
		if err != nil {
			t.Fatal(err)
		}
		perKey := map[string]int{}
		for _, v := range res.Versions {
			perKey[v.Key]++
			if v.DeleteMarker {
				continue
			}
			got := readVersion(t, st, b, v.Object)
			verify(fmt.Sprintf("%s/%s@%q", b, v.Key, v.VersionID), v.Object, got)
			mu.Lock()
			ok := written[md5hex(got)]
			mu.Unlock()
			if !ok {
				t.Errorf("%s/%s@%q holds %d bytes that no writer wrote", b, v.Key, v.VersionID, len(got))
			}
		}
		for _, k := range keys {
			switch b {
			case "conc-off":
				if perKey[k] > 1 {
					t.Errorf("%s/%s: %d versions in an unversioned bucket", b, k, perKey[k])
				}
			case "conc-ver":
				if perKey[k] != writes[b+"\x00"+k] {
					t.Errorf("%s/%s: %d versions after %d writes and deletes", b, k, perKey[k], writes[b+"\x00"+k])
				}
			}
		}
	}
	a, err := audit(t, e.meta, e.blobs)
	if err != nil {
		t.Fatal(err)
	}
	if p := a.problems(); len(p) > 0 {
		t.Fatalf("engine audit after concurrent run:\n  %s", strings.Join(p, "\n  "))
	}
	// Delete everything concurrently, one goroutine per bucket, and check
	// that nothing is left.
	var dwg sync.WaitGroup
	for _, b := range buckets {
		dwg.Add(1)
		go func(b string) {
			defer dwg.Done()
			res, err := st.ListVersions(ctx, b, VersionListOptions{MaxKeys: 100000})
			if err != nil {
				fail("list: %v", err)
				return
			}
			for _, v := range res.Versions {
				sel := v.VersionID
				if sel == "" {
					sel = NullVersion
				}
				if _, err := st.DeleteObject(ctx, b, v.Key, sel); err != nil {
					fail("delete %s/%s@%s: %v", b, v.Key, sel, err)
				}
			}
		}(b)
	}
	dwg.Wait()
	a, err = audit(t, e.meta, e.blobs)
	if err != nil {
		t.Fatal(err)
	}
	if p := a.problems(); len(p) > 0 || len(a.blobs)+len(a.refs)+len(a.data)+len(a.versions)+len(a.uploads) > 0 {
		t.Fatalf("after deleting everything: %d blobs, %d R/, %d D/, %d keys with versions, %d uploads; problems %q",
			len(a.blobs), len(a.refs), len(a.data), len(a.versions), len(a.uploads), a.problems())
	}
}

func readVersion(t *testing.T, st *Store, b string, o *Object) []byte {
	t.Helper()
	sel := o.VersionID
	if sel == "" {
		sel = NullVersion
	}
	_, r, err := st.OpenObject(context.Background(), b, o.Key, sel, nil)
	if err != nil {
		t.Fatalf("open %s/%s@%s: %v", b, o.Key, sel, err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s/%s@%s: %v", b, o.Key, sel, err)
	}
	return got
}

// TestSimConcurrentMultipart uploads and re-uploads the parts of one upload
// from several goroutines while another completes it (retrying when a part
// it listed was replaced meanwhile) or aborts it. The object must be the
// parts the completion named, whole; uploads that lose the race must fail
// with ErrNoSuchUpload; and no blob of a replaced, unused or late part may
// remain.
func TestSimConcurrentMultipart(t *testing.T) {
	ctx := context.Background()
	e := openSimEnv(t, 512)
	st := e.s
	mustBucket(t, st, "mpu")
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	for round := 0; round < rounds; round++ {
		abort := round%3 == 2
		u, err := st.CreateUpload(ctx, CreateUploadInput{Bucket: "mpu", Key: "obj"})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		byETag := map[string][]byte{}
		var done atomic.Bool
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				for i := 0; i < 100 && !done.Load(); i++ {
					n := 1 + rng.IntN(4)
					size := rng.IntN(3000)
					if rng.IntN(20) == 0 {
						size = 300 << 10
					}
					data := make([]byte, size)
					for j := range data {
						data[j] = byte(rng.Uint32())
					}
					p, err := st.UploadPart(ctx, "mpu", "obj", u.ID, n, body(data))
					if errors.Is(err, ErrNoSuchUpload) {
						return
					}
					if err != nil {
						t.Errorf("upload part %d: %v", n, err)
						return
					}
					mu.Lock()
					byETag[p.ETag] = data
					mu.Unlock()
				}
			}(w)
		}
		var listed []CompletePart
		var obj *Object
		for attempt := 0; ; attempt++ {
			time.Sleep(time.Millisecond)
			if abort {
				if err := st.AbortUpload(ctx, "mpu", "obj", u.ID); err != nil {
					t.Fatal(err)
				}
				break
			}
			_, res, err := st.ListParts(ctx, "mpu", "obj", u.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Parts) == 0 {
				continue
			}
			listed = listed[:0]
			for _, p := range res.Parts {
				listed = append(listed, CompletePart{Number: p.Number, ETag: p.ETag})
			}
			obj, err = st.CompleteUpload(ctx, CompleteInput{Bucket: "mpu", Key: "obj", UploadID: u.ID, Parts: listed})
			if errors.Is(err, ErrInvalidPart) {
				continue // a listed part was replaced meanwhile
			}
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		done.Store(true)
		wg.Wait()
		if _, err := st.UploadPart(ctx, "mpu", "obj", u.ID, 1, body([]byte("late"))); !errors.Is(err, ErrNoSuchUpload) {
			t.Fatalf("upload part after the upload ended: %v", err)
		}
		if !abort {
			var want []byte
			for _, p := range listed {
				want = append(want, byETag[p.ETag]...)
			}
			got := readVersion(t, st, "mpu", obj)
			if !bytes.Equal(got, want) || obj.CRC64 != crc64.Checksum(want, crcTable) || obj.Parts != len(listed) {
				t.Fatalf("round %d: object of %d parts reads %d bytes, want %d (crc %d, want %d)", round, obj.Parts, len(got), len(want), obj.CRC64, crc64.Checksum(want, crcTable))
			}
		}
		a, err := audit(t, e.meta, e.blobs)
		if err != nil {
			t.Fatal(err)
		}
		if p := a.problems(); len(p) > 0 {
			t.Fatalf("round %d (abort=%v): engine audit:\n  %s", round, abort, strings.Join(p, "\n  "))
		}
		if len(a.uploads)+len(a.parts) != 0 {
			t.Fatalf("round %d: %d uploads and parts of %d uploads remain", round, len(a.uploads), len(a.parts))
		}
	}
}

// --- reproductions of the core bugs the simulation found ---
//
// Each test below failed while the bug it describes was present; they stay
// as regression tests.

// TestSimBugListVersionsExactFill: when the versions of the key marker that
// follow the version-id marker exactly fill the page, ListVersions returns
// IsTruncated=false (and no next markers) although more keys follow, so a
// client paging through the versions stops early and never sees them.
// (S3: IsTruncated "indicates whether Amazon S3 returned all of the results
// that satisfied the search criteria".) Cause: ListVersions calls walk with
// max = MaxKeys-n = 0, and walk returns at once without looking for a next
// key, so nothing sets IsTruncated.
func TestSimBugListVersionsExactFill(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "bkt")
	if _, err := s.SetVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	put(t, s, "bkt", "k", "k1")
	put(t, s, "bkt", "k", "k2")
	put(t, s, "bkt", "m", "m1")
	var seen []string
	opts := VersionListOptions{MaxKeys: 1}
	for page := 0; page < 10; page++ {
		res, err := s.ListVersions(ctx, "bkt", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Versions {
			seen = append(seen, v.Key)
		}
		if !res.IsTruncated {
			break
		}
		opts.KeyMarker, opts.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
	if fmt.Sprint(seen) != "[k k m]" {
		t.Errorf("paging versions one at a time saw %v, want [k k m]: the page holding the last version of k says IsTruncated=false", seen)
	}
}

// TestSimBugAppendSharesExtents: AppendObject with AllowVersioned in a
// versioning-enabled bucket (and any append in a suspended bucket whose
// current version is such an appendable version) publishes a new version
// whose extents include the previous version's extents, which stays as a
// noncurrent version. Two records then name the same D/ and R/ data, and
// deleting either version frees data the other still reads: the survivor
// can no longer be read (OpenObject fails with "data replaced while
// opening"), and the engine holds inline data named twice.
//
// Besides the corruption, the semantics differ from OSS, the one dialect
// with appendable objects in versioned buckets: there an append extends the
// current appendable version in place and "OSS does not create previous
// versions for this Appendable object" (OSS AppendObject, Versioning).
func TestSimBugAppendSharesExtents(t *testing.T) {
	// Appends extend the current version in place (as OSS documents for
	// versioned buckets): two appends leave one version holding all the
	// data, whichever versioning state the second one met, and deleting it
	// leaves nothing behind.
	for _, state := range []string{VersioningEnabled, VersioningSuspended} {
		t.Run(state, func(t *testing.T) {
			ctx := context.Background()
			e := openSimEnv(t, 64<<10)
			s := e.s
			mustBucket(t, s, "bkt")
			if _, err := s.SetVersioning(ctx, "bkt", VersioningEnabled); err != nil {
				t.Fatal(err)
			}
			first, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "log", Body: body([]byte("abc")), AllowVersioned: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetVersioning(ctx, "bkt", state); err != nil {
				t.Fatal(err)
			}
			second, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "log", Position: 3, Body: body(bytes.Repeat([]byte("d"), 100<<10)), AllowVersioned: true})
			if err != nil {
				t.Fatal(err)
			}
			if second.VersionID != first.VersionID || second.Seq != first.Seq {
				t.Fatalf("append made a new version: %q then %q", first.VersionID, second.VersionID)
			}
			l, err := s.ListVersions(ctx, "bkt", VersionListOptions{MaxKeys: 100})
			if err != nil || len(l.Versions) != 1 || l.Versions[0].Size != 3+100<<10 {
				t.Fatalf("versions after two appends: %+v, %v", l, err)
			}
			a, err := audit(t, e.meta, e.blobs)
			if err != nil {
				t.Fatal(err)
			}
			if p := a.problems(); len(p) > 0 {
				t.Errorf("after two appends: %q", p)
			}
			if _, err := s.DeleteObject(ctx, "bkt", "log", selOf(second.Object)); err != nil {
				t.Fatal(err)
			}
			a, err = audit(t, e.meta, e.blobs)
			if err != nil {
				t.Fatal(err)
			}
			if p := a.problems(); len(p) > 0 {
				t.Errorf("after deleting the version: %q", p)
			}
		})
	}
}

func selOf(o *Object) string {
	if o.IsNull() {
		return NullVersion
	}
	return o.VersionID
}

// TestSimBugNullVersionBySeqID: a null version answers to a version id, the
// one versionID derives from its Seq, in GetObject, OpenObject and
// CopyObject (they look the id up with verKey(seq) and do not check that
// the record found is not the null version), while DeleteObject with the
// same id treats it as absent and deletes nothing (it skips null versions).
// S3 names the null version only "null"; any other id that names no
// version is NoSuchVersion, for reads and deletes alike.
func TestSimBugNullVersionBySeqID(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "bkt")
	o := put(t, s, "bkt", "k", "data")
	id := versionID(o.Seq)
	if got, err := s.GetObject(ctx, "bkt", "k", id); !errors.Is(err, ErrNoSuchVersion) {
		t.Errorf("GetObject(version %q) of a key whose only version is null = %+v, %v; want ErrNoSuchVersion", id, got, err)
	}
	res, err := s.DeleteObject(ctx, "bkt", "k", id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetObject(ctx, "bkt", "k", id); err == nil {
		t.Errorf("DeleteObject(version %q) returned %+v and deleted nothing, yet GetObject with that id still finds the null version", id, res)
	}
}

// TestSimBugAppendChunkedAtMaxSize: AppendInput.MaxSize "bounds the
// object's total size (ErrAppendTooLarge)", but an append of unknown length
// (Body.Size -1) at Position == MaxSize is not bounded at all: AppendObject
// sets Body.Max = MaxSize-Position = 0, and 0 means "no bound" to
// writeData. (At Position > MaxSize Body.Max goes negative, with the same
// effect.) With a known length the same append fails with
// ErrAppendTooLarge, as it must.
func TestSimBugAppendChunkedAtMaxSize(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "bkt")
	if _, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "k", Body: body([]byte("0123456789")), MaxSize: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "k", Position: 10, Body: body([]byte("more")), MaxSize: 10}); !errors.Is(err, ErrAppendTooLarge) {
		t.Fatalf("append of known length past MaxSize: %v, want ErrAppendTooLarge", err)
	}
	res, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "k", Position: 10, Body: Body{R: strings.NewReader("more"), Size: -1}, MaxSize: 10})
	if !errors.Is(err, ErrAppendTooLarge) {
		size := int64(-1)
		if res != nil {
			size = res.Size
		}
		t.Errorf("append of unknown length at Position == MaxSize == 10: err %v, object now %d bytes; want ErrAppendTooLarge", err, size)
	}
}
