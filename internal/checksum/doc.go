// Package checksum computes the content checksums Arca records for object
// data: MD5 (the S3/COS/OSS ETag and Content-MD5), CRC-64/ECMA (what COS and
// OSS expose as x-cos-hash-crc64ecma / x-oss-hash-crc64ecma, a decimal
// uint64) and, on request, SHA-1 (needed by the COS JSON API).
//
// [Hasher] is an io.Writer that feeds every Write through all requested
// digests. Its MD5, on amd64 with AVX-512, hashes concurrent uploads side by
// side in the lanes of one vector register (md5lanes.go: streams that hash
// at the same time combine on the goroutine of one of them; a lone stream
// uses crypto/md5). CRC-64 and SHA-1 go chunk by chunk, so each chunk is
// still in L1 for the second. The CRC-64 is
// bit-identical to hash/crc64 with the crc64.ECMA table (see
// [UpdateCRC64]): on amd64 with PCLMULQDQ it folds 64 bytes at a time by
// carry-less multiplication (crc64_clmul.go has the algebra), elsewhere
// and for short inputs it uses slicing-by-16 tables; [CRC64Combine] joins the CRCs of adjacent byte
// strings without rereading them, which multipart completion and appendable
// objects need. [MultipartETag] builds the S3-style "<hex>-<N>" ETag of a
// completed multipart upload.
//
// [SHA256Batch] hashes many independent SHA-256 messages together (the
// chunks of a SigV4 streaming upload, each signed by its own SHA-256): on
// amd64 with AVX-512, 16 at a time in the lanes of ZMM registers
// (sha256lanes.go), elsewhere one after another with crypto/sha256.
//
// The package is protocol-neutral and imports no Arca packages; beyond the
// standard library it uses golang.org/x/sys/cpu.
package checksum
