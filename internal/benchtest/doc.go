// Package benchtest holds Go benchmarks of whole requests against an
// in-process Arca (arcatest.Start: a real server on loopback, data in a
// temporary directory, WAL fsyncs included). It has no code of its own:
// the benchmarks are in its _test.go files and run only with -bench:
//
//	go test -run '^$' -bench . -benchmem ./internal/benchtest
//
// BenchmarkPutGet4KiB is one PUT of a new 4 KiB key and one GET of it per
// iteration, the bytes checked, through each dialect's official Go SDK
// (virtual-host addressing, header signatures):
//
//	cos-go-sdk-v5                 COS q-sign
//	aliyun-oss-go-sdk-V1          OSS V1
//	aliyun-oss-go-sdk-V4          OSS V4 (AuthV4)
//	alibabacloud-oss-go-sdk-v2    OSS V4
//	aws-sdk-go-v2                 SigV4 (plain HTTP: the body's SHA-256 signed, a CRC32 checksum)
//
// BenchmarkCOSJSONUpload4KiB is one COS JSON API v2 simple upload
// (op=upload, multipart/form-data, a multi-use signature made per request)
// of a new 4 KiB file per iteration.
//
// Client and server share the process and the machine's cores, so ns/op,
// B/op and allocs/op are client plus server.
//
// The signature verification itself is measured next to each scheme's
// code, without HTTP or storage (each iteration parses and verifies one
// request and fails the benchmark if verification fails):
//
//	go test -run '^$' -bench . -benchmem \
//	  ./internal/cos/cosauth ./internal/cos ./internal/cosjson \
//	  ./internal/oss/ossauth ./internal/s3/s3auth
//
//	cos/cosauth   VerifyHeader, VerifyPresigned      COS q-sign header and pre-signed URL
//	cos           VerifyPostPolicy                   POST Object form: signature, policy parse, conditions
//	cosjson       VerifyMulti, VerifyMultiBound      JSON API v2 authenticate + authorize
//	oss/ossauth   VerifyV1, VerifyV1Presigned        OSS V1 header and URL
//	              VerifyV4, VerifyV4Presigned        OSS V4 header and URL (signing key cached)
//	              VerifyV4NewKey                     OSS V4 header, signing key derived
//	              VerifyPostV4                       PostObject V4 form signature
//	s3/s3auth     VerifyHeader, VerifyPresigned      SigV4 header and URL (signing key cached)
//	              VerifyHeaderNewKey                 SigV4 header, signing key derived
//	              VerifyV2                           SigV2 header
//	              DecodeSigned64KiB, ...             aws-chunked bodies, per MiB (MB/s)
//
// bench/README.md ("Signature verification and SDK round trips") has the
// figures.
package benchtest
