package cosjson

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/arcastore/arca/internal/httpx"
)

// params are a request's parameters. The seed sends them in a JSON body
// (application/json) or a multipart/form-data body (with filecontent for
// uploads); SDKs also use the query string (GET, and the Python SDK's move)
// and urlencoded bodies. A body's fields win over the query's.
//
// A multipart body is read as a stream: the fields before filecontent are
// read when the request is parsed, the file is handed over as a reader, and
// the fields after it (the PHP and Python SDKs send insertOnly, sha and
// even op after the file) are read when the file reaches its end.
type params struct {
	vals  map[string]string
	query url.Values
	// custom is custom_headers (JSON object); customSet tells "absent" from
	// "empty".
	custom    map[string]string
	customSet bool
	// form is the multipart reader when the body is a form.
	form *formReader
}

// get returns a parameter: body first, then query; names compare exactly,
// then case-insensitively.
func (p *params) get(name string) (string, bool) {
	if v, ok := p.vals[name]; ok {
		return v, true
	}
	for k, v := range p.vals {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	if vs, ok := p.query[name]; ok && len(vs) > 0 {
		return vs[0], true
	}
	for k, vs := range p.query {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

func (p *params) value(name string) string {
	v, _ := p.get(name)
	return v
}

// int64 reads an integer parameter: ok false when absent; err when present
// but not an integer.
func (p *params) int64(name string) (n int64, ok bool, err error) {
	v, ok := p.get(name)
	if !ok {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, true, err
}

// flag reads a 0/1 parameter (insertOnly, to_over_write), def when absent.
func (p *params) flag(name string, def bool) (bool, error) {
	v, ok := p.get(name)
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	switch strings.TrimSpace(v) {
	case "0":
		return false, nil
	case "1":
		return true, nil
	}
	return false, errParam
}

// readParams reads the query and, for a body it understands, the body up
// to the file of a form.
func readParams(r *http.Request) (*params, error) {
	p := &params{vals: map[string]string{}, query: httpx.ParseQuery(r.URL.RawQuery)}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return p, nil
	}
	mt, mp, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		mt = ""
	}
	switch strings.ToLower(mt) {
	case "multipart/form-data", "multipart/formdata": // the seed's samples spell it both ways
		if mp["boundary"] == "" {
			return nil, errFormErr
		}
		p.form = &formReader{mr: multipart.NewReader(bufio.NewReaderSize(r.Body, 64<<10), mp["boundary"]), p: p}
		if err := p.form.readFields(); err != nil {
			return nil, err
		}
		return p, nil
	case "application/x-www-form-urlencoded":
		b, ok, err := httpx.ReadLimited(r.Body, maxJSONBody)
		if err != nil || !ok {
			return nil, errParam
		}
		for k, vs := range httpx.ParseQuery(string(b)) {
			p.vals[k] = vs[0]
		}
		if v, ok := p.vals["custom_headers"]; ok {
			if err := p.setCustom([]byte(v)); err != nil {
				return nil, err
			}
		}
		return p, nil
	case "application/json", "text/json", "":
		b, ok, err := httpx.ReadLimited(r.Body, maxJSONBody)
		if err != nil || !ok {
			return nil, errJSONParse
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 || (mt == "" && b[0] != '{') {
			return p, nil
		}
		return p, p.readJSON(b)
	}
	return p, nil
}

// readJSON reads a JSON object body: string, number and boolean values are
// parameters; custom_headers is an object of strings.
func (p *params) readJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return errJSONParse
	}
	for k, raw := range m {
		if k == "custom_headers" {
			if err := p.setCustom(raw); err != nil {
				return err
			}
			continue
		}
		v, ok := scalar(raw)
		if !ok {
			return errJSONParse
		}
		p.vals[k] = v
	}
	return nil
}

// scalar renders a JSON string, number, boolean or null as a parameter.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	case 't':
		return "1", string(raw) == "true"
	case 'f':
		return "0", string(raw) == "false"
	case 'n':
		return "", string(raw) == "null"
	case '{', '[':
		return "", false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", false
	}
	return n.String(), true
}

// setCustom reads custom_headers: a JSON object whose values are strings
// (numbers are accepted as their text).
func (p *params) setCustom(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return errJSONParse
	}
	p.custom, p.customSet = map[string]string{}, true
	for k, v := range m {
		s, ok := scalar(v)
		if !ok {
			return errJSONParse
		}
		p.custom[k] = s
	}
	return nil
}

// formReader streams a multipart/form-data body.
type formReader struct {
	mr *multipart.Reader
	p  *params
	// file is the filecontent part, once reached; nil before, and nil
	// when the form has none.
	file *multipart.Part
	// spooled holds the file when it was read ahead of the fields after it.
	spooled []byte
	// done: the body has been read to its end.
	done  bool
	total int
}

// errSecondFile: a form with two filecontent parts.
var errSecondFile = errors.New("cosjson: a second filecontent part")

// isFile reports whether a part is the file. Any other part is a field,
// whatever its Content-Disposition says: the Python SDK sends every field
// with a filename.
func isFile(p *multipart.Part) bool { return strings.EqualFold(p.FormName(), "filecontent") }

// readFields reads fields until the file part or the end of the body.
func (f *formReader) readFields() error {
	for {
		part, err := f.mr.NextRawPart()
		if err == io.EOF {
			f.done = true
			return nil
		}
		if err != nil {
			return errFormErr
		}
		if isFile(part) {
			f.file = part
			return nil
		}
		if err := f.field(part); err != nil {
			return err
		}
	}
}

// field reads one field part into the parameters (the first of a name
// wins).
func (f *formReader) field(part *multipart.Part) error {
	name := part.FormName()
	if name == "" {
		part.Close()
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(part, maxFieldSize+1))
	if err != nil {
		return errFormErr
	}
	f.total += len(name) + len(b)
	if len(b) > maxFieldSize || f.total > 4*maxFieldSize {
		return errFormErr
	}
	if _, ok := f.p.vals[name]; !ok {
		f.p.vals[name] = string(b)
		if name == "custom_headers" {
			if err := f.p.setCustom(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// rest reads the fields after the file part; a second file is an error.
func (f *formReader) rest() error {
	for !f.done {
		part, err := f.mr.NextRawPart()
		if err == io.EOF {
			f.done = true
			return nil
		}
		if err != nil {
			return errFormErr
		}
		if isFile(part) {
			return errSecondFile
		}
		if err := f.field(part); err != nil {
			return err
		}
	}
	return nil
}

// fileReader reads the file part. When the part ends it reads the rest of
// the form before reporting io.EOF, so that whoever consumes the file sees
// a form error instead of the end if the form is broken after the file, and
// so that every field is known once the file has been read.
type fileReader struct {
	f   *formReader
	err error
}

func (r *fileReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.f.file.Read(b)
	switch {
	case err == io.EOF:
		if rerr := r.f.rest(); rerr != nil {
			r.err = rerr
		} else {
			r.err = io.EOF
		}
		return n, r.err
	case err != nil:
		r.err = errFormErr
		return n, r.err
	}
	return n, nil
}

// file returns the file's reader, or nil when the form has no file.
func (p *params) file() io.Reader {
	switch {
	case p.form == nil || p.form.file == nil:
		return nil
	case p.form.spooled != nil:
		return bytes.NewReader(p.form.spooled)
	}
	return &fileReader{f: p.form}
}

// spool reads the file (at most max bytes: errOverMax beyond) into memory
// and then the fields after it, for an operation that needs those fields
// before it can decide where the file goes.
func (p *params) spool(max int64) error {
	f := p.form
	if f == nil || f.file == nil || f.spooled != nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(f.file, max+1))
	if err != nil {
		return errFormErr
	}
	if int64(len(b)) > max {
		return errOverMax
	}
	if err := f.rest(); err != nil {
		return err
	}
	f.spooled = b
	return nil
}
