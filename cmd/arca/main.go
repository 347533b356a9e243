// Command arca is a self-hosted object storage server that speaks the Tencent
// Cloud COS and Alibaba Cloud OSS wire protocols, and Amazon S3's, on one
// port.
//
//	arca serve [flags]     run the server
//	arca presign [flags]   print a COS pre-signed URL
//	arca form [flags]      print a signed browser upload form
//
// Every flag has an environment fallback (ARCA_*); see `arca serve -h`.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/arcastore/arca/internal/app"
	"github.com/arcastore/arca/internal/server"
)

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "presign":
		err = presign(os.Args[2:], os.Stdout)
	case "form":
		err = form(os.Args[2:], os.Stdout)
	case "-h", "--help", "help":
		usage(os.Stdout)
		return
	default:
		fmt.Fprintf(os.Stderr, "arca: unknown command %q\n", os.Args[1])
		usage(os.Stderr)
		os.Exit(2)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "arca:", err)
		os.Exit(1)
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: arca <command> [flags]

commands:
  serve     run the server on its embedded storage
  presign   print a COS pre-signed URL for an object
  form      print a signed HTML upload form (or its fields as JSON) for a bucket

Run "arca <command> -h" for the command's flags.
`)
}

// env returns the environment value for name, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("ARCA_ADDR", "127.0.0.1:9100"), "listen address (ARCA_ADDR)")
	data := fs.String("data", env("ARCA_DATA", "./arca-data"), "data directory (ARCA_DATA)")
	appid := fs.String("appid", env("ARCA_APPID", "1250000000"), "COS APPID that bucket names end with (ARCA_APPID)")
	region := fs.String("region", env("ARCA_REGION", "ap-guangzhou"), "COS region reported for buckets (ARCA_REGION)")
	ossRegion := fs.String("oss-region", env("ARCA_OSS_REGION", "cn-hangzhou"), "OSS region reported for buckets; V4 signatures of any region are accepted (ARCA_OSS_REGION)")
	s3Region := fs.String("s3-region", env("ARCA_S3_REGION", "us-east-1"), "S3 region reported for buckets; SigV4 signatures of any region are accepted (ARCA_S3_REGION)")
	usersFile := fs.String("users-file", env("ARCA_USERS_FILE", ""), "JSON file of accounts besides root: [{id, display_name, access_key, secret_key, email}] (ARCA_USERS_FILE)")
	owner := fs.String("owner-id", env("ARCA_OWNER_ID", "100000000001"), "root account id, the COS UIN (ARCA_OWNER_ID)")
	dialect := fs.String("default-dialect", env("ARCA_DEFAULT_DIALECT", "cos"), "dialect for unsigned requests outside any domain (ARCA_DEFAULT_DIALECT)")
	logLevel := fs.String("log-level", env("ARCA_LOG_LEVEL", "info"), "debug, info, warn or error; debug logs every request (ARCA_LOG_LEVEL)")
	grace := fs.Duration("shutdown-grace", 30*time.Second, "how long in-flight requests may run after SIGINT/SIGTERM")
	pprofAddr := fs.String("pprof-addr", env("ARCA_PPROF_ADDR", ""), "if set, serve net/http/pprof (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060; off by default (ARCA_PPROF_ADDR)")
	var domains listFlag
	fs.Var(&domains, "domain", "domain for virtual-host addressing, [dialect=]name, repeatable (ARCA_DOMAIN, comma-separated)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(domains) == 0 {
		if v := env("ARCA_DOMAIN", ""); v != "" {
			domains = strings.Split(v, ",")
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log)

	def, err := server.ParseDialect(*dialect)
	if err != nil {
		return err
	}
	cfg := app.Config{
		DataDir: *data, AppID: *appid, Region: *region, OSSRegion: *ossRegion, OwnerID: *owner, DefaultDialect: def, Log: log,
		AccessKey: os.Getenv("ARCA_ROOT_ACCESS_KEY"), SecretKey: os.Getenv("ARCA_ROOT_SECRET_KEY"),
	}
	cfg.S3Region, cfg.UsersFile = *s3Region, *usersFile
	if v := os.Getenv("ARCA_MASTER_KEY"); v != "" {
		k, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(k) != 32 {
			return errors.New("ARCA_MASTER_KEY must be a base64-encoded 32-byte key")
		}
		cfg.MasterKey = k
	}
	for _, d := range domains {
		dom, err := server.ParseDomain(strings.TrimSpace(d), def)
		if err != nil {
			return err
		}
		cfg.Domains = append(cfg.Domains, dom)
	}
	a, err := app.Open(cfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		a.Close()
		return err
	}
	if *pprofAddr != "" {
		p, err := startPprof(*pprofAddr, log)
		if err != nil {
			l.Close()
			a.Close()
			return fmt.Errorf("--pprof-addr: %w", err)
		}
		defer p.Close()
	}
	root := a.Root()
	log.Info("arca serving", "addr", l.Addr().String(), "data", *data, "appid", *appid, "domains", domains.String())
	if a.GeneratedKeys {
		fmt.Fprintf(os.Stderr, "\nRoot credentials (generated, kept in %s/credentials.json):\n  AccessKey (SecretId): %s\n  SecretKey:            %s\n\n",
			*data, root.AccessKey, root.SecretKey)
	} else {
		fmt.Fprintf(os.Stderr, "\nRoot AccessKey (SecretId): %s (from ARCA_ROOT_ACCESS_KEY)\n\n", root.AccessKey)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = a.Serve(ctx, l, *grace)
	log.Info("arca stopping")
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	return err
}
