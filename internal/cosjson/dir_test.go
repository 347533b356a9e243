package cosjson_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/arcastore/arca/internal/arcatest"
	"github.com/arcastore/arca/internal/core"
)

// TestDirectories covers create, stat, update, list and delete of
// directories.
func TestDirectories(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	before := time.Now().Unix()

	r := must(t, "create", c.createDir("photos/", "album"))
	if ct := r.num("ctime"); ct < before || ct > time.Now().Unix()+1 {
		t.Errorf("ctime = %d", ct)
	}
	if rp := r.str("resource_path"); rp != "/"+c.AppID+"/"+c.BucketName+"/photos/" {
		t.Errorf("resource_path = %q", rp)
	}
	wantErr(t, "create again", c.createDir("photos/", ""), -178, 400)
	must(t, "nested", c.createDir("photos/2024/", ""))

	st := must(t, "stat", c.stat("photos/"))
	if st.str("biz_attr") != "album" || st.num("ctime") < before || st.num("mtime") < before {
		t.Errorf("stat = %s", st.Body)
	}
	// The directory is a real object of the XML bucket.
	if _, err := s.COS(c.BucketName+"-"+c.AppID).Object.Head(t.Context(), "photos/", nil); err != nil {
		t.Errorf("XML HEAD photos/: %v", err)
	}

	must(t, "update biz_attr", c.postJSON("photos/", c.once("photos/"), map[string]any{"op": "update", "biz_attr": "holiday"}))
	if got := must(t, "stat", c.stat("photos/")).str("biz_attr"); got != "holiday" {
		t.Errorf("biz_attr after update = %q", got)
	}

	must(t, "upload", c.upload("photos/a.jpg", []byte("jpeg")))
	l := must(t, "list", c.list("photos/", 10, ""))
	infos := l.data()["infos"].([]any)
	if len(infos) != 2 || l.data()["listover"] != true {
		t.Fatalf("list = %s", l.Body)
	}
	d, fi := infos[0].(map[string]any), infos[1].(map[string]any)
	if d["name"] != "2024" || d["filesize"] != nil || fi["name"] != "a.jpg" || fi["filesize"] != float64(4) ||
		fi["filelen"] != float64(4) || fi["sha"] != sha1hex([]byte("jpeg")) || fi["authority"] != "eInvalid" ||
		!strings.HasSuffix(fi["access_url"].(string), "/photos/a.jpg") || !strings.HasSuffix(fi["source_url"].(string), "/photos/a.jpg") {
		t.Errorf("infos = %s", l.Body)
	}
	if _, ok := fi["biz_attr"]; ok {
		t.Error("list returns biz_attr")
	}

	wantErr(t, "delete non-empty", c.del("photos/"), -173, 400)
	must(t, "delete file", c.del("photos/a.jpg"))
	wantErr(t, "still non-empty", c.del("photos/"), -173, 400)
	must(t, "delete nested", c.del("photos/2024/"))
	must(t, "delete", c.del("photos/"))
	wantErr(t, "stat deleted", c.stat("photos/"), -197, 404)
	wantErr(t, "delete missing", c.del("photos/"), -197, 404)

	// A directory other dialects made implicitly (objects under it).
	cos := s.COS(c.BucketName + "-" + c.AppID)
	if _, err := cos.Object.Put(t.Context(), "implicit/x.txt", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
	must(t, "stat implicit", c.stat("implicit/"))
	root := must(t, "list root", c.list("", 10, ""))
	if !strings.Contains(root.Body, `"name":"implicit"`) {
		t.Errorf("root listing = %s", root.Body)
	}
	wantErr(t, "delete implicit non-empty", c.del("implicit/"), -173, 400)
	// A file and a directory of one name conflict.
	must(t, "file", c.upload("clash", []byte("c")))
	wantErr(t, "dir over a file", c.createDir("clash/", ""), -178, 400)
	must(t, "dir", c.createDir("clash2/", ""))
	wantErr(t, "file over a dir", c.upload("clash2", []byte("c")), -178, 400)
	must(t, "stat root", c.stat(""))
}

// TestListPaging lists a directory of more than 1000 entries page by page,
// with prefixes and the num limits.
func TestListPaging(t *testing.T) {
	s := arcatest.Start(t)
	c := newJSONBucket(t, s)
	bucket := c.BucketName + "-" + c.AppID
	store := s.App().Store()
	var want []string
	for i := 0; i < 1100; i++ {
		name := fmt.Sprintf("f%04d.txt", i)
		if _, err := store.PutObject(t.Context(), core.PutInput{Bucket: bucket, Key: "big/" + name, Body: core.Body{R: strings.NewReader(name), Size: int64(len(name))}}); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	for i := 0; i < 5; i++ {
		name := fmt.Sprintf("sub%d", i)
		must(t, "mkdir", c.createDir("big/"+name+"/", ""))
		must(t, "file in sub", c.upload("big/"+name+"/inner.txt", []byte("i")))
		want = append(want, name)
	}
	must(t, "the directory itself", c.createDir("big/", ""))
	sort.Strings(want)

	var got []string
	ctx := ""
	pages := 0
	for {
		r := must(t, "page", c.list("big/", 1000, ctx))
		pages++
		infos := r.data()["infos"].([]any)
		for _, in := range infos {
			got = append(got, in.(map[string]any)["name"].(string))
		}
		if r.data()["listover"] == true {
			if r.str("context") != "" {
				t.Errorf("last page context = %q", r.str("context"))
			}
			break
		}
		if len(infos) != 1000 {
			t.Fatalf("a full page has %d entries", len(infos))
		}
		ctx = r.str("context")
		if !strings.HasPrefix(ctx, "/"+c.BucketName+"/big/") {
			t.Fatalf("context = %q", ctx)
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 2 || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%d pages, %d entries (want %d)", pages, len(got), len(want))
	}

	// Prefix listing: big/f10 matches f1000..f1099.
	r := must(t, "prefix", c.list("big/f10", 1000, ""))
	if n := len(r.data()["infos"].([]any)); n != 100 {
		t.Errorf("prefix listing has %d entries", n)
	}
	r = must(t, "prefix of dirs", c.list("big/sub", 3, ""))
	if n := len(r.data()["infos"].([]any)); n != 3 || r.data()["listover"] != false {
		t.Errorf("prefix page = %s", r.Body)
	}
	r = must(t, "prefix of dirs, page 2", c.list("big/sub", 3, r.str("context")))
	if n := len(r.data()["infos"].([]any)); n != 2 || r.data()["listover"] != true {
		t.Errorf("prefix page 2 = %s", r.Body)
	}
	r = must(t, "files only", c.get("big/", c.multiSig(), q("op", "list", "num", "1000", "pattern", "eListDirOnly")))
	if n := len(r.data()["infos"].([]any)); n != 0 {
		// The first 1000 entries (by name) are all files.
		t.Errorf("dirs-only first page has %d entries", n)
	}

	wantErr(t, "num 0", c.list("big/", 0, ""), -157, 400)
	wantErr(t, "num 1001", c.list("big/", 1001, ""), -165, 400)
	wantErr(t, "num missing", c.get("big/", c.multiSig(), q("op", "list")), -170, 400)
	wantErr(t, "num not a number", c.get("big/", c.multiSig(), q("op", "list", "num", "ten")), -170, 400)
	wantErr(t, "missing dir", c.list("big/nodir/", 10, ""), -197, 404)
	wantErr(t, "prefix in a missing dir", c.list("nodir/f", 10, ""), -197, 404)
	must(t, "mkdir empty", c.createDir("big/empty/", ""))
	empty := must(t, "empty dir", c.list("big/empty/", 10, ""))
	if !strings.Contains(empty.Body, `"infos":[]`) {
		t.Errorf("empty listing = %s", empty.Body)
	}
}
