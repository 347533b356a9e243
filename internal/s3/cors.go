package s3

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/wire/cors"
)

// corsConfigKey names a bucket's CORS rules in its record: the same key
// and JSON model (internal/wire/cors) as COS and OSS, so that rules set in
// one dialect apply in all.
const corsConfigKey = "cors"

// maxCORSRules is S3's limit on rules per configuration.
const maxCORSRules = 100

type xmlCORSRule struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedHeaders []string `xml:"AllowedHeader,omitempty"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	ExposeHeaders  []string `xml:"ExposeHeader,omitempty"`
	MaxAgeSeconds  int      `xml:"MaxAgeSeconds,omitempty"`
}

type xmlCORS struct {
	XMLName xml.Name      `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CORSConfiguration"`
	Rules   []xmlCORSRule `xml:"CORSRule"`
}

type inCORS struct {
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
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	var in inCORS
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
	if len(cfg.Rules) == 0 {
		return errMalformedXML
	}
	if msg := cfg.Validate(maxCORSRules); msg != "" {
		return invalidRequest("%s", msg)
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
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	cfg := bucketCORS(b)
	if cfg == nil {
		return errNoSuchCORS
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
	if err := c.ownerOnly(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, corsConfigKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(204)
}

// options answers a CORS preflight. It needs no signature.
func (c *call) options() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	origin, method := c.r.Header.Get("Origin"), c.r.Header.Get("Access-Control-Request-Method")
	if origin == "" {
		return errorf("BadRequest", 400, "Insufficient information. Origin request header needed.")
	}
	if !cors.Methods[method] {
		return errorf("BadRequest", 400, "Invalid Access-Control-Request-Method: %s", method)
	}
	cfg := bucketCORS(b)
	if cfg == nil {
		c.dropCORSHeaders()
		return errorf("AccessForbidden", 403, "CORSResponse: CORS is not enabled for this bucket.")
	}
	if !cfg.Preflight(c.r, c.w.Header()) {
		c.dropCORSHeaders()
		return errorf("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
	}
	c.wildcardOrigin(cfg, method, cors.RequestHeaders(c.r.Header.Get("Access-Control-Request-Headers")))
	return c.empty(200)
}

// wildcardOrigin applies S3's answer to an origin allowed by a rule whose
// AllowedOrigin is "*": Access-Control-Allow-Origin is "*" rather than the
// origin, without Access-Control-Allow-Credentials.
func (c *call) wildcardOrigin(cfg *cors.Config, method string, reqHeaders []string) {
	rule := cfg.Match(c.r.Header.Get("Origin"), method, reqHeaders)
	if rule == nil || !slices.Contains(rule.AllowedOrigins, "*") {
		return
	}
	h := c.w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Del("Access-Control-Allow-Credentials")
}

// dropCORSHeaders removes CORS headers set earlier, which do not apply to
// a refused preflight.
func (c *call) dropCORSHeaders() {
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers"} {
		c.w.Header().Del(h)
	}
}

// corsHeaders adds the CORS headers to the response of a cross-origin
// request, successful or not, so that the page can read errors too.
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
		c.wildcardOrigin(cfg, c.r.Method, nil)
	}
}
