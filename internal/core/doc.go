// Package core is Arca's protocol-neutral object model: buckets, objects,
// versions, multipart uploads, appendable objects, ACLs and user metadata.
// Every wire dialect (COS, COS JSON, OSS, S3) translates its requests into
// calls on a *Store and renders what comes back; core knows nothing of HTTP.
//
// It imports engine (and shared helpers such as checksum) only, never net/http
// or a dialect.
//
// # Invariants
//
//   - An object version is visible only after its data and its metadata are
//     durable: data first (a blob's Commit fsyncs it, or inline data rides in
//     the metadata batch), then one atomic Meta.Commit that names it.
//   - A failed or interrupted write leaves nothing visible. Its blob is
//     removed at once, or, after a crash, by the orphan sweep at the next
//     start (a blob no R/ key names, created before the process started).
//   - Writers to one key serialise on a per-key lock held from reading the
//     current version to the end of the commit, so concurrent PUTs to one key
//     end with one of them whole. Readers never lock: they read the record,
//     open its data, and retry if the data was replaced in between.
//   - Lock order: an upload's lock, then key locks (several in stripe
//     order), then the bucket's live lock (read-held by object writes for
//     their commit, write-held by bucket updates and deletion).
//   - Data that a committed batch stops naming is deleted only after that
//     commit returns.
//
// # Key layout in Meta
//
//	B/<bucket>                                   bucket record
//	O/<bucket>\x00<key>                          current version (absent when none, or when the newest is a delete marker)
//	V/<bucket>\x00<key>\x00<^seq, 8 bytes BE>    every version, newest first per key (a bucket never versioned has one per key)
//	D/<extent id>                                inline data of a small object
//	R/<blob id>                                  the blob is referenced (its absence marks an orphan)
//	U/<bucket>\x00<key>\x00<upload id>           in-progress multipart upload
//	P/<upload id>\x00<part number, 4 bytes BE>   uploaded part
//	N/<token>                                    a one-time token already used (ClaimOnce)
//	S/<name>                                     store-wide state (sequence floor)
//
// Object keys never contain NUL, so "\x00" ends a key unambiguously and the
// byte order of O/ keys is the UTF-8 binary order that listings promise.
package core
