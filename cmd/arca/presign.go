package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/arcastore/arca/internal/cos/cosauth"
	"github.com/arcastore/arca/internal/oss/ossauth"
	"github.com/arcastore/arca/internal/s3/s3auth"
)

// presign prints a pre-signed URL, the equivalent of the SDKs'
// GetPresignedURL (COS), SignURL / Presign (OSS, V1 or V4) and
// PresignClient (S3, SigV4), for a plain HTTP client (curl, a browser) to
// use.
func presign(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("presign", flag.ContinueOnError)
	dialect := fs.String("dialect", "cos", "signature dialect: cos, oss (V1), oss-v4 or s3 (SigV4)")
	region := fs.String("region", "", "oss-v4 and s3: region of the credential scope (any region is accepted); default cn-hangzhou (ARCA_OSS_REGION) for oss-v4, us-east-1 (ARCA_S3_REGION) for s3")
	endpoint := fs.String("endpoint", env("ARCA_ENDPOINT", "http://127.0.0.1:9100"), "server URL; path-style unless --virtual-host (ARCA_ENDPOINT)")
	bucket := fs.String("bucket", "", "bucket, e.g. photos-1250000000 (required)")
	key := fs.String("key", "", "object key (required)")
	method := fs.String("method", "GET", "HTTP method the URL allows: GET, PUT, HEAD or DELETE")
	expires := fs.Duration("expires", time.Hour, "how long the URL stays valid")
	vhost := fs.Bool("virtual-host", false, "put the bucket in the host name (<bucket>.<endpoint host>)")
	contentType := fs.String("content-type", "", "for PUT: pin the upload's Content-Type (the client must send it)")
	data := fs.String("data", env("ARCA_DATA", "./arca-data"), "data directory to read generated credentials from (ARCA_DATA)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bucket == "" || *key == "" {
		return errors.New("presign: --bucket and --key are required")
	}
	ak, sk, err := rootKeys(*data)
	if err != nil {
		return fmt.Errorf("presign: %w", err)
	}
	u, err := url.Parse(*endpoint)
	if err != nil || u.Host == "" {
		return fmt.Errorf("presign: bad --endpoint %q", *endpoint)
	}
	path := "/" + *bucket + "/" + *key
	if *vhost {
		u.Host = *bucket + "." + u.Host
		path = "/" + *key
	}
	m := strings.ToUpper(*method)
	h := http.Header{}
	if *contentType != "" {
		h.Set("Content-Type", *contentType)
	}
	now := time.Now()
	u.Path = path
	r := &http.Request{Method: m, URL: u, Host: u.Host, Header: h}
	switch d := strings.ToLower(*dialect); d {
	case "cos":
		u.RawQuery = cosauth.Presign(m, path, nil, h, u.Host, ak, sk, "", now, now.Add(*expires)).Encode()
	case "oss":
		ossauth.PresignV1(r, *bucket, *key, ossauth.Credentials{AccessKey: ak, SecretKey: sk}, now.Add(*expires))
	case "oss-v4":
		if *region == "" {
			*region = env("ARCA_OSS_REGION", "cn-hangzhou")
		}
		if err := ossauth.PresignV4(r, *bucket, *key, ossauth.Credentials{AccessKey: ak, SecretKey: sk},
			ossauth.V4Options{Region: *region}, now, expires.Truncate(time.Second)); err != nil {
			return fmt.Errorf("presign: %w", err)
		}
	case "s3":
		if *region == "" {
			*region = env("ARCA_S3_REGION", "us-east-1")
		}
		if err := s3auth.PresignV4(r, s3auth.Credentials{AccessKey: ak, SecretKey: sk}, *region, now, *expires); err != nil {
			return fmt.Errorf("presign: %w", err)
		}
	default:
		return fmt.Errorf("presign: unsupported dialect %q", *dialect)
	}
	_, err = fmt.Fprintln(out, u.String())
	return err
}
