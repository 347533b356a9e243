package postform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"testing"
)

type part struct {
	name, filename, ctype, body string
}

func build(t testing.TB, parts []part) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := make(map[string][]string)
		cd := fmt.Sprintf(`form-data; name=%q`, p.name)
		if p.filename != "" {
			cd += fmt.Sprintf(`; filename=%q`, p.filename)
		}
		h["Content-Disposition"] = []string{cd}
		if p.ctype != "" {
			h["Content-Type"] = []string{p.ctype}
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, p.body)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func TestRead(t *testing.T) {
	tests := []struct {
		name     string
		parts    []part
		lim      Limits
		wantErr  error
		fileErr  error
		fields   string
		file     string
		fileName string
		fileType string
	}{
		{name: "fields then file, trailing field ignored",
			parts: []part{{name: "key", body: "a/${filename}"}, {name: "Content-Type", body: "text/plain"},
				{name: "file", filename: "x.txt", ctype: "image/jpeg", body: "DATA"}, {name: "submit", body: "Upload"}},
			fields: "key=a/${filename};Content-Type=text/plain", file: "DATA", fileName: "x.txt", fileType: "image/jpeg"},
		{name: "field part carrying a filename is still a field",
			parts:  []part{{name: "key", filename: "key.txt", body: "k"}, {name: "FILE", body: "D"}},
			fields: "key=k", file: "D"},
		{name: "no file", parts: []part{{name: "key", body: "k"}}, wantErr: ErrNoFile},
		{name: "second file", parts: []part{{name: "file", body: "1"}, {name: "file", body: "2"}}, file: "1", fileErr: ErrTooManyFiles},
		{name: "empty file", parts: []part{{name: "key", body: "k"}, {name: "file", filename: "e"}}, fields: "key=k", file: "", fileName: "e"},
		{name: "value too long", parts: []part{{name: "key", body: strings.Repeat("v", 11)}, {name: "file"}},
			lim: Limits{MaxValueBytes: 10}, wantErr: &FieldTooLongError{}},
		{name: "name too long", parts: []part{{name: strings.Repeat("n", 70), body: "v"}, {name: "file"}},
			lim: Limits{MaxNameBytes: 65}, wantErr: &FieldTooLongError{}},
		{name: "too many fields", parts: []part{{name: "a"}, {name: "b"}, {name: "file"}}, lim: Limits{MaxFields: 1}, wantErr: ErrTooManyFields},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := build(t, tt.parts)
			f, err := ReadBody(bytes.NewReader(body), ct, tt.lim)
			if tt.wantErr != nil {
				var fe *FieldTooLongError
				if errors.As(tt.wantErr, &fe) {
					if !errors.As(err, &fe) {
						t.Fatalf("err = %v, want FieldTooLongError", err)
					}
					return
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fd := range f.Fields {
				got = append(got, fd.Name+"="+fd.Value)
			}
			if strings.Join(got, ";") != tt.fields {
				t.Errorf("fields = %q, want %q", strings.Join(got, ";"), tt.fields)
			}
			data, err := io.ReadAll(f.File)
			if tt.fileErr != nil {
				if !errors.Is(err, tt.fileErr) {
					t.Fatalf("file read err = %v, want %v", err, tt.fileErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if string(data) != tt.file || f.FileName != tt.fileName || f.FileType != tt.fileType {
				t.Errorf("file = %q (%q, %q), want %q (%q, %q)", data, f.FileName, f.FileType, tt.file, tt.fileName, tt.fileType)
			}
		})
	}
}

func TestGetIsCaseInsensitive(t *testing.T) {
	ct, body := build(t, []part{{name: "Content-Type", body: "a"}, {name: "content-type", body: "b"}, {name: "file"}})
	f, err := ReadBody(bytes.NewReader(body), ct, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Get("CONTENT-TYPE"); !ok || v != "a" {
		t.Fatalf("Get = %q, %v; want first value", v, ok)
	}
}

func TestNotMultipartAndTruncated(t *testing.T) {
	if _, err := ReadBody(strings.NewReader("x"), "application/x-www-form-urlencoded", Limits{}); !errors.Is(err, ErrNotMultipart) {
		t.Fatalf("urlencoded: %v", err)
	}
	if _, err := ReadBody(strings.NewReader("x"), "multipart/form-data", Limits{}); !errors.Is(err, ErrNotMultipart) {
		t.Fatalf("no boundary: %v", err)
	}
	ct, body := build(t, []part{{name: "key", body: "k"}, {name: "file", body: strings.Repeat("z", 1000)}})
	cut := body[:len(body)-600]
	f, err := ReadBody(bytes.NewReader(cut), ct, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(f.File); err == nil {
		t.Fatal("truncated file read to EOF without error")
	}
}

func FuzzRead(f *testing.F) {
	ct, body := build(f, []part{{name: "key", body: "k"}, {name: "file", filename: "f", body: "data"}, {name: "x", body: "y"}})
	f.Add(body)
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--b--\r\n"))
	boundary := strings.TrimPrefix(ct, "multipart/form-data; boundary=")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, b := range []string{boundary, "b"} {
			form, err := ReadBody(bytes.NewReader(body), "multipart/form-data; boundary="+b, Limits{MaxValueBytes: 1 << 10, MaxTotalBytes: 4 << 10})
			if err != nil {
				continue
			}
			var total int
			for _, fd := range form.Fields {
				total += len(fd.Name) + len(fd.Value)
			}
			if total > 4<<10 {
				t.Fatalf("fields total %d over the limit", total)
			}
			io.Copy(io.Discard, form.File)
		}
	})
}
