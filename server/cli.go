package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `Usage: teixit [command] [flags]

Commands:
  serve               run the server (default)
  seed                load demo data and print the demo accounts
  admin grant EMAIL   make an account a platform administrator
  reindex             rebuild the search index from the store (server stopped; a
                      running server rebuilds with POST /api/v1/admin/reindex)
  ferretdb            run the shared store for several nodes: FerretDB on PostgreSQL
                      (TEIXIT_POSTGRESQL_URL) listening on TEIXIT_FERRETDB_ADDR, keeping
                      the _id indexes on every table. One per database.
  version             print the version

Flags (also TEIXIT_* environment variables, see README.md):
  -addr ADDR          listen address (TEIXIT_ADDR, default :8080)
  -data DIR           data folder (TEIXIT_DATA_DIR, default ./data)
  -mongodb-uri URI    MongoDB URI; empty runs the embedded store (TEIXIT_MONGODB_URI)
  -log-level LEVEL    debug, info, warn or error (TEIXIT_LOG_LEVEL)
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var sub []string
	if cmd == "admin" {
		if len(args) < 2 || args[0] != "grant" {
			fmt.Fprint(stderr, "Usage: teixit admin grant EMAIL\n")
			return 2
		}
		sub, args = args[1:2], args[2:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "teixit", buildVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "serve", "seed", "admin", "reindex", "ferretdb":
	default:
		fmt.Fprintf(stderr, "teixit: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := config.Load(args, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "teixit: configuration: %v\n", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "seed":
		err = runSeed(ctx, cfg, log, stdout)
	case "admin":
		err = grantAdmin(ctx, cfg, log, sub[0], stdout)
	case "reindex":
		err = reindex(ctx, cfg, log, stderr)
	case "ferretdb":
		err = runFerretDB(ctx, cfg, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "teixit: %v\n", err)
		return 1
	}
	return 0
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// serve runs the server until ctx ends (SIGINT/SIGTERM), then shuts down gracefully: stop accepting, finish
// in-flight requests, close the store.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	a, err := app.New(ctx, cfg, app.Deps{Log: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = a.Shutdown(context.Background())
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	log.Info("teixit listening", "addr", ln.Addr().String(), "version", buildVersion(), "config", cfg)
	errCh := make(chan error, 1)
	go func() { errCh <- a.Serve(ln) }()
	select {
	case err = <-errCh:
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		err = a.Shutdown(sctx)
		if serr := <-errCh; serr != nil && err == nil {
			err = serr
		}
		log.Info("stopped")
		return err
	}
	_ = a.Shutdown(context.Background())
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func grantAdmin(ctx context.Context, cfg config.Config, log *slog.Logger, email string, out io.Writer) error {
	a, err := app.New(ctx, cfg, app.Deps{Log: log})
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	u, err := a.Accounts.GrantAdmin(ctx, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (%s) is now a platform administrator.\n", u.Name, u.Email)
	return nil
}

// runFerretDB serves the shared store until ctx ends (see store.RunFerretDB and deploy/README.md).
func runFerretDB(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.PostgreSQLURL == "" {
		return errors.New("ferretdb: set TEIXIT_POSTGRESQL_URL (or -postgresql-url) to the PostgreSQL database to serve")
	}
	return store.RunFerretDB(ctx, store.FerretDBOptions{PostgreSQLURL: cfg.PostgreSQLURL, Addr: cfg.FerretDBAddr, Logger: log})
}

// reindex rebuilds the search index into a new folder with a progress bar, then swaps it in.
func reindex(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	a, err := app.New(ctx, cfg, app.Deps{Log: log})
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	if err := a.ReadModel.Rebuild(ctx, search.ProgressBar(out)); err != nil {
		return err
	}
	n, err := a.ReadModel.Index.Count()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nThe search index was rebuilt: %d documents.\n", n)
	return nil
}
