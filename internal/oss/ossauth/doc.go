// Package ossauth parses, verifies and produces Alibaba Cloud OSS request
// signatures: V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256), each in the
// Authorization header and in a pre-signed URL, and the V1 and V4
// signatures of PostObject forms.
//
// # V1
//
// A V1 signature is base64(HMAC-SHA1(SecretKey, StringToSign)) with
//
//	StringToSign = VERB "\n" Content-MD5 "\n" Content-Type "\n" Date "\n"
//	               CanonicalizedOSSHeaders CanonicalizedResource
//
// CanonicalizedOSSHeaders is every x-oss-* header (x-oss-security-token
// and x-oss-date included), names lowercased and sorted, each as
// "name:value\n". CanonicalizedResource is "/bucket/key" with the key
// decoded, "/bucket/" for a bucket-level request and "/" for the service,
// followed by "?" and the sub-resources in the query sorted by name, each
// "k=v" with the decoded value or a bare "k" when the value is empty (see
// CanonicalResource and IsSubresource for the list, taken from the two
// official Go SDKs).
//
// In the header, "Authorization: OSS AccessKeyId:Signature", Date is the
// value of the x-oss-date header if there is one, else of Date; it must be
// within MaxSkew of the server's clock. In a pre-signed URL,
// ?OSSAccessKeyId=&Expires=&Signature=[&security-token=], Date is the
// Expires parameter, an absolute Unix time after which the URL is refused.
//
// # V4
//
// A V4 signature is hex(HMAC-SHA256(SigningKey, StringToSign)) with
//
//	SigningKey       = HMAC chain over "aliyun_v4"+SecretKey: date, region, product, "aliyun_v4_request"
//	StringToSign     = "OSS4-HMAC-SHA256\n" timestamp "\n" scope "\n" hex(SHA256(CanonicalRequest))
//	CanonicalRequest = VERB "\n" URI "\n" Query "\n" Headers "\n" AdditionalHeaders "\n" "UNSIGNED-PAYLOAD"
//
// scope is "date/region/product/aliyun_v4_request" from the credential;
// the region is taken as given (Arca is one region and accepts any) and
// the product is "oss" or "oss-cloudbox". URI is EscapePath("/bucket/key").
// Query is every parameter but x-oss-signature, names and values encoded
// with Escape, sorted, each "k=v" or a bare "k" when the value is empty
// (where AWS writes "k="). Headers is every x-oss-* header, Content-Type,
// Content-MD5 and the listed additional headers, lowercased, sorted, each
// "name:trimmed value\n".
//
// In the header, "Authorization: OSS4-HMAC-SHA256 Credential=AK/scope,
// AdditionalHeaders=a;b, Signature=hex", timestamp is the x-oss-date header
// (YYYYMMDDThhmmssZ); it must be within MaxSkew of the server's clock and
// on the credential's date, and x-oss-content-sha256, if sent, must be
// UNSIGNED-PAYLOAD. In a pre-signed URL the fields are the parameters
// x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires
// (1 to 604800 seconds after x-oss-date), x-oss-additional-headers,
// x-oss-security-token and x-oss-signature; the URL is valid from MaxSkew
// before x-oss-date to x-oss-date + x-oss-expires.
//
// # PostObject
//
// A V1 form carries OSSAccessKeyId, policy and Signature =
// base64(HMAC-SHA1(SecretKey, policy)), where policy is the base64 text as
// sent (COS, by contrast, hashes the decoded JSON). A V4 form carries
// x-oss-signature-version, x-oss-credential, x-oss-date, policy and
// x-oss-signature = hex(HMAC-SHA256(SigningKey, policy)); x-oss-date must
// be on the credential's date and the form is accepted from MaxSkew before
// it to seven days after. See ParsePost.
//
// # Where clients differ, and what Verify tolerates
//
// Verify recomputes the signature the documented way first. Only if that
// fails does it retry, and only where the retry builds another string:
//
//   - V1 header: with the Date header as date line when x-oss-date is also
//     present and differs (aliyun-oss-go-sdk always signs Date);
//   - V1: with aliyun-oss-go-sdk's own sub-resource list, which leaves out
//     x-oss-* parameters it does not know (alibabacloud-oss-go-sdk-v2 signs
//     them all);
//   - V4: with the query as the client sent it rather than re-encoded,
//     once with "+" read as "%20" (alibabacloud-oss-go-sdk-v2) and once
//     unchanged (aliyun-oss-go-sdk encodes a space in a parameter name as
//     "+").
//
// A V4 signed header without x-oss-date is signed over the Date header
// text (aliyun-oss-go-sdk with AuthV4 sends only Date). A "+" left
// unencoded in a V1 URL's Signature, which arrives as a space, is read as
// "+". Header values are taken as the server received them, trimmed, and
// a repeated header counts as its values joined by ",".
//
// # Errors
//
// Every error is an *Error with the code, status and message OSS returns
// and the EC detail code of its error-code pages (help.aliyun.com/en/oss/
// user-guide/<EC>):
//
//	signature does not match   SignatureDoesNotMatch 403  V1 0002-00000040, V4 0002-00000201, form 0002-00000705
//	URL expired                AccessDenied 403           "Request has expired." V1 0002-00000069, V4 0002-00000236
//	V4 URL before x-oss-date   AccessDenied 403           0002-00000235 (more than 15 min early)
//	date off by > 15 min       RequestTimeTooSkewed 403   0002-00000504
//	no or bad Date/x-oss-date  AccessDenied 403           0002-00000503 / 0002-00000502
//	malformed fields           InvalidArgument 400        0002-000000xx (V1), 0002-000002xx (V4), 0002-000007xx (form)
//	V1 URL field missing       AccessDenied 403           "Query-string authentication requires ..." 0002-00000067/71/75
//	V1 URL Expires not a time  AccessDenied 403           "Invalid date (should be seconds since epoch)." 0002-00000068/70
//	x-oss-expires out of range InvalidArgument 400        0002-00000232
//	unknown AccessKeyId        InvalidAccessKeyId 403     0002-00000902 (returned by callers: ErrInvalidAccessKeyID)
//
// A mismatch carries StringToSign (and CanonicalRequest for V4),
// SignatureProvided and the AccessKeyId for the error body, as OSS sends
// them.
//
// # Not supported
//
// The OSS2 (V2) scheme of aliyun-oss-go-sdk's AuthV2 option is refused as
// malformed. The V4 variant of OSS Vectors and tables (which signs an ARN
// instead of /bucket/key) and RTMP (LiveChannel) ingest URLs are not
// recognized and fail to verify.
//
// # Imports
//
// This package depends on the standard library only and imports no Arca
// package: it knows requests and keys, not buckets or objects. Resolving
// the bucket and key of a request, looking up the secret key, checking
// the security token and the PostObject policy, and writing the XML error
// body are the caller's job.
package ossauth
