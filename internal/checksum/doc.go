// Package checksum computes the content checksums Arca records for object
// data: MD5 (the S3/COS/OSS ETag and Content-MD5), CRC-64/ECMA (what COS and
// OSS expose as x-cos-hash-crc64ecma / x-oss-hash-crc64ecma, a decimal
// uint64) and, on request, SHA-1 (needed by the COS JSON API).
//
// [Hasher] is an io.Writer that feeds every Write through all requested
// digests in one pass over the data, chunk by chunk, so each chunk is hashed
// while it is still in the L1 cache. The CRC-64 is
// bit-identical to hash/crc64 with the crc64.ECMA table (see
// [UpdateCRC64]): on amd64 with PCLMULQDQ it folds 64 bytes at a time by
// carry-less multiplication (crc64_clmul.go has the algebra), elsewhere
// and for short inputs it uses slicing-by-16 tables; [CRC64Combine] joins the CRCs of adjacent byte
// strings without rereading them, which multipart completion and appendable
// objects need. [MultipartETag] builds the S3-style "<hex>-<N>" ETag of a
// completed multipart upload.
//
// The package is protocol-neutral and imports no Arca packages; beyond the
// standard library it uses golang.org/x/sys/cpu.
package checksum
