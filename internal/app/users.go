package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/arcastore/arca/internal/iam"
)

// userEntry is one account of a users file.
type userEntry struct {
	ID           string `json:"id"`
	DisplayName  string `json:"display_name"`
	AccessKey    string `json:"access_key"`
	SecretKey    string `json:"secret_key"`
	Email        string `json:"email"`
	SessionToken string `json:"session_token"`
}

// LoadUsers reads a users file: a JSON array of accounts besides root,
//
//	[{"id": "alt", "display_name": "Alt User", "access_key": "AK...",
//	  "secret_key": "...", "email": "alt@example.com"}]
//
// id, access_key and secret_key are required; display_name (shown as the
// owner's name) and email (for grants by e-mail address) are optional, and
// session_token makes the keys temporary credentials that requests must
// present with x-amz-security-token. Unknown fields are refused, so that a
// typo does not pass silently.
func LoadUsers(path string) ([]iam.Account, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var entries []userEntry
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	out := make([]iam.Account, len(entries))
	for i, e := range entries {
		out[i] = iam.Account{ID: e.ID, DisplayName: e.DisplayName, AccessKey: e.AccessKey, SecretKey: e.SecretKey,
			Email: e.Email, SessionToken: e.SessionToken}
	}
	return out, nil
}

// accounts is the keyring of root and the configured users. Ids and access
// keys must be unique, root's included.
func accounts(root *iam.Account, cfg Config) (iam.Static, error) {
	users := append([]iam.Account(nil), cfg.Users...)
	if cfg.UsersFile != "" {
		more, err := LoadUsers(cfg.UsersFile)
		if err != nil {
			return nil, err
		}
		users = append(users, more...)
	}
	keys := iam.Static{root}
	ids := map[string]bool{root.ID: true}
	aks := map[string]bool{root.AccessKey: true}
	for i := range users {
		u := &users[i]
		switch {
		case u.ID == "" || u.AccessKey == "" || u.SecretKey == "":
			return nil, fmt.Errorf("user %d: id, access_key and secret_key are required", i+1)
		case strings.ContainsAny(u.ID, " \t\r\n"):
			return nil, fmt.Errorf("user %q: an id holds no white space", u.ID)
		case ids[u.ID]:
			return nil, fmt.Errorf("user %q: the id is used twice (root's is %q)", u.ID, root.ID)
		case aks[u.AccessKey]:
			return nil, errors.New("user " + u.ID + ": its access key is already in use")
		}
		ids[u.ID], aks[u.AccessKey] = true, true
		keys = append(keys, u)
	}
	return keys, nil
}
