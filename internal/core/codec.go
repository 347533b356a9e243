package core

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"time"
)

// Object records are the hottest values in Meta: every GET, HEAD and
// listing decodes one per object. They are stored in a compact tagged
// binary form (the protobuf wire format, written by hand): a version byte,
// then fields as (tag<<3 | wire type, payload). Unknown fields are skipped,
// so fields can be added; a record that starts with '{' is the JSON of
// earlier versions and is still read.
//
// Every field of Object must be handled here; TestObjectCodecCoversEveryField
// fills each field by reflection and checks the round trip.

const objectCodecV1 = 0x01

const (
	wireVarint = 0
	wireFixed  = 1
	wireBytes  = 2
)

type enc struct{ b []byte }

func (e *enc) key(tag, wire int) { e.b = binary.AppendUvarint(e.b, uint64(tag)<<3|uint64(wire)) }

func (e *enc) uint(tag int, v uint64) {
	if v != 0 {
		e.key(tag, wireVarint)
		e.b = binary.AppendUvarint(e.b, v)
	}
}

func (e *enc) int(tag int, v int64) {
	if v != 0 {
		e.key(tag, wireVarint)
		e.b = binary.AppendVarint(e.b, v)
	}
}

func (e *enc) bool(tag int, v bool) {
	if v {
		e.uint(tag, 1)
	}
}

func (e *enc) fixed(tag int, v uint64) {
	if v != 0 {
		e.key(tag, wireFixed)
		e.b = binary.LittleEndian.AppendUint64(e.b, v)
	}
}

func (e *enc) str(tag int, s string) {
	if s != "" {
		e.key(tag, wireBytes)
		e.b = binary.AppendUvarint(e.b, uint64(len(s)))
		e.b = append(e.b, s...)
	}
}

func (e *enc) bytes(tag int, p []byte) {
	if len(p) != 0 {
		e.key(tag, wireBytes)
		e.b = binary.AppendUvarint(e.b, uint64(len(p)))
		e.b = append(e.b, p...)
	}
}

// nested writes a length-prefixed sub-message built by fn.
func (e *enc) nested(tag int, fn func(*enc)) {
	var sub enc
	fn(&sub)
	e.key(tag, wireBytes)
	e.b = binary.AppendUvarint(e.b, uint64(len(sub.b)))
	e.b = append(e.b, sub.b...)
}

// kvs writes a map as repeated {1: key, 2: value} in key order.
func (e *enc) kvs(tag int, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.nested(tag, func(s *enc) {
			s.str(1, k)
			s.str(2, m[k])
		})
	}
}

func encodeObject(o *Object) []byte {
	e := enc{b: make([]byte, 1, 256)}
	e.b[0] = objectCodecV1
	e.str(1, o.VersionID)
	e.uint(2, o.Seq)
	e.bool(3, o.DeleteMarker)
	e.int(4, o.Size)
	e.str(5, o.ETag)
	e.fixed(6, o.CRC64)
	if !o.Modified.IsZero() {
		e.int(7, o.Modified.UnixNano())
	}
	if m := o.Meta; m.ContentType != "" || m.ContentEncoding != "" || m.ContentDisposition != "" ||
		m.ContentLanguage != "" || m.CacheControl != "" || m.Expires != "" || len(m.User) > 0 {
		e.nested(8, func(s *enc) {
			s.str(1, m.ContentType)
			s.str(2, m.ContentEncoding)
			s.str(3, m.ContentDisposition)
			s.str(4, m.ContentLanguage)
			s.str(5, m.CacheControl)
			s.str(6, m.Expires)
			s.kvs(7, m.User)
		})
	}
	e.str(9, o.StorageClass)
	e.str(10, o.Owner)
	if o.ACL.Canned != "" || len(o.ACL.Grants) > 0 {
		e.nested(11, func(s *enc) {
			s.str(1, o.ACL.Canned)
			for _, g := range o.ACL.Grants {
				s.nested(2, func(gs *enc) {
					gs.str(1, g.ID)
					gs.str(2, g.Group)
					gs.str(3, g.Permission)
				})
			}
		})
	}
	for _, x := range o.Extents {
		e.nested(12, func(s *enc) {
			s.str(1, x.ID)
			s.int(2, x.Size)
			s.bool(3, x.Inline)
			s.str(4, x.ETag)
			s.fixed(5, x.CRC64)
			s.bytes(6, x.IV)
		})
	}
	e.bool(13, o.Appendable)
	e.int(14, int64(o.Parts))
	e.kvs(15, o.Tags)
	e.kvs(16, o.Ext)
	if se := o.SSE; se != nil {
		e.nested(17, func(s *enc) {
			s.str(1, se.Mode)
			s.str(2, se.KMSKeyID)
			s.str(3, se.KMSContext)
			s.str(4, se.CustomerKeyMD5)
			s.bytes(5, se.SealedKey)
		})
	}
	return e.b
}

var errCorruptRecord = errors.New("core: corrupt object record")

// dec reads fields of one message.
type dec struct {
	b   []byte
	err error
}

// next returns the next field: its tag, and its value (varint/fixed in v,
// bytes in p). ok is false at the end or on error.
func (d *dec) next() (tag int, v uint64, p []byte, ok bool) {
	if d.err != nil || len(d.b) == 0 {
		return 0, 0, nil, false
	}
	k, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorruptRecord
		return 0, 0, nil, false
	}
	d.b = d.b[n:]
	if k>>3 > math.MaxInt32 {
		d.err = errCorruptRecord
		return 0, 0, nil, false
	}
	tag = int(k >> 3)
	switch k & 7 {
	case wireVarint:
		v, n = binary.Uvarint(d.b)
		if n <= 0 {
			d.err = errCorruptRecord
			return 0, 0, nil, false
		}
		d.b = d.b[n:]
	case wireFixed:
		if len(d.b) < 8 {
			d.err = errCorruptRecord
			return 0, 0, nil, false
		}
		v, d.b = binary.LittleEndian.Uint64(d.b), d.b[8:]
	case wireBytes:
		l, n := binary.Uvarint(d.b)
		if n <= 0 || l > uint64(len(d.b)-n) {
			d.err = errCorruptRecord
			return 0, 0, nil, false
		}
		p, d.b = d.b[n:n+int(l)], d.b[n+int(l):]
	default:
		d.err = errCorruptRecord
		return 0, 0, nil, false
	}
	return tag, v, p, true
}

// zigzag decodes a value written with AppendVarint.
func zigzag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

func kv(p []byte) (string, string, error) {
	d := dec{b: p}
	var k, v string
	for tag, _, b, ok := d.next(); ok; tag, _, b, ok = d.next() {
		switch tag {
		case 1:
			k = string(b)
		case 2:
			v = string(b)
		}
	}
	return k, v, d.err
}

func decodeObjectBinary(b []byte, o *Object) error {
	d := dec{b: b[1:]}
	for tag, v, p, ok := d.next(); ok; tag, v, p, ok = d.next() {
		switch tag {
		case 1:
			o.VersionID = string(p)
		case 2:
			o.Seq = v
		case 3:
			o.DeleteMarker = v != 0
		case 4:
			o.Size = zigzag(v)
		case 5:
			o.ETag = string(p)
		case 6:
			o.CRC64 = v
		case 7:
			o.Modified = time.Unix(0, zigzag(v)).UTC()
		case 8:
			md := dec{b: p}
			for t, _, q, ok := md.next(); ok; t, _, q, ok = md.next() {
				switch t {
				case 1:
					o.Meta.ContentType = string(q)
				case 2:
					o.Meta.ContentEncoding = string(q)
				case 3:
					o.Meta.ContentDisposition = string(q)
				case 4:
					o.Meta.ContentLanguage = string(q)
				case 5:
					o.Meta.CacheControl = string(q)
				case 6:
					o.Meta.Expires = string(q)
				case 7:
					k, val, err := kv(q)
					if err != nil {
						return err
					}
					if o.Meta.User == nil {
						o.Meta.User = map[string]string{}
					}
					o.Meta.User[k] = val
				}
			}
			if md.err != nil {
				return md.err
			}
		case 9:
			o.StorageClass = string(p)
		case 10:
			o.Owner = string(p)
		case 11:
			ad := dec{b: p}
			for t, _, q, ok := ad.next(); ok; t, _, q, ok = ad.next() {
				switch t {
				case 1:
					o.ACL.Canned = string(q)
				case 2:
					var g Grant
					gd := dec{b: q}
					for gt, _, r, ok := gd.next(); ok; gt, _, r, ok = gd.next() {
						switch gt {
						case 1:
							g.ID = string(r)
						case 2:
							g.Group = string(r)
						case 3:
							g.Permission = string(r)
						}
					}
					if gd.err != nil {
						return gd.err
					}
					o.ACL.Grants = append(o.ACL.Grants, g)
				}
			}
			if ad.err != nil {
				return ad.err
			}
		case 12:
			var x Extent
			xd := dec{b: p}
			for t, xv, q, ok := xd.next(); ok; t, xv, q, ok = xd.next() {
				switch t {
				case 1:
					x.ID = string(q)
				case 2:
					x.Size = zigzag(xv)
				case 3:
					x.Inline = xv != 0
				case 4:
					x.ETag = string(q)
				case 5:
					x.CRC64 = xv
				case 6:
					x.IV = append([]byte(nil), q...)
				}
			}
			if xd.err != nil {
				return xd.err
			}
			o.Extents = append(o.Extents, x)
		case 13:
			o.Appendable = v != 0
		case 14:
			o.Parts = int(zigzag(v))
		case 15, 16:
			k, val, err := kv(p)
			if err != nil {
				return err
			}
			m := &o.Tags
			if tag == 16 {
				m = &o.Ext
			}
			if *m == nil {
				*m = map[string]string{}
			}
			(*m)[k] = val
		case 17:
			se := new(Encryption)
			sd := dec{b: p}
			for t, _, q, ok := sd.next(); ok; t, _, q, ok = sd.next() {
				switch t {
				case 1:
					se.Mode = string(q)
				case 2:
					se.KMSKeyID = string(q)
				case 3:
					se.KMSContext = string(q)
				case 4:
					se.CustomerKeyMD5 = string(q)
				case 5:
					se.SealedKey = append([]byte(nil), q...)
				}
			}
			if sd.err != nil {
				return sd.err
			}
			o.SSE = se
		}
	}
	return d.err
}
