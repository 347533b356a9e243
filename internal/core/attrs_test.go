package core

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestStagePutStaged covers Stage, PutStaged and Discard: nothing is visible
// before PutStaged, the data and SHA-1 are kept, ForbidOverwrite holds, and
// staged data is consumed once.
func TestStagePutStaged(t *testing.T) {
	for _, inline := range []int{-1, 64 << 10} {
		s := newStore(t, inline)
		ctx := context.Background()
		mustBucket(t, s, "bkt")
		data := strings.Repeat("staged ", 1000)
		st, err := s.Stage(ctx, "bkt", Body{R: strings.NewReader(data), Size: -1, SHA1: true})
		if err != nil {
			t.Fatal(err)
		}
		if st.Size != int64(len(data)) || st.SHA1 != sha1Hex(data) {
			t.Fatalf("staged = %d %s", st.Size, st.SHA1)
		}
		if _, err := s.GetObject(ctx, "bkt", "k", ""); !errors.Is(err, ErrNoSuchKey) {
			t.Fatalf("visible before PutStaged: %v", err)
		}
		o, err := s.PutStaged(ctx, PutInput{Bucket: "bkt", Key: "k", Ext: map[string]string{"a": "b"}}, st)
		if err != nil {
			t.Fatal(err)
		}
		if o.Ext["sha1"] != sha1Hex(data) || o.Ext["a"] != "b" || o.Size != int64(len(data)) {
			t.Fatalf("put = %+v", o)
		}
		if got := read(t, s, "bkt", "k", ""); got != data {
			t.Fatalf("read %d bytes", len(got))
		}
		if _, err := s.PutStaged(ctx, PutInput{Bucket: "bkt", Key: "k2"}, st); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("second PutStaged = %v", err)
		}
		st.Discard() // no effect after publication
		if got := read(t, s, "bkt", "k", ""); got != data {
			t.Fatal("Discard after PutStaged removed the data")
		}

		st2, err := s.Stage(ctx, "bkt", Body{R: strings.NewReader("other"), Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutStaged(ctx, PutInput{Bucket: "bkt", Key: "k", ForbidOverwrite: true}, st2); !errors.Is(err, ErrObjectExists) {
			t.Fatalf("ForbidOverwrite = %v", err)
		}
		if got := read(t, s, "bkt", "k", ""); got != data {
			t.Fatal("a refused PutStaged changed the object")
		}
		st3, err := s.Stage(ctx, "bkt", Body{R: strings.NewReader("dropped"), Size: 7})
		if err != nil {
			t.Fatal(err)
		}
		st3.Discard()
		if _, err := s.PutStaged(ctx, PutInput{Bucket: "bkt", Key: "x"}, st3); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("PutStaged after Discard = %v", err)
		}
		if _, err := s.Stage(ctx, "nope", Body{R: strings.NewReader("x"), Size: 1}); !errors.Is(err, ErrNoSuchBucket) {
			t.Fatalf("Stage into a missing bucket = %v", err)
		}
	}
}

// TestUpdateAttrs covers in-place attribute updates by sequence.
func TestUpdateAttrs(t *testing.T) {
	s := newStore(t, 0)
	ctx := context.Background()
	mustBucket(t, s, "bkt")
	o := put(t, s, "bkt", "k", "data")
	u, err := s.UpdateAttrs(ctx, "bkt", "k", o.Seq, func(a *Attrs) error {
		a.Meta.CacheControl = "no-cache"
		a.Meta.User = map[string]string{"x": "1"}
		a.ACL = ACL{Canned: ACLPublicRead}
		a.Ext = map[string]string{"biz": "attr"}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetObject(ctx, "bkt", "k", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Seq != o.Seq || got.ETag != o.ETag || !got.Modified.Equal(o.Modified) || got.Meta.CacheControl != "no-cache" ||
		got.Meta.User["x"] != "1" || got.ACL.Canned != ACLPublicRead || got.Ext["biz"] != "attr" || u.Ext["biz"] != "attr" {
		t.Fatalf("after update: %+v", got)
	}
	if read(t, s, "bkt", "k", "") != "data" {
		t.Fatal("data changed")
	}
	// fn's error leaves the record alone.
	boom := errors.New("boom")
	if _, err := s.UpdateAttrs(ctx, "bkt", "k", o.Seq, func(a *Attrs) error { a.Ext = nil; return boom }); err != boom {
		t.Fatalf("fn error = %v", err)
	}
	if got, _ := s.GetObject(ctx, "bkt", "k", ""); got.Ext["biz"] != "attr" {
		t.Fatal("a failed update changed the record")
	}
	// A replaced version is gone for good.
	put(t, s, "bkt", "k", "new")
	if _, err := s.UpdateAttrs(ctx, "bkt", "k", o.Seq, func(*Attrs) error { t.Fatal("fn called"); return nil }); !errors.Is(err, ErrNoSuchVersion) {
		t.Fatalf("update of a replaced version = %v", err)
	}
}

// TestContentSHA1 covers the lazy SHA-1: computed once for a version written
// without it, cached, dropped by an append, and computed during a
// completion (and checked against the client's value).
func TestContentSHA1(t *testing.T) {
	s := newStore(t, 16)
	ctx := context.Background()
	mustBucket(t, s, "bkt")
	data := strings.Repeat("abc", 100)
	o := put(t, s, "bkt", "k", data)
	if o.Ext["sha1"] != "" {
		t.Fatal("PutObject without Body.SHA1 computed a SHA-1")
	}
	sum, err := s.ContentSHA1(ctx, o)
	if err != nil || sum != sha1Hex(data) {
		t.Fatalf("ContentSHA1 = %s, %v", sum, err)
	}
	cached, _ := s.GetObject(ctx, "bkt", "k", "")
	if cached.Ext["sha1"] != sum || cached.Seq != o.Seq {
		t.Fatalf("not cached: %+v", cached.Ext)
	}

	// Appends invalidate the cached value.
	a, err := s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "ap", Body: Body{R: strings.NewReader("one"), Size: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if sum, _ := s.ContentSHA1(ctx, a.Object); sum != sha1Hex("one") {
		t.Fatalf("append sha1 = %s", sum)
	}
	a, err = s.AppendObject(ctx, AppendInput{Bucket: "bkt", Key: "ap", Position: 3, Body: Body{R: strings.NewReader("two"), Size: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Ext["sha1"] != "" {
		t.Fatal("an append kept a stale SHA-1")
	}
	if sum, _ := s.ContentSHA1(ctx, a.Object); sum != sha1Hex("onetwo") {
		t.Fatalf("after append sha1 = %s", sum)
	}

	// Completion computes and checks the SHA-1.
	part := strings.Repeat("p", 100<<10)
	complete := func(want []byte) (*Object, error) {
		u, err := s.CreateUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "mp"})
		if err != nil {
			t.Fatal(err)
		}
		var parts []CompletePart
		for i := 1; i <= 2; i++ {
			p, err := s.UploadPart(ctx, "bkt", "mp", u.ID, i, Body{R: strings.NewReader(part), Size: int64(len(part))})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, CompletePart{Number: i, ETag: p.ETag})
		}
		o, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: u.ID, Parts: parts, SHA1: true, WantSHA1: want})
		if err != nil {
			if _, lerr := s.Upload(ctx, "bkt", "mp", u.ID); lerr != nil {
				t.Fatalf("a failed completion lost the upload: %v", lerr)
			}
		}
		return o, err
	}
	if _, err := complete(make([]byte, 20)); !errors.Is(err, ErrBadDigest) {
		t.Fatalf("wrong WantSHA1 = %v", err)
	}
	if _, err := s.GetObject(ctx, "bkt", "mp", ""); !errors.Is(err, ErrNoSuchKey) {
		t.Fatal("a refused completion published the object")
	}
	want := sha1.Sum([]byte(part + part))
	mp, err := complete(want[:])
	if err != nil {
		t.Fatal(err)
	}
	if mp.Ext["sha1"] != hex.EncodeToString(want[:]) {
		t.Fatalf("completed sha1 = %q", mp.Ext["sha1"])
	}
}
