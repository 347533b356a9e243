package oss

import (
	"encoding/json"
	"encoding/xml"
	"net/http"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/wire/cors"
)

// corsConfigKey names a bucket's CORS rules in its record: the key and
// the JSON model (wire/cors) are COS's, so both dialects see the same
// rules. OSS's ResponseVary, which the model lacks, is kept beside them.
const (
	corsConfigKey = "cors"
	corsVaryKey   = "oss-cors-vary"
)

type xmlCORSRule struct {
	AllowedOrigins []string `xml:"AllowedOrigin"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedHeaders []string `xml:"AllowedHeader,omitempty"`
	ExposeHeaders  []string `xml:"ExposeHeader,omitempty"`
	MaxAgeSeconds  *int     `xml:"MaxAgeSeconds,omitempty"`
}

type xmlCORS struct {
	XMLName      xml.Name      `xml:"CORSConfiguration"`
	Rules        []xmlCORSRule `xml:"CORSRule"`
	ResponseVary *bool         `xml:"ResponseVary,omitempty"`
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

func responseVary(b *core.Bucket) bool { return string(b.Configs[corsVaryKey]) == "true" }

func (c *call) putCORS() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	body, err := c.readBody(16 << 10)
	if err != nil {
		return err
	}
	var in xmlCORS
	if err := unmarshalBody(body, &in); err != nil {
		return err
	}
	if len(in.Rules) > maxCORSRules {
		return errorf("CORSRuleBeyondLimit", 400, "The CORS Rules num is beyond limit.")
	}
	var cfg cors.Config
	for _, r := range in.Rules {
		rule := cors.Rule{AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders}
		if r.MaxAgeSeconds != nil {
			rule.MaxAgeSeconds = *r.MaxAgeSeconds
		}
		cfg.Rules = append(cfg.Rules, rule)
	}
	if msg := cfg.Validate(maxCORSRules); msg != "" {
		return invalidArgument("", "CORSRule", "", "%s", msg)
	}
	raw, _ := json.Marshal(&cfg)
	vary := in.ResponseVary != nil && *in.ResponseVary
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		nb.Configs[corsConfigKey] = raw
		delete(nb.Configs, corsVaryKey)
		if vary {
			nb.Configs[corsVaryKey] = []byte("true")
		}
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
	if err := c.requireOwner(b); err != nil {
		return err
	}
	cfg := bucketCORS(b)
	if cfg == nil {
		return errNoSuchCORS
	}
	vary := responseVary(b)
	out := xmlCORS{ResponseVary: &vary}
	for _, r := range cfg.Rules {
		x := xmlCORSRule{AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders}
		if r.MaxAgeSeconds > 0 {
			m := r.MaxAgeSeconds
			x.MaxAgeSeconds = &m
		}
		out.Rules = append(out.Rules, x)
	}
	return c.writeXML(200, out)
}

func (c *call) deleteCORS() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	if err := c.requireOwner(b); err != nil {
		return err
	}
	if _, err := c.h.store.UpdateBucket(c.r.Context(), b.Name, func(nb *core.Bucket) error {
		delete(nb.Configs, corsConfigKey)
		delete(nb.Configs, corsVaryKey)
		return nil
	}); err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}

// options answers a CORS preflight on a bucket or object. It needs no
// signature.
func (c *call) options() error {
	b, err := c.bucket()
	if err != nil {
		return err
	}
	switch {
	case c.r.Header.Get("Origin") == "":
		return errorf("BadRequest", 400, "Insufficient information. Origin request header needed.")
	case c.r.Header.Get("Access-Control-Request-Method") == "":
		return errorf("BadRequest", 400, "Insufficient information. Request Access-Control-Request-Method header needed.")
	}
	cfg := bucketCORS(b)
	if cfg == nil || !cfg.Preflight(c.r, c.w.Header()) {
		// The actual-request headers set earlier do not apply to a refusal.
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
			c.w.Header().Del(h)
		}
		return errCORSForbidden
	}
	if responseVary(b) {
		c.w.Header().Add("Vary", "Origin")
	}
	return c.empty(200)
}

// corsHeaders adds the CORS headers to the response of a cross-origin
// request (successful or not, so that a page can read errors too).
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
		if responseVary(b) {
			c.w.Header().Add("Vary", "Origin")
		}
	}
}
