package throttle

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// fakeClock makes the pacer's sleeps advance virtual time, so the test
// checks the schedule without waiting.
type fakeClock struct{ t time.Time }

func (f *fakeClock) now() time.Time { return f.t }
func (f *fakeClock) sleep(_ context.Context, d time.Duration) error {
	f.t = f.t.Add(d)
	return nil
}

func TestPacing(t *testing.T) {
	for _, bps := range []int64{819200, 8 << 20, 838860800} {
		clk := &fakeClock{t: time.Unix(0, 0)}
		data := bytes.Repeat([]byte("x"), 1<<20)
		r := Reader(context.Background(), bytes.NewReader(data), bps).(*reader)
		r.p.now, r.p.sleep = clk.now, clk.sleep
		n, err := io.Copy(io.Discard, r)
		if err != nil || n != int64(len(data)) {
			t.Fatalf("copy = %d, %v", n, err)
		}
		want := time.Duration(float64(len(data)*8) / float64(bps) * float64(time.Second))
		got := clk.t.Sub(time.Unix(0, 0))
		if got < want*95/100 || got > want*105/100 {
			t.Errorf("%d bit/s: 1 MiB took %v, want ~%v", bps, got, want)
		}
		clk2 := &fakeClock{t: time.Unix(0, 0)}
		var out bytes.Buffer
		w := Writer(context.Background(), &out, bps).(*writer)
		w.p.now, w.p.sleep = clk2.now, clk2.sleep
		if _, err := w.Write(data); err != nil || out.Len() != len(data) {
			t.Fatalf("write: %v", err)
		}
		if got := clk2.t.Sub(time.Unix(0, 0)); got < want*95/100 || got > want*105/100 {
			t.Errorf("writer %d bit/s: took %v, want ~%v", bps, got, want)
		}
	}
}

func TestRealTimeAndCancel(t *testing.T) {
	data := bytes.Repeat([]byte("y"), 40<<10)
	start := time.Now()
	io.Copy(io.Discard, Reader(context.Background(), bytes.NewReader(data), 819200*4)) // 400 KiB/s
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Fatalf("40 KiB at 400 KiB/s took %v, want >= ~100ms minus burst", el)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := io.Copy(io.Discard, Reader(ctx, bytes.NewReader(bytes.Repeat([]byte("z"), 1<<20)), 819200))
	if err == nil {
		t.Fatal("cancelled throttled read finished")
	}
}
