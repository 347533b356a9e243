package crashtest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Root keys every test passes through the environment (except the
// credentials test, which lets arca generate its own).
const (
	testAK = "AKIDcrashtest0123456789abcdefghij"
	testSK = "crashtest-secret-0123456789abcdefghijkl"
	appID  = "1250000000"
)

var (
	buildDir  string
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// arcaBinary builds cmd/arca once per test process and returns its path.
// It skips the test under -short.
func arcaBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("crash tests run a real arca process; skipped with -short")
	}
	buildOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			gobin = "/usr/local/go/bin/go"
		}
		if buildDir, err = os.MkdirTemp("", "arca-crashtest-bin-"); err != nil {
			buildErr = err
			return
		}
		out := filepath.Join(buildDir, "arca")
		start := time.Now()
		cmd := exec.Command(gobin, "build", "-o", out, "github.com/arcastore/arca/cmd/arca")
		b, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, b)
			return
		}
		buildPath = out
		fmt.Fprintf(os.Stderr, "crashtest: built arca in %v\n", time.Since(start).Round(time.Millisecond))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// logBuffer collects a process's stderr and wakes waiters on each write.
type logBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{}
}

func newLogBuffer() *logBuffer { return &logBuffer{notify: make(chan struct{}, 1)} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	n, err := l.buf.Write(p)
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
	return n, err
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// arcaOpts describes one arca process.
type arcaOpts struct {
	data string
	// env is added to the environment after every ARCA_* variable of the
	// test's own environment is removed. nil gives the fixed test keys.
	env   []string
	args  []string
	noEnv bool // start without the fixed test keys (env is still added)
}

// arcaProc is a running (or exited) arca process.
type arcaProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *logBuffer
	addr   string // host:port it serves on, once ready
	data   string

	done    chan struct{} // closed when the process has exited
	waitErr error
}

var servingRE = regexp.MustCompile(`msg="arca serving" addr=(\S+)`)

// launch starts arca without waiting for it to serve. It listens on
// 127.0.0.1:0; the port it got is read from its log.
func launch(t *testing.T, o arcaOpts) *arcaProc {
	t.Helper()
	bin := arcaBinary(t)
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", o.data}, o.args...)
	cmd := exec.Command(bin, args...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARCA_") {
			env = append(env, kv)
		}
	}
	if !o.noEnv {
		env = append(env, "ARCA_ROOT_ACCESS_KEY="+testAK, "ARCA_ROOT_SECRET_KEY="+testSK)
	}
	cmd.Env = append(env, o.env...)
	p := &arcaProc{t: t, cmd: cmd, stderr: newLogBuffer(), data: o.data, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	cmd.Stdout = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("arca (pid %d) stderr, last 4 KiB:\n%s", p.cmd.Process.Pid, tail(p.stderr.String(), 4096))
		}
	})
	return p
}

// startArca starts arca and waits until it serves.
func startArca(t *testing.T, o arcaOpts) *arcaProc {
	t.Helper()
	p := launch(t, o)
	if err := p.waitReady(15 * time.Second); err != nil {
		t.Fatalf("arca did not start: %v\n%s", err, p.stderr.String())
	}
	return p
}

func (p *arcaProc) waitReady(timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		if m := servingRE.FindStringSubmatch(p.stderr.String()); m != nil {
			p.addr = m[1]
			return nil
		}
		select {
		case <-p.stderr.notify:
		case <-p.done:
			if m := servingRE.FindStringSubmatch(p.stderr.String()); m != nil {
				p.addr = m[1]
				return nil
			}
			return fmt.Errorf("exited: %v", p.waitErr)
		case <-deadline:
			return errors.New("timed out waiting for \"arca serving\"")
		}
	}
}

func (p *arcaProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitExit waits up to timeout for the process to exit and returns its exit
// code (-1 when killed by a signal).
func (p *arcaProc) waitExit(timeout time.Duration) (int, bool) {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(timeout):
		return 0, false
	}
}

// kill SIGKILLs the process and waits for it to be gone.
func (p *arcaProc) kill() {
	p.t.Helper()
	if err := p.cmd.Process.Kill(); err != nil && !p.exited() {
		p.t.Fatalf("kill: %v", err)
	}
	<-p.done
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		p.t.Errorf("arca was not killed by SIGKILL: %v", p.cmd.ProcessState)
	}
}

// stop sends SIGTERM and requires a clean exit (status 0) within timeout.
func (p *arcaProc) stop(timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	p.signal(syscall.SIGTERM)
	code, ok := p.waitExit(timeout)
	if !ok {
		p.t.Fatalf("arca did not exit within %v of SIGTERM", timeout)
	}
	if code != 0 {
		p.t.Fatalf("arca exited with status %d after SIGTERM (%v)", code, p.cmd.ProcessState)
	}
	return time.Since(start)
}

func (p *arcaProc) signal(s os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		p.t.Fatalf("signal %v: %v", s, err)
	}
}

func (p *arcaProc) client() *cosClient { return newClient(p.addr, testAK, testSK) }

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

var blobNameRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// blobFiles lists the blob files under <data>/blobs/*/, and any other file
// found there.
func blobFiles(t *testing.T, data string) (blobs, other []string) {
	t.Helper()
	root := filepath.Join(data, "blobs")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("reading %s: %v", root, err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			other = append(other, d.Name())
			continue
		}
		ents, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			name := d.Name() + "/" + e.Name()
			if blobNameRE.MatchString(e.Name()) && strings.HasPrefix(e.Name(), d.Name()) {
				blobs = append(blobs, name)
			} else {
				other = append(other, name)
			}
		}
	}
	return blobs, other
}

// waitBlobCount polls the blob directory until it holds exactly want blob
// files (the orphan sweep runs in the background after a start), and fails
// after timeout. It returns how long it waited.
func waitBlobCount(t *testing.T, data string, want int, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		blobs, other := blobFiles(t, data)
		if len(other) > 0 {
			t.Errorf("unexpected files in the blob store: %v", other)
		}
		if len(blobs) == want {
			return time.Since(start)
		}
		if len(blobs) < want {
			t.Fatalf("blob store holds %d files, fewer than the %d the live data references", len(blobs), want)
		}
		if time.Since(start) > timeout {
			t.Fatalf("blob store holds %d files after %v, want %d (orphans not reclaimed)", len(blobs), timeout, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitBlobsCreated polls until the blob store holds at least n blob files:
// uploads in progress have created theirs.
func waitBlobsCreated(t *testing.T, data string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		blobs, _ := blobFiles(t, data)
		if len(blobs) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blob store holds %d files after %v, want at least %d", len(blobs), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// logged waits up to timeout for s to appear in the process's output. (arca
// prints its keys just after the "arca serving" line that startArca waits
// for.)
func (p *arcaProc) logged(s string, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for !strings.Contains(p.stderr.String(), s) {
		select {
		case <-p.stderr.notify:
		case <-deadline:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}
