package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/arcastore/arca/internal/engine"
	"github.com/arcastore/arca/internal/engine/enginetest"
)

func TestMeta(t *testing.T) {
	dirs := map[engine.Meta]string{}
	open := func(t *testing.T) engine.Meta {
		dir := t.TempDir()
		m, err := OpenMeta(dir, MetaOptions{})
		if err != nil {
			t.Fatal(err)
		}
		dirs[m] = dir
		t.Cleanup(func() { m.Close() })
		return m
	}
	reopen := func(t *testing.T, m engine.Meta) engine.Meta {
		dir := dirs[m]
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		m2, err := OpenMeta(dir, MetaOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m2.Close() })
		return m2
	}
	enginetest.RunMeta(t, open, reopen)
}

func TestBlobs(t *testing.T) {
	enginetest.RunBlobs(t, func(t *testing.T) engine.Blobs {
		b, err := OpenBlobs(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

// TestProbe checks that Probe answers as Get does for present and absent
// keys, whether they live in the memtable or (after a flush and a manual
// compaction into the bottom level) in L6 sstables, where Probe reads the
// bloom filters Get skips; values of 1 KiB and more live in blob files.
func TestProbe(t *testing.T) {
	m, err := OpenMeta(t.TempDir(), MetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	b := m.NewBatch()
	for i := 0; i < 2000; i += 2 {
		v := []byte(fmt.Sprintf("value-%d", i))
		if i%10 == 0 {
			v = bytes.Repeat(v, 200) // separated into a blob file
		}
		b.Set([]byte(fmt.Sprintf("key-%05d", i)), v)
	}
	if err := m.Commit(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	check := func(where string) {
		for i := 0; i < 2000; i++ {
			k := []byte(fmt.Sprintf("key-%05d", i))
			gv, gerr := m.Get(k)
			pv, perr := m.Probe(k)
			if !bytes.Equal(gv, pv) || !errors.Is(perr, gerr) && (perr != nil || gerr != nil) {
				t.Fatalf("%s: %s: Get %q, %v; Probe %q, %v", where, k, gv, gerr, pv, perr)
			}
			if present := i%2 == 0; present != (perr == nil) {
				t.Fatalf("%s: %s: Probe error %v, present %v", where, k, perr, present)
			}
		}
		if _, err := m.Probe([]byte("key-")); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("%s: a prefix of keys: %v", where, err)
		}
	}
	check("memtable")
	if err := m.db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := m.db.Compact(context.Background(), []byte("key-"), []byte("key-~"), false); err != nil {
		t.Fatal(err)
	}
	check("sstables")
}
