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
)

// presign prints a COS pre-signed URL, the equivalent of the SDKs'
// GetPresignedURL, for a plain HTTP client (curl, a browser) to use.
func presign(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("presign", flag.ContinueOnError)
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
	q := cosauth.Presign(m, path, nil, h, u.Host, ak, sk, "", now, now.Add(*expires))
	u.Path = path
	u.RawQuery = q.Encode()
	_, err = fmt.Fprintln(out, u.String())
	return err
}
