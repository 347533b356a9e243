package postpolicy

import (
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// The policy of COS's POST Object document ("Signature protection use
// cases"), base64 as the form carries it.
const cosSeedPolicy = "ewogICAgImV4cGlyYXRpb24iOiAiMjAxOS0wOC0zMFQwOTozODoxMi40MTRaIiwKICAgICJjb25kaXRpb25zIjogWwogICAgICAgIHsgImFjbCI6ICJkZWZhdWx0IiB9LAogICAgICAgIHsgImJ1Y2tldCI6ICJleGFtcGxlYnVja2V0LTEyNTAwMDAwMDAiIH0sCiAgICAgICAgWyAic3RhcnRzLXdpdGgiLCAiJGtleSIsICJmb2xkZXIvc3ViZm9sZGVyLyIgXSwKICAgICAgICBbICJzdGFydHMtd2l0aCIsICIkQ29udGVudC1UeXBlIiwgImltYWdlLyIgXSwKICAgICAgICBbICJzdGFydHMtd2l0aCIsICIkc3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiLCAiaHR0cHM6Ly9teS53ZWJzaXRlLyIgXSwKICAgICAgICBbICJlcSIsICIkeC1jb3Mtc2VydmVyLXNpZGUtZW5jcnlwdGlvbiIsICJBRVMyNTYiIF0sCiAgICAgICAgeyAicS1zaWduLWFsZ29yaXRobSI6ICJzaGExIiB9LAogICAgICAgIHsgInEtYWsiOiAiQUtJRFFqejNsdG9tcFZqQm5pNUxpdGtXSEZsRnB3a245VTVxIiB9LAogICAgICAgIHsgInEtc2lnbi10aW1lIjogIjE1NjcxNTA2OTI7MTU2NzE1Nzg5MiIgfQogICAgXQp9"

func fields(kv ...string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for i := 0; i < len(kv); i += 2 {
			if strings.EqualFold(kv[i], name) {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

func TestSeedPolicy(t *testing.T) {
	doc, err := base64.StdEncoding.DecodeString(cosSeedPolicy)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2019, 8, 30, 9, 38, 12, 414e6, time.UTC); !p.Expiration.Equal(want) {
		t.Fatalf("expiration = %v, want %v", p.Expiration, want)
	}
	if len(p.Conditions) != 9 {
		t.Fatalf("%d conditions, want 9", len(p.Conditions))
	}
	form := []string{"acl", "default", "key", "folder/subfolder/photo.jpg", "content-type", "image/jpeg",
		"success_action_redirect", "https://my.website/ok.html", "x-cos-server-side-encryption", "AES256",
		"q-sign-algorithm", "sha1", "q-ak", "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q", "q-sign-time", "1567150692;1567157892"}
	bucket := Options{Implicit: func(f string) (string, bool) {
		if strings.EqualFold(f, "bucket") {
			return "examplebucket-1250000000", true
		}
		return "", false
	}}
	if err := p.Check(fields(form...), bucket); err != nil {
		t.Fatalf("valid form rejected: %v", err)
	}
	bad := append([]string(nil), form...)
	bad[3] = "other/photo.jpg"
	var ce *ConditionError
	if err := p.Check(fields(bad...), bucket); !errors.As(err, &ce) || ce.Cond.Field != "key" {
		t.Fatalf("wrong key prefix: %v", err)
	}
	if err := p.Check(fields(form[2:]...), bucket); !errors.As(err, &ce) || !ce.Missing || ce.Cond.Field != "acl" {
		t.Fatalf("missing acl: %v", err)
	}
	if err := p.Check(fields(form...), Options{}); !errors.As(err, &ce) || ce.Cond.Field != "bucket" {
		t.Fatalf("bucket without implicit value: %v", err)
	}
	if !p.Expired(time.Date(2019, 8, 30, 9, 38, 13, 0, time.UTC)) || p.Expired(time.Date(2019, 8, 30, 9, 0, 0, 0, time.UTC)) {
		t.Fatal("Expired wrong")
	}
}

func TestParseConditions(t *testing.T) {
	tests := []struct {
		doc  string
		ok   bool
		want string
	}{
		{`{"expiration":"2030-01-01T00:00:00Z","conditions":[["starts-with","$key",""],["content-length-range",1,10],{"x-cos-meta-a":"1"}]}`, true,
			`["starts-with", "$key", ""];["content-length-range", 1, 10];["eq", "$x-cos-meta-a", "1"]`},
		{`{"expiration":"2030-01-01T00:00:00.000Z","conditions":[["EQ","$a",5]]}`, true, `["eq", "$a", "5"]`},
		{`{"conditions":[]}`, false, ""},
		{`{"expiration":"tomorrow","conditions":[]}`, false, ""},
		{`{"expiration":"2030-01-01T00:00:00Z","conditions":[["starts-with","key","x"]]}`, false, ""},
		{`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",10,1]]}`, false, ""},
		{`{"expiration":"2030-01-01T00:00:00Z","conditions":[["in","$a","x"]]}`, false, ""},
		{`{"expiration":"2030-01-01T00:00:00Z","conditions":[]} trailing`, false, ""},
		{`not json`, false, ""},
	}
	for _, tt := range tests {
		p, err := Parse([]byte(tt.doc))
		if (err == nil) != tt.ok {
			t.Errorf("Parse(%s) err = %v, want ok %v", tt.doc, err, tt.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Parse(%s) err %v is not ErrMalformed", tt.doc, err)
			}
			continue
		}
		var got []string
		for _, c := range p.Conditions {
			got = append(got, c.String())
		}
		if strings.Join(got, ";") != tt.want {
			t.Errorf("Parse(%s) = %s, want %s", tt.doc, strings.Join(got, ";"), tt.want)
		}
	}
}

func TestLengthRangeAndLimit(t *testing.T) {
	p, _ := Parse([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",2,10],["content-length-range",0,8]]}`))
	lo, hi, ok := p.LengthRange()
	if !ok || lo != 2 || hi != 8 {
		t.Fatalf("LengthRange = %d, %d, %v", lo, hi, ok)
	}
	for _, tt := range []struct {
		body string
		err  error
	}{{"", ErrTooSmall}, {"1", ErrTooSmall}, {"12", nil}, {"12345678", nil}, {"123456789", ErrTooLarge}} {
		_, err := io.ReadAll(Limit(strings.NewReader(tt.body), lo, hi))
		if !errors.Is(err, tt.err) && !(tt.err == nil && err == nil) {
			t.Errorf("Limit(%q) err = %v, want %v", tt.body, err, tt.err)
		}
	}
}

func FuzzParse(f *testing.F) {
	doc, _ := base64.StdEncoding.DecodeString(cosSeedPolicy)
	f.Add(doc)
	f.Add([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",0,1]]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Parse(doc)
		if err != nil {
			return
		}
		for _, c := range p.Conditions {
			if c.Kind == LengthRange && (c.Min < 0 || c.Max < c.Min) {
				t.Fatalf("bad range accepted: %v", c)
			}
		}
		p.Check(func(string) (string, bool) { return "", false }, Options{})
	})
}

// TestInNotIn covers OSS's set conditions.
func TestInNotIn(t *testing.T) {
	p, err := Parse([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[
		["in", "$content-type", ["image/jpeg", "image/png"]],
		["not-in", "$cache-control", ["no-cache"]]]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Conditions[0].String(); got != `["in", "$content-type", ["image/jpeg", "image/png"]]` {
		t.Errorf("String() = %s", got)
	}
	for _, tc := range []struct {
		ct, cc string
		ok     bool
	}{
		{"image/png", "max-age=1", true},
		{"image/gif", "max-age=1", false},
		{"image/jpeg", "no-cache", false},
	} {
		err := p.Check(fields("content-type", tc.ct, "cache-control", tc.cc), Options{})
		if (err == nil) != tc.ok {
			t.Errorf("Check(%s, %s) = %v, want ok=%v", tc.ct, tc.cc, err, tc.ok)
		}
	}
	for _, bad := range []string{
		`{"expiration":"2030-01-01T00:00:00Z","conditions":[["in", "$a", "b"]]}`,
		`{"expiration":"2030-01-01T00:00:00Z","conditions":[["in", "a", ["b"]]]}`,
		`{"expiration":"2030-01-01T00:00:00Z","conditions":[["not-in", "$a", [["b"]]]]}`,
	} {
		if _, err := Parse([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%s) = %v, want ErrMalformed", bad, err)
		}
	}
}
