package cos

import (
	"encoding/json"
	"encoding/xml"
	"net/http"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/wire/cors"
)

// corsConfigKey names a bucket's CORS rules in its record. The rules are
// shared by every dialect (they are the same model in COS, OSS and S3).
const corsConfigKey = "cors"

// maxCORSRules is COS's limit on rules per bucket.
const maxCORSRules = 100

type xmlCORSRule struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedHeaders []string `xml:"AllowedHeader,omitempty"`
	MaxAgeSeconds  int      `xml:"MaxAgeSeconds,omitempty"`
	ExposeHeaders  []string `xml:"ExposeHeader,omitempty"`
}

type xmlCORS struct {
	XMLName xml.Name      `xml:"CORSConfiguration"`
	Rules   []xmlCORSRule `xml:"CORSRule"`
}

// bucketCORS returns a bucket's CORS rules, or nil.
func bucketCORS(b *core.Bucket) *cors.Config {
	raw, ok := b.Configs[corsConfigKey]
	if !ok {
		return nil
	}
	var c cors.Config
	if json.Unmarshal(raw, &c) != nil {
		return nil
	}
	return &c
}

func (c *call) putCORS() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.principal != b.Owner {
		return errAccessDenied
	}
	var in xmlCORS
	if err := c.readXML(&in); err != nil {
		return err
	}
	var cfg cors.Config
	for _, r := range in.Rules {
		cfg.Rules = append(cfg.Rules, cors.Rule{
			ID: r.ID, AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds,
		})
	}
	if msg := cfg.Validate(maxCORSRules); msg != "" {
		return errorf("InvalidArgument", 400, "%s", msg)
	}
	raw, _ := json.Marshal(&cfg)
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		nb.Configs[corsConfigKey] = raw
		return nil
	}); err != nil {
		return err
	}
	return c.empty(200)
}

func (c *call) getCORS() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.principal != b.Owner {
		return errAccessDenied
	}
	cfg := bucketCORS(b)
	if cfg == nil {
		return errorf("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist.")
	}
	var out xmlCORS
	for _, r := range cfg.Rules {
		out.Rules = append(out.Rules, xmlCORSRule{
			ID: r.ID, AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds,
		})
	}
	return writeXML(c.w, 200, out)
}

func (c *call) deleteCORS() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.principal != b.Owner {
		return errAccessDenied
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, corsConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}

// options answers a CORS preflight (OPTIONS Object, or OPTIONS on the
// bucket for a form POST). It needs no signature.
func (c *call) options() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if c.r.Header.Get("Origin") == "" || c.r.Header.Get("Access-Control-Request-Method") == "" {
		return errorf("InvalidRequest", 400, "A CORS preflight needs the Origin and Access-Control-Request-Method headers.")
	}
	cfg := bucketCORS(b)
	if cfg == nil || !cfg.Preflight(c.r, c.w.Header()) {
		// The actual-request headers set earlier do not apply to a refusal.
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers"} {
			c.w.Header().Del(h)
		}
		return errorf("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
	}
	return c.empty(200)
}

// corsHeaders adds the CORS headers to the response of a cross-origin
// request (successful or not, so that the page can read errors too).
func (c *call) corsHeaders() {
	if c.r.Header.Get("Origin") == "" || c.req.Bucket == "" || c.r.Method == http.MethodOptions {
		return
	}
	b, err := c.h.store.Bucket(c.r.Context(), c.req.Bucket)
	if err != nil {
		return
	}
	if cfg := bucketCORS(b); cfg != nil {
		cfg.Actual(c.r, c.w.Header())
	}
}
