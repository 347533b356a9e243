package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/engine/local"
)

func newStore(t *testing.T, inline int) *Store {
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
	s, err := Open(Config{Meta: m, Blobs: b, InlineMax: inline})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return s
}

func mustBucket(t *testing.T, s *Store, name string) {
	t.Helper()
	if _, err := s.CreateBucket(context.Background(), Bucket{Name: name, Owner: "1"}); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, s *Store, b, k, data string) *Object {
	t.Helper()
	o, err := s.PutObject(context.Background(), PutInput{Bucket: b, Key: k, Body: Body{R: strings.NewReader(data), Size: int64(len(data))}})
	if err != nil {
		t.Fatalf("put %s: %v", k, err)
	}
	return o
}

func read(t *testing.T, s *Store, b, k, v string) string {
	t.Helper()
	_, r, err := s.OpenObject(context.Background(), b, k, v, nil)
	if err != nil {
		t.Fatalf("open %s@%s: %v", k, v, err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestPutGetOverwriteInlineAndBlob(t *testing.T) {
	for _, inline := range []int{-1, 64 << 10} {
		t.Run(fmt.Sprint(inline), func(t *testing.T) {
			s := newStore(t, inline)
			mustBucket(t, s, "bkt")
			small := "hello"
			big := strings.Repeat("x", 300<<10)
			o := put(t, s, "bkt", "a", small)
			if o.ETag != "5d41402abc4b2a76b9719d911017c592" || o.Size != 5 || o.VersionID != "" {
				t.Fatalf("put = %+v", o)
			}
			if got := read(t, s, "bkt", "a", ""); got != small {
				t.Fatalf("read = %q", got)
			}
			put(t, s, "bkt", "a", big)
			if got := read(t, s, "bkt", "a", ""); got != big {
				t.Fatalf("read big: %d bytes", len(got))
			}
			put(t, s, "bkt", "a", small)
			if got := read(t, s, "bkt", "a", ""); got != small {
				t.Fatalf("read = %q", got)
			}
			blobs := 0
			s.blobs.Walk(func(string, time.Time) error { blobs++; return nil })
			if inline > 0 && blobs != 0 {
				t.Fatalf("%d blobs left after overwrite with inline data", blobs)
			}
		})
	}
}

func TestVersioningLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "ver")
	put(t, s, "ver", "k", "v0") // null version from before versioning
	if _, err := s.SetVersioning(ctx, "ver", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	v1 := put(t, s, "ver", "k", "v1")
	v2 := put(t, s, "ver", "k", "v2")
	if v1.VersionID == "" || v2.VersionID == "" || v1.VersionID == v2.VersionID {
		t.Fatalf("version ids %q %q", v1.VersionID, v2.VersionID)
	}
	if got := read(t, s, "ver", "k", v1.VersionID); got != "v1" {
		t.Fatalf("v1 = %q", got)
	}
	if got := read(t, s, "ver", "k", NullVersion); got != "v0" {
		t.Fatalf("null = %q", got)
	}
	del, err := s.DeleteObject(ctx, "ver", "k", "")
	if err != nil || !del.DeleteMarker || del.VersionID == "" {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	if m, err := s.GetObject(ctx, "ver", "k", ""); !errors.Is(err, ErrNoSuchKey) || m == nil || !m.DeleteMarker {
		t.Fatalf("get after delete = %+v, %v", m, err)
	}
	if _, err := s.GetObject(ctx, "ver", "k", del.VersionID); !errors.Is(err, ErrMethodNotAllowed) {
		t.Fatalf("get marker by id: %v", err)
	}
	l, err := s.ListVersions(ctx, "ver", VersionListOptions{MaxKeys: 1000})
	if err != nil || len(l.Versions) != 4 {
		t.Fatalf("versions = %d, %v", len(l.Versions), err)
	}
	if !l.Versions[0].DeleteMarker || !l.Versions[0].IsLatest || l.Versions[3].VersionID != "" {
		t.Fatalf("order wrong: %+v", l.Versions)
	}
	// Paging one at a time sees the same sequence.
	var seen []string
	opts := VersionListOptions{MaxKeys: 1}
	for i := 0; i < 10; i++ {
		p, err := s.ListVersions(ctx, "ver", opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Versions {
			seen = append(seen, versionMarker(v.Object))
		}
		if !p.IsTruncated {
			break
		}
		opts.KeyMarker, opts.VersionIDMarker = p.NextKeyMarker, p.NextVersionIDMarker
	}
	if len(seen) != 4 || seen[3] != NullVersion {
		t.Fatalf("paged = %v", seen)
	}
	// Removing the marker restores v2.
	if _, err := s.DeleteObject(ctx, "ver", "k", del.VersionID); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, "ver", "k", ""); got != "v2" {
		t.Fatalf("after marker removal = %q", got)
	}
	// Suspended: puts replace the null version.
	if _, err := s.SetVersioning(ctx, "ver", VersioningSuspended); err != nil {
		t.Fatal(err)
	}
	put(t, s, "ver", "k", "s1")
	put(t, s, "ver", "k", "s2")
	l, _ = s.ListVersions(ctx, "ver", VersionListOptions{MaxKeys: 1000})
	if len(l.Versions) != 3 {
		t.Fatalf("suspended versions = %d, want 3 (null, v2, v1)", len(l.Versions))
	}
	if err := s.DeleteBucket(ctx, "ver"); !errors.Is(err, ErrBucketNotEmpty) {
		t.Fatalf("delete non-empty bucket: %v", err)
	}
}

func TestListDelimiterAndPaging(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "lst")
	keys := []string{"a", "b/1", "b/2", "b/3/x", "c", "d/e", "é"}
	for _, k := range keys {
		put(t, s, "lst", k, k)
	}
	r, err := s.ListObjects(ctx, "lst", ListOptions{Delimiter: "/", MaxKeys: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range r.Objects {
		got = append(got, o.Key)
	}
	if fmt.Sprint(got) != "[a c é]" || fmt.Sprint(r.CommonPrefixes) != "[b/ d/]" {
		t.Fatalf("list = %v %v", got, r.CommonPrefixes)
	}
	r, _ = s.ListObjects(ctx, "lst", ListOptions{Prefix: "b/", Delimiter: "/", MaxKeys: 1000})
	if len(r.Objects) != 2 || fmt.Sprint(r.CommonPrefixes) != "[b/3/]" {
		t.Fatalf("prefix list = %v %v", r.Objects, r.CommonPrefixes)
	}
	// Page by 2 with delimiter.
	var all []string
	marker := ""
	for {
		r, err := s.ListObjects(ctx, "lst", ListOptions{Delimiter: "/", Marker: marker, MaxKeys: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range r.Objects {
			all = append(all, o.Key)
		}
		all = append(all, r.CommonPrefixes...)
		if !r.IsTruncated {
			break
		}
		marker = r.NextMarker
	}
	if len(all) != 5 {
		t.Fatalf("paged = %v", all)
	}
}

func TestMultipartAndAppend(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "mpu")
	u, err := s.CreateUpload(ctx, CreateUploadInput{Bucket: "mpu", Key: "big"})
	if err != nil {
		t.Fatal(err)
	}
	p1 := strings.Repeat("1", 1<<20)
	p2 := "tail"
	var parts []CompletePart
	for i, d := range []string{p1, p2} {
		p, err := s.UploadPart(ctx, "mpu", "big", u.ID, i+1, Body{R: strings.NewReader(d), Size: int64(len(d))})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, CompletePart{Number: i + 1, ETag: `"` + p.ETag + `"`})
	}
	if _, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "mpu", Key: "big", UploadID: u.ID, Parts: []CompletePart{parts[1], parts[0]}}); !errors.Is(err, ErrInvalidPartOrder) {
		t.Fatalf("out of order: %v", err)
	}
	o, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "mpu", Key: "big", UploadID: u.ID, Parts: parts, MinPartSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(o.ETag, "-2") || o.Size != int64(len(p1)+len(p2)) {
		t.Fatalf("complete = %+v", o)
	}
	if got := read(t, s, "mpu", "big", ""); got != p1+p2 {
		t.Fatalf("read %d bytes", len(got))
	}
	if _, err := s.Upload(ctx, "mpu", "big", u.ID); !errors.Is(err, ErrNoSuchUpload) {
		t.Fatalf("upload after complete: %v", err)
	}
	// Append.
	a1, err := s.AppendObject(ctx, AppendInput{Bucket: "mpu", Key: "log", Position: 0, Body: Body{R: strings.NewReader("abc"), Size: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AppendObject(ctx, AppendInput{Bucket: "mpu", Key: "log", Position: 2, Body: Body{R: strings.NewReader("x"), Size: 1}}); !errors.Is(err, ErrPositionMismatch) {
		t.Fatalf("bad position: %v", err)
	}
	a2, err := s.AppendObject(ctx, AppendInput{Bucket: "mpu", Key: "log", Position: 3, Body: Body{R: strings.NewReader(strings.Repeat("d", 100<<10)), Size: 100 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	want := "abc" + strings.Repeat("d", 100<<10)
	if got := read(t, s, "mpu", "log", ""); got != want {
		t.Fatalf("appended read %d bytes", len(got))
	}
	if a1.ETag == a2.ETag || a2.Size != int64(len(want)) || a2.Piece.Size != 100<<10 {
		t.Fatalf("append results %+v %+v", a1, a2)
	}
	if _, err := s.AppendObject(ctx, AppendInput{Bucket: "mpu", Key: "big", Position: o.Size, Body: Body{R: strings.NewReader("x"), Size: 1}}); !errors.Is(err, ErrObjectNotAppend) {
		t.Fatalf("append to normal object: %v", err)
	}
}

func TestBodyChecks(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "bdy")
	_, err := s.PutObject(ctx, PutInput{Bucket: "bdy", Key: "k", Body: Body{R: strings.NewReader("abc"), Size: 5}})
	if !errors.Is(err, ErrIncompleteBody) {
		t.Fatalf("short body: %v", err)
	}
	_, err = s.PutObject(ctx, PutInput{Bucket: "bdy", Key: "k", Body: Body{R: strings.NewReader("abc"), Size: 3, MD5: make([]byte, 16)}})
	if !errors.Is(err, ErrBadDigest) {
		t.Fatalf("bad md5: %v", err)
	}
	_, err = s.PutObject(ctx, PutInput{Bucket: "bdy", Key: "k", Body: Body{R: io.MultiReader(strings.NewReader(strings.Repeat("z", 200<<10)), errReader{}), Size: 400 << 10}})
	if !errors.Is(err, ErrBodyRead) {
		t.Fatalf("broken body: %v", err)
	}
	if _, err := s.GetObject(ctx, "bdy", "k", ""); !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("failed puts left an object: %v", err)
	}
	n := 0
	s.blobs.Walk(func(string, time.Time) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d blobs left by failed puts", n)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestCopyForbidOverwriteAndCompleteACL covers CopyInput.ForbidOverwrite and
// CompleteInput.ACL.
func TestCopyForbidOverwriteAndCompleteACL(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "bkt")
	put(t, s, "bkt", "src", "data")
	in := CopyInput{SrcBucket: "bkt", SrcKey: "src", Bucket: "bkt", Key: "dst", ForbidOverwrite: true}
	if _, _, err := s.CopyObject(ctx, in); err != nil {
		t.Fatalf("first copy: %v", err)
	}
	if _, _, err := s.CopyObject(ctx, in); !errors.Is(err, ErrObjectExists) {
		t.Fatalf("second copy = %v, want ErrObjectExists", err)
	}
	u, err := s.CreateUpload(ctx, CreateUploadInput{Bucket: "bkt", Key: "mp", ACL: ACL{Canned: ACLPrivate}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.UploadPart(ctx, "bkt", "mp", u.ID, 1, Body{R: strings.NewReader("x"), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.CompleteUpload(ctx, CompleteInput{Bucket: "bkt", Key: "mp", UploadID: u.ID,
		Parts: []CompletePart{{Number: 1, ETag: p.ETag}}, ACL: &ACL{Canned: ACLPublicRead}})
	if err != nil {
		t.Fatal(err)
	}
	if o.ACL.Canned != ACLPublicRead {
		t.Fatalf("completed ACL = %+v, want public-read", o.ACL)
	}
}

func TestDeleteObjectsBatch(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 64<<10)
	mustBucket(t, s, "dlt")
	for i := 0; i < 20; i++ {
		put(t, s, "dlt", fmt.Sprintf("k%02d", i), strings.Repeat("x", i*10<<10))
	}
	if _, err := s.SetVersioning(ctx, "dlt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	v1 := put(t, s, "dlt", "v", "one")
	put(t, s, "dlt", "v", "two")
	items := []DeleteItem{{Key: "v", Version: v1.VersionID}, {Key: "v"}, {Key: "k00"}, {Key: ""}}
	for i := 1; i < 20; i++ {
		items = append(items, DeleteItem{Key: fmt.Sprintf("k%02d", i), Version: NullVersion})
	}
	out := s.DeleteObjects(ctx, "dlt", items)
	if out[0].Err != nil || out[0].VersionID != v1.VersionID {
		t.Fatalf("version delete = %+v", out[0])
	}
	if out[1].Err != nil || !out[1].DeleteMarker {
		t.Fatalf("second item on the same key (marker) = %+v", out[1])
	}
	if !errors.Is(out[3].Err, ErrInvalidKey) {
		t.Fatalf("empty key = %+v", out[3])
	}
	l, _ := s.ListObjects(ctx, "dlt", ListOptions{MaxKeys: 1000})
	if len(l.Objects) != 0 {
		t.Fatalf("%d objects left", len(l.Objects))
	}
	vl, _ := s.ListVersions(ctx, "dlt", VersionListOptions{MaxKeys: 1000})
	// Left: v's "two" and its marker, k00's (empty) null version and its
	// marker; k01..k19 lost their only (null) version, data and all.
	if len(vl.Versions) != 4 {
		t.Fatalf("%d versions left, want 4", len(vl.Versions))
	}
	n := 0
	s.blobs.Walk(func(string, time.Time) error { n++; return nil })
	if n != 0 {
		t.Fatalf("%d blobs left, want 0", n)
	}
}

// Inline extent ids increase in the order they are made, so new small
// objects' D/ keys append to the metadata store (see inlineID).
func TestInlineIDsIncrease(t *testing.T) {
	prev := inlineID()
	for i := 0; i < 1000; i++ {
		id := inlineID()
		if len(id) != len(prev) || id <= prev {
			t.Fatalf("inline id %q after %q: want the same length and greater", id, prev)
		}
		prev = id
	}
}
