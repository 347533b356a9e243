package checksum

import (
	"crypto/md5"
	"encoding"
	"encoding/binary"
	"hash"
	"math"
	"runtime"
	"sync"
	"unsafe"
)

// Multi-lane MD5.
//
// MD5 is one serial dependency chain per stream: a core hashes one stream at
// about 5 cycles per byte however wide its vector units are, and under large
// uploads it is the largest per-byte cost on the server (SigV4 streaming
// SHA-256 has SHA-NI; CRC-64 has carry-less multiply). md5x8 (assembly) runs
// the chains of up to eight streams side by side in the lanes of one vector
// register, so eight streams cost the instructions of one.
//
// The lanes are filled by combining, not by a hashing server: a goroutine
// with blocks to hash picks a combiner; if nobody leads it, it becomes the
// leader and hashes its own blocks together with whatever other streams
// queue there meanwhile (topping the lanes up between kernel calls), while
// those wait. When the leader's own blocks are done it hands the leadership,
// with the lanes still in flight, to one of their owners and returns.
// Hashing therefore runs on the uploads' own goroutines, on whichever cores
// they run, and a leader with nobody to combine with first yields its P once
// (runtime.Gosched: another upload that was runnable may reach its MD5 and
// join), then hashes alone with crypto/md5 (the kernel in one lane is
// slower than crypto/md5's scalar code).
// A single server goroutine, as in minio/md5-simd, was measured here to cap
// all uploads at one core.
//
// Invariants: a job is in at most one of a combiner's queue and active
// lanes; only the combiner's leader (busy) touches active and n; a job's
// owner is parked on wake from queueing until it is sent exactly one value.

// laneMax bounds how many blocks one kernel call hashes per lane before the
// leader looks for newly queued streams: 8 KiB per lane, some 20 µs.
const laneMax = 128

// laneDirect is the smallest write that goes through a combiner: below it
// the hand-off costs more than a second lane would save.
const laneDirect = 4 << 10

// md5K8 is MD5's table of 64 additive constants, each repeated in 8 lanes.
var md5K8 = func() (k [64][8]uint32) {
	for i := range k {
		v := uint32(math.Floor(math.Abs(math.Sin(float64(i+1))) * (1 << 32)))
		for j := range k[i] {
			k[i][j] = v
		}
	}
	return k
}()

var md5Init = [4]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}

// laneJob is one stream's request to a combiner: hash the whole blocks in p
// into d.s. wake receives once, when the job is done (lead false) or when
// its goroutine is to take over as leader (lead true).
type laneJob struct {
	d    *laneMD5
	p    []byte
	lead bool
	wake chan struct{}
}

type combiner struct {
	mu     sync.Mutex
	busy   bool // some goroutine leads
	queue  []*laneJob
	qbuf   [16]*laneJob // queue's usual backing array
	active [8]*laneJob  // active[:n] are in flight
	n      int
}

// combiners: one per two Ps. A stream that finds a combiner idle leads it
// and hashes alone (crypto/md5) until others queue on it, so the fewer the
// combiners the more streams share lanes. Measured under warp put-1MiB (8
// clients, 2 cores, server CPU-bound): one combiner per P left 96% of MD5
// time in crypto/md5 (streams seldom met); one per two Ps cut MD5 CPU by
// 40%. The price is paid when there are fewer busy streams than cores:
// two streams on two idle cores hash at 0.7x crypto/md5 in one combiner.
var combiners = func() []*combiner {
	c := make([]*combiner, max(1, runtime.GOMAXPROCS(0)/2))
	for i := range c {
		c[i] = &combiner{}
	}
	return c
}()

// hashBlocks hashes j.p (a multiple of 64 bytes) into j.d.s.
func hashBlocks(j *laneJob) {
	// Lead an idle combiner if there is one, else queue where the fewest
	// streams are.
	var best *combiner
	bestLoad := math.MaxInt
	for _, c := range combiners {
		c.mu.Lock()
		if c.takeIdle(j) {
			c.lead(j)
			return
		}
		load := len(c.queue)
		c.mu.Unlock()
		if load < bestLoad {
			best, bestLoad = c, load
		}
	}
	c := best
	c.mu.Lock()
	if c.takeIdle(j) { // it went idle since
		c.lead(j)
		return
	}
	c.queue = append(c.queue, j)
	c.mu.Unlock()
	<-j.wake
	if j.lead {
		j.lead = false
		c.lead(j)
	}
}

// takeIdle, with c.mu held, makes j's goroutine c's leader if c is idle,
// and then unlocks c.mu; otherwise it leaves c.mu held and returns false.
func (c *combiner) takeIdle(j *laneJob) bool {
	if c.busy {
		return false
	}
	c.busy = true
	c.active[0] = j
	c.n = 1
	c.mu.Unlock()
	return true
}

// pop removes the first queued job; c.mu is held and the queue not empty.
// An emptied queue goes back to the start of qbuf.
func (c *combiner) pop() *laneJob {
	j := c.queue[0]
	c.queue[0] = nil
	c.queue = c.queue[1:]
	if len(c.queue) == 0 {
		c.queue = c.qbuf[:0]
	}
	return j
}

// lead runs the lanes until own is done, then hands over or stops. The
// caller leads c (c.busy) and own is in c.active.
func (c *combiner) lead(own *laneJob) {
	var st [4][8]uint32
	var ptrs [8]uintptr
	yielded := false
	for {
		c.mu.Lock()
		for c.n < len(c.active) && len(c.queue) > 0 {
			c.active[c.n] = c.pop()
			c.n++
		}
		c.mu.Unlock()

		act := c.active[:c.n]
		blocks := laneMax
		for _, j := range act {
			blocks = min(blocks, len(j.p)/64)
		}
		if len(act) == 1 && !yielded {
			// Alone: first give the P to whatever else is runnable (other
			// uploads on their way to their MD5), once per slice; with
			// nothing runnable Gosched returns at once.
			yielded = true
			runtime.Gosched()
			continue
		}
		yielded = false
		if len(act) == 1 {
			// Alone (act[0] is own): crypto/md5 is faster than one lane.
			own.d.scalar(own.p[:blocks*64])
			own.p = own.p[blocks*64:]
		} else {
			var mask uint64
			for i, j := range act {
				s := &j.d.s
				st[0][i], st[1][i], st[2][i], st[3][i] = s[0], s[1], s[2], s[3]
				ptrs[i] = uintptr(unsafe.Pointer(unsafe.SliceData(j.p)))
				mask |= 1 << i
			}
			md5x8(&st, &ptrs, &md5K8, mask, blocks)
			for i, j := range act {
				s := &j.d.s
				s[0], s[1], s[2], s[3] = st[0][i], st[1][i], st[2][i], st[3][i]
				j.p = j.p[blocks*64:] // the slices in act kept the blocks alive
			}
		}

		ownDone := false
		k := 0
		for _, j := range act {
			switch {
			case len(j.p) > 0:
				c.active[k] = j
				k++
			case j == own:
				ownDone = true
			default:
				j.wake <- struct{}{}
			}
		}
		for i := k; i < c.n; i++ {
			c.active[i] = nil
		}
		c.n = k
		if !ownDone {
			continue
		}
		c.mu.Lock()
		var next *laneJob
		switch {
		case c.n > 0:
			next = c.active[0]
		case len(c.queue) > 0:
			next = c.pop()
			c.active[0] = next
			c.n = 1
		default:
			c.busy = false
		}
		c.mu.Unlock()
		if next != nil {
			next.lead = true
			next.wake <- struct{}{}
		}
		return
	}
}

// laneMD5 is a hash.Hash computing MD5 with crypto/md5 alone and md5x8 when
// other streams hash at the same time. Its zero value is not usable: see
// newMD5.
type laneMD5 struct {
	s    [4]uint32
	buf  [64]byte
	nbuf int
	len  uint64
	job  laneJob
	sc   hash.Hash // crypto/md5, loaded with s for scalar runs
	scb  []byte    // its marshalled state
	tail [128]byte // Sum's padding (here: crypto/md5 would make it escape)
}

// newMD5 returns the fastest MD5 for concurrent streams this machine has:
// the multi-lane one where the CPU has AVX-512 (F and VL), crypto/md5
// elsewhere.
func newMD5() hash.Hash {
	if !haveMD5x8 {
		return md5.New()
	}
	d := &laneMD5{sc: md5.New(), scb: make([]byte, 0, 4+16+md5.BlockSize+8)}
	d.job.d = d
	d.job.wake = make(chan struct{}, 1)
	d.Reset()
	return d
}

// scalar hashes p (whole blocks) into d.s with crypto/md5.
func (d *laneMD5) scalar(p []byte) {
	d.scb = scalarBlocks(d.sc, d.scb, "md5\x01", d.s[:], p)
}

// scalarBlocks hashes p, whole blocks, into the chaining value s with h, a
// crypto/md5 or crypto/sha256 digest, by way of their marshalled form:
// magic, the state words big-endian, the 64-byte buffer and the length
// big-endian (a multiple of 64 here, so the buffer is empty). b is scratch
// space, returned for the next call.
func scalarBlocks(h hash.Hash, b []byte, magic string, s []uint32, p []byte) []byte {
	b = append(b[:0], magic...)
	for _, v := range s {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, marshalZeros[:]...)
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
		panic("checksum: " + magic[:3] + " state: " + err.Error())
	}
	h.Write(p)
	b, err := h.(encoding.BinaryAppender).AppendBinary(b[:0])
	if err != nil || len(b) < len(magic)+4*len(s) {
		panic("checksum: " + magic[:3] + " state")
	}
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[len(magic)+4*i:])
	}
	return b
}

// marshalZeros is the empty buffer and zero length of a marshalled
// crypto/md5 or crypto/sha256 (both have 64-byte blocks).
var marshalZeros [64 + 8]byte

func (d *laneMD5) Reset() {
	d.s = md5Init
	d.nbuf = 0
	d.len = 0
}

func (d *laneMD5) Size() int      { return md5.Size }
func (d *laneMD5) BlockSize() int { return md5.BlockSize }

func (d *laneMD5) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nbuf > 0 {
		c := copy(d.buf[d.nbuf:], p)
		d.nbuf += c
		p = p[c:]
		if d.nbuf < 64 {
			return n, nil
		}
		d.scalar(d.buf[:])
		d.nbuf = 0
	}
	if whole := len(p) &^ 63; whole > 0 {
		if whole < laneDirect {
			d.scalar(p[:whole])
		} else {
			d.job.p = p[:whole]
			hashBlocks(&d.job)
			d.job.p = nil
		}
		p = p[whole:]
	}
	d.nbuf = copy(d.buf[:], p)
	return n, nil
}

// Sum appends the MD5 of everything written so far to in; the state is
// unchanged.
func (d *laneMD5) Sum(in []byte) []byte {
	saved := d.s
	tail := d.tail[:]
	clear(tail)
	n := copy(tail, d.buf[:d.nbuf])
	tail[n] = 0x80
	end := 64
	if n >= 56 {
		end = 128
	}
	binary.LittleEndian.PutUint64(tail[end-8:], d.len<<3)
	d.scalar(tail[:end])
	for _, v := range d.s {
		in = binary.LittleEndian.AppendUint32(in, v)
	}
	d.s = saved
	return in
}
