package conditional

import (
	"net/http"
	"testing"
	"time"
)

var (
	// Sub-second part checks the one-second comparison precision.
	lastMod = time.Date(2024, 1, 10, 12, 0, 0, 500_000_000, time.UTC)

	before = "Tue, 09 Jan 2024 12:00:00 GMT" // object modified after this
	same   = "Wed, 10 Jan 2024 12:00:00 GMT" // equal at second precision
	after  = "Thu, 11 Jan 2024 12:00:00 GMT" // object not modified since this
)

const (
	P = Proceed
	N = NotModified
	F = PreconditionFailed
)

var evalTests = []struct {
	name string
	h    Headers
	get  Outcome // Evaluate (GET/HEAD)
	cp   Outcome // EvaluateCopySource
}{
	{"none", Headers{}, P, P},
	{"whitespace only", Headers{IfMatch: " ", IfNoneMatch: "\t", IfModifiedSince: " ", IfUnmodifiedSince: " "}, P, P},

	// If-Match alone (strong comparison).
	{"IM match", Headers{IfMatch: `"abc"`}, P, P},
	{"IM match unquoted", Headers{IfMatch: `abc`}, P, P},
	{"IM mismatch", Headers{IfMatch: `"xyz"`}, F, F},
	{"IM star", Headers{IfMatch: `*`}, P, P},
	{"IM quoted star is a tag", Headers{IfMatch: `"*"`}, F, F},
	{"IM list hit", Headers{IfMatch: `"x", "abc", "y"`}, P, P},
	{"IM list miss", Headers{IfMatch: `"x","y"`}, F, F},
	{"IM unquoted list hit", Headers{IfMatch: `x, abc`}, P, P},
	{"IM weak never matches", Headers{IfMatch: `W/"abc"`}, F, F},
	{"IM case sensitive", Headers{IfMatch: `"ABC"`}, F, F},
	{"IM prefix only", Headers{IfMatch: `"ab"`}, F, F},
	{"IM unterminated", Headers{IfMatch: `"abc`}, P, P},

	// If-None-Match alone (weak comparison).
	{"INM match", Headers{IfNoneMatch: `"abc"`}, N, F},
	{"INM match unquoted", Headers{IfNoneMatch: `abc`}, N, F},
	{"INM weak matches", Headers{IfNoneMatch: `W/"abc"`}, N, F},
	{"INM mismatch", Headers{IfNoneMatch: `"xyz"`}, P, P},
	{"INM star", Headers{IfNoneMatch: `*`}, N, F},
	{"INM list hit", Headers{IfNoneMatch: `"x", W/"abc"`}, N, F},
	{"INM list miss", Headers{IfNoneMatch: `"x", W/"y"`}, P, P},

	// Dates alone.
	{"IMS before", Headers{IfModifiedSince: before}, P, P},
	{"IMS same second", Headers{IfModifiedSince: same}, N, F},
	{"IMS after", Headers{IfModifiedSince: after}, N, F},
	{"IMS invalid ignored", Headers{IfModifiedSince: "2024-01-11"}, P, P},
	{"IUS before", Headers{IfUnmodifiedSince: before}, F, F},
	{"IUS same second", Headers{IfUnmodifiedSince: same}, P, P},
	{"IUS after", Headers{IfUnmodifiedSince: after}, P, P},
	{"IUS invalid ignored", Headers{IfUnmodifiedSince: "yesterday"}, P, P},

	// S3 documented combinations (GetObject/HeadObject; CopyObject with 412).
	{"S3: IM true + IUS false -> 200", Headers{IfMatch: `"abc"`, IfUnmodifiedSince: before}, P, P},
	{"S3: INM false + IMS true -> 304", Headers{IfNoneMatch: `"abc"`, IfModifiedSince: before}, N, F},

	// Other combinations, by RFC 9110 §13.2.2 order.
	{"IM false + IUS true", Headers{IfMatch: `"xyz"`, IfUnmodifiedSince: after}, F, F},
	{"IM false + IUS false", Headers{IfMatch: `"xyz"`, IfUnmodifiedSince: before}, F, F},
	{"IM true + IUS true", Headers{IfMatch: `"abc"`, IfUnmodifiedSince: after}, P, P},
	{"INM true + IMS false (IMS ignored)", Headers{IfNoneMatch: `"xyz"`, IfModifiedSince: after}, P, P},
	{"INM true + IMS true", Headers{IfNoneMatch: `"xyz"`, IfModifiedSince: before}, P, P},
	{"INM false + IMS false", Headers{IfNoneMatch: `"abc"`, IfModifiedSince: after}, N, F},
	{"IM true + INM false", Headers{IfMatch: `"abc"`, IfNoneMatch: `"abc"`}, N, F},
	{"IM false + INM false: 412 wins", Headers{IfMatch: `"xyz"`, IfNoneMatch: `"abc"`}, F, F},
	{"IM true + INM true", Headers{IfMatch: `"abc"`, IfNoneMatch: `"xyz"`}, P, P},
	{"IUS false + INM false: 412 wins", Headers{IfUnmodifiedSince: before, IfNoneMatch: `"abc"`}, F, F},
	{"IUS false + IMS false: 412 wins", Headers{IfUnmodifiedSince: before, IfModifiedSince: after}, F, F},
	{"IUS true + IMS false", Headers{IfUnmodifiedSince: after, IfModifiedSince: after}, N, F},
	{"IUS true + IMS true", Headers{IfUnmodifiedSince: after, IfModifiedSince: before}, P, P},
	{"all four, IM true IUS false INM false IMS true", Headers{IfMatch: `"abc"`, IfUnmodifiedSince: before, IfNoneMatch: `"abc"`, IfModifiedSince: before}, N, F},
	{"all four, everything passes", Headers{IfMatch: `"abc"`, IfUnmodifiedSince: after, IfNoneMatch: `"xyz"`, IfModifiedSince: before}, P, P},
}

func TestEvaluate(t *testing.T) {
	for _, etag := range []string{`"abc"`, `abc`} {
		for _, tt := range evalTests {
			if got := Evaluate(tt.h, etag, lastMod); got != tt.get {
				t.Errorf("%s (etag %s): Evaluate = %v, want %v", tt.name, etag, got, tt.get)
			}
			if got := EvaluateCopySource(tt.h, etag, lastMod); got != tt.cp {
				t.Errorf("%s (etag %s): EvaluateCopySource = %v, want %v", tt.name, etag, got, tt.cp)
			}
		}
	}
}

func TestEvaluateEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		h       Headers
		etag    string
		lastMod time.Time
		want    Outcome
	}{
		{"unknown last-modified ignores IUS", Headers{IfUnmodifiedSince: before}, `"abc"`, time.Time{}, P},
		{"unknown last-modified ignores IMS", Headers{IfModifiedSince: after}, `"abc"`, time.Time{}, P},
		{"weak object etag fails If-Match", Headers{IfMatch: `"abc"`}, `W/"abc"`, lastMod, F},
		{"weak object etag matches If-None-Match", Headers{IfNoneMatch: `"abc"`}, `W/"abc"`, lastMod, N},
		{"star matches weak object", Headers{IfMatch: `*`}, `W/"abc"`, lastMod, P},
		{"comma inside quoted tag", Headers{IfMatch: `"x", "a,b"`}, `"a,b"`, lastMod, P},
		{"comma inside quoted tag, no partial", Headers{IfMatch: `"a"`}, `"a,b"`, lastMod, F},
		{"multipart etag", Headers{IfNoneMatch: `"065947336a2f2a95ba8899f3675c3be6-2"`}, `065947336a2f2a95ba8899f3675c3be6-2`, lastMod, N},
		{"empty quoted tag", Headers{IfMatch: `""`}, ``, lastMod, P},
		{"RFC 850 date", Headers{IfModifiedSince: "Thursday, 11-Jan-24 12:00:00 GMT"}, `"abc"`, lastMod, N},
		{"asctime date", Headers{IfModifiedSince: "Thu Jan 11 12:00:00 2024"}, `"abc"`, lastMod, N},
		{"UTC zone", Headers{IfModifiedSince: "Thu, 11 Jan 2024 12:00:00 UTC"}, `"abc"`, lastMod, N},
		{"numeric zone", Headers{IfModifiedSince: "Thu, 11 Jan 2024 14:00:00 +0200"}, `"abc"`, lastMod, N},
		{"numeric zone, one second later", Headers{IfModifiedSince: "Wed, 10 Jan 2024 13:59:59 +0200"}, `"abc"`, lastMod, P},
		{"non-UTC last-modified", Headers{IfModifiedSince: same}, `"abc"`, lastMod.In(time.FixedZone("X", 8*3600)), N},
	}
	for _, tt := range tests {
		if got := Evaluate(tt.h, tt.etag, tt.lastMod); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRead(t *testing.T) {
	h := http.Header{}
	h.Set("If-Match", `"a"`)
	h.Set("If-Modified-Since", same)
	h.Set("x-cos-copy-source-If-None-Match", `"b"`)
	h.Set("X-Amz-Copy-Source-If-Unmodified-Since", after)
	if got, want := Read(h.Get, ""), (Headers{IfMatch: `"a"`, IfModifiedSince: same}); got != want {
		t.Errorf("Read standard = %+v, want %+v", got, want)
	}
	if got, want := Read(h.Get, "x-cos-copy-source-"), (Headers{IfNoneMatch: `"b"`}); got != want {
		t.Errorf("Read cos = %+v, want %+v", got, want)
	}
	if got, want := Read(h.Get, "x-amz-copy-source-"), (Headers{IfUnmodifiedSince: after}); got != want {
		t.Errorf("Read amz = %+v, want %+v", got, want)
	}
	if !Read(h.Get, "x-oss-copy-source-").IsZero() {
		t.Error("absent oss headers not zero")
	}
	if Read(h.Get, "").IsZero() {
		t.Error("present headers reported zero")
	}
}

func TestMixesGroups(t *testing.T) {
	tests := []struct {
		h    Headers
		want bool
	}{
		{Headers{}, false},
		{Headers{IfMatch: "a", IfUnmodifiedSince: after}, false},
		{Headers{IfNoneMatch: "a", IfModifiedSince: after}, false},
		{Headers{IfMatch: "a", IfNoneMatch: "b"}, true},
		{Headers{IfMatch: "a", IfModifiedSince: after}, true},
		{Headers{IfUnmodifiedSince: after, IfNoneMatch: "b"}, true},
		{Headers{IfUnmodifiedSince: after, IfModifiedSince: before}, true},
	}
	for _, tt := range tests {
		if got := tt.h.MixesGroups(); got != tt.want {
			t.Errorf("%+v.MixesGroups() = %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestOutcome(t *testing.T) {
	for _, tt := range []struct {
		o    Outcome
		s    string
		code int
	}{
		{Proceed, "Proceed", 0},
		{NotModified, "NotModified", 304},
		{PreconditionFailed, "PreconditionFailed", 412},
		{Outcome(9), "Outcome(?)", 0},
	} {
		if tt.o.String() != tt.s || tt.o.StatusCode() != tt.code {
			t.Errorf("%d: %s %d", int(tt.o), tt.o.String(), tt.o.StatusCode())
		}
	}
}

func TestParseHTTPDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, s := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",  // RFC 9110 examples
		"Sunday, 06-Nov-94 08:49:37 GMT", //
		"Sun Nov  6 08:49:37 1994",       //
		" Sun, 06 Nov 1994 08:49:37 GMT ",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 09:49:37 +0100",
	} {
		got, ok := ParseHTTPDate(s)
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseHTTPDate(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 1994"} {
		if _, ok := ParseHTTPDate(s); ok {
			t.Errorf("ParseHTTPDate(%q) accepted", s)
		}
	}
}

func FuzzEvaluate(f *testing.F) {
	for _, tt := range evalTests {
		f.Add(tt.h.IfMatch, tt.h.IfNoneMatch, tt.h.IfModifiedSince, tt.h.IfUnmodifiedSince, `"abc"`, lastMod.Unix())
	}
	f.Add(`W/`, `"`, "", "", `W/"`, int64(0))
	f.Fuzz(func(t *testing.T, im, inm, ims, ius, etag string, unix int64) {
		h := Headers{IfMatch: im, IfNoneMatch: inm, IfModifiedSince: ims, IfUnmodifiedSince: ius}
		lm := time.Unix(unix, 0)
		get := Evaluate(h, etag, lm)
		cp := EvaluateCopySource(h, etag, lm)
		if get != Proceed && get != NotModified && get != PreconditionFailed {
			t.Fatalf("bad outcome %d", get)
		}
		if cp == NotModified {
			t.Fatal("copy source answered 304")
		}
		if (get == NotModified) != (cp == PreconditionFailed && get != PreconditionFailed) {
			t.Fatalf("GET %v vs copy %v", get, cp)
		}
		if get == NotModified && present(inm) == "" && present(ims) == "" {
			t.Fatal("304 without If-None-Match or If-Modified-Since")
		}
		if get == PreconditionFailed && present(im) == "" && present(ius) == "" {
			t.Fatal("412 without If-Match or If-Unmodified-Since")
		}
		if h.IsZero() && get != Proceed {
			t.Fatal("no preconditions but not Proceed")
		}
	})
}

func TestListMatches(t *testing.T) {
	for _, tc := range []struct {
		list string
		want bool
	}{
		{`*`, true}, {`"abc"`, true}, {`abc`, true}, {`W/"abc"`, true},
		{`"x", "abc"`, true}, {`x,abc`, true}, {`"x"`, false}, {`"*"`, false}, {``, false},
	} {
		if got := ListMatches(tc.list, "abc"); got != tc.want {
			t.Errorf("ListMatches(%q, abc) = %v, want %v", tc.list, got, tc.want)
		}
	}
}
