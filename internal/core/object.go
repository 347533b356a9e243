package core

import (
	"context"
	"crypto/md5"
	"encoding"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/arcastore/arca/internal/checksum"
	"github.com/arcastore/arca/internal/engine"
)

// NullVersion selects the null version in calls that take a version
// selector; "" selects the current version.
const NullVersion = "null"

// CheckKey applies core's object key rules: valid UTF-8, 1 to MaxKeyLen
// bytes, no NUL. Keys never reach the file system, so "..", "/" and "\"
// need no special treatment here.
func CheckKey(key string) error {
	switch {
	case key == "":
		return ErrInvalidKey
	case len(key) > MaxKeyLen:
		return ErrKeyTooLong
	case !utf8.ValidString(key):
		return detail(ErrInvalidKey, "key is not valid UTF-8")
	}
	for i := 0; i < len(key); i++ {
		if key[i] == 0 {
			return detail(ErrInvalidKey, "key contains NUL")
		}
	}
	return nil
}

func versionID(seq uint64) string {
	return base64.RawURLEncoding.EncodeToString(strconv.AppendUint(nil, seq, 10))
}

func parseVersionID(id string) (uint64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	seq, err := strconv.ParseUint(string(b), 10, 64)
	return seq, err == nil && versionID(seq) == id
}

// PutInput describes a new object version.
type PutInput struct {
	Bucket, Key  string
	Body         Body
	Meta         Meta
	StorageClass string
	ACL          ACL
	Owner        string
	Tags         map[string]string
	// Ext is stored with the version. It is read only after Body has been
	// read to its end, so a reader may record there what it computed from
	// the data (a checksum) before it returns io.EOF.
	Ext map[string]string
	// ForbidOverwrite fails the write with ErrObjectExists when a current
	// version exists.
	ForbidOverwrite bool
	// Check, if set, judges the current version (nil when there is none)
	// under the key's lock, just before the new version is published: an
	// error fails the write (a conditional write's compare-and-swap).
	Check func(cur *Object) error
	// SSE, if set, encrypts the data at rest.
	SSE *SSERequest
}

// PutObject stores a new object version and returns it. The call returns
// after data and metadata are durable; on error nothing is visible.
func (s *Store) PutObject(ctx context.Context, in PutInput) (*Object, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	if _, err := s.state(in.Bucket); err != nil {
		return nil, err
	}
	enc, cr, err := s.encryptionFor(in.SSE)
	if err != nil {
		return nil, err
	}
	w, err := s.writeData(ctx, in.Body, writeOpts{inline: true, enc: cr})
	if err != nil {
		return nil, err
	}
	obj := &Object{
		SSE:          enc,
		Size:         w.sums.Size,
		ETag:         hex.EncodeToString(w.sums.MD5[:]),
		CRC64:        w.sums.CRC64,
		Meta:         in.Meta,
		StorageClass: in.StorageClass,
		Owner:        in.Owner,
		ACL:          in.ACL,
		Tags:         in.Tags,
		Ext:          in.Ext,
		Extents:      []Extent{w.extent},
	}
	if w.sums.HasSHA1 {
		obj.setExt("sha1", hex.EncodeToString(w.sums.SHA1[:]))
	}
	if enc != nil && enc.Mode == SSECustomer {
		obj.ETag = sseETag(cr.key, w.sums.MD5)
	}
	out, err := s.publish(ctx, in.Bucket, in.Key, []*written{w}, func(cur *Object, _ *Bucket) (*Object, error) {
		if in.ForbidOverwrite && cur != nil {
			return nil, ErrObjectExists
		}
		if in.Check != nil {
			if err := in.Check(cur); err != nil {
				return nil, err
			}
		}
		return obj, nil
	})
	if err != nil {
		s.discard(w)
		return nil, err
	}
	return out, nil
}

// encryptionFor prepares the encryption of new data: nil request, nil
// result.
func (s *Store) encryptionFor(r *SSERequest) (*Encryption, *cryptor, error) {
	if r == nil {
		return nil, nil, nil
	}
	e, dk, err := s.newEncryption(r)
	if err != nil {
		return nil, nil, err
	}
	cr, err := newCryptor(dk)
	if err != nil {
		return nil, nil, err
	}
	return e, cr, nil
}

// cryptorOf opens the data key of existing encrypted data (nil e: nil).
func (s *Store) cryptorOf(e *Encryption, customerKey []byte) (*cryptor, error) {
	if e == nil || (e.Mode != SSECustomer && len(customerKey) > 0) {
		if len(customerKey) > 0 {
			return nil, ErrSSEKeyNotNeeded
		}
		return nil, nil
	}
	dk, err := s.dataKey(e, customerKey)
	if err != nil {
		return nil, err
	}
	return newCryptor(dk)
}

func (o *Object) setExt(k, v string) {
	if o.Ext == nil {
		o.Ext = map[string]string{}
	}
	o.Ext[k] = v
}

// publish makes a new version of bucket/key current. build receives the
// current version (nil if none) and the bucket record, under the key's lock,
// and returns the new version with its data fields set; publish assigns Seq,
// VersionID, Modified, Bucket and Key, then commits the new version, the
// staged data and the removal of whatever it replaces in one batch.
func (s *Store) publish(ctx context.Context, bucket, key string, staged []*written,
	build func(cur *Object, b *Bucket) (*Object, error)) (*Object, error) {
	owner := []byte(bucket + "\x00" + key)
	return s.publishWith(ctx, bucket, key, build, func(batch engine.Batch) {
		for _, w := range staged {
			stage(batch, w.extent, w.inline, owner)
		}
	})
}

// publishWith is publish with a hook that adds the caller's writes to the
// batch.
func (s *Store) publishWith(ctx context.Context, bucket, key string,
	build func(cur *Object, b *Bucket) (*Object, error), extra func(engine.Batch)) (*Object, error) {
	unlock := s.lockKey(bucket, key)
	defer unlock()
	b, release, err := s.writeTo(bucket)
	if err != nil {
		return nil, err
	}
	defer release()
	cur, err := s.probeCurrent(bucket, key)
	if err != nil {
		return nil, err
	}
	obj, err := build(cur, b)
	if err != nil {
		return nil, err
	}
	seq, err := s.nextSeq()
	if err != nil {
		return nil, err
	}
	obj.Bucket, obj.Key, obj.Seq = bucket, key, seq
	obj.Modified = s.now().UTC()
	obj.DeleteMarker = false

	batch := s.meta.NewBatch()
	var freed []string
	switch b.Versioning {
	case VersioningEnabled:
		obj.VersionID = versionID(seq)
	case VersioningSuspended:
		obj.VersionID = ""
		versions, err := s.versionsOf(bucket, key)
		if err != nil {
			batch.Discard()
			return nil, err
		}
		for _, v := range versions {
			if v.IsNull() {
				freed = unstage(batch, notIn(v.Extents, obj.Extents))
				batch.Delete(verKey(bucket, key, v.Seq))
			}
		}
	default:
		obj.VersionID = ""
		if cur != nil {
			freed = unstage(batch, notIn(cur.Extents, obj.Extents))
			batch.Delete(verKey(bucket, key, cur.Seq))
		}
	}
	extra(batch)
	rec := encode(obj)
	batch.Set(objKey(bucket, key), rec)
	batch.Set(verKey(bucket, key, seq), rec)
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	s.deleteBlobs(freed)
	return obj, nil
}

// notIn returns the extents of a that b does not share.
func notIn(a, b []Extent) []Extent {
	var out []Extent
outer:
	for _, e := range a {
		for _, f := range b {
			if e.ID == f.ID {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

// GetObject returns a version's record without its data. version is "" for
// the current version, NullVersion, or a version id.
//
// When the current version is wanted and the newest version is a delete
// marker, it returns the marker and ErrNoSuchKey. When a delete marker is
// selected by id, it returns the marker and ErrMethodNotAllowed.
func (s *Store) GetObject(ctx context.Context, bucket, key, version string) (*Object, error) {
	b, err := s.Bucket(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if err := CheckKey(key); err != nil {
		if version == "" {
			return nil, ErrNoSuchKey
		}
		return nil, ErrNoSuchVersion
	}
	switch version {
	case "":
		cur, err := s.getCurrent(bucket, key)
		if err != nil || cur != nil {
			return cur, err
		}
		if b.Versioning != VersioningOff {
			if newest, err := s.newestVersion(bucket, key); err != nil {
				return nil, err
			} else if newest != nil && newest.DeleteMarker {
				return newest, ErrNoSuchKey
			}
		}
		return nil, ErrNoSuchKey
	case NullVersion:
		versions, err := s.versionsOf(bucket, key)
		if err != nil {
			return nil, err
		}
		for _, v := range versions {
			if v.IsNull() {
				if v.DeleteMarker {
					return v, ErrMethodNotAllowed
				}
				return v, nil
			}
		}
		return nil, ErrNoSuchVersion
	}
	seq, ok := parseVersionID(version)
	if !ok {
		return nil, ErrNoSuchVersion
	}
	v, err := s.meta.Get(verKey(bucket, key, seq))
	if errors.Is(err, engine.ErrNotFound) {
		return nil, ErrNoSuchVersion
	}
	if err != nil {
		return nil, err
	}
	o, err := decodeObject(v, bucket, key)
	if err != nil {
		return nil, err
	}
	if o.IsNull() {
		// The null version is named "null", never by its sequence.
		return nil, ErrNoSuchVersion
	}
	if o.DeleteMarker {
		return o, ErrMethodNotAllowed
	}
	return o, nil
}

func (s *Store) newestVersion(bucket, key string) (*Object, error) {
	p := verPrefix(bucket, key)
	it, err := s.meta.NewIter(p, prefixEnd(p))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	if !it.First() {
		return nil, it.Error()
	}
	return decodeObject(it.Value(), bucket, key)
}

// SetObjectACL replaces the ACL of a version (version as in GetObject).
func (s *Store) SetObjectACL(ctx context.Context, bucket, key, version string, acl ACL) (*Object, error) {
	return s.updateVersion(ctx, bucket, key, version, func(o *Object) { o.ACL = acl })
}

// SetObjectTags replaces the tags of a version.
func (s *Store) SetObjectTags(ctx context.Context, bucket, key, version string, tags map[string]string) (*Object, error) {
	return s.updateVersion(ctx, bucket, key, version, func(o *Object) { o.Tags = tags })
}

// updateVersion rewrites one version's record in place (not its data).
func (s *Store) updateVersion(ctx context.Context, bucket, key, version string, fn func(o *Object)) (*Object, error) {
	unlock := s.lockKey(bucket, key)
	defer unlock()
	_, release, err := s.writeTo(bucket)
	if err != nil {
		return nil, err
	}
	defer release()
	o, err := s.GetObject(ctx, bucket, key, version)
	if err != nil {
		return nil, err
	}
	fn(o)
	cur, err := s.getCurrent(bucket, key)
	if err != nil {
		return nil, err
	}
	rec := encode(o)
	batch := s.meta.NewBatch()
	batch.Set(verKey(bucket, key, o.Seq), rec)
	if cur != nil && cur.Seq == o.Seq {
		batch.Set(objKey(bucket, key), rec)
	}
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	return o, nil
}

// CopyInput describes a server-side copy.
type CopyInput struct {
	SrcBucket, SrcKey, SrcVersion string
	Bucket, Key                   string
	// ReplaceMeta takes Meta (and Tags) from this input instead of the
	// source.
	ReplaceMeta  bool
	Meta         Meta
	Tags         map[string]string
	StorageClass string // "" keeps the source's
	ACL          ACL
	Owner        string
	// Check, if set, judges the source (copy-source conditions) before any
	// byte is copied.
	Check func(src *Object) error
	// Max bounds the source size (ErrEntityTooLarge beyond it); 0 = none.
	Max int64
	// SrcCustomerKey decrypts an SSE-C source; SSE encrypts the copy.
	SrcCustomerKey []byte
	SSE            *SSERequest
	// ForbidOverwrite as in PutInput.
	ForbidOverwrite bool
	// Tee, if set, also receives the source's plaintext as it is copied
	// (to compute a checksum of the copy, say).
	Tee io.Writer
	// Adjust, if set, is called after the data is copied and before the
	// copy is published, with the source and the new version; it may change
	// the new version's Meta, Tags and Ext (a dialect records a checksum
	// computed through Tee, or keeps the source's tags while replacing its
	// metadata).
	Adjust func(src, dst *Object)
}

// CopyObject copies a version's data to a new version of another (or the
// same) key. It returns the new version and the source version it read.
func (s *Store) CopyObject(ctx context.Context, in CopyInput) (dst, src *Object, err error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, nil, err
	}
	if _, err := s.state(in.Bucket); err != nil {
		return nil, nil, err
	}
	enc, cr, err := s.encryptionFor(in.SSE)
	if err != nil {
		return nil, nil, err
	}
	src, rd, err := s.OpenObjectKey(ctx, in.SrcBucket, in.SrcKey, in.SrcVersion, in.SrcCustomerKey, func(o *Object) (int64, int64, error) {
		if in.Check != nil {
			if err := in.Check(o); err != nil {
				return 0, 0, err
			}
		}
		if in.Max > 0 && o.Size > in.Max {
			return 0, 0, ErrEntityTooLarge
		}
		return 0, o.Size, nil
	})
	if err != nil {
		return nil, src, err
	}
	w, err := s.writeData(ctx, Body{R: rd, Size: src.Size}, writeOpts{inline: true, enc: cr, tee: in.Tee})
	rd.Close()
	if err != nil {
		return nil, src, err
	}
	obj := &Object{
		Size:         w.sums.Size,
		ETag:         src.ETag,
		CRC64:        w.sums.CRC64,
		Meta:         src.Meta,
		Tags:         src.Tags,
		StorageClass: src.StorageClass,
		Owner:        in.Owner,
		ACL:          in.ACL,
		Extents:      []Extent{w.extent},
		Ext:          src.Ext,
		SSE:          enc,
	}
	if src.Parts > 0 || src.Appendable || src.SSE != nil {
		// A copy is a plain object: its ETag is the MD5 of its bytes.
		obj.ETag = hex.EncodeToString(w.sums.MD5[:])
		obj.Ext = withoutExt(src.Ext, "md5state")
	}
	if enc != nil && enc.Mode == SSECustomer {
		obj.ETag = sseETag(cr.key, w.sums.MD5)
	}
	if in.ReplaceMeta {
		obj.Meta, obj.Tags = in.Meta, in.Tags
	}
	if in.StorageClass != "" {
		obj.StorageClass = in.StorageClass
	}
	if in.Adjust != nil {
		in.Adjust(src, obj)
	}
	out, err := s.publish(ctx, in.Bucket, in.Key, []*written{w}, func(cur *Object, _ *Bucket) (*Object, error) {
		if in.ForbidOverwrite && cur != nil {
			return nil, ErrObjectExists
		}
		return obj, nil
	})
	if err != nil {
		s.discard(w)
		return nil, src, err
	}
	return out, src, nil
}

func withoutExt(m map[string]string, drop string) map[string]string {
	if _, ok := m[drop]; !ok {
		return m
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k != drop {
			out[k] = v
		}
	}
	return out
}

// AppendInput describes an append to an appendable object.
type AppendInput struct {
	Bucket, Key  string
	Position     int64
	Body         Body
	Meta         Meta // used when the append creates the object
	StorageClass string
	ACL          ACL
	Owner        string
	// MaxSize bounds the object's total size (ErrAppendTooLarge); 0 = none.
	MaxSize int64
	// AllowVersioned permits appends in a versioning-enabled bucket. An
	// append extends the current version in place; only an append that
	// creates the object makes a version.
	AllowVersioned bool
	// SSE encrypts an object the append creates; CustomerKey is the SSE-C
	// key of an existing SSE-C object.
	SSE         *SSERequest
	CustomerKey []byte
}

var errAppendVersioned = detail(ErrObjectNotAppend, "appends are not allowed in a versioning-enabled bucket")

// AppendResult is the object after an append and the appended piece's sums.
type AppendResult struct {
	*Object
	Piece checksum.Sums
}

// AppendObject appends a body at Position, which must equal the object's
// current length (0 creates the object). The object's ETag stays the MD5 of
// its whole content: the MD5 state is kept with the record and continued
// over the piece while it streams in, so no byte is read twice.
func (s *Store) AppendObject(ctx context.Context, in AppendInput) (*AppendResult, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	st, err := s.state(in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.Position < 0 {
		return nil, ErrPositionMismatch
	}
	if st.rec.Load().Versioning == VersioningEnabled && !in.AllowVersioned {
		return nil, errAppendVersioned
	}
	if in.MaxSize > 0 {
		if in.Body.Size >= 0 && in.Position+in.Body.Size > in.MaxSize {
			return nil, ErrAppendTooLarge
		}
		if room := in.MaxSize - in.Position; in.Body.Size < 0 && in.Body.R != nil {
			// A body of unknown length may add at most room bytes; room
			// may be zero, which Body.Max cannot say.
			in.Body.R = &limitReader{r: in.Body.R, n: max(room, 0)}
		}
	}
	// Read the state the piece continues. It is checked again under the
	// key's lock; a change in between means another append won.
	before, err := s.getCurrent(in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	var h hashState
	var enc *Encryption
	var cr *cryptor
	switch {
	case before == nil:
		if in.Position != 0 {
			return nil, ErrPositionMismatch
		}
		h = md5.New().(hashState)
		if enc, cr, err = s.encryptionFor(in.SSE); err != nil {
			return nil, err
		}
	case !before.Appendable:
		return nil, ErrObjectNotAppend
	case before.Size != in.Position:
		return nil, ErrPositionMismatch
	default:
		if h, err = md5State(before); err != nil {
			return nil, err
		}
		enc = before.SSE
		if cr, err = s.cryptorOf(enc, in.CustomerKey); err != nil {
			return nil, err
		}
	}
	// Inline only for the first piece, so an object has at most one inline
	// extent, its first.
	w, err := s.writeData(ctx, in.Body, writeOpts{inline: before == nil, enc: cr, tee: h})
	if err != nil {
		if errors.Is(err, ErrEntityTooLarge) {
			err = ErrAppendTooLarge
		}
		return nil, err
	}
	var out *Object
	if before == nil {
		out, err = s.publish(ctx, in.Bucket, in.Key, []*written{w}, func(cur *Object, b *Bucket) (*Object, error) {
			if b.Versioning == VersioningEnabled && !in.AllowVersioned {
				return nil, errAppendVersioned
			}
			if cur != nil {
				return nil, ErrPositionMismatch
			}
			o := &Object{
				Size: w.sums.Size, CRC64: w.sums.CRC64, Meta: in.Meta,
				StorageClass: in.StorageClass, Owner: in.Owner, ACL: in.ACL,
				Extents: []Extent{w.extent}, Appendable: true, SSE: enc,
			}
			return o, setMD5State(o, h)
		})
	} else {
		out, err = s.appendInPlace(ctx, in, before, w, h)
	}
	if err != nil {
		s.discard(w)
		return nil, err
	}
	return &AppendResult{Object: out, Piece: w.sums}, nil
}

// appendInPlace extends the current version with a new extent. The version
// keeps its id and sequence: an append never makes a new version, so no two
// versions ever share an extent (OSS documents appends in versioned buckets
// this way).
func (s *Store) appendInPlace(ctx context.Context, in AppendInput, before *Object, w *written, h hashState) (*Object, error) {
	unlock := s.lockKey(in.Bucket, in.Key)
	defer unlock()
	b, release, err := s.writeTo(in.Bucket)
	if err != nil {
		return nil, err
	}
	defer release()
	if b.Versioning == VersioningEnabled && !in.AllowVersioned {
		return nil, errAppendVersioned
	}
	cur, err := s.getCurrent(in.Bucket, in.Key)
	if err != nil {
		return nil, err
	}
	if cur == nil || cur.Seq != before.Seq || cur.Size != before.Size {
		if cur != nil && !cur.Appendable {
			return nil, ErrObjectNotAppend
		}
		return nil, ErrPositionMismatch
	}
	o := *cur
	o.Extents = append(append([]Extent(nil), cur.Extents...), w.extent)
	o.Size = cur.Size + w.sums.Size
	o.CRC64 = checksum.CRC64Combine(cur.CRC64, w.sums.CRC64, w.sums.Size)
	o.Modified = s.now().UTC()
	if err := setMD5State(&o, h); err != nil {
		return nil, err
	}
	delete(o.Ext, "sha1") // the content changed (setMD5State copied Ext)
	batch := s.meta.NewBatch()
	stage(batch, w.extent, w.inline, []byte(in.Bucket+"\x00"+in.Key))
	rec := encode(&o)
	batch.Set(objKey(in.Bucket, in.Key), rec)
	batch.Set(verKey(in.Bucket, in.Key, o.Seq), rec)
	if err := s.meta.Commit(ctx, batch); err != nil {
		return nil, err
	}
	return &o, nil
}

type hashState interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
	Write([]byte) (int, error)
	Sum([]byte) []byte
}

func md5State(o *Object) (hashState, error) {
	h := md5.New().(hashState)
	st, err := base64.StdEncoding.DecodeString(o.Ext["md5state"])
	if err != nil || h.UnmarshalBinary(st) != nil {
		return nil, detail(ErrObjectNotAppend, "append state is missing")
	}
	return h, nil
}

func setMD5State(o *Object, h any) error {
	hs := h.(hashState)
	st, err := hs.MarshalBinary()
	if err != nil {
		return err
	}
	ext := make(map[string]string, len(o.Ext)+1)
	for k, v := range o.Ext {
		ext[k] = v
	}
	ext["md5state"] = base64.StdEncoding.EncodeToString(st)
	o.Ext = ext
	o.ETag = hex.EncodeToString(hs.Sum(nil))
	return nil
}
