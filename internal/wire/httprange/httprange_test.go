package httprange

import (
	"errors"
	"testing"
)

// Outcome shorthands for the table.
const (
	ign = iota // ok == false, err == nil: serve 200 with the full object
	par        // ok == true: serve 206
	bad        // ErrUnsatisfiable: serve 416
)

var parseTests = []struct {
	h      string
	size   int64
	want   int
	start  int64
	length int64
}{
	// Not a range request, or not one we honour: 200.
	{"", 10, ign, 0, 0},
	{"   ", 10, ign, 0, 0},
	{"bytes=", 10, ign, 0, 0},
	{"bytes=,", 10, ign, 0, 0},
	{"bytes", 10, ign, 0, 0},
	{"byte=0-1", 10, ign, 0, 0},
	{"items=0-1", 10, ign, 0, 0},
	{"bytes =0-1", 10, ign, 0, 0},
	{"=0-1", 10, ign, 0, 0},
	{"bytes=-", 10, ign, 0, 0},
	{"bytes=--1", 10, ign, 0, 0},
	{"bytes=1--1", 10, ign, 0, 0},
	{"bytes=-1-", 10, ign, 0, 0},
	{"bytes=1", 10, ign, 0, 0},
	{"bytes=a-b", 10, ign, 0, 0},
	{"bytes=+1-2", 10, ign, 0, 0},
	{"bytes=0x1-2", 10, ign, 0, 0},
	{"bytes=1 - 2", 10, ign, 0, 0},
	{"bytes=5-3", 10, ign, 0, 0},   // last < first: invalid, S3 returns the whole object
	{"bytes=1-0", 10, ign, 0, 0},   // ditto
	{"bytes=0-1,x", 10, ign, 0, 0}, // one bad element poisons the header
	{"bytes=0-1,2-3", 10, ign, 0, 0},
	{"bytes=0-1, 5-", 10, ign, 0, 0},
	{"bytes=-1,-2", 10, ign, 0, 0},
	{"bytes=20-30,0-1", 10, ign, 0, 0}, // multi-range is ignored even if one is unsatisfiable
	{"bytes=-5", 0, ign, 0, 0},         // suffix on an empty object: nothing to select, serve it whole
	{"bytes=0-1", -1, ign, 0, 0},       // unknown size

	// Single satisfiable ranges: 206.
	{"bytes=0-0", 10, par, 0, 1},
	{"bytes=0-9", 10, par, 0, 10},
	{"bytes=0-", 10, par, 0, 10},
	{"bytes=2-5", 10, par, 2, 4},
	{"bytes=9-9", 10, par, 9, 1},
	{"bytes=9-", 10, par, 9, 1},
	{"bytes=5-100", 10, par, 5, 5}, // end clamped
	{"bytes=0-99999999999999999999", 10, par, 0, 10},
	{"bytes=-1", 10, par, 9, 1},
	{"bytes=-3", 10, par, 7, 3},
	{"bytes=-10", 10, par, 0, 10},
	{"bytes=-11", 10, par, 0, 10}, // longer suffix: whole object
	{"bytes=-99999999999999999999", 10, par, 0, 10},
	{"bytes=0-0", 1, par, 0, 1},
	{"bytes=-1", 1, par, 0, 1},
	{"Bytes=1-2", 10, par, 1, 2}, // unit is case-insensitive
	{"BYTES=1-2", 10, par, 1, 2},
	{" bytes=1-2 ", 10, par, 1, 2},
	{"bytes= 1-2", 10, par, 1, 2},
	{"bytes=1-2 ,", 10, par, 1, 2}, // empty list elements are allowed
	{"bytes=,1-2", 10, par, 1, 2},
	{"bytes=\t1-2\t", 10, par, 1, 2},
	{"bytes=007-008", 10, par, 7, 2},
	{"bytes=0-9223372036854775806", 9223372036854775807, par, 0, 9223372036854775807},
	{"bytes=-9223372036854775807", 9223372036854775807, par, 0, 9223372036854775807},
	{"bytes=100-199", 1 << 40, par, 100, 100},

	// Unsatisfiable: 416.
	{"bytes=10-", 10, bad, 0, 0},
	{"bytes=10-20", 10, bad, 0, 0},
	{"bytes=11-11", 10, bad, 0, 0},
	{"bytes=99999999999999999999-", 10, bad, 0, 0},
	{"bytes=-0", 10, bad, 0, 0},
	{"bytes=-000", 10, bad, 0, 0},
	{"bytes=0-", 0, bad, 0, 0}, // any first-byte range on an empty object (AWS S3: 416)
	{"bytes=0-0", 0, bad, 0, 0},
	{"bytes=-0", 0, bad, 0, 0},
}

func check(t *testing.T, name, h string, size int64, r Range, ok bool, err error, want int, start, length int64) {
	t.Helper()
	switch want {
	case ign:
		if ok || err != nil {
			t.Errorf("%s(%q, %d) = %+v, %v, %v; want ignored", name, h, size, r, ok, err)
		}
	case bad:
		if ok || !errors.Is(err, ErrUnsatisfiable) {
			t.Errorf("%s(%q, %d) = %+v, %v, %v; want ErrUnsatisfiable", name, h, size, r, ok, err)
		}
	case par:
		if !ok || err != nil || r.Start != start || r.Length != length {
			t.Errorf("%s(%q, %d) = %+v, %v, %v; want {%d %d}", name, h, size, r, ok, err, start, length)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		r, ok, err := Parse(tt.h, tt.size)
		check(t, "Parse", tt.h, tt.size, r, ok, err, tt.want, tt.start, tt.length)
	}
}

func TestParseFirstOfMany(t *testing.T) {
	o := Options{FirstOfMany: true}
	tests := []struct {
		h             string
		size          int64
		want          int
		start, length int64
	}{
		{"bytes=0-1,2-3", 10, par, 0, 2},
		{"bytes=-2, 0-1", 10, par, 8, 2},
		{"bytes=5-,0-1", 10, par, 5, 5},
		{"bytes=20-30,0-1", 10, bad, 0, 0}, // only the first range is considered
		{"bytes=0-1,x", 10, ign, 0, 0},     // still ignored when malformed
		{"bytes=0-1", 10, par, 0, 2},
	}
	for _, tt := range tests {
		r, ok, err := o.Parse(tt.h, tt.size)
		check(t, "FirstOfMany.Parse", tt.h, tt.size, r, ok, err, tt.want, tt.start, tt.length)
	}
}

// Legacy OSS (no x-oss-range-behavior: standard), with the examples from
// its documentation for a 1000-byte object.
func TestParseIgnoreOutOfBounds(t *testing.T) {
	o := Options{IgnoreOutOfBounds: true}
	tests := []struct {
		h             string
		size          int64
		want          int
		start, length int64
	}{
		{"bytes=0-499", 1000, par, 0, 500},
		{"bytes=500-999", 1000, par, 500, 500},
		{"bytes=-500", 1000, par, 500, 500},
		{"bytes=500-", 1000, par, 500, 500},
		{"bytes=0-", 1000, par, 0, 1000},
		{"byte=0-499", 1000, ign, 0, 0},
		{"bytes=0-1000", 1000, ign, 0, 0},
		{"bytes=1000-2000", 1000, ign, 0, 0},
		{"bytes=1000-", 1000, ign, 0, 0},
		{"bytes=-2000", 1000, ign, 0, 0},
		{"bytes=-0", 1000, ign, 0, 0},
		{"bytes=0-", 0, ign, 0, 0},
	}
	for _, tt := range tests {
		r, ok, err := o.Parse(tt.h, tt.size)
		check(t, "IgnoreOutOfBounds.Parse", tt.h, tt.size, r, ok, err, tt.want, tt.start, tt.length)
	}
}

func TestContentRange(t *testing.T) {
	tests := []struct {
		start, length, size int64
		want                string
	}{
		{0, 1, 1, "bytes 0-0/1"},
		{0, 10, 10, "bytes 0-9/10"},
		{2, 4, 10, "bytes 2-5/10"},
		{9, 1, 10, "bytes 9-9/10"},
		{0, 9223372036854775807, 9223372036854775807, "bytes 0-9223372036854775806/9223372036854775807"},
	}
	for _, tt := range tests {
		if got := ContentRange(tt.start, tt.length, tt.size); got != tt.want {
			t.Errorf("ContentRange(%d, %d, %d) = %q, want %q", tt.start, tt.length, tt.size, got, tt.want)
		}
		r := Range{tt.start, tt.length}
		if got := r.ContentRange(tt.size); got != tt.want {
			t.Errorf("Range.ContentRange = %q, want %q", got, tt.want)
		}
		if r.End() != tt.start+tt.length-1 {
			t.Errorf("End = %d", r.End())
		}
	}
	if got := UnsatisfiedContentRange(10); got != "bytes */10" {
		t.Errorf("UnsatisfiedContentRange(10) = %q", got)
	}
	if got := UnsatisfiedContentRange(0); got != "bytes */0" {
		t.Errorf("UnsatisfiedContentRange(0) = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.h, tt.size, false, false)
	}
	f.Add("bytes=0-1,2-3", int64(10), true, false)
	f.Add("bytes=-2000", int64(1000), false, true)
	f.Fuzz(func(t *testing.T, h string, size int64, first, ignoreOOB bool) {
		o := Options{FirstOfMany: first, IgnoreOutOfBounds: ignoreOOB}
		r, ok, err := o.Parse(h, size)
		if ok && err != nil {
			t.Fatalf("ok with error %v", err)
		}
		if err != nil && !errors.Is(err, ErrUnsatisfiable) {
			t.Fatalf("unexpected error %v", err)
		}
		if err != nil && (ignoreOOB || size < 0) {
			t.Fatalf("ErrUnsatisfiable with IgnoreOutOfBounds=%v size=%d", ignoreOOB, size)
		}
		if !ok {
			if r != (Range{}) {
				t.Fatalf("non-zero Range %+v without ok", r)
			}
			return
		}
		if r.Start < 0 || r.Length <= 0 || r.Length > size || r.Start > size-r.Length {
			t.Fatalf("Parse(%q, %d) = %+v out of bounds", h, size, r)
		}
		if cr := r.ContentRange(size); cr == "" {
			t.Fatal("empty Content-Range")
		}
		// The default options never serve a range the OSS-legacy mode
		// would consider out of bounds differently from in-bounds ones.
		if !ignoreOOB {
			if r2, ok2, _ := (Options{FirstOfMany: first, IgnoreOutOfBounds: true}).Parse(h, size); ok2 && r2 != r {
				t.Fatalf("IgnoreOutOfBounds changed a served range: %+v vs %+v", r2, r)
			}
		}
	})
}
