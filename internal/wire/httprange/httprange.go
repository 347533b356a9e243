// Package httprange interprets the HTTP Range request header (RFC 9110
// §14.2) for a GET of a single object whose size is known, the way S3, COS
// and OSS do: only one byte range is ever served, as a 206 with a
// Content-Range. It is protocol-neutral, depends on the standard library
// only and imports no Arca packages.
//
// # Outcomes
//
// [Parse] returns one of three outcomes, which map directly onto responses:
//
//   - ok == true: answer 206 Partial Content with the bytes
//     [Start, Start+Length) and Content-Range: [ContentRange].
//   - err == [ErrUnsatisfiable]: answer 416 (S3/COS/OSS error code
//     InvalidRange) with Content-Range: [UnsatisfiedContentRange], i.e.
//     "bytes */<size>".
//   - ok == false, err == nil: ignore the header and answer 200 with the
//     whole object. This covers an absent header, a syntactically invalid
//     one, a unit other than "bytes", and multiple ranges (see below). RFC
//     9110 §14.2 lets a server ignore Range, and recommends ignoring an
//     invalid one.
//
// # Forms accepted
//
//	bytes=a-b   bytes a..b inclusive; b past the end is clamped to size-1
//	bytes=a-    from a to the end
//	bytes=-n    the last n bytes (the whole object if n >= size)
//
// The unit is matched case-insensitively and optional whitespace around
// list elements is allowed, per RFC 9110. Digits that overflow int64 are
// saturated, not rejected, so "bytes=0-99999999999999999999" means "to the
// end" as the RFC's arithmetic implies.
//
// A range is unsatisfiable when a >= size (so every bytes=a-b or bytes=a-
// on an empty object, which is what AWS S3 answers with 416, see
// https://github.com/minio/minio-java/pull/638) or when it is bytes=-0. A
// suffix range on an empty object selects nothing and is not expressible in
// a Content-Range, so it is ignored (200 with the empty body), which is what
// tail-reading clients expect
// (https://github.com/floci-io/floci/issues/1141). An inverted range such
// as bytes=5-3 is invalid syntax and is ignored; AWS S3 returns the whole
// object for it too (https://github.com/noobaa/noobaa-core/issues/9889).
//
// # Multiple ranges
//
// None of the three services serves multipart/byteranges:
//
//   - S3: "Amazon S3 doesn't support retrieving multiple ranges of data per
//     GET request." (GetObject, Range parameter,
//     https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html; the
//     same text is in the SDK model docs, e.g.
//     https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3.model/-get-object-request/range.html).
//     Observed behaviour is 200 with the full object and no Content-Range
//     (https://github.com/awslabs/aws-c-s3/issues/257,
//     https://github.com/basho/riak_cs/pull/304).
//   - COS: the Range header "only supports a single range, not multiple
//     ranges" (GET Object, https://intl.cloud.tencent.com/document/api/436/7753).
//   - OSS: documents that it does not support multiple ranges; its Chinese
//     guide says it then returns only the first range
//     (https://help.aliyun.com/document_detail/39571.htm).
//
// [Parse] therefore ignores a header with more than one range (200, full
// object), matching S3 and safe for COS. [Options.FirstOfMany] selects the
// OSS behaviour of serving only the first range instead.
//
// OSS also differs in what it does with out-of-bounds ranges: without the
// request header "x-oss-range-behavior: standard" it ignores (200, full
// object) any range whose start or end lies outside the object instead of
// clamping it or answering 416
// (https://help.aliyun.com/en/oss/developer-reference/scope-download-using-oss-sdk-for-php-v2).
// [Options.IgnoreOutOfBounds] selects that legacy behaviour.
package httprange

import (
	"errors"
	"strconv"
	"strings"
)

// ErrUnsatisfiable reports a syntactically valid Range that selects no byte
// of the object. Callers answer 416 with error code InvalidRange and
// Content-Range: UnsatisfiedContentRange(size).
var ErrUnsatisfiable = errors.New("httprange: requested range not satisfiable")

// Range is a resolved byte range: Length bytes starting at offset Start.
// A Range returned with ok == true always has 0 <= Start, 0 < Length and
// Start+Length <= size.
type Range struct {
	Start  int64
	Length int64
}

// End returns the offset of the last byte in the range (inclusive), as used
// in Content-Range.
func (r Range) End() int64 { return r.Start + r.Length - 1 }

// ContentRange returns the Content-Range value for r within an object of the
// given size.
func (r Range) ContentRange(size int64) string { return ContentRange(r.Start, r.Length, size) }

// ContentRange formats the Content-Range value of a 206 response carrying
// length bytes from offset start of an object of the given size:
// "bytes <start>-<start+length-1>/<size>".
func ContentRange(start, length, size int64) string {
	b := make([]byte, 0, 64)
	b = append(b, "bytes "...)
	b = strconv.AppendInt(b, start, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, start+length-1, 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, size, 10)
	return string(b)
}

// UnsatisfiedContentRange formats the Content-Range value of a 416
// response: "bytes */<size>".
func UnsatisfiedContentRange(size int64) string {
	return "bytes */" + strconv.FormatInt(size, 10)
}

// Options selects service-specific deviations from the default (S3/COS)
// behaviour of Parse. The zero value is the default.
type Options struct {
	// FirstOfMany serves the first range of a multi-range header (OSS
	// behaviour) instead of ignoring the header. The header must still be
	// syntactically valid as a whole; only the first range is resolved.
	FirstOfMany bool
	// IgnoreOutOfBounds ignores (ok == false, err == nil) a range whose
	// start or end lies outside [0, size), or that is otherwise
	// unsatisfiable, instead of clamping it or reporting ErrUnsatisfiable:
	// the legacy OSS behaviour without "x-oss-range-behavior: standard".
	// Parse then never returns ErrUnsatisfiable.
	IgnoreOutOfBounds bool
}

// Parse interprets a Range header value for an object of size bytes with the
// default options. See the package documentation for the outcomes. Callers
// apply it to GET only (RFC 9110 §14.2: other methods ignore Range) and
// evaluate preconditions and If-Range before it.
func Parse(header string, size int64) (r Range, ok bool, err error) {
	return Options{}.Parse(header, size)
}

// spec is one syntactically valid byte-range-spec. first < 0 marks a suffix
// range of last bytes; last < 0 marks an open range ("a-").
type spec struct{ first, last int64 }

// Parse interprets a Range header value for an object of size bytes. A
// negative size (unknown) makes every header ignored.
func (o Options) Parse(header string, size int64) (r Range, ok bool, err error) {
	if size < 0 {
		return Range{}, false, nil
	}
	set, valid := cutUnit(header)
	if !valid {
		return Range{}, false, nil
	}
	var first spec
	n := 0
	for elem := range strings.SplitSeq(set, ",") {
		elem = strings.Trim(elem, " \t")
		if elem == "" {
			continue // RFC 9110 §5.6.1: empty list elements are allowed
		}
		s, valid := parseSpec(elem)
		if !valid {
			return Range{}, false, nil
		}
		if n == 0 {
			first = s
		}
		n++
	}
	if n == 0 || (n > 1 && !o.FirstOfMany) {
		return Range{}, false, nil
	}
	r, ok, err = o.resolve(first, size)
	if err != nil && o.IgnoreOutOfBounds {
		return Range{}, false, nil // legacy OSS never answers 416
	}
	return r, ok, err
}

// cutUnit checks the "bytes=" prefix (unit compared case-insensitively,
// RFC 9110 §14.1) and returns the range set after it.
func cutUnit(h string) (set string, ok bool) {
	h = strings.Trim(h, " \t")
	unit, set, found := strings.Cut(h, "=")
	if !found || !strings.EqualFold(unit, "bytes") {
		return "", false
	}
	return set, true
}

// parseSpec parses "a-b", "a-" or "-n".
func parseSpec(s string) (spec, bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return spec{}, false
	}
	if a == "" { // suffix-byte-range-spec
		n, ok := parseDigits(b)
		if !ok {
			return spec{}, false
		}
		return spec{first: -1, last: n}, true
	}
	first, ok := parseDigits(a)
	if !ok {
		return spec{}, false
	}
	if b == "" {
		return spec{first: first, last: -1}, true
	}
	last, ok := parseDigits(b)
	if !ok || last < first { // RFC 9110 §14.1.1: last < first is invalid
		return spec{}, false
	}
	return spec{first: first, last: last}, true
}

// parseDigits parses 1*DIGIT, saturating at MaxInt64 instead of failing.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	const max = 1<<63 - 1
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (max-d)/10 {
			n = max
		} else {
			n = n*10 + d
		}
	}
	return n, true
}

func (o Options) resolve(s spec, size int64) (Range, bool, error) {
	if s.first < 0 { // bytes=-n
		n := s.last
		if n == 0 {
			return Range{}, false, ErrUnsatisfiable // RFC 9110 §14.1.1
		}
		if size == 0 {
			return Range{}, false, nil // nothing to select: serve the (empty) body
		}
		if n > size {
			if o.IgnoreOutOfBounds {
				return Range{}, false, nil
			}
			n = size // RFC 9110 §14.1.1: the entire representation
		}
		return Range{Start: size - n, Length: n}, true, nil
	}
	if s.first >= size {
		return Range{}, false, ErrUnsatisfiable
	}
	last := s.last
	if last < 0 || last >= size {
		if last >= size && o.IgnoreOutOfBounds {
			return Range{}, false, nil
		}
		last = size - 1
	}
	return Range{Start: s.first, Length: last - s.first + 1}, true, nil
}
