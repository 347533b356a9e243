package cos_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	cossdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/arcastore/arca/internal/arcatest"
)

// TestObject_Append covers APPEND Object with the SDK's Append (which
// checks x-cos-content-sha1 against the MD5 of each piece and reads
// x-cos-next-append-position): creation at position 0, following appends,
// a wrong position (409 AppendPositionErr), appending to a normal object
// (409 ObjectNotAppendable), HEAD's x-cos-object-type, overwriting with PUT,
// and the missing-parameter cases.
func TestObject_Append(t *testing.T) {
	t.Parallel()
	s := arcatest.Start(t)
	ctx := t.Context()
	c, name := newBucket(t, s, "append")

	pieces := [][]byte{[]byte("hello"), []byte(", "), randBytes(100<<10, 1), []byte("world")}
	var whole []byte
	pos := 0
	for i, p := range pieces {
		var opt *cossdk.ObjectPutOptions
		if i == 0 {
			opt = putOpt(&cossdk.ObjectPutHeaderOptions{ContentType: "text/plain", XCosMetaXXX: hdr("x-cos-meta-log", "yes")})
		}
		next, resp, err := c.Object.Append(ctx, "log", pos, bytes.NewReader(p), opt)
		if err != nil {
			t.Fatalf("append %d at %d: %v", i, pos, err)
		}
		whole = append(whole, p...)
		if next != len(whole) || resp.Header.Get("x-cos-next-append-position") != strconv.Itoa(len(whole)) {
			t.Fatalf("append %d: next position %d, want %d", i, next, len(whole))
		}
		if resp.Header.Get("ETag") != etagOf(whole) || resp.Header.Get("x-cos-hash-crc64ecma") != crcOf(whole) {
			t.Errorf("append %d: ETag %s CRC %s", i, resp.Header.Get("ETag"), resp.Header.Get("x-cos-hash-crc64ecma"))
		}
		pos = next
	}

	body, gr := get(t, c, "log", nil)
	if !bytes.Equal(body, whole) {
		t.Fatal("appended object differs")
	}
	checkObjectHeaders(t, "GET appendable", gr.Header, whole, false)
	if gr.Header.Get("x-cos-object-type") != "appendable" || gr.Header.Get("Content-Type") != "text/plain" || gr.Header.Get("x-cos-meta-log") != "yes" {
		t.Errorf("GET headers %v", gr.Header)
	}
	hr, err := c.Object.Head(ctx, "log", nil)
	if err != nil {
		t.Fatal(err)
	}
	checkObjectHeaders(t, "HEAD appendable", hr.Header, whole, false)
	if hr.Header.Get("x-cos-object-type") != "appendable" || hr.Header.Get("x-cos-next-append-position") != strconv.Itoa(len(whole)) {
		t.Errorf("HEAD: x-cos-object-type %q, SDK's next position %q", hr.Header.Get("x-cos-object-type"), hr.Header.Get("x-cos-next-append-position"))
	}
	body, _ = get(t, c, "log", &cossdk.ObjectGetOptions{Range: "bytes=3-8"})
	if !bytes.Equal(body, whole[3:9]) {
		t.Errorf("range over pieces = %q", body)
	}

	t.Run("wrong position", func(t *testing.T) {
		for _, p := range []int{0, pos - 1, pos + 1} {
			_, _, err := c.Object.Append(ctx, "log", p, strings.NewReader("x"), nil)
			wantErr(t, err, http.StatusConflict, "AppendPositionErr")
		}
		_, _, err := c.Object.Append(ctx, "fresh", 5, strings.NewReader("x"), nil)
		wantErr(t, err, http.StatusConflict, "AppendPositionErr")
		if ok, _ := c.Object.IsExist(ctx, "fresh"); ok {
			t.Error("append at 5 created an object")
		}
		if body, _ := get(t, c, "log", nil); !bytes.Equal(body, whole) {
			t.Error("failed appends changed the object")
		}
	})

	t.Run("normal object", func(t *testing.T) {
		put(t, c, "normal", []byte("plain"), nil)
		_, _, err := c.Object.Append(ctx, "normal", 5, strings.NewReader("x"), nil)
		wantErr(t, err, http.StatusConflict, "ObjectNotAppendable")
		_, _, err = c.Object.Append(ctx, "normal", 0, strings.NewReader("x"), nil)
		wantErr(t, err, http.StatusConflict, "ObjectNotAppendable")
	})

	t.Run("PUT makes it normal", func(t *testing.T) {
		if _, _, err := c.Object.Append(ctx, "turned", 0, strings.NewReader("abc"), nil); err != nil {
			t.Fatal(err)
		}
		put(t, c, "turned", []byte("normal now"), nil)
		hr, err := c.Object.Head(ctx, "turned", nil)
		if err != nil {
			t.Fatal(err)
		}
		if hr.Header.Get("x-cos-object-type") == "appendable" {
			t.Error("PUT left the object appendable")
		}
		_, _, err = c.Object.Append(ctx, "turned", 10, strings.NewReader("x"), nil)
		wantErr(t, err, http.StatusConflict, "ObjectNotAppendable")
	})

	t.Run("cannot be copied", func(t *testing.T) {
		_, _, err := c.Object.Copy(ctx, "log-copy", copySource(name, "log"), nil)
		wantErr(t, err, 400, "InvalidRequest")
	})

	t.Run("Content-MD5", func(t *testing.T) {
		if _, _, err := c.Object.Append(ctx, "md5", 0, strings.NewReader("abc"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentMD5: md5B64([]byte("abc"))})); err != nil {
			t.Fatal(err)
		}
		_, _, err := c.Object.Append(ctx, "md5", 3, strings.NewReader("def"), putOpt(&cossdk.ObjectPutHeaderOptions{ContentMD5: md5B64([]byte("xyz"))}))
		wantErr(t, err, 400, "BadDigest")
		if body, _ := get(t, c, "md5", nil); string(body) != "abc" {
			t.Errorf("after a bad digest: %q", body)
		}
	})

	t.Run("parameters", func(t *testing.T) {
		r := do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: "p", query: "append", body: []byte("x")}))
		wantRawErr(t, r, 400, "InvalidArgument")
		r = do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: "p", query: "append&position=-1", body: []byte("x")}))
		wantRawErr(t, r, 400, "InvalidArgument")
		r = do(t, s, signed(s, rawReq{method: http.MethodPost, bucket: name, key: "p", query: "append&position=x", body: []byte("x")}))
		wantRawErr(t, r, 400, "InvalidArgument")
		_, _, err := anon(s, name).Object.Append(ctx, "p", 0, strings.NewReader("x"), nil)
		wantErr(t, err, 403, "AccessDenied")
	})

	t.Run("versioned bucket", func(t *testing.T) {
		vc, _ := versionedBucket(t, s, "appendv")
		_, _, err := vc.Object.Append(ctx, "log", 0, strings.NewReader("x"), nil)
		wantErr(t, err, http.StatusConflict, "ObjectNotAppendable")
	})
}
