package cos

import (
	"net/http"
	"strings"
	"testing"
)

func FuzzParseCopySource(f *testing.F) {
	for _, s := range []string{
		"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a/b.txt",
		"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a%2Fb.txt?versionId=MTg0",
		"/bkt-1250000000/key",
		"bkt-1250000000/k%20k",
		"http://bkt-1250000000.cos.x.myqcloud.com/k?versionId=v",
		"", "/", "?versionId=", "a/%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, k, _, err := parseCopySource(s)
		if err == nil && (b == "" || k == "") {
			t.Fatalf("parseCopySource(%q) = (%q, %q) without error", s, b, k)
		}
	})
}

func FuzzACLBody(f *testing.F) {
	f.Add([]byte(`<AccessControlPolicy><Owner><ID>qcs::cam::uin/1:uin/1</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://cam.qcloud.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`))
	f.Add([]byte(`<AccessControlPolicy><AccessControlList><Grant><Grantee type="CanonicalUser"><ID>qcs::cam::uin/2:uin/3</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`))
	f.Add([]byte(`<x/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		acl, err := aclFromBody(body, true)
		if err != nil {
			return
		}
		for _, g := range acl.Grants {
			if (g.ID == "") == (g.Group == "") {
				t.Fatalf("grant %+v names neither or both of ID and Group", g)
			}
			if g.Permission == "WRITE" {
				t.Fatalf("object ACL accepted WRITE")
			}
		}
	})
}

func FuzzACLHeaders(f *testing.F) {
	f.Add("public-read", `id="qcs::cam::uin/1:uin/2",id="3"`)
	f.Add("", `uri="http://cam.qcloud.com/groups/global/AllUsers"`)
	f.Add("bogus", "")
	f.Add("private", `id=`)
	f.Fuzz(func(t *testing.T, canned, grants string) {
		h := http.Header{}
		if canned != "" {
			h.Set("x-cos-acl", canned)
		}
		if grants != "" {
			h.Set("x-cos-grant-read", grants)
		}
		acl, present, err := aclFromHeaders(h, "1", false)
		if err != nil {
			return
		}
		if strings.TrimSpace(canned) != "" && !present {
			t.Fatalf("canned %q accepted but not present", canned)
		}
		for _, g := range acl.Grants {
			if (g.ID == "") == (g.Group == "") {
				t.Fatalf("grant %+v names neither or both", g)
			}
		}
	})
}
