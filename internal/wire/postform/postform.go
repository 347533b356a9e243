// Package postform reads a browser form upload (POST Object, multipart/
// form-data) as a stream: the fields that come before the file part are
// collected (bounded), and the file part is handed over as a reader, so a
// 5 GB upload is never held in memory or spooled to disk. Fields after the
// file are ignored, as COS, OSS and S3 all specify; a second file part is
// an error that surfaces when the file reader reaches its end, before the
// caller could commit anything.
//
// A part is the file only if its name is "file" (case-insensitive): any
// other part is a field even if its Content-Disposition carries a filename
// (Ceph's s3-tests send every field that way).
//
// It imports no Arca package.
package postform

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// Errors Read and the file reader return. Dialects map them to their codes.
var (
	// ErrNotMultipart: the request is not multipart/form-data with a boundary.
	ErrNotMultipart = errors.New("postform: request body is not multipart/form-data")
	// ErrMalformed: the multipart body is broken.
	ErrMalformed = errors.New("postform: malformed multipart body")
	// ErrNoFile: the form has no file part.
	ErrNoFile = errors.New("postform: the form has no file field")
	// ErrTooManyFiles: a second file part follows the first.
	ErrTooManyFiles = errors.New("postform: the form has more than one file field")
	// ErrTooManyFields: more fields than Limits.MaxFields.
	ErrTooManyFields = errors.New("postform: too many form fields")
)

// FieldTooLongError reports a field whose name or value is over its limit.
type FieldTooLongError struct {
	Name  string // possibly truncated
	Value bool   // true: the value is too long; false: the name
	Limit int
}

func (e *FieldTooLongError) Error() string {
	what := "name"
	if e.Value {
		what = "value"
	}
	return fmt.Sprintf("postform: the %s of form field %q exceeds %d bytes", what, e.Name, e.Limit)
}

// Limits bound the fields before the file. Zero values take the defaults.
type Limits struct {
	MaxNameBytes  int   // default 8 KiB (OSS's documented limit)
	MaxValueBytes int   // default 2 MiB (OSS's documented limit)
	MaxTotalBytes int64 // all names and values together, default 20 MiB
	MaxFields     int   // default 1000
}

func (l *Limits) defaults() {
	if l.MaxNameBytes <= 0 {
		l.MaxNameBytes = 8 << 10
	}
	if l.MaxValueBytes <= 0 {
		l.MaxValueBytes = 2 << 20
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = 20 << 20
	}
	if l.MaxFields <= 0 {
		l.MaxFields = 1000
	}
}

// Field is one form field, as sent.
type Field struct {
	Name, Value string
}

// Form is a form upload whose file is still to be read.
type Form struct {
	// Fields are the fields before the file, in order.
	Fields []Field
	// FileName is the file part's filename attribute ("" if absent).
	FileName string
	// FileType is the file part's Content-Type ("" if absent).
	FileType string
	// File streams the file's content. It returns ErrTooManyFiles instead of
	// io.EOF when another file part follows.
	File io.Reader

	mr   *multipart.Reader
	part *multipart.Part
}

// Get returns the first field named name, compared case-insensitively.
func (f *Form) Get(name string) (string, bool) {
	for _, fd := range f.Fields {
		if strings.EqualFold(fd.Name, name) {
			return fd.Value, true
		}
	}
	return "", false
}

// Value is Get without the presence flag.
func (f *Form) Value(name string) string {
	v, _ := f.Get(name)
	return v
}

// Read parses r's form up to the file part.
func Read(r *http.Request, lim Limits) (*Form, error) {
	return ReadBody(r.Body, r.Header.Get("Content-Type"), lim)
}

// ReadBody is Read for a body and its Content-Type.
func ReadBody(body io.Reader, contentType string, lim Limits) (*Form, error) {
	lim.defaults()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.EqualFold(mt, "multipart/form-data") || params["boundary"] == "" {
		return nil, ErrNotMultipart
	}
	f := &Form{mr: multipart.NewReader(bufio.NewReaderSize(body, 64<<10), params["boundary"])}
	var total int64
	for {
		p, err := f.mr.NextRawPart()
		if err == io.EOF {
			return nil, ErrNoFile
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		name := p.FormName()
		if name == "" {
			p.Close()
			continue
		}
		if len(name) > lim.MaxNameBytes {
			return nil, &FieldTooLongError{Name: name[:64], Limit: lim.MaxNameBytes}
		}
		if strings.EqualFold(name, "file") {
			f.FileName = p.FileName()
			f.FileType = p.Header.Get("Content-Type")
			f.part = p
			f.File = &fileReader{f: f}
			return f, nil
		}
		if len(f.Fields) == lim.MaxFields {
			return nil, ErrTooManyFields
		}
		v, err := io.ReadAll(io.LimitReader(p, int64(lim.MaxValueBytes)+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if len(v) > lim.MaxValueBytes {
			return nil, &FieldTooLongError{Name: name, Value: true, Limit: lim.MaxValueBytes}
		}
		total += int64(len(name) + len(v))
		if total > lim.MaxTotalBytes {
			return nil, &FieldTooLongError{Name: name, Value: true, Limit: int(lim.MaxTotalBytes)}
		}
		f.Fields = append(f.Fields, Field{Name: name, Value: string(v)})
	}
}

// maxTrailing bounds how much of the body after the file is read looking for
// a second file part; the rest is left unread (the connection is closed).
const maxTrailing = 64 << 20

type fileReader struct {
	f    *Form
	done bool
	err  error
}

func (r *fileReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, r.err
	}
	n, err := r.f.part.Read(p)
	if err == io.EOF {
		r.done = true
		r.err = r.f.checkTrailing()
		if r.err == nil {
			r.err = io.EOF
		}
		return n, r.err
	}
	if err != nil {
		r.done, r.err = true, fmt.Errorf("%w: %v", ErrMalformed, err)
		return n, r.err
	}
	return n, nil
}

// checkTrailing reads the parts after the file, ignoring fields and failing
// on another file.
func (f *Form) checkTrailing() error {
	var read int64
	for read < maxTrailing {
		p, err := f.mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// A body cut off after the file: the file itself was whole.
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if strings.EqualFold(p.FormName(), "file") {
			return ErrTooManyFiles
		}
		n, err := io.Copy(io.Discard, io.LimitReader(p, maxTrailing-read))
		read += n
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
	}
	return nil
}
