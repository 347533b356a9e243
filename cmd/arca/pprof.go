package main

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofServer serves net/http/pprof on its own listener, for profiling a
// running server (--pprof-addr). It is never mounted on the object-storage
// port: the profiles expose memory contents (heap, goroutine stacks) and cost
// CPU, so they are off unless asked for and should stay on loopback.
type pprofServer struct {
	srv *http.Server
	l   net.Listener
}

// pprofMux is a mux with the net/http/pprof handlers under /debug/pprof/.
// The package's side-effect registration on http.DefaultServeMux is not
// relied on (and the object-storage handler never uses that mux).
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startPprof listens on addr and serves the profiles in the background.
func startPprof(addr string, log *slog.Logger) (*pprofServer, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := &pprofServer{l: l, srv: &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 30 * time.Second}}
	go func() {
		if err := p.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("pprof listener stopped", "err", err)
		}
	}()
	log.Info("pprof serving", "addr", l.Addr().String())
	return p, nil
}

// Addr is the address the profiles are served on.
func (p *pprofServer) Addr() string { return p.l.Addr().String() }

// Close stops the listener; a profile being taken is cut off.
func (p *pprofServer) Close() error { return p.srv.Close() }
