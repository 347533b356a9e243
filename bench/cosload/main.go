// Command cosload measures a running Arca over its COS XML API: fixed-duration
// PUT and GET scenarios shaped like the warp suite in shared/bench (4 KiB with
// 16 clients, 1 MiB with 8, 64 MiB with 4), path-style requests signed with
// COS header signatures. It creates its own bucket (or reuses one the keys
// own), writes only under a per-run key prefix and deletes what it wrote.
//
//	go run ./bench/cosload -endpoint http://127.0.0.1:9100 [flags]
//
// Keys come from -access-key/-secret-key or ARCA_ROOT_ACCESS_KEY and
// ARCA_ROOT_SECRET_KEY. See bench/README.md for how to read the output.
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/arcastore/arca/internal/cos/cosauth"
)

// scenario is one fixed-duration measurement.
type scenario struct {
	name    string
	op      string // "put" or "get"
	size    int64
	clients int
	objects int  // get: objects uploaded beforehand and read at random
	large   bool // runs for -duration-large instead of -duration
}

// scenarios in the warp suite's order and shape.
var scenarios = []scenario{
	{name: "put-4KiB", op: "put", size: 4 << 10, clients: 16},
	{name: "get-4KiB", op: "get", size: 4 << 10, clients: 16, objects: 2500},
	{name: "put-1MiB", op: "put", size: 1 << 20, clients: 8},
	{name: "get-1MiB", op: "get", size: 1 << 20, clients: 8, objects: 1000},
	{name: "put-64MiB", op: "put", size: 64 << 20, clients: 4, large: true},
	{name: "get-64MiB", op: "get", size: 64 << 20, clients: 4, objects: 32, large: true},
}

type config struct {
	endpoint      *url.URL
	accessKey     string
	secretKey     string
	appID         string
	prefix        string
	duration      time.Duration
	durationLarge time.Duration
	trim          float64
	settle        time.Duration
	timeout       time.Duration
	serverPID     int
	scenarios     []scenario
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cosload:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg config
	var endpoint, names, cpuProfile string
	flag.StringVar(&endpoint, "endpoint", "http://127.0.0.1:9100", "Arca endpoint, scheme://host:port")
	flag.StringVar(&cfg.accessKey, "access-key", os.Getenv("ARCA_ROOT_ACCESS_KEY"), "SecretId (default $ARCA_ROOT_ACCESS_KEY)")
	flag.StringVar(&cfg.secretKey, "secret-key", os.Getenv("ARCA_ROOT_SECRET_KEY"), "SecretKey (default $ARCA_ROOT_SECRET_KEY)")
	flag.StringVar(&cfg.appID, "appid", "1250000000", "COS APPID the bucket name ends with")
	flag.StringVar(&cfg.prefix, "prefix", "cosload", "bucket name prefix: the bucket is <prefix>-<appid>")
	flag.DurationVar(&cfg.duration, "duration", 20*time.Second, "duration of each 4 KiB and 1 MiB scenario")
	flag.DurationVar(&cfg.durationLarge, "duration-large", 10*time.Second, "duration of each 64 MiB scenario")
	flag.Float64Var(&cfg.trim, "trim", 0.1, "fraction of each scenario's duration left out at each end (warm-up, ramp-down)")
	flag.DurationVar(&cfg.settle, "settle", 3*time.Second, "pause after sync(2) before each scenario")
	flag.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "timeout of one request")
	flag.IntVar(&cfg.serverPID, "server-pid", 0, "pid of the server on this host: adds its CPU seconds and peak RSS per scenario (from /proc)")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write cosload's own CPU profile to this file")
	flag.StringVar(&names, "scenarios", "all", "comma-separated scenarios, or all: "+scenarioNames())
	flag.Parse()

	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-endpoint %q: want http://host:port", endpoint)
	}
	cfg.endpoint = u
	if cfg.accessKey == "" || cfg.secretKey == "" {
		return errors.New("no keys: set ARCA_ROOT_ACCESS_KEY and ARCA_ROOT_SECRET_KEY or pass -access-key and -secret-key")
	}
	if cfg.trim < 0 || cfg.trim >= 0.5 {
		return errors.New("-trim must be in [0, 0.5)")
	}
	if cfg.scenarios, err = pickScenarios(names); err != nil {
		return err
	}

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	c := newClient(&cfg)
	bucket := cfg.prefix + "-" + cfg.appID
	runID := strconv.FormatInt(time.Now().UnixNano(), 36)
	created, err := c.createBucket(ctx, bucket)
	if err != nil {
		return err
	}
	c.bucket = bucket
	fmt.Fprintf(os.Stderr, "# cosload endpoint=%s bucket=%s (created=%v) run=%s duration=%s/%s trim=%.0f%%\n",
		endpoint, bucket, created, runID, cfg.duration, cfg.durationLarge, 100*cfg.trim)

	// One random buffer, shared read-only by every writer.
	maxSize := int64(0)
	for _, s := range cfg.scenarios {
		maxSize = max(maxSize, s.size)
	}
	data := make([]byte, maxSize)
	rng := mrand.NewChaCha8([32]byte{'c', 'o', 's', 'l', 'o', 'a', 'd'})
	_, _ = rng.Read(data)

	var results []*result
	var runErr error
	for _, s := range cfg.scenarios {
		if ctx.Err() != nil {
			break
		}
		res, err := runScenario(ctx, c, &cfg, s, runID+"/"+s.name+"/", data)
		if res != nil {
			results = append(results, res)
			fmt.Println(res.line())
		}
		if err != nil {
			runErr = fmt.Errorf("%s: %w", s.name, err)
			break
		}
	}

	// Cleanup runs even after an interrupt, on its own context.
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if n, err := c.deletePrefix(cctx, runID+"/"); err != nil {
		fmt.Fprintf(os.Stderr, "# cleanup of %s/%s/ failed after %d objects: %v\n", bucket, runID, n, err)
	} else if n > 0 {
		fmt.Fprintf(os.Stderr, "# cleanup: %d leftover objects deleted\n", n)
	}
	if created {
		if err := c.deleteBucket(cctx, bucket); err != nil {
			fmt.Fprintf(os.Stderr, "# deleting bucket %s: %v\n", bucket, err)
		}
	}

	if len(results) > 0 {
		fmt.Println()
		printTable(os.Stdout, results, cfg.serverPID > 0)
	}
	if runErr == nil && ctx.Err() != nil {
		runErr = errors.New("interrupted")
	}
	return runErr
}

func scenarioNames() string {
	var n []string
	for _, s := range scenarios {
		n = append(n, s.name)
	}
	return strings.Join(n, ",")
}

func pickScenarios(names string) ([]scenario, error) {
	if names == "" || names == "all" {
		return scenarios, nil
	}
	var out []scenario
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		i := slices.IndexFunc(scenarios, func(s scenario) bool { return strings.EqualFold(s.name, n) })
		if i < 0 {
			return nil, fmt.Errorf("unknown scenario %q (have %s)", n, scenarioNames())
		}
		out = append(out, scenarios[i])
	}
	return out, nil
}

// --- the COS client ---

type client struct {
	hc        *http.Client
	scheme    string
	host      string
	ak, sk    string
	bucket    string
	signValid time.Duration
}

func newClient(cfg *config) *client {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		WriteBufferSize:     64 << 10,
		ReadBufferSize:      64 << 10,
	}
	return &client{
		hc:        &http.Client{Transport: tr, Timeout: cfg.timeout},
		scheme:    cfg.endpoint.Scheme,
		host:      cfg.endpoint.Host,
		ak:        cfg.accessKey,
		sk:        cfg.secretKey,
		signValid: 15 * time.Minute,
	}
}

// request builds a signed path-style request for /<bucket>[/<key>]. The
// signature covers the method, path, query and Host; it is computed once.
func (c *client) request(ctx context.Context, method, bucket, key string, query url.Values, body []byte) *http.Request {
	path := "/" + bucket
	if key != "" {
		path += "/" + key
	}
	u := &url.URL{Scheme: c.scheme, Host: c.host, Path: path, RawQuery: query.Encode()}
	r := &http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, 2),
		Host:       c.host,
	}
	if body != nil {
		r.ContentLength = int64(len(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		if len(body) == 0 {
			r.Body, r.GetBody = http.NoBody, nil
		}
	}
	now := time.Now()
	r.Header["Authorization"] = []string{cosauth.Sign(method, path, query, nil, c.host, c.ak, c.sk, now, now.Add(c.signValid))}
	return r.WithContext(ctx)
}

// httpError is a non-2xx answer.
type httpError struct {
	status int
	code   string
}

func (e *httpError) Error() string {
	if e.code != "" {
		return fmt.Sprintf("HTTP %d %s", e.status, e.code)
	}
	return fmt.Sprintf("HTTP %d", e.status)
}

// check turns a non-2xx response into an error naming COS's error code, and
// drains and closes the body.
func check(resp *http.Response) error {
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(b, &e)
	return &httpError{status: resp.StatusCode, code: e.Code}
}

// createBucket creates bucket and reports whether it did; a bucket the keys
// already own is reused.
func (c *client) createBucket(ctx context.Context, bucket string) (bool, error) {
	resp, err := c.hc.Do(c.request(ctx, http.MethodPut, bucket, "", nil, []byte{}))
	if err != nil {
		return false, err
	}
	err = check(resp)
	var he *httpError
	if errors.As(err, &he) && he.code == "BucketAlreadyOwnedByYou" {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return true, nil
}

func (c *client) deleteBucket(ctx context.Context, bucket string) error {
	resp, err := c.hc.Do(c.request(ctx, http.MethodDelete, bucket, "", nil, nil))
	if err != nil {
		return err
	}
	return check(resp)
}

// put uploads body to key and checks the ETag against etag (quoted hex MD5).
func (c *client) put(ctx context.Context, key string, body []byte, etag string) error {
	resp, err := c.hc.Do(c.request(ctx, http.MethodPut, c.bucket, key, nil, body))
	if err != nil {
		return err
	}
	if err := check(resp); err != nil {
		return err
	}
	if got := resp.Header.Get("ETag"); got != etag {
		return fmt.Errorf("ETag %s, want %s", got, etag)
	}
	return nil
}

// get reads key whole into buf (reused) and checks its length.
func (c *client) get(ctx context.Context, key string, size int64, buf []byte) error {
	resp, err := c.hc.Do(c.request(ctx, http.MethodGet, c.bucket, key, nil, nil))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return check(resp)
	}
	defer resp.Body.Close()
	var n int64
	for {
		m, err := resp.Body.Read(buf)
		n += int64(m)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if n != size {
		return fmt.Errorf("read %d bytes, want %d", n, size)
	}
	return nil
}

type listPage struct {
	Keys        []string `xml:"Contents>Key"`
	IsTruncated bool     `xml:"IsTruncated"`
	NextMarker  string   `xml:"NextMarker"`
}

func (c *client) list(ctx context.Context, prefix, marker string) (*listPage, error) {
	q := url.Values{"prefix": {prefix}, "max-keys": {"1000"}}
	if marker != "" {
		q.Set("marker", marker)
	}
	resp, err := c.hc.Do(c.request(ctx, http.MethodGet, c.bucket, "", q, nil))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, check(resp)
	}
	defer resp.Body.Close()
	var p listPage
	if err := xml.NewDecoder(resp.Body).Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// deleteKeys removes keys with one quiet multi-object delete.
func (c *client) deleteKeys(ctx context.Context, keys []string) error {
	var b bytes.Buffer
	b.WriteString("<Delete><Quiet>true</Quiet>")
	for _, k := range keys {
		b.WriteString("<Object><Key>")
		_ = xml.EscapeText(&b, []byte(k))
		b.WriteString("</Key></Object>")
	}
	b.WriteString("</Delete>")
	sum := md5.Sum(b.Bytes())
	r := c.request(ctx, http.MethodPost, c.bucket, "", url.Values{"delete": {""}}, b.Bytes())
	r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	r.Header.Set("Content-Type", "application/xml")
	resp, err := c.hc.Do(r)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return check(resp)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Key  string `xml:"Key"`
			Code string `xml:"Code"`
		} `xml:"Error"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("%d keys not deleted, first %s: %s", len(out.Errors), out.Errors[0].Key, out.Errors[0].Code)
	}
	return nil
}

// deletePrefix deletes every object under prefix: one lister, pages of 1000
// keys deleted by a few concurrent multi-object deletes.
func (c *client) deletePrefix(ctx context.Context, prefix string) (int, error) {
	pages := make(chan []string, 4)
	var mu sync.Mutex
	var firstErr error
	deleted := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for keys := range pages {
				err := c.deleteKeys(ctx, keys)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					deleted += len(keys)
				}
				mu.Unlock()
			}
		})
	}
	var listErr error
	marker := ""
	for {
		p, err := c.list(ctx, prefix, marker)
		if err != nil {
			listErr = err
			break
		}
		if len(p.Keys) > 0 {
			pages <- p.Keys
		}
		if !p.IsTruncated {
			break
		}
		marker = p.NextMarker
		if marker == "" && len(p.Keys) > 0 {
			marker = p.Keys[len(p.Keys)-1]
		}
	}
	close(pages)
	wg.Wait()
	if listErr != nil {
		return deleted, listErr
	}
	return deleted, firstErr
}

// --- running a scenario ---

// sample is one operation, times relative to the scenario's start.
type sample struct {
	start, end time.Duration
	ok         bool
}

type result struct {
	s          scenario
	window     time.Duration // measured window
	ops        float64       // operations in the window (fractional at its edges)
	opsPerSec  float64
	mibPerSec  float64
	p50, p99   time.Duration // over operations that ended in the window
	n          int           // successful operations in the whole run
	errs       int           // failed operations in the whole run
	errSamples map[string]int

	prep, clean    time.Duration
	srvCPU, cliCPU float64 // seconds over the timed phase
	otherCPU       float64 // host CPU used by neither, over the timed phase
	srvPeakRSS     int64   // KiB, sampled over prepare and timed phase
	srvOK          bool    // srvCPU and srvPeakRSS are known
	cliOK, hostOK  bool    // cliCPU and otherCPU are known
	deleted        int
	cleanupErr     error
}

func runScenario(ctx context.Context, c *client, cfg *config, s scenario, prefix string, data []byte) (*result, error) {
	dur := cfg.duration
	if s.large {
		dur = cfg.durationLarge
	}
	body := data[:s.size]
	sum := md5.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`

	syncDisks()
	select {
	case <-time.After(cfg.settle):
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	rss := startRSSSampler(cfg.serverPID)
	res := &result{s: s, errSamples: map[string]int{}}

	// Prepare: upload the objects a GET scenario reads.
	var keys []string
	if s.op == "get" {
		t := time.Now()
		keys = make([]string, s.objects)
		for i := range keys {
			keys[i] = prefix + "obj-" + strconv.Itoa(i)
		}
		next := make(chan string)
		errc := make(chan error, s.clients)
		var wg sync.WaitGroup
		for range s.clients {
			wg.Go(func() {
				for k := range next {
					if err := c.put(ctx, k, body, etag); err != nil {
						errc <- fmt.Errorf("prepare %s: %w", k, err)
						return
					}
				}
			})
		}
		var err error
	feed:
		for _, k := range keys {
			select {
			case next <- k:
			case err = <-errc:
				break feed
			}
		}
		close(next)
		wg.Wait()
		if err == nil {
			select {
			case err = <-errc:
			default:
			}
		}
		if err != nil {
			rss.stop()
			_, _ = c.deletePrefix(context.Background(), prefix)
			return nil, err
		}
		res.prep = time.Since(t)
		// Flush the upload's dirty pages before the timed phase.
		syncDisks()
	}

	// The timed phase.
	cpu0 := readCPU(cfg.serverPID)
	samples := make([][]sample, s.clients)
	errMsgs := make([]map[string]int, s.clients)
	t0 := time.Now()
	var wg sync.WaitGroup
	for w := range s.clients {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(w), uint64(t0.UnixNano())))
			var buf []byte
			if s.op == "get" {
				buf = make([]byte, 256<<10)
			}
			keyBase := prefix + "w" + strconv.Itoa(w) + "/"
			local := make([]sample, 0, 1024)
			msgs := map[string]int{}
			for i := 0; ; i++ {
				st := time.Since(t0)
				if st >= dur || ctx.Err() != nil {
					break
				}
				var err error
				if s.op == "put" {
					err = c.put(ctx, keyBase+strconv.Itoa(i), body, etag)
				} else {
					err = c.get(ctx, keys[rng.IntN(len(keys))], s.size, buf)
				}
				local = append(local, sample{start: st, end: time.Since(t0), ok: err == nil})
				if err != nil {
					msgs[errText(err)]++
				}
			}
			samples[w], errMsgs[w] = local, msgs
		})
	}
	wg.Wait()
	cpu1 := readCPU(cfg.serverPID)
	res.srvPeakRSS = rss.stop()

	all := slices.Concat(samples...)
	res.summarize(all, dur, cfg.trim)
	for _, m := range errMsgs {
		for k, v := range m {
			res.errSamples[k] += v
		}
	}
	res.setCPU(cpu0, cpu1, cfg.serverPID > 0)

	// Clean up what the scenario wrote, before the next one starts.
	t := time.Now()
	res.deleted, res.cleanupErr = c.deletePrefix(context.Background(), prefix)
	res.clean = time.Since(t)
	fmt.Fprintf(os.Stderr, "# %s: prepare %.1fs, cleanup %d objects in %.1fs (%.0f/s)%s\n",
		s.name, res.prep.Seconds(), res.deleted, res.clean.Seconds(),
		float64(res.deleted)/max(res.clean.Seconds(), 1e-9), errSuffix(res.cleanupErr))
	for msg, n := range res.errSamples {
		fmt.Fprintf(os.Stderr, "# %s: %d × %s\n", s.name, n, msg)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, res.cleanupErr
}

func errSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ", error: " + err.Error()
}

// errText shortens an error for grouping: the request URL varies per key.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// summarize computes the window figures from the run's samples. The window
// is [trim·dur, (1−trim)·dur]; an operation that straddles an edge counts
// for the fraction of its time inside, bytes likewise, so large objects
// measure fairly in a short window. Latency percentiles are over the
// successful operations that ended inside the window.
func (r *result) summarize(all []sample, dur time.Duration, trim float64) {
	lo := time.Duration(float64(dur) * trim)
	hi := dur - lo
	r.window = hi - lo
	var lat []time.Duration
	for _, sm := range all {
		if !sm.ok {
			r.errs++
			continue
		}
		r.n++
		in := min(sm.end, hi) - max(sm.start, lo)
		switch {
		case sm.end == sm.start:
			if sm.end >= lo && sm.end <= hi {
				r.ops++
			}
		case in > 0:
			r.ops += float64(in) / float64(sm.end-sm.start)
		}
		if sm.end >= lo && sm.end <= hi {
			lat = append(lat, sm.end-sm.start)
		}
	}
	if r.window > 0 {
		r.opsPerSec = r.ops / r.window.Seconds()
		r.mibPerSec = r.opsPerSec * float64(r.s.size) / (1 << 20)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r.p50, r.p99 = percentile(lat, 0.50), percentile(lat, 0.99)
}

// percentile is the nearest-rank percentile of sorted values (0 if none).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// --- CPU and memory figures ---

type cpuSnap struct {
	srv, cli, host float64 // seconds
	srvOK, cliOK   bool
	hostOK         bool
}

func readCPU(pid int) cpuSnap {
	var s cpuSnap
	s.cli, s.cliOK = selfCPU()
	s.host, s.hostOK = hostBusyCPU()
	if pid > 0 {
		s.srv, s.srvOK = procCPU(pid)
	}
	return s
}

func (r *result) setCPU(a, b cpuSnap, hasPID bool) {
	r.cliOK = a.cliOK && b.cliOK
	r.cliCPU = b.cli - a.cli
	r.srvOK = hasPID && a.srvOK && b.srvOK
	r.srvCPU = b.srv - a.srv
	r.hostOK = a.hostOK && b.hostOK && r.srvOK && r.cliOK
	r.otherCPU = max(0, (b.host-a.host)-r.srvCPU-r.cliCPU)
}

var clkTck = 100.0 // USER_HZ: 100 on every Linux platform Go supports

// procCPU reads utime+stime of a process (all its threads) in seconds.
func procCPU(pid int) (float64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	// After "pid (comm)": state is field 0, utime 11, stime 12.
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (u + st) / clkTck, true
}

// hostBusyCPU is the host's busy time in seconds: user, nice, system, irq,
// softirq and steal (time the hypervisor gave to another guest while this
// one had work; a process's own CPU time includes what was stolen from it).
func hostBusyCPU() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var t float64
	// cpu user nice system idle iowait irq softirq steal ...
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v := f[i]
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false
		}
		t += x
	}
	return t / clkTck, true
}

// procStatusKiB reads a "Name: N kB" line of /proc/<pid>/status.
func procStatusKiB(pid int, name string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				return 0, false
			}
			n, err := strconv.ParseInt(f[0], 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

type rssSampler struct {
	done chan struct{}
	peak chan int64
}

// startRSSSampler samples the server's VmRSS every 100 ms until stop, which
// returns the peak in KiB (0 without a pid).
func startRSSSampler(pid int) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), peak: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if pid > 0 {
				if v, ok := procStatusKiB(pid, "VmRSS"); ok {
					peak = max(peak, v)
				}
			}
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) stop() int64 {
	close(s.done)
	return <-s.peak
}

// --- output ---

func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func ms(d time.Duration) string { return strconv.FormatFloat(d.Seconds()*1000, 'f', 2, 64) }

func (r *result) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %2d clients: %9.1f ops/s %9.2f MiB/s  p50 %s ms  p99 %s ms  errs %d  (%.0f ops in %.1fs window)",
		r.s.name, r.s.clients, r.opsPerSec, r.mibPerSec, ms(r.p50), ms(r.p99), r.errs, r.ops, r.window.Seconds())
	if r.srvOK {
		fmt.Fprintf(&b, "  srvCPU %.1fs srvRSS %d MiB", r.srvCPU, r.srvPeakRSS>>10)
	}
	if r.cliOK {
		fmt.Fprintf(&b, "  cliCPU %.1fs", r.cliCPU)
	}
	if r.hostOK {
		fmt.Fprintf(&b, "  otherCPU %.1fs", r.otherCPU)
	}
	return b.String()
}

func printTable(w io.Writer, rs []*result, server bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := "scenario\tclients\tops/s\tMiB/s\tp50_ms\tp99_ms\terrs\t"
	if server {
		hdr += "srvCPU_s\tsrvRSS_M\t"
	}
	hdr += "cliCPU_s\totherCPU_s\t"
	fmt.Fprintln(tw, hdr)
	for _, r := range rs {
		row := fmt.Sprintf("%s\t%d\t%.1f\t%.2f\t%s\t%s\t%d\t", r.s.name, r.s.clients, r.opsPerSec, r.mibPerSec, ms(r.p50), ms(r.p99), r.errs)
		if server {
			row += fmt.Sprintf("%.1f\t%d\t", r.srvCPU, r.srvPeakRSS>>10)
		}
		other := "-"
		if r.hostOK {
			other = strconv.FormatFloat(r.otherCPU, 'f', 1, 64)
		}
		row += fmt.Sprintf("%.1f\t%s\t", r.cliCPU, other)
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
}
