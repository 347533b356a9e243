package checksum

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"sync"
	"unsafe"
)

// Many SHA-256s side by side.
//
// A SigV4 streaming upload signs every chunk (64 KiB from the AWS SDKs and
// minio-go) by the SHA-256 of its data, so one upload is many independent
// SHA-256 messages, and checking them was the largest per-byte cost on the
// server (SHA-NI hashes one message at about 1 GB/s here). sha256x16
// (assembly) hashes 16 messages at once in the lanes of ZMM registers, at
// about twice SHA-NI's bytes per second when all lanes are busy. A reader
// that takes many chunks in one Read queues each chunk's data in a
// SHA256Batch and runs it before returning.

// sha256LaneMin is the fewest messages worth a sha256x16 call: it costs
// about what SHA-NI takes for nine blocks.
const sha256LaneMin = 10

var sha256Init = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// SHA256 is a SHA-256 digest that a [SHA256Batch] advances side by side
// with others. Its zero value is not usable: call Reset first.
type SHA256 struct {
	s      [8]uint32
	buf    [64]byte
	nbuf   int
	len    uint64
	queued bool // whole blocks wait in a batch
}

// Reset starts a new message.
func (d *SHA256) Reset() {
	d.s = sha256Init
	d.nbuf = 0
	d.len = 0
	d.queued = false
}

// Sum appends the SHA-256 of the message so far to in; the state is
// unchanged. Blocks still queued in a batch must have been run.
func (d *SHA256) Sum(in []byte) []byte {
	if d.queued {
		panic("checksum: SHA256.Sum with blocks queued in a batch")
	}
	saved := d.s
	var tail [128]byte
	n := copy(tail[:], d.buf[:d.nbuf])
	tail[n] = 0x80
	end := 64
	if n >= 56 {
		end = 128
	}
	binary.BigEndian.PutUint64(tail[end-8:], d.len<<3)
	sc := scalarPool.Get().(*scalarSHA256)
	sc.blocks(&d.s, tail[:end])
	scalarPool.Put(sc)
	for _, v := range d.s {
		in = binary.BigEndian.AppendUint32(in, v)
	}
	d.s = saved
	return in
}

// SHA256Batch queues writes to many SHA256 digests and hashes their whole
// blocks together in Run. Its zero value is ready to use; it is not safe
// for concurrent use.
type SHA256Batch struct {
	jobs  []shaJob
	state [8][16]uint32
	ptrs  [16]uintptr
	w     [64][16]uint32
	rest  [16]shaJob // what lanes leaves to SHA-NI
	sc    scalarSHA256
}

type shaJob struct {
	d *SHA256
	p []byte // whole blocks
}

// Add writes p to d. Partial blocks are taken at once; whole blocks are
// queued until Run, so p must not change before then. A digest added
// again runs the batch first.
func (b *SHA256Batch) Add(d *SHA256, p []byte) {
	if d.queued {
		b.Run()
	}
	d.len += uint64(len(p))
	if d.nbuf > 0 {
		c := copy(d.buf[d.nbuf:], p)
		d.nbuf += c
		p = p[c:]
		if d.nbuf < 64 {
			return
		}
		b.sc.blocks(&d.s, d.buf[:])
		d.nbuf = 0
	}
	if whole := len(p) &^ 63; whole > 0 {
		b.jobs = append(b.jobs, shaJob{d, p[:whole]})
		d.queued = true
		p = p[whole:]
	}
	// The tail follows the queued blocks; it is only read once they ran.
	d.nbuf = copy(d.buf[:], p)
}

// Run hashes every queued block.
func (b *SHA256Batch) Run() {
	jobs := b.jobs
	for i := range jobs {
		jobs[i].d.queued = false
	}
	if haveSHA256x16 && len(jobs) >= sha256LaneMin {
		jobs = b.lanes(jobs)
	}
	for i := range jobs {
		b.sc.blocks(&jobs[i].d.s, jobs[i].p)
	}
	clear(b.jobs)
	clear(b.rest[:])
	b.jobs = b.jobs[:0]
}

// lanes runs sha256x16 over jobs while at least sha256LaneMin of them have
// blocks left, and returns those left for SHA-NI, with their p advanced.
func (b *SHA256Batch) lanes(jobs []shaJob) []shaJob {
	var active [16]*shaJob
	next := 0
	n := 0
	for {
		for n < len(active) && next < len(jobs) {
			active[n] = &jobs[next]
			next++
			n++
		}
		if n < sha256LaneMin {
			// What is left: the active jobs and none queued.
			for i, j := range active[:n] {
				b.rest[i] = *j
			}
			return b.rest[:n]
		}
		blocks := len(active[0].p) / 64
		for _, j := range active[1:n] {
			blocks = min(blocks, len(j.p)/64)
		}
		for i := range active {
			j := active[min(i, n-1)] // spare lanes repeat the last job
			for k := range j.d.s {
				b.state[k][i] = j.d.s[k]
			}
			b.ptrs[i] = uintptr(unsafe.Pointer(unsafe.SliceData(j.p)))
		}
		sha256x16(&b.state, &b.ptrs, &b.w, blocks)
		k := 0
		for i, j := range active[:n] {
			for w := range j.d.s {
				j.d.s[w] = b.state[w][i]
			}
			j.p = j.p[blocks*64:] // the jobs kept the blocks alive
			if len(j.p) > 0 {
				active[k] = j
				k++
			}
		}
		for i := k; i < n; i++ {
			active[i] = nil
		}
		n = k
	}
}

// scalarSHA256 hashes whole blocks into a chaining value with crypto/sha256
// (SHA-NI where the CPU has it).
type scalarSHA256 struct {
	h hash.Hash
	b []byte
}

func (sc *scalarSHA256) blocks(s *[8]uint32, p []byte) {
	if sc.h == nil {
		sc.h = sha256.New()
	}
	sc.b = scalarBlocks(sc.h, sc.b, "sha\x03", s[:], p)
}

var scalarPool = sync.Pool{New: func() any { return new(scalarSHA256) }}
