// Package app wires Arca together: it opens the embedded engine in a data
// directory, builds the core store, the dialect handlers and the root
// handler, and serves them on a listener with graceful shutdown. The command
// line (cmd/arca) and the real-server test helper (arcatest) both use it.
package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/arcastore/arca/internal/core"
	"github.com/arcastore/arca/internal/cos"
	"github.com/arcastore/arca/internal/cosjson"
	"github.com/arcastore/arca/internal/engine/local"
	"github.com/arcastore/arca/internal/iam"
	"github.com/arcastore/arca/internal/oss"
	"github.com/arcastore/arca/internal/s3"
	"github.com/arcastore/arca/internal/server"
)

// Config is everything a running Arca needs. Zero values take the defaults
// documented on each field.
type Config struct {
	// DataDir holds the metadata store, the blobs and, when generated, the
	// root credentials. Required.
	DataDir string
	// AccessKey and SecretKey are the root account's keys. When both are
	// empty they are generated on first start and kept in
	// DataDir/credentials.json (mode 0600).
	AccessKey, SecretKey string
	// OwnerID is the root account's id (default 100000000001).
	OwnerID string
	// AppID is the COS APPID (default 1250000000).
	AppID string
	// Region is the COS region reported for buckets (default ap-guangzhou).
	Region string
	// OSSRegion is the OSS region reported for buckets (default
	// cn-hangzhou). OSS V4 signatures are accepted for any region.
	OSSRegion string
	// S3Region is the S3 region reported for buckets (default us-east-1).
	// SigV4 signatures of any region are accepted.
	S3Region string
	// UsersFile names a JSON file of accounts besides root (see
	// LoadUsers); Users are more, given directly (tests).
	UsersFile string
	Users     []iam.Account
	Domains   []server.Domain
	// DefaultDialect answers unsigned requests outside any domain (default cos).
	DefaultDialect server.Dialect
	// MasterKey (32 bytes) protects the data keys of encrypted objects. When
	// empty it is generated on first start and kept in DataDir/master.key
	// (mode 0600). Losing it loses every SSE-COS/SSE-KMS object.
	MasterKey []byte
	Log       *slog.Logger
}

// App is an open Arca instance.
type App struct {
	cfg   Config
	meta  *local.Meta
	blobs *local.Blobs
	store *core.Store
	root  *iam.Account
	h     http.Handler

	inflight sync.WaitGroup
	// GeneratedKeys is true when the root keys were generated (now or on an
	// earlier start) rather than given.
	GeneratedKeys bool
}

// Open opens the data directory and builds the handlers.
func Open(cfg Config) (*App, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("app: a data directory is required")
	}
	if cfg.OwnerID == "" {
		cfg.OwnerID = "100000000001"
	}
	if cfg.AppID == "" {
		cfg.AppID = "1250000000"
	}
	if cfg.Region == "" {
		cfg.Region = "ap-guangzhou"
	}
	if cfg.DefaultDialect == "" {
		cfg.DefaultDialect = server.COS
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	a := &App{cfg: cfg}
	var err error
	if a.root, a.GeneratedKeys, err = rootAccount(cfg); err != nil {
		return nil, err
	}
	keys, err := accounts(a.root, cfg)
	if err != nil {
		return nil, err
	}
	if len(cfg.MasterKey) == 0 {
		if cfg.MasterKey, err = masterKey(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	if a.meta, err = local.OpenMeta(filepath.Join(cfg.DataDir, "meta"), local.MetaOptions{Logger: cfg.Log}); err != nil {
		return nil, err
	}
	if a.blobs, err = local.OpenBlobs(filepath.Join(cfg.DataDir, "blobs")); err != nil {
		a.meta.Close()
		return nil, err
	}
	if a.store, err = core.Open(core.Config{Meta: a.meta, Blobs: a.blobs, Logger: cfg.Log, MasterKey: cfg.MasterKey}); err != nil {
		a.meta.Close()
		return nil, err
	}
	cosH := cos.New(cos.Config{Store: a.store, Keys: keys, AppID: cfg.AppID, Region: cfg.Region, Log: cfg.Log})
	jsonH := cosjson.New(cosjson.Config{Store: a.store, Keys: keys, AppID: cfg.AppID, Domain: cosDomain(cfg.Domains), Log: cfg.Log})
	ossH := oss.New(oss.Config{Store: a.store, Keys: keys, Region: cfg.OSSRegion, Log: cfg.Log})
	s3H := s3.New(s3.Config{Store: a.store, Keys: keys, Region: cfg.S3Region, Log: cfg.Log})
	root := server.New(server.Config{
		Domains: cfg.Domains,
		Default: cfg.DefaultDialect,
		Handlers: map[server.Dialect]server.Handler{
			server.COS:     cosH,
			server.COSJSON: jsonH,
			server.OSS:     ossH,
			server.S3:      s3H,
		},
		Log: cfg.Log,
	})
	a.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.inflight.Add(1)
		defer a.inflight.Done()
		root.ServeHTTP(w, r)
	})
	return a, nil
}

// Root is the root account.
func (a *App) Root() iam.Account { return *a.root }

// Store is the core store (for tests and tools).
func (a *App) Store() *core.Store { return a.store }

// Handler is the root HTTP handler.
func (a *App) Handler() http.Handler { return a.h }

// Serve serves on l until ctx is cancelled, then shuts down gracefully:
// new connections are refused, in-flight requests get up to grace to
// finish, and the rest are cut off, which aborts their uploads (nothing
// half-written becomes visible). Serve returns after every handler has
// returned; the caller then closes the App.
func (a *App) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           a.h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.cfg.Log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		a.cfg.Log.Warn("graceful shutdown timed out; closing open connections", "err", err)
		srv.Close()
	}
	a.inflight.Wait()
	return nil
}

// Close closes the store and the engine. No request may be in flight.
func (a *App) Close() error {
	a.inflight.Wait()
	a.store.Close()
	a.blobs.Close()
	return a.meta.Close()
}

type credentials struct {
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
}

// rootAccount returns the configured keys, or the ones persisted in the data
// directory, generating and persisting them on first use.
func rootAccount(cfg Config) (*iam.Account, bool, error) {
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		return nil, false, errors.New("set both ARCA_ROOT_ACCESS_KEY and ARCA_ROOT_SECRET_KEY, or neither")
	}
	if cfg.AccessKey != "" {
		return &iam.Account{ID: cfg.OwnerID, AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey}, false, nil
	}
	path := filepath.Join(cfg.DataDir, "credentials.json")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var c credentials
		if err := json.Unmarshal(b, &c); err != nil || c.AccessKey == "" || c.SecretKey == "" {
			return nil, false, fmt.Errorf("%s is corrupt; delete it to generate new keys", path)
		}
		return &iam.Account{ID: cfg.OwnerID, AccessKey: c.AccessKey, SecretKey: c.SecretKey}, true, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	}
	c := credentials{AccessKey: "AKID" + randomString(32), SecretKey: randomString(40)}
	data, _ := json.MarshalIndent(c, "", "  ")
	if err := writeFileSync(path, append(data, '\n')); err != nil {
		return nil, false, err
	}
	return &iam.Account{ID: cfg.OwnerID, AccessKey: c.AccessKey, SecretKey: c.SecretKey}, true, nil
}

// masterKey reads DataDir/master.key, creating it on first use.
func masterKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, "master.key")
	b, err := os.ReadFile(path)
	if err == nil {
		k, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s is not a base64 256-bit key", path)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := writeFileSync(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n")); err != nil {
		return nil, err
	}
	return k, nil
}

// writeFileSync writes a 0600 file atomically and durably.
func writeFileSync(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alnum)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = alnum[v.Int64()]
	}
	return string(b)
}

// cosDomain is the first COS domain ("" if none): the COS JSON API gives
// files' XML addresses under it.
func cosDomain(ds []server.Domain) string {
	for _, d := range ds {
		if d.Dialect == server.COS {
			return d.Name
		}
	}
	return ""
}
