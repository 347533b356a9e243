// Command s3load fills and probes an S3 endpoint for the growth test
// (bench/growth.sh): it writes many small objects fast, leaves multipart
// uploads in progress, lists a bucket whole, and waits for a restarting
// server's first successful request.
//
//	s3load -endpoint 127.0.0.1:9100 -bucket growth put -n 1000000 -size 4096 -concurrency 64
//	s3load -endpoint ... -bucket growth parts -uploads 100 -parts 100
//	s3load -endpoint ... -bucket growth scan [-prefix p/]
//	s3load -endpoint ... -bucket growth wait [-since-ns N] [-timeout 60s]
//	s3load -endpoint ... -bucket growth bench -op put|get|list [-duration 20s -concurrency 16 ...]
//
// bench runs one operation back to back from -concurrency workers for a
// fixed time and prints one line of key=value figures (ops/s, p50/p99
// latency, errors; keys/s for list; the server's CPU seconds with
// -server-pid), which bench/growth.sh parses:
//
//   - put: PUT -size bytes to new keys keyOf(-prefix, i) for i from -first
//     (scattered over the key space, among the keys a fill put there);
//   - get: GET keyOf(-prefix, i) for random i in [0, -objects);
//   - list: ListObjectsV2 of -prefix, -max-keys per page, starting after a
//     random point of the key space (-prefix + 8 random hex digits), one
//     page per operation.
//
// Keys come from -access-key/-secret-key or ARCA_ROOT_ACCESS_KEY and
// ARCA_ROOT_SECRET_KEY. Requests use minio-go with path-style addressing,
// SigV4 and UNSIGNED-PAYLOAD bodies (no per-byte SHA-256 on either side:
// the loader should cost the shared CPUs as little as it can).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
	"github.com/minio/minio-go/v7/pkg/signer"
)

type global struct {
	endpoint  string
	accessKey string
	secretKey string
	bucket    string
	region    string
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "s3load:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var g global
	fs := flag.NewFlagSet("s3load", flag.ContinueOnError)
	fs.StringVar(&g.endpoint, "endpoint", "", "S3 endpoint host:port (plain HTTP)")
	fs.StringVar(&g.accessKey, "access-key", os.Getenv("ARCA_ROOT_ACCESS_KEY"), "access key (ARCA_ROOT_ACCESS_KEY)")
	fs.StringVar(&g.secretKey, "secret-key", os.Getenv("ARCA_ROOT_SECRET_KEY"), "secret key (ARCA_ROOT_SECRET_KEY)")
	fs.StringVar(&g.bucket, "bucket", "growth", "bucket (created by put and parts if missing)")
	fs.StringVar(&g.region, "region", "us-east-1", "region to sign for")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: s3load [flags] put|parts|scan|wait|bench [command flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || g.endpoint == "" || g.accessKey == "" || g.secretKey == "" {
		fs.Usage()
		return errors.New("need -endpoint, keys and a command")
	}
	g.endpoint = strings.TrimPrefix(g.endpoint, "http://")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	switch cmd {
	case "put":
		return put(ctx, g, rest)
	case "parts":
		return parts(ctx, g, rest)
	case "scan":
		return scan(ctx, g, rest)
	case "wait":
		return wait(ctx, g, rest)
	case "bench":
		return bench(ctx, g, rest)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

func (g global) client(conns int) (*minio.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns + 8
	tr.MaxIdleConnsPerHost = conns + 8
	tr.DisableCompression = true
	return minio.New(g.endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(g.accessKey, g.secretKey, ""),
		Region:       g.region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    tr,
	})
}

func ensureBucket(ctx context.Context, mc *minio.Client, bucket string) error {
	ok, err := mc.BucketExists(ctx, bucket)
	if err != nil || ok {
		return err
	}
	return mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
}

// keyOf names object i of a load: a bijective scramble of i, so that
// concurrent writers insert all over the key space (as independent clients
// would) rather than appending in order, and every name is distinct.
func keyOf(prefix string, i uint64) string {
	return fmt.Sprintf("%s%08x", prefix, (i*0x9E3779B1+0x7F4A7C15)&0xFFFFFFFF)
}

// progress prints the running count every interval until stopped.
func progress(what string, done *atomic.Int64, total int64, start time.Time, every time.Duration) func() {
	t := time.NewTicker(every)
	quit := make(chan struct{})
	go func() {
		last, lastT := int64(0), start
		for {
			select {
			case <-quit:
				t.Stop()
				return
			case now := <-t.C:
				n := done.Load()
				fmt.Fprintf(os.Stderr, "# %s: %d/%d  %.0f/s now, %.0f/s overall\n", what, n, total,
					float64(n-last)/now.Sub(lastT).Seconds(), float64(n)/now.Sub(start).Seconds())
				last, lastT = n, now
			}
		}
	}()
	return func() { close(quit) }
}

func put(ctx context.Context, g global, args []string) error {
	fs := flag.NewFlagSet("put", flag.ContinueOnError)
	n := fs.Int64("n", 1000000, "objects to write")
	first := fs.Int64("first", 0, "index of the first object (to add to an earlier load)")
	size := fs.Int("size", 4096, "object size in bytes")
	conc := fs.Int("concurrency", 64, "concurrent requests")
	prefix := fs.String("prefix", "load/", "key prefix")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mc, err := g.client(*conc)
	if err != nil {
		return err
	}
	if err := ensureBucket(ctx, mc, g.bucket); err != nil {
		return err
	}
	body := randomBody(*size, 1)
	var next, done, failed atomic.Int64
	next.Store(*first)
	end := *first + *n
	start := time.Now()
	stopProgress := progress("put", &done, *n, start, 10*time.Second)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range *conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= end {
					return
				}
				_, err := mc.PutObject(ctx, g.bucket, keyOf(*prefix, uint64(i)), bytes.NewReader(body), int64(len(body)),
					minio.PutObjectOptions{DisableContentSha256: true, DisableMultipart: true})
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	stopProgress()
	el := time.Since(start)
	fmt.Printf("put: %d objects of %d B in %.1f s: %.0f objects/s, %d failed\n", done.Load(), *size, el.Seconds(),
		float64(done.Load())/el.Seconds(), failed.Load())
	if err, _ := firstErr.Load().(error); err != nil {
		return fmt.Errorf("%d PUTs failed, first: %w", failed.Load(), err)
	}
	return ctx.Err()
}

func parts(ctx context.Context, g global, args []string) error {
	fs := flag.NewFlagSet("parts", flag.ContinueOnError)
	uploads := fs.Int("uploads", 100, "multipart uploads to leave in progress")
	nparts := fs.Int("parts", 100, "parts per upload")
	size := fs.Int("size", 4096, "part size in bytes (in-progress parts may be small)")
	conc := fs.Int("concurrency", 32, "concurrent requests")
	prefix := fs.String("prefix", "mpu/", "key prefix of the uploads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mc, err := g.client(*conc)
	if err != nil {
		return err
	}
	if err := ensureBucket(ctx, mc, g.bucket); err != nil {
		return err
	}
	core := minio.Core{Client: mc}
	body := randomBody(*size, 2)
	type job struct {
		key, id string
		part    int
	}
	jobs := make(chan job)
	var done, failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	total := int64(*uploads) * int64(*nparts)
	stopProgress := progress("parts", &done, total, start, 10*time.Second)
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			for j := range jobs {
				_, err := core.PutObjectPart(ctx, g.bucket, j.key, j.id, j.part, bytes.NewReader(body), int64(len(body)),
					minio.PutObjectPartOptions{DisableContentSha256: true})
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				done.Add(1)
			}
		})
	}
	var ferr error
feed:
	for u := range *uploads {
		key := fmt.Sprintf("%supload-%05d", *prefix, u)
		id, err := core.NewMultipartUpload(ctx, g.bucket, key, minio.PutObjectOptions{})
		if err != nil {
			ferr = err
			break
		}
		for p := 1; p <= *nparts; p++ {
			select {
			case jobs <- job{key, id, p}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	stopProgress()
	el := time.Since(start)
	fmt.Printf("parts: %d uploads, %d parts of %d B in %.1f s: %.0f parts/s, %d failed\n", *uploads, done.Load(), *size,
		el.Seconds(), float64(done.Load())/el.Seconds(), failed.Load())
	if ferr != nil {
		return ferr
	}
	if err, _ := firstErr.Load().(error); err != nil {
		return fmt.Errorf("%d parts failed, first: %w", failed.Load(), err)
	}
	return ctx.Err()
}

// scan lists the bucket (or a prefix) whole with ListObjectsV2, one
// request at a time, max-keys pages.
func scan(ctx context.Context, g global, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	prefix := fs.String("prefix", "", "list only this prefix")
	maxKeys := fs.Int("max-keys", 1000, "keys per page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mc, err := g.client(1)
	if err != nil {
		return err
	}
	core := minio.Core{Client: mc}
	start := time.Now()
	var n, pages int64
	tok := ""
	for {
		res, err := core.ListObjectsV2(g.bucket, *prefix, "", tok, "", *maxKeys)
		if err != nil {
			return err
		}
		n += int64(len(res.Contents))
		pages++
		if !res.IsTruncated {
			break
		}
		tok = res.NextContinuationToken
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	el := time.Since(start)
	fmt.Printf("scan: %d keys in %d pages of %d in %.2f s: %.0f keys/s\n", n, pages, *maxKeys, el.Seconds(), float64(n)/el.Seconds())
	return nil
}

// wait polls a pre-signed ListObjectsV2 (max-keys 1) until it succeeds and
// prints the time since -since-ns (a restarted server's process start, as
// the caller took it with `date +%s%N` just before starting it).
func wait(ctx context.Context, g global, args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	since := fs.Int64("since-ns", 0, "Unix time in ns to measure from (default: now)")
	timeout := fs.Duration("timeout", 120*time.Second, "give up after")
	every := fs.Duration("every", time.Millisecond, "poll interval")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t0 := time.Now()
	if *since > 0 {
		t0 = time.Unix(0, *since)
	}
	mc, err := g.client(1)
	if err != nil {
		return err
	}
	u, err := mc.Presign(ctx, http.MethodGet, g.bucket, "", time.Hour, url.Values{"list-type": {"2"}, "max-keys": {"1"}})
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(*timeout)
	tries, last := 0, ""
	for time.Now().Before(deadline) {
		tries++
		resp, err := hc.Get(u.String())
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && bytes.Contains(b, []byte("<ListBucketResult")) {
				ms := float64(time.Since(t0).Microseconds()) / 1000
				fmt.Printf("wait: first successful request %s ms after start (%d tries)\n", strconv.FormatFloat(ms, 'f', 1, 64), tries)
				return nil
			}
			last = fmt.Sprintf("HTTP %d", resp.StatusCode)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(*every):
		}
	}
	return fmt.Errorf("no successful request within %s (%d tries, last: %s)", *timeout, tries, last)
}

// bench runs one kind of request for a fixed time; see the package comment.
func bench(ctx context.Context, g global, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	op := fs.String("op", "", "put, get or list")
	duration := fs.Duration("duration", 20*time.Second, "measured time")
	warmup := fs.Duration("warmup", 2*time.Second, "time run before the measured window (not counted)")
	conc := fs.Int("concurrency", 16, "workers, each with its own kept-alive connection")
	size := fs.Int("size", 4096, "put: object size in bytes; get: expected size")
	prefix := fs.String("prefix", "load/", "key prefix")
	first := fs.Int64("first", 1<<31, "put: index of the first new key")
	objects := fs.Int64("objects", 10000, "get: read keys 0..objects-1 of the prefix")
	maxKeys := fs.Int("max-keys", 100, "list: keys per page")
	serverPID := fs.Int("server-pid", 0, "if set, report this process's CPU seconds over the window")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *op {
	case "put", "get", "list":
	default:
		return fmt.Errorf("bench: -op must be put, get or list, not %q", *op)
	}
	mc, err := g.client(*conc)
	if err != nil {
		return err
	}
	if *op == "put" {
		if err := ensureBucket(ctx, mc, g.bucket); err != nil {
			return err
		}
	}
	// The measured requests go through plain net/http, signed with SigV4
	// over UNSIGNED-PAYLOAD, and the list answer is not parsed (its <Key>
	// elements are counted): minio-go's XML decoding of a 100-key page costs
	// the client several times the server's work, which on a shared 2-core
	// box would hide the server's own slowdown.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = *conc + 8
	tr.MaxIdleConnsPerHost = *conc + 8
	tr.DisableCompression = true
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	body := randomBody(*size, 1)
	var next atomic.Int64
	next.Store(*first)

	start := time.Now()
	from, to := start.Add(*warmup), start.Add(*warmup+*duration)
	type result struct {
		lat       []time.Duration // of operations that ended in the window
		ops, keys int64           // in the window
		errs      int64           // over the whole run
		firstErr  error
	}
	results := make([]result, *conc)
	var cpu0 float64
	var cpuOK bool
	cpuAt := make(chan struct{})
	go func() {
		// The server's CPU at the window's start.
		select {
		case <-time.After(time.Until(from)):
			if *serverPID > 0 {
				cpu0, cpuOK = procCPU(*serverPID)
			}
		case <-ctx.Done():
		}
		close(cpuAt)
	}()
	var wg sync.WaitGroup
	for w := range *conc {
		wg.Go(func() {
			r := &results[w]
			rnd := mrand.New(mrand.NewPCG(uint64(w), uint64(start.UnixNano())))
			buf := make([]byte, *size+1)
			var lb bytes.Buffer
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(to) {
					return
				}
				var err error
				keys := 0
				switch *op {
				case "put":
					i := next.Add(1) - 1
					err = g.do(ctx, hc, http.MethodPut, "/"+g.bucket+"/"+keyOf(*prefix, uint64(i)), nil, body, nil)
				case "get":
					key := keyOf(*prefix, uint64(rnd.Int64N(*objects)))
					var n int
					err = g.do(ctx, hc, http.MethodGet, "/"+g.bucket+"/"+key, nil, nil, func(r io.Reader) error {
						var rerr error
						n, rerr = io.ReadFull(r, buf)
						if errors.Is(rerr, io.ErrUnexpectedEOF) {
							rerr = nil
						}
						return rerr
					})
					if err == nil && n != *size {
						err = fmt.Errorf("GET %s: %d bytes, want %d", key, n, *size)
					}
				case "list":
					q := url.Values{"list-type": {"2"}, "prefix": {*prefix}, "max-keys": {strconv.Itoa(*maxKeys)},
						"start-after": {fmt.Sprintf("%s%08x", *prefix, rnd.Uint32())}}
					err = g.do(ctx, hc, http.MethodGet, "/"+g.bucket, q, nil, func(r io.Reader) error {
						lb.Reset()
						if _, err := lb.ReadFrom(r); err != nil {
							return err
						}
						if !bytes.Contains(lb.Bytes(), []byte("<ListBucketResult")) {
							return fmt.Errorf("list: not a ListBucketResult: %.200q", lb.Bytes())
						}
						keys = bytes.Count(lb.Bytes(), []byte("<Key>"))
						return nil
					})
				}
				t1 := time.Now()
				if err != nil {
					r.errs++
					if r.firstErr == nil {
						r.firstErr = err
					}
					continue
				}
				if t1.After(from) && !t1.After(to) {
					r.ops++
					r.keys += int64(keys)
					r.lat = append(r.lat, t1.Sub(t0))
				}
			}
		})
	}
	wg.Wait()
	<-cpuAt
	srvCPU := -1.0
	if cpuOK {
		if c1, ok := procCPU(*serverPID); ok {
			srvCPU = c1 - cpu0
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var lat []time.Duration
	var ops, keys, errs int64
	var firstErr error
	for _, r := range results {
		lat = append(lat, r.lat...)
		ops += r.ops
		keys += r.keys
		errs += r.errs
		if firstErr == nil {
			firstErr = r.firstErr
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	secs := duration.Seconds()
	fmt.Printf("bench op=%s conc=%d secs=%.1f ops=%d ops_s=%.1f keys_s=%.0f p50_ms=%.2f p99_ms=%.2f errs=%d srv_cpu_s=%.1f\n",
		*op, *conc, secs, ops, float64(ops)/secs, float64(keys)/secs, pct(0.50), pct(0.99), errs, srvCPU)
	if firstErr != nil {
		fmt.Fprintf(os.Stderr, "# bench %s: %d errors, first: %v\n", *op, errs, firstErr)
	}
	if ops == 0 {
		return fmt.Errorf("bench %s: no operation succeeded in the window", *op)
	}
	return nil
}

// procCPU returns a process's user+system CPU seconds from /proc.
func procCPU(pid int) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (u + st) / 100, true // USER_HZ is 100 on Linux
}

// do sends one path-style request signed with SigV4 (UNSIGNED-PAYLOAD) and
// hands a 2xx answer's body to read (if not nil); another status is an error.
func (g global) do(ctx context.Context, hc *http.Client, method, path string, q url.Values, body []byte, read func(io.Reader) error) error {
	u := "http://" + g.endpoint + s3utils.EncodePath(path)
	if len(q) > 0 {
		u += "?" + s3utils.QueryEncode(q)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	req = signer.SignV4(*req, g.accessKey, g.secretKey, "", g.region)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, b)
	}
	if read != nil {
		err = read(resp.Body)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return err
}

// randomBody returns n bytes of pseudo-random data: incompressible, as most
// stored objects are (a repeated pattern would let the metadata store's
// block compression shrink a million 4 KiB values to a seventh of their size).
func randomBody(n int, seed uint64) []byte {
	r := mrand.New(mrand.NewPCG(seed, 0x5eed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
