package httpx

import "testing"

func TestParseQuery(t *testing.T) {
	q := ParseQuery("q-sign-time=1;2&q-key-time=1%3B2&acl&a=b+c&bad=%zz&&x=1&x=2")
	for k, want := range map[string]string{"q-sign-time": "1;2", "q-key-time": "1;2", "acl": "", "a": "b c", "bad": "%zz"} {
		if got, ok := q[k]; !ok || got[0] != want {
			t.Errorf("q[%q] = %q, want %q", k, got, want)
		}
	}
	if len(q["x"]) != 2 {
		t.Errorf("x = %q", q["x"])
	}
}
