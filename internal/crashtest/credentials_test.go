package crashtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type credentialsFile struct {
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
}

func TestGeneratedCredentials(t *testing.T) {
	arcaBinary(t)
	data := filepath.Join(t.TempDir(), "fresh") // arca creates it
	credPath := filepath.Join(data, "credentials.json")

	p := startArca(t, arcaOpts{data: data, noEnv: true})
	st, err := os.Stat(credPath)
	if err != nil {
		t.Fatalf("credentials.json after the first start: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("credentials.json has mode %v, want 0600", st.Mode().Perm())
	}
	raw, err := os.ReadFile(credPath)
	if err != nil {
		t.Fatal(err)
	}
	var cred credentialsFile
	if err := json.Unmarshal(raw, &cred); err != nil || cred.AccessKey == "" || cred.SecretKey == "" {
		t.Fatalf("credentials.json: %v %q", err, raw)
	}
	if cred.AccessKey == testAK || cred.SecretKey == testSK {
		t.Fatalf("generated keys equal the test keys: the environment leaked into arca")
	}
	printed := func(p *arcaProc) {
		t.Helper()
		if !p.logged(cred.AccessKey, 5*time.Second) || !p.logged(cred.SecretKey, time.Second) {
			t.Errorf("the generated keys are not printed on stderr:\n%s", p.stderr.String())
		}
	}
	printed(p)

	// The keys work, and only they do.
	c := newClient(p.addr, cred.AccessKey, cred.SecretKey)
	c.createBucket(t, "cred-"+appID)
	c.must(t, 200, request{method: "GET"})
	newClient(p.addr, cred.AccessKey, "wrong-secret").must(t, 403, request{method: "GET"})
	p.stop(10 * time.Second)

	// A restart reuses them.
	p = startArca(t, arcaOpts{data: data, noEnv: true})
	printed(p)
	if again, err := os.ReadFile(credPath); err != nil || !bytes.Equal(again, raw) {
		t.Errorf("credentials.json changed across a restart: %v %q, was %q", err, again, raw)
	}
	c = newClient(p.addr, cred.AccessKey, cred.SecretKey)
	c.must(t, 200, request{method: "HEAD", bucket: "cred-" + appID})
	p.stop(10 * time.Second)

	// Setting only one of the two variables is refused, on a data directory
	// with generated keys as on a fresh one.
	fresh := filepath.Join(t.TempDir(), "fresh")
	for _, dir := range []string{data, fresh} {
		for _, env := range []string{"ARCA_ROOT_ACCESS_KEY=" + testAK, "ARCA_ROOT_SECRET_KEY=" + testSK} {
			p := launch(t, arcaOpts{data: dir, noEnv: true, env: []string{env}})
			code, ok := p.waitExit(10 * time.Second)
			if !ok {
				t.Fatalf("arca with only %s did not exit", env)
			}
			log := p.stderr.String()
			if code == 0 || strings.Contains(log, "arca serving") {
				t.Errorf("arca with only %s: status %d\n%s", env, code, log)
			}
			if !strings.Contains(log, "ARCA_ROOT_ACCESS_KEY") || !strings.Contains(log, "ARCA_ROOT_SECRET_KEY") {
				t.Errorf("arca with only %s does not say which variables to set:\n%s", env, log)
			}
		}
	}
	if again, err := os.ReadFile(credPath); err != nil || !bytes.Equal(again, raw) {
		t.Errorf("credentials.json changed by the refused starts: %v %q", err, again)
	}
	if _, err := os.Stat(filepath.Join(fresh, "credentials.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused start generated credentials: %v", err)
	}

	// Given keys are used as is: nothing is generated, the secret is not
	// printed.
	p = startArca(t, arcaOpts{data: fresh})
	if _, err := os.Stat(filepath.Join(fresh, "credentials.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("credentials.json written although the keys were given: %v", err)
	}
	p.client().must(t, 200, request{method: "GET"})
	if !p.logged(testAK, 5*time.Second) || strings.Contains(p.stderr.String(), testSK) {
		t.Errorf("with given keys, stderr should name the access key and not print the secret:\n%s", p.stderr.String())
	}
	p.stop(10 * time.Second)
}
