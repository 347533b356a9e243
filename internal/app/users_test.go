package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcastore/arca/internal/iam"
)

// TestAccounts covers the users file and its checks: every account's keys
// find it, and ids and access keys are unique, root's included.
func TestAccounts(t *testing.T) {
	root := &iam.Account{ID: "100000000001", AccessKey: "ROOTAK", SecretKey: "rootsk"}
	write := func(t *testing.T, body string) string {
		p := filepath.Join(t.TempDir(), "users.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write(t, `[{"id": "alt", "display_name": "Alt", "access_key": "ALTAK", "secret_key": "altsk", "email": "alt@example.com"},
		{"id": "tmp", "access_key": "TMPAK", "secret_key": "tmpsk", "session_token": "tok"}]`)
	keys, err := accounts(root, Config{UsersFile: good, Users: []iam.Account{{ID: "t3", AccessKey: "T3AK", SecretKey: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 {
		t.Fatalf("%d accounts", len(keys))
	}
	if a, ok := keys.Lookup("ALTAK"); !ok || a.ID != "alt" || a.DisplayName != "Alt" || a.SecretKey != "altsk" {
		t.Errorf("alt = %+v", a)
	}
	if a, ok := keys.ByEmail("ALT@example.com"); !ok || a.ID != "alt" {
		t.Errorf("by e-mail = %+v", a)
	}
	if a, ok := keys.Lookup("TMPAK"); !ok || a.SessionToken != "tok" {
		t.Errorf("tmp = %+v", a)
	}
	if a, ok := keys.ByID(root.ID); !ok || a != root {
		t.Errorf("root by id = %+v", a)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"unknown field", `[{"id": "a", "access_key": "A", "secret_key": "s", "secret": "typo"}]`, "unknown field"},
		{"missing secret", `[{"id": "a", "access_key": "A"}]`, "required"},
		{"root's id", `[{"id": "100000000001", "access_key": "A", "secret_key": "s"}]`, "used twice"},
		{"root's key", `[{"id": "a", "access_key": "ROOTAK", "secret_key": "s"}]`, "already in use"},
		{"same key twice", `[{"id": "a", "access_key": "K", "secret_key": "s"}, {"id": "b", "access_key": "K", "secret_key": "s"}]`, "already in use"},
		{"space in id", `[{"id": "a b", "access_key": "K", "secret_key": "s"}]`, "white space"},
		{"not a list", `{"id": "a"}`, "users file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := accounts(root, Config{UsersFile: write(t, tc.body)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("accounts = %v, want an error with %q", err, tc.want)
			}
		})
	}
	if _, err := accounts(root, Config{UsersFile: filepath.Join(t.TempDir(), "absent.json")}); err == nil {
		t.Error("a missing users file was accepted")
	}
}
