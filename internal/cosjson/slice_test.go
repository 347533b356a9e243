package cosjson_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/arcastore/arca/internal/arcatest"
)

func randData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed+1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

const kb512 = 512 << 10

// TestSliceUploadOutOfOrder uploads a file of several slices in a shuffled
// order, one slice twice, then finishes and reads it back through the XML
// API.
func TestSliceUploadOutOfOrder(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	data := randData(4*kb512+1000, 1)
	size := int64(len(data))
	r := must(t, "init", c.sliceInit("big/file.bin", size, kb512, f("sha", sha1hex(data)), f("biz_attr", "sliced")))
	session := r.str("session")
	if session == "" || r.num("slice_size") != kb512 {
		t.Fatalf("init = %s", r.Body)
	}
	for _, i := range []int64{3, 0, 4, 2, 1, 3} {
		off := i * kb512
		end := min(off+kb512, size)
		d := must(t, "slice", c.sliceData("big/file.bin", session, off, data[off:end]))
		if d.num("offset") != off || d.num("datalen") != end-off || d.str("session") != session {
			t.Errorf("slice %d = %s", i, d.Body)
		}
	}
	l := must(t, "list parts", c.sliceList("big/file.bin"))
	parts := l.data()["listparts"].([]any)
	if len(parts) != 5 || l.str("session") != session || l.num("slice_size") != kb512 {
		t.Fatalf("listparts = %s", l.Body)
	}
	for i, p := range parts {
		m := p.(map[string]any)
		if m["offset"] != float64(int64(i)*kb512) || m["datalen"] != float64(min(kb512, size-int64(i)*kb512)) {
			t.Errorf("part %d = %v", i, m)
		}
	}
	fin := must(t, "finish", c.sliceFinish("big/file.bin", session, size))
	if fin.str("resource_path") != "/"+c.AppID+"/"+c.BucketName+"/big/file.bin" || fin.str("access_url") == "" || fin.str("url") == "" || fin.str("source_url") == "" {
		t.Errorf("finish = %s", fin.Body)
	}
	got, resp := xmlGet(t, s, c, "big/file.bin")
	if !bytes.Equal(got, data) {
		t.Fatalf("XML read %d bytes, want %d", len(got), len(data))
	}
	if resp.Header.Get("Content-Length") != itoa(size) {
		t.Errorf("Content-Length = %s", resp.Header.Get("Content-Length"))
	}
	st := must(t, "stat", c.stat("big/file.bin"))
	if st.str("sha") != sha1hex(data) || st.num("filesize") != size || st.str("biz_attr") != "sliced" {
		t.Errorf("stat = %s", st.Body)
	}
	// Finished: the session is gone and upload_slice_list gives the URLs.
	l = must(t, "list after finish", c.sliceList("big/file.bin"))
	if l.str("access_url") == "" || l.str("session") != "" {
		t.Errorf("list after finish = %s", l.Body)
	}
	wantErr(t, "finish twice", c.sliceFinish("big/file.bin", session, size), -5983, 400)
	// The file exists now: a new init is refused (insertOnly defaults to
	// 1), unless it is the same file (秒传: the URLs, no session).
	wantErr(t, "init over the file", c.sliceInit("big/file.bin", 9<<20, 1<<20), -177, 400)
	r = must(t, "instant", c.sliceInit("big/file.bin", size, kb512, f("sha", sha1hex(data))))
	if r.str("session") != "" || r.str("access_url") == "" {
		t.Errorf("instant upload = %s", r.Body)
	}
}

// TestSliceResume interrupts a slice upload, then resumes it as the seed
// describes: init again answers -4019, upload_slice_list gives the session
// and the slices already there, the client sends the rest. The session
// survives a restart.
func TestSliceResume(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	const slice = 1 << 20
	data := randData(3*slice+12345, 2)
	size := int64(len(data))
	path := "resume.bin"
	session := must(t, "init", c.sliceInit(path, size, slice, f("sha", sha1hex(data)))).str("session")
	must(t, "slice 0", c.sliceData(path, session, 0, data[:slice]))
	must(t, "slice 2", c.sliceData(path, session, 2*slice, data[2*slice:3*slice]))
	// The client goes away; the server restarts.
	s.Restart()

	wantErr(t, "init again", c.sliceInit(path, size, slice, f("sha", sha1hex(data))), -4019, 400)
	l := must(t, "list", c.sliceList(path))
	if l.str("session") != session || l.num("slice_size") != slice {
		t.Fatalf("list = %s", l.Body)
	}
	have := map[int64]bool{}
	for _, p := range l.data()["listparts"].([]any) {
		m := p.(map[string]any)
		have[int64(m["offset"].(float64))] = true
	}
	if len(have) != 2 || !have[0] || !have[2*slice] {
		t.Fatalf("listparts = %s", l.Body)
	}
	wantErr(t, "finish with slices missing", c.sliceFinish(path, session, size), -175, 400)
	for off := int64(0); off < size; off += slice {
		if !have[off] {
			must(t, "resume slice", c.sliceData(path, session, off, data[off:min(off+slice, size)]))
		}
	}
	must(t, "finish", c.sliceFinish(path, session, size))
	if got, _ := xmlGet(t, s, c, path); !bytes.Equal(got, data) {
		t.Fatal("resumed file differs")
	}

	// Another file at a path with an unfinished session replaces the
	// session: init with another size gets a new one.
	old := must(t, "init other", c.sliceInit("other.bin", 2*slice, slice)).str("session")
	fresh := must(t, "init other, new size", c.sliceInit("other.bin", 3*slice, slice)).str("session")
	if fresh == "" || fresh == old {
		t.Fatalf("sessions %q %q", old, fresh)
	}
	wantErr(t, "old session", c.sliceData("other.bin", old, 0, data[:slice]), -5983, 400)
}

// TestSliceErrors covers the slice upload's error codes.
func TestSliceErrors(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	path := "e.bin"
	wantErr(t, "no filesize", c.postForm(path, c.multiSig(), f("op", "upload_slice_init"), f("slice_size", "1048576")), -5971, 400)
	wantErr(t, "slice_size too small", c.sliceInit(path, 5<<20, 1000), -283, 400)
	wantErr(t, "slice_size not allowed", c.sliceInit(path, 5<<20, 700000), -284, 400)
	wantErr(t, "4 MB slices", c.sliceInit(path, 5<<20, 4<<20), -284, 400)
	wantErr(t, "zero size", c.sliceInit(path, 0, kb512), -5995, 400)
	wantErr(t, "bad sha", c.sliceInit(path, 5<<20, kb512, f("sha", "nope")), -168, 400)

	data := randData(2*kb512+10, 3)
	size := int64(len(data))
	session := must(t, "init", c.sliceInit(path, size, kb512, f("sha", sha1hex([]byte("something else"))))).str("session")
	wantErr(t, "no session", c.postForm(path, c.multiSig(), f("op", "upload_slice_data"), f("offset", "0"), content(data[:kb512])), -95, 400)
	wantErr(t, "wrong session", c.sliceData(path, "0123456789abcdef0123456789abcdef", 0, data[:kb512]), -5983, 400)
	wantErr(t, "session of another path", c.sliceData("other.bin", session, 0, data[:kb512]), -5983, 400)
	wantErr(t, "offset not on a slice", c.sliceData(path, session, 100, data[:kb512]), -290, 400)
	wantErr(t, "offset past the end", c.sliceData(path, session, 3*kb512, data[:10]), -290, 400)
	wantErr(t, "short slice", c.sliceData(path, session, 0, data[:kb512-1]), -284, 400)
	wantErr(t, "long last slice", c.sliceData(path, session, 2*kb512, data[:20]), -284, 400)
	wantErr(t, "slice over slice_size", c.sliceData(path, session, 0, randData(kb512+1, 9)), -5991, 413)
	wantErr(t, "no filecontent", c.postForm(path, c.multiSig(), f("op", "upload_slice_data"), f("session", session), f("offset", "0")), -5990, 400)
	l := must(t, "list", c.sliceList(path))
	if len(l.data()["listparts"].([]any)) != 0 {
		t.Fatalf("refused slices were kept: %s", l.Body)
	}
	// Session and offset after the file.
	must(t, "late fields", c.postForm(path, c.multiSig(), f("op", "upload_slice_data"), content(data[:kb512]), f("session", session), f("offset", "0")))
	must(t, "slice 1", c.sliceData(path, session, kb512, data[kb512:2*kb512]))
	must(t, "slice 2", c.sliceData(path, session, 2*kb512, data[2*kb512:]))
	wantErr(t, "finish, wrong size", c.sliceFinish(path, session, size+1), -175, 400)
	wantErr(t, "finish, no size", c.postForm(path, c.multiSig(), f("op", "upload_slice_finish"), f("session", session)), -5971, 400)
	// The sha given at init does not match the content: -174, nothing is
	// published and the session stays.
	wantErr(t, "finish, sha of init", c.sliceFinish(path, session, size), -174, 400)
	wantErr(t, "stat", c.stat(path), -197, 404)
	wantErr(t, "finish, wrong sha", c.sliceFinish(path, session, size, f("sha", sha1hex(data[1:]))), -174, 400)
	must(t, "finish, right sha", c.sliceFinish(path, session, size, f("sha", sha1hex(data))))
	if st := must(t, "stat", c.stat(path)); st.str("sha") != sha1hex(data) {
		t.Errorf("stat = %s", st.Body)
	}
	wantErr(t, "list of nothing", c.sliceList("never.bin"), -197, 404)
	wantErr(t, "slices on a dir path", c.sliceInit("dir/", 5<<20, kb512), -160, 400)
}
