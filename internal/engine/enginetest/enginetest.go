// Package enginetest is the behaviour every engine.Meta and engine.Blobs
// implementation must show. An implementation's tests call RunMeta and
// RunBlobs with a constructor that returns a fresh, empty store.
package enginetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/engine"
)

// RunMeta runs the Meta suite. open must return an empty store; reopen must
// close the given store and open it again over the same data.
func RunMeta(t *testing.T, open func(t *testing.T) engine.Meta, reopen func(t *testing.T, m engine.Meta) engine.Meta) {
	ctx := context.Background()
	t.Run("GetMissing", func(t *testing.T) {
		m := open(t)
		if _, err := m.Get([]byte("nope")); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("Get(missing) err = %v, want ErrNotFound", err)
		}
	})
	t.Run("BatchAtomicAndDurable", func(t *testing.T) {
		m := open(t)
		b := m.NewBatch()
		b.Set([]byte("a"), []byte("1"))
		b.Set([]byte("b"), []byte("2"))
		b.Delete([]byte("c"))
		if b.Len() != 3 {
			t.Fatalf("Len = %d, want 3", b.Len())
		}
		if err := m.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
		m = reopen(t, m)
		for k, want := range map[string]string{"a": "1", "b": "2"} {
			got, err := m.Get([]byte(k))
			if err != nil || string(got) != want {
				t.Fatalf("Get(%q) = %q, %v; want %q", k, got, err, want)
			}
		}
	})
	t.Run("DiscardedBatchInvisible", func(t *testing.T) {
		m := open(t)
		b := m.NewBatch()
		b.Set([]byte("x"), []byte("1"))
		b.Discard()
		if _, err := m.Get([]byte("x")); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("discarded write visible: %v", err)
		}
	})
	t.Run("CallerMayReuseSlices", func(t *testing.T) {
		m := open(t)
		k, v := []byte("key"), []byte("val")
		b := m.NewBatch()
		b.Set(k, v)
		k[0], v[0] = 'X', 'X'
		if err := m.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, err := m.Get([]byte("key"))
		if err != nil || string(got) != "val" {
			t.Fatalf("Get = %q, %v; want val", got, err)
		}
		got[0] = 'Z'
		again, _ := m.Get([]byte("key"))
		if string(again) != "val" {
			t.Fatalf("Get returned an alias of stored memory")
		}
	})
	t.Run("IterOrderBoundsSeek", func(t *testing.T) {
		m := open(t)
		b := m.NewBatch()
		for _, k := range []string{"p/b", "p/a", "p/c\x00", "p/c", "q", "o"} {
			b.Set([]byte(k), []byte("v"+k))
		}
		if err := m.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
		it, err := m.NewIter([]byte("p/"), []byte("p0"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for ok := it.First(); ok; ok = it.Next() {
			got = append(got, string(it.Key()))
			if string(it.Value()) != "v"+string(it.Key()) {
				t.Fatalf("value mismatch at %q", it.Key())
			}
		}
		if fmt.Sprint(got) != fmt.Sprint([]string{"p/a", "p/b", "p/c", "p/c\x00"}) {
			t.Fatalf("iter = %q", got)
		}
		if !it.SeekGE([]byte("p/bb")) || string(it.Key()) != "p/c" {
			t.Fatalf("SeekGE(p/bb) landed on %q", it.Key())
		}
		if it.SeekGE([]byte("p/d")) {
			t.Fatalf("SeekGE past end found %q", it.Key())
		}
		if err := it.Error(); err != nil {
			t.Fatal(err)
		}
		it.Close()
	})
	t.Run("ConcurrentCommits", func(t *testing.T) {
		m := open(t)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					b := m.NewBatch()
					b.Set([]byte(fmt.Sprintf("k/%02d/%03d", g, i)), []byte("x"))
					if err := m.Commit(ctx, b); err != nil {
						errs <- err
						return
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		it, _ := m.NewIter([]byte("k/"), []byte("k0"))
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		it.Close()
		if n != 320 {
			t.Fatalf("found %d keys, want 320", n)
		}
	})
}

// RunBlobs runs the Blobs suite against a fresh store from open.
func RunBlobs(t *testing.T, open func(t *testing.T) engine.Blobs) {
	ctx := context.Background()
	write := func(t *testing.T, s engine.Blobs, data []byte) string {
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		n, err := w.Commit()
		if err != nil || n != int64(len(data)) {
			t.Fatalf("Commit = %d, %v; want %d", n, err, len(data))
		}
		return w.ID()
	}
	t.Run("RoundTrip", func(t *testing.T) {
		s := open(t)
		data := bytes.Repeat([]byte("0123456789"), 100000)
		id := write(t, s, data)
		b, err := s.Open(id)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if b.Size() != int64(len(data)) {
			t.Fatalf("Size = %d", b.Size())
		}
		got, err := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, err %v", len(got), err)
		}
		part := make([]byte, 5)
		if _, err := b.ReadAt(part, 12); err != nil || string(part) != "23456" {
			t.Fatalf("ReadAt = %q, %v", part, err)
		}
	})
	t.Run("AbortLeavesNothing", func(t *testing.T) {
		s := open(t)
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("partial"))
		w.Abort()
		w.Abort()
		if _, err := s.Open(w.ID()); !errors.Is(err, engine.ErrNotFound) {
			t.Fatalf("aborted blob opened: %v", err)
		}
		s.Walk(func(id string, _ time.Time) error {
			t.Fatalf("walk found %s after abort", id)
			return nil
		})
	})
	t.Run("DeleteAndWalk", func(t *testing.T) {
		s := open(t)
		a := write(t, s, []byte("a"))
		b := write(t, s, []byte("b"))
		if a == b {
			t.Fatal("ids collide")
		}
		if err := s.Delete(a); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(a); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		var seen []string
		s.Walk(func(id string, created time.Time) error {
			if time.Since(created) > time.Hour {
				t.Errorf("created time %v implausible", created)
			}
			seen = append(seen, id)
			return nil
		})
		if len(seen) != 1 || seen[0] != b {
			t.Fatalf("walk = %v, want [%s]", seen, b)
		}
	})
	t.Run("OpenRejectsBadIDs", func(t *testing.T) {
		s := open(t)
		for _, id := range []string{"", "../../etc/passwd", "zz", "00/../../x"} {
			if _, err := s.Open(id); err == nil {
				t.Fatalf("Open(%q) succeeded", id)
			}
		}
	})
	t.Run("ConcurrentCreates", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		for g := 0; g < 32; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				write(t, s, []byte("payload"))
			}()
		}
		wg.Wait()
		n := 0
		s.Walk(func(string, time.Time) error { n++; return nil })
		if n != 32 {
			t.Fatalf("walk found %d blobs, want 32", n)
		}
	})
}
