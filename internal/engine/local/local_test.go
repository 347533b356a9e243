package local

import (
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
