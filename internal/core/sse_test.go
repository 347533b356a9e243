package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/engine/local"
)

func newSSEStore(t *testing.T, inline int) *Store {
	t.Helper()
	dir := t.TempDir()
	m, err := local.OpenMeta(dir+"/meta", local.MetaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := local.OpenBlobs(dir + "/blobs")
	if err != nil {
		t.Fatal(err)
	}
	mk := make([]byte, 32)
	rand.Read(mk)
	s, err := Open(Config{Meta: m, Blobs: b, InlineMax: inline, MasterKey: mk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return s
}

func readRange(t *testing.T, s *Store, bucket, key string, ck []byte, off, n int64) ([]byte, error) {
	t.Helper()
	_, r, err := s.OpenObjectKey(context.Background(), bucket, key, "", ck, func(o *Object) (int64, int64, error) {
		if n < 0 {
			return 0, o.Size, nil
		}
		return off, n, nil
	})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// Alternate between the two read paths.
	var buf bytes.Buffer
	if off%2 == 0 {
		_, err = r.WriteTo(&buf)
	} else {
		_, err = io.Copy(&buf, struct{ io.Reader }{r})
	}
	return buf.Bytes(), err
}

// rawBytes returns everything stored for an object, as stored.
func rawBytes(t *testing.T, s *Store, o *Object) []byte {
	var out []byte
	for _, e := range o.Extents {
		if e.Inline {
			v, err := s.meta.Get(dataKey(e.ID))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v...)
			continue
		}
		b, err := s.blobs.Open(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(io.NewSectionReader(b, 0, b.Size()))
		b.Close()
		out = append(out, data...)
	}
	return out
}

func TestSSEModesRoundTrip(t *testing.T) {
	ctx := context.Background()
	ck := bytes.Repeat([]byte{7}, 32)
	for _, inline := range []int{-1, 64 << 10} {
		s := newSSEStore(t, inline)
		mustBucket(t, s, "sse")
		for _, size := range []int{0, 1, 15, 16, 17, 5000, 300 << 10} {
			data := make([]byte, size)
			rand.Read(data)
			for _, req := range []*SSERequest{
				{Mode: SSEManaged},
				{Mode: SSEKMS, KMSKeyID: "k1", KMSContext: "e30="},
				{Mode: SSECustomer, CustomerKey: ck},
			} {
				name := fmt.Sprintf("%d/%d/%s", inline, size, req.Mode)
				t.Run(name, func(t *testing.T) {
					key := strings.ReplaceAll(name, "/", "_")
					o, err := s.PutObject(ctx, PutInput{Bucket: "sse", Key: key, Body: Body{R: bytes.NewReader(data), Size: int64(size)}, SSE: req})
					if err != nil {
						t.Fatal(err)
					}
					if o.SSE == nil || o.SSE.Mode != req.Mode {
						t.Fatalf("SSE = %+v", o.SSE)
					}
					if size >= 16 && bytes.Contains(rawBytes(t, s, o), data[:16]) {
						t.Fatal("plaintext found in storage")
					}
					var key2 []byte
					if req.Mode == SSECustomer {
						key2 = ck
					}
					got, err := readRange(t, s, "sse", key, key2, 0, -1)
					if err != nil || !bytes.Equal(got, data) {
						t.Fatalf("full read: %v, equal %v", err, bytes.Equal(got, data))
					}
					for _, rg := range [][2]int64{{1, 3}, {15, 2}, {16, 16}, {17, 40}, {4095, 300}} {
						if rg[0]+rg[1] > int64(size) {
							continue
						}
						got, err := readRange(t, s, "sse", key, key2, rg[0], rg[1])
						if err != nil || !bytes.Equal(got, data[rg[0]:rg[0]+rg[1]]) {
							t.Fatalf("range %v: %v", rg, err)
						}
					}
					if req.Mode == SSECustomer {
						if _, err := readRange(t, s, "sse", key, nil, 0, 0); !errors.Is(err, ErrSSECustomerKeyNeeded) {
							t.Fatalf("no key: %v", err)
						}
						if _, err := readRange(t, s, "sse", key, bytes.Repeat([]byte{8}, 32), 0, -1); !errors.Is(err, ErrSSECustomerKeyWrong) {
							t.Fatalf("wrong key: %v", err)
						}
					} else if _, err := readRange(t, s, "sse", key, ck, 0, -1); !errors.Is(err, ErrSSEKeyNotNeeded) {
						t.Fatalf("key for non SSE-C object: %v", err)
					}
				})
			}
		}
	}
}

func TestSSEMultipartAppendCopy(t *testing.T) {
	ctx := context.Background()
	ck := bytes.Repeat([]byte{3}, 32)
	s := newSSEStore(t, 64<<10)
	mustBucket(t, s, "ssx")
	u, err := s.CreateUpload(ctx, CreateUploadInput{Bucket: "ssx", Key: "mp", SSE: &SSERequest{Mode: SSECustomer, CustomerKey: ck}})
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("a"), 1<<20)
	p2 := []byte("bbb")
	var parts []CompletePart
	for i, d := range [][]byte{p1, p2} {
		if _, err := s.UploadPartKey(ctx, "ssx", "mp", u.ID, i+1, Body{R: bytes.NewReader(d), Size: int64(len(d))}, nil); !errors.Is(err, ErrSSECustomerKeyNeeded) {
			t.Fatalf("part without key: %v", err)
		}
		p, err := s.UploadPartKey(ctx, "ssx", "mp", u.ID, i+1, Body{R: bytes.NewReader(d), Size: int64(len(d))}, ck)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, CompletePart{Number: i + 1, ETag: p.ETag})
	}
	if _, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "ssx", Key: "mp", UploadID: u.ID, Parts: parts}); err != nil {
		t.Fatal(err)
	}
	got, err := readRange(t, s, "ssx", "mp", ck, (1<<20)-2, 5)
	if err != nil || string(got) != "aabbb" {
		t.Fatalf("multipart range across parts = %q, %v", got, err)
	}
	// Append with SSE.
	if _, err := s.AppendObject(ctx, AppendInput{Bucket: "ssx", Key: "log", Body: Body{R: strings.NewReader("hello "), Size: 6}, SSE: &SSERequest{Mode: SSEManaged}}); err != nil {
		t.Fatal(err)
	}
	a, err := s.AppendObject(ctx, AppendInput{Bucket: "ssx", Key: "log", Position: 6, Body: Body{R: strings.NewReader(strings.Repeat("w", 100<<10)), Size: 100 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	want := "hello " + strings.Repeat("w", 100<<10)
	got, err = readRange(t, s, "ssx", "log", nil, 0, -1)
	if err != nil || string(got) != want || a.SSE == nil {
		t.Fatalf("append read: %v", err)
	}
	// Copy SSE-C -> managed -> plain.
	if _, _, err := s.CopyObject(ctx, CopyInput{SrcBucket: "ssx", SrcKey: "mp", Bucket: "ssx", Key: "c1"}); !errors.Is(err, ErrSSECustomerKeyNeeded) {
		t.Fatalf("copy without source key: %v", err)
	}
	if _, _, err := s.CopyObject(ctx, CopyInput{SrcBucket: "ssx", SrcKey: "mp", SrcCustomerKey: ck, Bucket: "ssx", Key: "c1", SSE: &SSERequest{Mode: SSEManaged}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CopyObject(ctx, CopyInput{SrcBucket: "ssx", SrcKey: "c1", Bucket: "ssx", Key: "c2"}); err != nil {
		t.Fatal(err)
	}
	got, err = readRange(t, s, "ssx", "c2", nil, 0, -1)
	if err != nil || !bytes.Equal(got, append(p1, p2...)) {
		t.Fatalf("copy chain read: %v", err)
	}
}

func TestSSEWithoutMasterKey(t *testing.T) {
	s := newStore(t, 64<<10)
	mustBucket(t, s, "nomk")
	_, err := s.PutObject(context.Background(), PutInput{Bucket: "nomk", Key: "k", Body: Body{R: strings.NewReader("x"), Size: 1}, SSE: &SSERequest{Mode: SSEManaged}})
	if !errors.Is(err, ErrSSENotConfigured) {
		t.Fatalf("err = %v", err)
	}
}
