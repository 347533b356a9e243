// Package throttle limits one request's transfer rate (COS and OSS
// x-*-traffic-limit, given in bits per second) by pacing reads of an upload
// body or writes of a download body.
//
// It imports no Arca package.
package throttle

import (
	"context"
	"io"
	"time"
)

// pacer releases bytes at a fixed rate with a small burst.
type pacer struct {
	ctx   context.Context
	rate  float64 // bytes per second
	burst int
	start time.Time
	sent  int64
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

func newPacer(ctx context.Context, bitsPerSecond int64) *pacer {
	rate := float64(bitsPerSecond) / 8
	burst := int(rate / 20) // 50 ms worth
	if burst < 4096 {
		burst = 4096
	}
	return &pacer{ctx: ctx, rate: rate, burst: burst, sleep: sleepCtx, now: time.Now}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait blocks until n more bytes may pass.
func (p *pacer) wait(n int) error {
	if p.start.IsZero() {
		p.start = p.now()
	}
	p.sent += int64(n)
	due := p.start.Add(time.Duration(float64(p.sent) / p.rate * float64(time.Second)))
	if d := due.Sub(p.now()); d > 0 {
		return p.sleep(p.ctx, d)
	}
	return nil
}

// Reader paces reads from r to bitsPerSecond.
func Reader(ctx context.Context, r io.Reader, bitsPerSecond int64) io.Reader {
	return &reader{r: r, p: newPacer(ctx, bitsPerSecond)}
}

type reader struct {
	r io.Reader
	p *pacer
}

func (t *reader) Read(b []byte) (int, error) {
	if len(b) > t.p.burst {
		b = b[:t.p.burst]
	}
	n, err := t.r.Read(b)
	if n > 0 {
		if werr := t.p.wait(n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// Writer paces writes to w to bitsPerSecond.
func Writer(ctx context.Context, w io.Writer, bitsPerSecond int64) io.Writer {
	return &writer{w: w, p: newPacer(ctx, bitsPerSecond)}
}

type writer struct {
	w io.Writer
	p *pacer
}

func (t *writer) Write(b []byte) (int, error) {
	total := 0
	for len(b) > 0 {
		chunk := b
		if len(chunk) > t.p.burst {
			chunk = chunk[:t.p.burst]
		}
		n, err := t.w.Write(chunk)
		total += n
		if err != nil {
			return total, err
		}
		if err := t.p.wait(n); err != nil {
			return total, err
		}
		b = b[n:]
	}
	return total, nil
}
