// Package cors evaluates a bucket's cross-origin rules (the CORS
// configuration of COS, OSS and S3, which share one model): it answers
// OPTIONS preflight requests and adds the CORS headers to actual responses.
//
// Rule semantics, common to the three clouds: a rule applies when the
// request's Origin matches one of its AllowedOrigins (each may hold one "*"
// wildcard), its method (or, for a preflight, Access-Control-Request-Method)
// is one of AllowedMethods, and, for a preflight, every header named in
// Access-Control-Request-Headers matches one of AllowedHeaders (each may
// hold one "*"; header names compare case-insensitively). The first
// matching rule wins.
//
// It imports no Arca package.
package cors

import (
	"net/http"
	"strconv"
	"strings"
)

// Rule is one CORS rule.
type Rule struct {
	ID             string   `json:"id,omitempty"`
	AllowedOrigins []string `json:"origins"`
	AllowedMethods []string `json:"methods"`
	AllowedHeaders []string `json:"headers,omitempty"`
	ExposeHeaders  []string `json:"expose,omitempty"`
	MaxAgeSeconds  int      `json:"maxAge,omitempty"`
}

// Config is a bucket's rules, in order.
type Config struct {
	Rules []Rule `json:"rules"`
}

// Methods a rule may allow.
var Methods = map[string]bool{"GET": true, "PUT": true, "POST": true, "DELETE": true, "HEAD": true}

// Validate reports the first problem with a configuration, or "".
func (c *Config) Validate(maxRules int) string {
	if len(c.Rules) == 0 {
		return "a CORS configuration needs at least one rule"
	}
	if maxRules > 0 && len(c.Rules) > maxRules {
		return "too many CORS rules"
	}
	for _, r := range c.Rules {
		if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
			return "every CORS rule needs an AllowedOrigin and an AllowedMethod"
		}
		for _, m := range r.AllowedMethods {
			if !Methods[m] {
				return "unsupported AllowedMethod " + m
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return "an AllowedOrigin may hold at most one wildcard: " + o
			}
		}
		for _, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return "an AllowedHeader may hold at most one wildcard: " + h
			}
		}
	}
	return ""
}

// wildcard matches s against a pattern with at most one "*".
func wildcard(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	i := strings.IndexByte(pattern, '*')
	if i < 0 {
		return pattern == s
	}
	pre, suf := pattern[:i], pattern[i+1:]
	return len(s) >= len(pre)+len(suf) && strings.HasPrefix(s, pre) && strings.HasSuffix(s, suf)
}

// Match returns the first rule allowing origin, method and (for preflights)
// the requested headers.
func (c *Config) Match(origin, method string, requestHeaders []string) *Rule {
	if c == nil || origin == "" {
		return nil
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		if !anyMatch(r.AllowedOrigins, origin, false) {
			continue
		}
		okMethod := false
		for _, m := range r.AllowedMethods {
			if m == method {
				okMethod = true
				break
			}
		}
		if !okMethod {
			continue
		}
		allHeaders := true
		for _, h := range requestHeaders {
			if !anyMatch(r.AllowedHeaders, h, true) {
				allHeaders = false
				break
			}
		}
		if allHeaders {
			return r
		}
	}
	return nil
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if wildcard(p, s, fold) {
			return true
		}
	}
	return false
}

// RequestHeaders splits an Access-Control-Request-Headers value.
func RequestHeaders(v string) []string {
	var out []string
	for _, h := range strings.Split(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// Preflight evaluates an OPTIONS request. It returns false when no rule
// allows it (the dialect answers 403); otherwise it has set the response
// headers.
func (c *Config) Preflight(r *http.Request, h http.Header) bool {
	origin := r.Header.Get("Origin")
	method := r.Header.Get("Access-Control-Request-Method")
	reqHeaders := RequestHeaders(r.Header.Get("Access-Control-Request-Headers"))
	rule := c.Match(origin, method, reqHeaders)
	if rule == nil {
		return false
	}
	setCommon(h, rule, origin)
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ","))
	if len(reqHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(reqHeaders, ","))
	}
	if rule.MaxAgeSeconds > 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(rule.MaxAgeSeconds))
	}
	return true
}

// Actual adds the CORS headers to the response of a cross-origin request
// that a rule allows; it does nothing otherwise.
func (c *Config) Actual(r *http.Request, h http.Header) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h.Add("Vary", "Origin")
	rule := c.Match(origin, r.Method, nil)
	if rule == nil {
		return
	}
	setCommon(h, rule, origin)
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ","))
}

func setCommon(h http.Header, rule *Rule, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	if len(rule.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ","))
	}
}
