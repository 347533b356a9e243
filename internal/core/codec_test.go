package core

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// fill sets every field of v (recursively) to a non-zero value derived
// from n, so that a field the codec forgets shows up as a difference.
func fillAll(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + "€")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n) * 1000003)
	case reflect.Uint64, reflect.Uint32, reflect.Uint:
		v.SetUint(uint64(*n) * 0x9e3779b97f4a7c15)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte{byte(*n), 0, 255})
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fillAll(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := 0; i < 2; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			fillAll(k, n)
			val := reflect.New(v.Type().Elem()).Elem()
			fillAll(val, n)
			m.SetMapIndex(k, val)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillAll(p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Unix(1700000000, int64(*n)).UTC()))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), n)
			}
		}
	}
}

func TestObjectCodecCoversEveryField(t *testing.T) {
	var o Object
	n := 0
	fillAll(reflect.ValueOf(&o).Elem(), &n)
	o.Bucket, o.Key = "b", "k" // not stored: they come from the record's key
	got, err := decodeObject(encodeObject(&o), "b", "k")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &o) {
		a, _ := json.Marshal(&o)
		b, _ := json.Marshal(got)
		t.Fatalf("round trip lost fields:\n in  %s\n out %s", a, b)
	}
	// Records written as JSON before the binary form still read.
	old, _ := json.Marshal(&o)
	got, err = decodeObject(old, "b", "k")
	if err != nil || !reflect.DeepEqual(got, &o) {
		t.Fatalf("JSON record: %v", err)
	}
	if rec := encodeObject(&o); func() error { _, err := decodeObject(rec[:len(rec)-1], "b", "k"); return err }() == nil {
		t.Fatal("truncated record decoded")
	}
}

func FuzzObjectCodec(f *testing.F) {
	var o Object
	n := 0
	fillAll(reflect.ValueOf(&o).Elem(), &n)
	f.Add(encodeObject(&o))
	f.Add(encodeObject(&Object{Seq: 1, Size: 5}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != objectCodecV1 {
			return
		}
		// Whatever decodes (a field with an unexpected wire type reads as
		// its zero value) re-encodes to a record that is then stable.
		got, err := decodeObject(b, "b", "k")
		if err != nil {
			return
		}
		norm, err := decodeObject(encodeObject(got), "b", "k")
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		again, err := decodeObject(encodeObject(norm), "b", "k")
		if err != nil || !reflect.DeepEqual(again, norm) {
			t.Fatalf("codec not stable: %v", err)
		}
	})
}

func BenchmarkObjectCodec(b *testing.B) {
	o := &Object{VersionID: "MTc5NTMyMzYxMjA4MTA3ODU4Mg", Seq: 1795323612081078582, Size: 4096,
		ETag: "8d777f385d3dfec8815d20f7496026dc", CRC64: 14062946763493764991, Modified: time.Now().UTC(),
		Meta: Meta{ContentType: "application/octet-stream", User: map[string]string{"a": "b"}}, Owner: "100000000001",
		Extents: []Extent{{ID: "i0123456789abcdef01234567", Size: 4096, Inline: true}}}
	rec := encodeObject(o)
	js, _ := json.Marshal(o)
	b.Run("binary/decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decodeObject(rec, "b", "k")
		}
	})
	b.Run("json/decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			decodeObject(js, "b", "k")
		}
	})
	b.Run("binary/encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeObject(o)
		}
	})
	b.Logf("record sizes: binary %d, json %d", len(rec), len(js))
}
