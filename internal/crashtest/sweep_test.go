package crashtest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOrphanSweepAfterFastRestart reproduces a leak: the blob of an upload a
// crash cut short is not reclaimed when the server restarts less than a
// second after the crash (as a supervisor such as systemd, whose default
// RestartSec is 100ms, restarts it). The sweep must still reclaim the blob
// the killed process was writing: it spares only blobs created by the new
// process itself (their ids carry its epoch), not blobs that are merely
// recent.
func TestOrphanSweepAfterFastRestart(t *testing.T) {
	arcaBinary(t)
	data := t.TempDir()
	const bucket = "sweep1-" + appID
	p := startArca(t, arcaOpts{data: data})
	c := p.client()
	c.createBucket(t, bucket)
	body := chunk{seed: 1, size: 1 << 20}.bytes()
	u, err := beginUpload(c, bucket, "cut", body, false, 256<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer u.close()
	waitBlobsCreated(t, data, 1, 5*time.Second)
	p.kill()

	// A marker orphan, an hour old and last in the sweep's walk order: when
	// it is gone, the sweep has been over every blob.
	marker := filepath.Join(data, "blobs", "ff", strings.Repeat("f", 32))
	if err := os.WriteFile(marker, []byte("orphan"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(marker, old, old); err != nil {
		t.Fatal(err)
	}

	p = startArca(t, arcaOpts{data: data}) // within a few ms of the kill
	deadline := time.Now().Add(sweepTimeout)
	for {
		if _, err := os.Stat(marker); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the orphan sweep did not remove an hour-old orphan")
		}
		time.Sleep(10 * time.Millisecond)
	}
	mustGet(t, p.client(), bucket, "cut", nil)
	if blobs, _ := blobFiles(t, data); len(blobs) != 0 {
		t.Errorf("after the sweep of the restart that followed the crash, %d orphan blob(s) remain: %v", len(blobs), blobs)
	}
	p.stop(10 * time.Second)
}
