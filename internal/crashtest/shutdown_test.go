package crashtest

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// refusesConnections polls until a new connection to addr is refused.
func refusesConnections(t *testing.T, addr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			// Refused, or reset when the dial landed in the backlog of
			// the listener being closed.
			if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) {
				t.Logf("dial after SIGTERM: %v", err)
			}
			return
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatalf("%s still accepts connections %v after SIGTERM", addr, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// expectAcked reads a slow upload's response and requires a 200 carrying
// the body's ETag.
func expectAcked(t *testing.T, u *slowUpload, want *content) {
	t.Helper()
	resp, err := u.response(10 * time.Second)
	if err != nil {
		t.Fatalf("%s: no response: %v", u.key, err)
	}
	if resp.status != 200 {
		t.Fatalf("%s: %s", u.key, resp)
	}
	if got := strings.Trim(resp.header.Get("ETag"), `"`); got != want.etag {
		t.Fatalf("%s: ETag %s, want %s", u.key, got, want.etag)
	}
}

func mustGet(t *testing.T, c *cosClient, bucket, key string, want *content) {
	t.Helper()
	resp, err := c.do(context.Background(), request{method: "GET", bucket: bucket, key: key})
	if err != nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	if want == nil {
		if resp.status != 404 || resp.errCode() != "NoSuchKey" {
			t.Fatalf("GET %s: %s, want 404 NoSuchKey", key, resp)
		}
		return
	}
	if err := checkObject(resp, want); err != nil {
		t.Fatalf("GET %s: %v", key, err)
	}
}

func putContent(t *testing.T, c *cosClient, bucket, key string, want *content) {
	t.Helper()
	resp := c.must(t, 200, request{method: "PUT", bucket: bucket, key: key, body: want.bytes()})
	if got := strings.Trim(resp.header.Get("ETag"), `"`); got != want.etag {
		t.Fatalf("PUT %s: ETag %s, want %s", key, got, want.etag)
	}
}

func TestGracefulShutdown(t *testing.T) {
	arcaBinary(t)
	data := t.TempDir()
	const bucket = "grace1-" + appID
	seed := uint64(time.Now().UnixNano())
	obj := func(size int) *content {
		seed++
		return newContent([]chunk{{seed: seed, size: size}}, false)
	}

	// Phase 1: uploads that finish within the grace period are acknowledged
	// and durable. Their bodies are still arriving when SIGTERM is sent.
	p := startArca(t, arcaOpts{data: data, args: []string{"--shutdown-grace", "5s"}})
	c := p.client()
	c.createBucket(t, bucket)
	before := obj(300 << 10)
	putContent(t, c, bucket, "before", before)
	slow := obj(1 << 20)
	slowChunked := obj(700 << 10)
	u1, err := beginUpload(c, bucket, "slow", slow.bytes(), false, 200<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer u1.close()
	u2, err := beginUpload(c, bucket, "slow-chunked", slowChunked.bytes(), true, 200<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer u2.close()
	// Both handlers are storing their bodies once their blob files exist.
	waitBlobsCreated(t, data, 3, 5*time.Second)
	sigterm := time.Now()
	p.signal(syscall.SIGTERM)
	refusesConnections(t, p.addr, 2*time.Second)
	errc := make(chan error, 1)
	go func() { errc <- u2.finish(4, 100*time.Millisecond) }()
	if err := u1.finish(5, 100*time.Millisecond); err != nil {
		t.Fatalf("sending the rest of slow: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("sending the rest of slow-chunked: %v", err)
	}
	expectAcked(t, u1, slow)
	expectAcked(t, u2, slowChunked)
	acked := time.Since(sigterm)
	code, ok := p.waitExit(10 * time.Second)
	if !ok || code != 0 {
		t.Fatalf("after SIGTERM: exited=%v status=%d", ok, code)
	}
	t.Logf("phase 1 (grace 5s): 2 uploads finished %v after SIGTERM and were acknowledged; exit 0 after %v",
		acked.Round(time.Millisecond), time.Since(sigterm).Round(time.Millisecond))
	waitBlobCount(t, data, 3, time.Second)

	// Phase 2: with a 1 s grace, an upload that finishes in time is kept,
	// and uploads that cannot finish are cut off and leave nothing.
	p = startArca(t, arcaOpts{data: data, args: []string{"--shutdown-grace", "1s"}})
	c = p.client()
	mustGet(t, c, bucket, "before", before)
	mustGet(t, c, bucket, "slow", slow)
	mustGet(t, c, bucket, "slow-chunked", slowChunked)
	fast := obj(500 << 10)
	cut := obj(4 << 20)
	cutChunked := obj(4 << 20)
	uf, err := beginUpload(c, bucket, "fast", fast.bytes(), false, 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer uf.close()
	uc, err := beginUpload(c, bucket, "cut", cut.bytes(), false, 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.close()
	ucc, err := beginUpload(c, bucket, "cut-chunked", cutChunked.bytes(), true, 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer ucc.close()
	waitBlobsCreated(t, data, 6, 5*time.Second)
	sigterm = time.Now()
	p.signal(syscall.SIGTERM)

	// The cut-off uploads trickle 16 KiB every 100 ms: 4 MiB would take
	// 25 s. They run until the server closes their connections.
	type result struct {
		key  string
		sent int
		resp *response
		err  error
	}
	results := make(chan result, 2)
	for _, u := range []*slowUpload{uc, ucc} {
		go func() {
			var err error
			for time.Since(sigterm) < 8*time.Second {
				time.Sleep(100 * time.Millisecond)
				if err = u.send(16 << 10); err != nil {
					break
				}
			}
			resp, rerr := u.response(2 * time.Second)
			if rerr != nil {
				err = errors.Join(err, rerr)
			}
			results <- result{u.key, u.sent, resp, err}
		}()
	}
	if err := uf.finish(3, 100*time.Millisecond); err != nil {
		t.Fatalf("sending the rest of fast: %v", err)
	}
	expectAcked(t, uf, fast)
	fastAcked := time.Since(sigterm)
	for range 2 {
		r := <-results
		if r.resp != nil && r.resp.status == 200 {
			t.Fatalf("%s: acknowledged after %d of %d bytes", r.key, r.sent, len(cut.bytes()))
		}
		t.Logf("phase 2: %s cut off after %d bytes: %v", r.key, r.sent, r.err)
	}
	code, ok = p.waitExit(10 * time.Second)
	exited := time.Since(sigterm)
	if !ok || code != 0 {
		t.Fatalf("after SIGTERM: exited=%v status=%d", ok, code)
	}
	if exited < time.Second {
		t.Errorf("exited %v after SIGTERM, before the 1s grace ran out with uploads in flight", exited)
	}
	t.Logf("phase 2 (grace 1s): fast acknowledged %v after SIGTERM; exit 0 after %v", fastAcked.Round(time.Millisecond), exited.Round(time.Millisecond))
	// The cut-off uploads' blobs were removed as they failed.
	waitBlobCount(t, data, 4, time.Second)

	p = startArca(t, arcaOpts{data: data})
	c = p.client()
	mustGet(t, c, bucket, "fast", fast)
	mustGet(t, c, bucket, "cut", nil)
	mustGet(t, c, bucket, "cut-chunked", nil)
	mustGet(t, c, bucket, "before", before)
	mustGet(t, c, bucket, "slow", slow)
	mustGet(t, c, bucket, "slow-chunked", slowChunked)
	listed := c.listAll(t, bucket)
	want := map[string]*content{"before": before, "slow": slow, "slow-chunked": slowChunked, "fast": fast}
	if len(listed) != len(want) {
		t.Errorf("listing holds %d keys, want %d: %v", len(listed), len(want), listed)
	}
	for k, w := range want {
		if lo := listed[k]; lo.etag != w.etag || lo.size != w.size {
			t.Errorf("%s listed as %+v, want %s", k, lo, w)
		}
	}
	waitBlobCount(t, data, 4, sweepTimeout)
	p.stop(10 * time.Second)
}
