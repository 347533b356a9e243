package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
)

// extReader records the SHA-256 of what it passed on in ext when it
// reaches io.EOF, as a dialect computing a checksum does.
type extReader struct {
	r   io.Reader
	h   hashWriter
	ext map[string]string
}

type hashWriter interface {
	io.Writer
	Sum([]byte) []byte
}

func (e *extReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.h.Write(p[:n])
	if err == io.EOF {
		e.ext["sha256"] = hex.EncodeToString(e.h.Sum(nil))
	}
	return n, err
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestExtComputedFromData covers what dialects rely on to store checksums
// they compute while the body streams: PutInput.Ext and PartInput.Ext are
// read after the body's io.EOF, CompleteInput.Ext reaches the object, and
// CopyInput's Tee and Adjust see the copied data and shape the copy.
func TestExtComputedFromData(t *testing.T) {
	ctx := context.Background()
	for _, inline := range []int{64 << 10, -1} {
		s := newStore(t, inline)
		mustBucket(t, s, "bkt")

		ext := map[string]string{"fixed": "1"}
		body := "some data"
		o, err := s.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Ext: ext,
			Body: Body{R: &extReader{r: strings.NewReader(body), h: sha256.New(), ext: ext}, Size: int64(len(body))}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetObject(ctx, "bkt", "k", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Ext["sha256"] != sha256Hex(body) || got.Ext["fixed"] != "1" || o.Ext["sha256"] != sha256Hex(body) {
			t.Errorf("inline %d: PUT Ext = %v, stored %v", inline, o.Ext, got.Ext)
		}

		u, err := s.CreateUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "mp", Ext: map[string]string{"alg": "x"}})
		if err != nil {
			t.Fatal(err)
		}
		var etags []CompletePart
		for i, data := range []string{"part one", "part two"} {
			pext := map[string]string{}
			p, err := s.UploadPartWith(ctx, PartInput{Bucket: "bkt", Key: "mp", UploadID: u.ID, Number: i + 1, Ext: pext,
				Body: Body{R: &extReader{r: strings.NewReader(data), h: sha256.New(), ext: pext}, Size: int64(len(data))}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Ext["sha256"] != sha256Hex(data) {
				t.Errorf("part %d Ext = %v", i+1, p.Ext)
			}
			etags = append(etags, CompletePart{Number: i + 1, ETag: p.ETag})
		}
		_, parts, err := s.ListParts(ctx, "bkt", "mp", u.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts.Parts) != 2 || parts.Parts[1].Ext["sha256"] != sha256Hex("part two") {
			t.Errorf("listed parts lost their Ext: %+v", parts.Parts)
		}
		mp, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: u.ID, Parts: etags,
			Ext: map[string]string{"composite": "abc-2"}})
		if err != nil {
			t.Fatal(err)
		}
		if mp.Ext["alg"] != "x" || mp.Ext["composite"] != "abc-2" {
			t.Errorf("completed Ext = %v", mp.Ext)
		}

		h := sha256.New()
		cp, _, err := s.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", Bucket: "bkt", Key: "copy", Tee: h,
			Adjust: func(src, dst *Object) {
				dst.Ext = map[string]string{"copied": hex.EncodeToString(h.Sum(nil)), "from": src.Key}
				dst.Tags = map[string]string{"t": "v"}
			}})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.GetObject(ctx, "bkt", "copy", "")
		if err != nil {
			t.Fatal(err)
		}
		if cp.Ext["copied"] != sha256Hex(body) || stored.Ext["from"] != "k" || stored.Tags["t"] != "v" {
			t.Errorf("copy Ext = %v, tags %v", stored.Ext, stored.Tags)
		}
	}
}
