// Package postpolicy parses and evaluates the policy document of a browser
// form upload (COS POST Object, OSS PostObject, S3 POST policy): a JSON
// object with an ISO 8601 "expiration" and a list of "conditions", each an
// exact match ({"field": "value"} or ["eq", "$field", "value"]), a prefix
// match (["starts-with", "$field", "prefix"]; an empty prefix allows any
// value), a size range (["content-length-range", min, max]), or, as OSS
// documents, a set (["in", "$field", ["a", "b"]] or ["not-in", ...]).
//
// Field names compare case-insensitively; values compare exactly. What a
// dialect requires beyond this (which fields must be present, which are
// exempt) is given in Options.
//
// It imports no Arca package.
package postpolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is a condition's kind.
type Kind int

// Condition kinds.
const (
	Eq Kind = iota
	StartsWith
	LengthRange
	In    // the value is one of Values
	NotIn // the value is none of Values
)

// Condition is one policy condition.
type Condition struct {
	Kind Kind
	// Field is the field name without "$" ("" for LengthRange).
	Field string
	Value string
	// Values is the set of In and NotIn.
	Values []string
	// Min and Max bound the file size for LengthRange.
	Min, Max int64
}

func (c Condition) String() string {
	switch c.Kind {
	case StartsWith:
		return fmt.Sprintf(`["starts-with", "$%s", %q]`, c.Field, c.Value)
	case LengthRange:
		return fmt.Sprintf(`["content-length-range", %d, %d]`, c.Min, c.Max)
	case In, NotIn:
		op := "in"
		if c.Kind == NotIn {
			op = "not-in"
		}
		vs := make([]string, len(c.Values))
		for i, v := range c.Values {
			vs[i] = strconv.Quote(v)
		}
		return fmt.Sprintf(`["%s", "$%s", [%s]]`, op, c.Field, strings.Join(vs, ", "))
	}
	return fmt.Sprintf(`["eq", "$%s", %q]`, c.Field, c.Value)
}

// Policy is a parsed policy document.
type Policy struct {
	Expiration time.Time
	Conditions []Condition
}

// ErrMalformed wraps every parse error.
var ErrMalformed = errors.New("postpolicy: malformed policy document")

// Parse reads a decoded policy document (the JSON, not its base64).
func Parse(doc []byte) (*Policy, error) {
	// One decoder for the whole document: the conditions come out as
	// maps and arrays of strings and json.Numbers, ready to read.
	var raw struct {
		Expiration *string `json:"expiration"`
		Conditions []any   `json:"conditions"`
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the policy", ErrMalformed)
	}
	if raw.Expiration == nil {
		return nil, fmt.Errorf("%w: no expiration", ErrMalformed)
	}
	exp, err := parseTime(*raw.Expiration)
	if err != nil {
		return nil, fmt.Errorf("%w: expiration %q is not an ISO 8601 time", ErrMalformed, *raw.Expiration)
	}
	p := &Policy{Expiration: exp, Conditions: make([]Condition, 0, len(raw.Conditions))}
	for _, rc := range raw.Conditions {
		cs, err := parseCondition(rc)
		if err != nil {
			return nil, err
		}
		p.Conditions = append(p.Conditions, cs...)
	}
	return p, nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad time")
}

// conditionError reports a malformed condition, shown as JSON.
func conditionError(rc any) error {
	b, _ := json.Marshal(rc)
	return fmt.Errorf("%w: condition %s", ErrMalformed, b)
}

func parseCondition(rc any) ([]Condition, error) {
	if m, ok := rc.(map[string]any); ok {
		if len(m) == 0 {
			return nil, conditionError(rc)
		}
		out := make([]Condition, 0, len(m))
		for k, v := range m {
			s, ok := scalar(v)
			if !ok {
				return nil, conditionError(rc)
			}
			out = append(out, Condition{Kind: Eq, Field: strings.TrimPrefix(k, "$"), Value: s})
		}
		return out, nil
	}
	arr, ok := rc.([]any)
	if !ok || len(arr) != 3 {
		return nil, conditionError(rc)
	}
	op, _ := arr[0].(string)
	switch strings.ToLower(op) {
	case "eq", "starts-with":
		f, ok1 := arr[1].(string)
		v, ok2 := scalar(arr[2])
		if !ok1 || !ok2 || !strings.HasPrefix(f, "$") || len(f) < 2 {
			return nil, conditionError(rc)
		}
		k := Eq
		if strings.ToLower(op) == "starts-with" {
			k = StartsWith
		}
		return []Condition{{Kind: k, Field: f[1:], Value: v}}, nil
	case "content-length-range":
		lo, ok1 := integer(arr[1])
		hi, ok2 := integer(arr[2])
		if !ok1 || !ok2 || lo < 0 || hi < lo {
			return nil, conditionError(rc)
		}
		return []Condition{{Kind: LengthRange, Min: lo, Max: hi}}, nil
	case "in", "not-in":
		f, ok1 := arr[1].(string)
		list, ok2 := arr[2].([]any)
		if !ok1 || !ok2 || !strings.HasPrefix(f, "$") || len(f) < 2 {
			return nil, conditionError(rc)
		}
		c := Condition{Kind: In, Field: f[1:], Values: make([]string, 0, len(list))}
		if strings.ToLower(op) == "not-in" {
			c.Kind = NotIn
		}
		for _, v := range list {
			s, ok := scalar(v)
			if !ok {
				return nil, conditionError(rc)
			}
			c.Values = append(c.Values, s)
		}
		return []Condition{c}, nil
	}
	return nil, fmt.Errorf("%w: unknown condition operator %q", ErrMalformed, op)
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Expired reports whether the policy has expired at now.
func (p *Policy) Expired(now time.Time) bool { return !now.Before(p.Expiration) }

// LengthRange returns the size bounds of the policy's content-length-range
// conditions (the tightest, if several), and whether there is one.
func (p *Policy) LengthRange() (min, max int64, ok bool) {
	for _, c := range p.Conditions {
		if c.Kind != LengthRange {
			continue
		}
		if !ok {
			min, max, ok = c.Min, c.Max, true
			continue
		}
		min, max = maxInt(min, c.Min), minInt(max, c.Max)
	}
	return min, max, ok
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func minInt(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

// Options tune Check for a dialect.
type Options struct {
	// Implicit gives a field's value when the form does not carry it (for
	// example "bucket", which comes from the request's address). It returns
	// false when the field has no implicit value.
	Implicit func(field string) (string, bool)
}

// ConditionError is a condition the form does not meet.
type ConditionError struct {
	Cond Condition
	// Missing is true when the field is not in the form at all.
	Missing bool
	Got     string
}

func (e *ConditionError) Error() string {
	if e.Missing {
		return fmt.Sprintf("postpolicy: the form has no field %q required by condition %s", e.Cond.Field, e.Cond)
	}
	return fmt.Sprintf("postpolicy: field %q = %q does not satisfy condition %s", e.Cond.Field, e.Got, e.Cond)
}

// Check evaluates the exact and prefix conditions against the form's fields
// (get looks a field up case-insensitively). The key must already have its
// ${filename} substituted. Size ranges are checked while the file streams
// (see Limit). It returns nil or a *ConditionError.
func (p *Policy) Check(get func(name string) (string, bool), o Options) error {
	for _, c := range p.Conditions {
		if c.Kind == LengthRange {
			continue
		}
		v, ok := get(c.Field)
		if !ok && o.Implicit != nil {
			v, ok = o.Implicit(c.Field)
		}
		if !ok {
			return &ConditionError{Cond: c, Missing: true}
		}
		switch c.Kind {
		case Eq:
			if v != c.Value {
				return &ConditionError{Cond: c, Got: v}
			}
		case StartsWith:
			if !strings.HasPrefix(v, c.Value) {
				return &ConditionError{Cond: c, Got: v}
			}
		case In, NotIn:
			if slices.Contains(c.Values, v) != (c.Kind == In) {
				return &ConditionError{Cond: c, Got: v}
			}
		}
	}
	return nil
}

// Size errors the Limit reader returns.
var (
	ErrTooLarge = errors.New("postpolicy: the file is larger than content-length-range allows")
	ErrTooSmall = errors.New("postpolicy: the file is smaller than content-length-range allows")
)

// Limit wraps a file reader so that it fails with ErrTooLarge as soon as
// more than max bytes arrive, and with ErrTooSmall instead of io.EOF when
// fewer than min arrived. A caller that stores what it reads thus never
// commits a file outside the range.
func Limit(r io.Reader, min, max int64) io.Reader {
	return &limited{r: r, min: min, max: max}
}

type limited struct {
	r        io.Reader
	min, max int64
	n        int64
}

func (l *limited) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return 0, ErrTooLarge
	}
	if err == io.EOF && l.n < l.min {
		return n, ErrTooSmall
	}
	return n, err
}
