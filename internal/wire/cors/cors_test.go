package cors

import (
	"net/http/httptest"
	"testing"
)

func TestMatch(t *testing.T) {
	c := &Config{Rules: []Rule{
		{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "POST"}, AllowedHeaders: []string{"x-cos-*", "content-type"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: 600},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}}
	if msg := c.Validate(100); msg != "" {
		t.Fatal(msg)
	}
	tests := []struct {
		origin, method string
		headers        []string
		rule           int
	}{
		{"https://app.example.com", "POST", nil, 0},
		{"https://app.example.com", "PUT", []string{"X-COS-META-A", "Content-Type"}, 0},
		{"https://app.example.com", "PUT", []string{"authorization"}, -1},
		{"http://app.example.com", "POST", nil, -1},
		{"https://example.com", "POST", nil, -1},
		{"http://anything", "GET", nil, 1},
		{"http://anything", "DELETE", nil, -1},
		{"", "GET", nil, -1},
	}
	for _, tt := range tests {
		got := c.Match(tt.origin, tt.method, tt.headers)
		want := (*Rule)(nil)
		if tt.rule >= 0 {
			want = &c.Rules[tt.rule]
		}
		if got != want {
			t.Errorf("Match(%q, %q, %q) = %v, want rule %d", tt.origin, tt.method, tt.headers, got, tt.rule)
		}
	}
	r := httptest.NewRequest("OPTIONS", "http://b/k", nil)
	r.Header.Set("Origin", "https://a.example.com")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "content-type")
	w := httptest.NewRecorder()
	if !c.Preflight(r, w.Header()) {
		t.Fatal("preflight refused")
	}
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://a.example.com" {
		t.Errorf("Allow-Origin = %q", got)
	}
	if got := w.Header().Get("Access-Control-Max-Age"); got != "600" {
		t.Errorf("Max-Age = %q", got)
	}
	bad := &Config{Rules: []Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}
	if bad.Validate(100) == "" {
		t.Error("PATCH accepted")
	}
}
