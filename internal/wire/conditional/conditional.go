// Package conditional evaluates HTTP preconditions (If-Match,
// If-None-Match, If-Modified-Since, If-Unmodified-Since) against an
// object's ETag and Last-Modified time, for GET/HEAD and for the
// copy-source variants of CopyObject / UploadPartCopy
// (x-amz-copy-source-if-*, x-cos-copy-source-If-*, x-oss-copy-source-if-*).
// It is protocol-neutral, depends on the standard library only and imports
// no Arca packages. The header values are passed in as plain strings, so
// the same code serves every header family.
//
// # Precedence
//
// Evaluation follows RFC 9110 §13.2.2
// (https://www.rfc-editor.org/rfc/rfc9110.html#section-13.2.2):
//
//  1. If-Match present: false → 412. (If-Unmodified-Since is then not
//     evaluated at all.)
//  2. Otherwise If-Unmodified-Since present: false → 412.
//  3. If-None-Match present: false → 304 for GET/HEAD (412 for a copy
//     source). (If-Modified-Since is then not evaluated at all.)
//  4. Otherwise If-Modified-Since present: false → 304 (412 for a copy
//     source).
//  5. Proceed.
//
// This ordering yields exactly the two combinations S3 documents for
// GetObject and HeadObject
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html; the
// same text is in the SDK model docs, e.g.
// https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3.model/-get-object-request/if-unmodified-since.html
// and .../-get-object-request/if-modified-since.html):
//
//   - "If both of the If-Match and If-Unmodified-Since headers are present
//     in the request as follows: If-Match condition evaluates to true, and;
//     If-Unmodified-Since condition evaluates to false; then, S3 returns 200
//     OK and the data requested."
//   - "If both of the If-None-Match and If-Modified-Since headers are
//     present in the request as follows: If-None-Match condition evaluates
//     to false, and; If-Modified-Since condition evaluates to true; then, S3
//     returns 304 Not Modified status code."
//
// For CopyObject and UploadPartCopy S3 documents the same pairs with 412 in
// place of 304 ("x-amz-copy-source-if-none-match condition evaluates to
// false, and; x-amz-copy-source-if-modified-since condition evaluates to
// true; Amazon S3 returns 412 Precondition Failed response code",
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html),
// and COS says each x-cos-copy-source-If-* failure returns 412
// (https://www.tencentcloud.com/zh/document/api/436/8287), which is what
// [EvaluateCopySource] does. COS additionally rejects copy-source
// combinations other than If-Match+If-Unmodified-Since and
// If-None-Match+If-Modified-Since; [Headers.MixesGroups] detects those so
// the caller can answer with the COS error of its choice.
//
// # Matching
//
// If-Match uses the strong comparison and If-None-Match the weak one (RFC
// 9110 §8.8.3.2): a W/ tag never satisfies If-Match, while W/"x" and "x" are
// equal for If-None-Match. "*" matches any existing object. Like S3, tags
// are accepted with or without the double quotes, both in the header and in
// the object's stored ETag, and lists ("a", "b") are supported.
//
// Dates must be HTTP-dates (IMF-fixdate, RFC 850 or asctime; a numeric
// +0000 zone or "UTC" are tolerated). A date that does not parse is ignored,
// as RFC 9110 §13.1.3/§13.1.4 require. Last-Modified is compared at
// one-second precision, the precision of the header it was served in. A
// zero lastModified means "unknown" and disables the date conditions. Dates
// in the future are not treated specially.
//
// The object is assumed to exist: a missing object is answered (404, or
// 412 for If-Match) by the caller before evaluating.
package conditional

import (
	"strings"
	"time"
)

// Outcome is the result of evaluating the preconditions.
type Outcome int

const (
	// Proceed: the request is served normally (200/206, or the copy runs).
	Proceed Outcome = iota
	// NotModified: answer 304 Not Modified (GET/HEAD only).
	NotModified
	// PreconditionFailed: answer 412 Precondition Failed.
	PreconditionFailed
)

// String returns the outcome's name.
func (o Outcome) String() string {
	switch o {
	case Proceed:
		return "Proceed"
	case NotModified:
		return "NotModified"
	case PreconditionFailed:
		return "PreconditionFailed"
	}
	return "Outcome(?)"
}

// StatusCode returns 304 for NotModified, 412 for PreconditionFailed and 0
// for Proceed (the caller picks 200 or 206).
func (o Outcome) StatusCode() int {
	switch o {
	case NotModified:
		return 304
	case PreconditionFailed:
		return 412
	}
	return 0
}

// Headers holds the raw values of the four precondition headers, "" when
// absent. For copy sources, fill it from the x-*-copy-source-if-* headers.
type Headers struct {
	IfMatch           string
	IfNoneMatch       string
	IfModifiedSince   string
	IfUnmodifiedSince string
}

// Read fills Headers using get (typically http.Header.Get, which
// canonicalizes names) for the names prefix+"If-Match", prefix+"If-None-Match",
// prefix+"If-Modified-Since" and prefix+"If-Unmodified-Since". Use prefix ""
// for the standard headers and e.g. "x-cos-copy-source-", "x-amz-copy-source-"
// or "x-oss-copy-source-" for copy sources.
func Read(get func(name string) string, prefix string) Headers {
	return Headers{
		IfMatch:           get(prefix + "If-Match"),
		IfNoneMatch:       get(prefix + "If-None-Match"),
		IfModifiedSince:   get(prefix + "If-Modified-Since"),
		IfUnmodifiedSince: get(prefix + "If-Unmodified-Since"),
	}
}

// IsZero reports whether no precondition is present.
func (h Headers) IsZero() bool {
	return present(h.IfMatch) == "" && present(h.IfNoneMatch) == "" &&
		present(h.IfModifiedSince) == "" && present(h.IfUnmodifiedSince) == ""
}

// MixesGroups reports whether a precondition from the "unchanged" group
// (If-Match, If-Unmodified-Since) is combined with one from the "changed"
// group (If-None-Match, If-Modified-Since). COS documents each
// x-cos-copy-source-If-* header as combinable only with its partner in the
// same group and any other combination as a conflict.
func (h Headers) MixesGroups() bool {
	unchanged := present(h.IfMatch) != "" || present(h.IfUnmodifiedSince) != ""
	changed := present(h.IfNoneMatch) != "" || present(h.IfModifiedSince) != ""
	return unchanged && changed
}

// Evaluate applies the preconditions of a GET or HEAD request to an object
// with the given ETag (quoted or not) and Last-Modified time.
func Evaluate(h Headers, etag string, lastModified time.Time) Outcome {
	return evaluate(h, etag, lastModified, NotModified)
}

// EvaluateCopySource applies copy-source preconditions
// (x-*-copy-source-if-*) to the source object. They follow the same
// precedence as Evaluate, but every failure is PreconditionFailed: a copy
// never answers 304.
func EvaluateCopySource(h Headers, etag string, lastModified time.Time) Outcome {
	return evaluate(h, etag, lastModified, PreconditionFailed)
}

func evaluate(h Headers, etag string, lastModified time.Time, notModified Outcome) Outcome {
	var lm time.Time
	haveLM := !lastModified.IsZero()
	if haveLM {
		lm = lastModified.Truncate(time.Second)
	}

	// Step 1 and 2.
	if v := present(h.IfMatch); v != "" {
		if !matchStrong(v, etag) {
			return PreconditionFailed
		}
	} else if v := present(h.IfUnmodifiedSince); v != "" && haveLM {
		if t, ok := ParseHTTPDate(v); ok && lm.After(t) {
			return PreconditionFailed
		}
	}

	// Step 3 and 4.
	if v := present(h.IfNoneMatch); v != "" {
		if matchWeak(v, etag) {
			return notModified
		}
	} else if v := present(h.IfModifiedSince); v != "" && haveLM {
		if t, ok := ParseHTTPDate(v); ok && !lm.After(t) {
			return notModified
		}
	}
	return Proceed
}

// present trims optional whitespace; "" means the header is absent.
func present(v string) string { return strings.Trim(v, " \t") }

// opaque strips a W/ prefix and surrounding double quotes from an ETag and
// reports whether it was weak.
func opaque(tag string) (string, bool) {
	tag = strings.Trim(tag, " \t")
	weak := false
	if strings.HasPrefix(tag, "W/") {
		weak = true
		tag = tag[2:]
	}
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		tag = tag[1 : len(tag)-1]
	}
	return tag, weak
}

// scanTags calls fn for each element of an entity-tag list until fn returns
// true, and reports whether it did. wildcard is set for a bare "*" element
// (a quoted "*" is an ordinary tag). It accepts the RFC 9110 syntax (quoted
// tags, which may contain commas) and, leniently, bare unquoted tags as S3
// does.
func scanTags(list string, fn func(tag string, weak, wildcard bool) bool) bool {
	s := list
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return false
		}
		weak := false
		if strings.HasPrefix(s, "W/") {
			weak = true
			s = s[2:]
		}
		var tag string
		wildcard := false
		if s != "" && s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 { // unterminated: take the rest
				tag, s = s[1:], ""
			} else {
				tag, s = s[1:1+end], s[2+end:]
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			tag, s = strings.TrimRight(s[:end], " \t"), s[end:]
			wildcard = !weak && tag == "*"
		}
		if fn(tag, weak, wildcard) {
			return true
		}
	}
}

// matchStrong evaluates If-Match: true if the list is "*" or contains a
// strong tag equal to the object's strong ETag.
func matchStrong(list, etag string) bool {
	obj, objWeak := opaque(etag)
	return scanTags(list, func(tag string, weak, wildcard bool) bool {
		return wildcard || (!weak && !objWeak && tag == obj)
	})
}

// matchWeak reports whether If-None-Match's list matches the object: "*" or
// any tag equal to the ETag under weak comparison. The If-None-Match
// condition is the negation.
func matchWeak(list, etag string) bool {
	obj, _ := opaque(etag)
	return scanTags(list, func(tag string, _, wildcard bool) bool {
		return wildcard || tag == obj
	})
}

// ListMatches reports whether an entity-tag list (an If-Match or
// If-None-Match value: quoted or bare tags, W/ prefixes, or *) names etag
// under weak comparison. Conditional writes and deletes, which have no
// Headers to Evaluate, compare with it.
func ListMatches(list, etag string) bool { return matchWeak(list, etag) }

// httpDateLayouts are the three HTTP-date forms RFC 9110 §5.6.7 requires a
// recipient to accept, plus two common deviations.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",   // IMF-fixdate
	"Monday, 02-Jan-06 15:04:05 GMT",  // RFC 850 (obsolete)
	"Mon Jan _2 15:04:05 2006",        // asctime (obsolete)
	"Mon, 02 Jan 2006 15:04:05 UTC",   // tolerated
	"Mon, 02 Jan 2006 15:04:05 -0700", // tolerated: RFC 1123 with numeric zone
}

// ParseHTTPDate parses an HTTP-date (see httpDateLayouts) and reports
// whether it succeeded. The result is in UTC.
func ParseHTTPDate(s string) (time.Time, bool) {
	s = strings.Trim(s, " \t")
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
