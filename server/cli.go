package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/doctor"
	"github.com/teixit/teixit/server/readmodel"
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
  doctor [-repair]    check a deployment (store, migrations, indexes, claims left by
                      crashed writers, search lag, file store, leftovers, settings) and
                      say what is wrong and how to fix it; -repair fixes what is safe.
                      Embedded store: stop the server first.
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
	repair := false
	if cmd == "doctor" {
		args = slices.DeleteFunc(args, func(a string) bool {
			r := a == "-repair" || a == "--repair"
			repair = repair || r
			return r
		})
	}
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
	case "serve", "seed", "admin", "reindex", "ferretdb", "doctor":
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
	case "doctor":
		var problems int
		if problems, err = runDoctor(ctx, cfg, log, repair, stdout); err == nil && problems > 0 {
			return 1
		}
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

// runDoctor checks the deployment cfg describes (see server/doctor) and prints the report; it returns how
// many problems are left.
func runDoctor(ctx context.Context, cfg config.Config, log *slog.Logger, repair bool, out io.Writer) (int, error) {
	if cfg.MongoURI == "" {
		lock, err := app.LockDataDir(cfg.DataDir)
		if err != nil {
			return 0, fmt.Errorf("%w\n(or set TEIXIT_MONGODB_URI to the running server's TEIXIT_EMBEDDED_ADDR, as mongodb://ADDR/)", err)
		}
		defer lock.Close()
	}
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	s, err := store.Open(octx, store.Options{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir,
		EmbeddedAddr: "127.0.0.1:0", Logger: log})
	cancel()
	if err != nil {
		r := doctor.Report{Findings: []doctor.Finding{{Check: "store", Text: fmt.Sprintf("The store does not answer (%v).", err),
			Fix: "Start it (for several nodes: `teixit ferretdb` on PostgreSQL, or the MongoDB replica set) and check TEIXIT_MONGODB_URI."}}}
		r.Write(out)
		return r.Problems(), nil
	}
	defer s.Close(context.Background())
	blobs, err := app.OpenBlobs(ctx, cfg)
	var r doctor.Report
	if err != nil {
		r.Findings = append(r.Findings, doctor.Finding{Check: "files", Text: fmt.Sprintf("The file store cannot be opened: %v.", err),
			Fix: "Check the data folder's permissions, or the TEIXIT_S3_* settings and the bucket."})
	}
	outbox := readmodel.NewOutbox(s, "doctor")
	announce := func(ctx context.Context, kind, id string, write func() error) error {
		if _, err := outbox.Append(ctx, kind, id); err != nil { // every node's index reads the change again
			return err
		}
		return write()
	}
	people := account.NewStore(s, changes(announce)) // a repaired list reaches every running node
	rep := doctor.Run(ctx, doctor.Deps{Store: s, Migrations: app.Migrations(), Blobs: blobs, Config: cfg, Repair: repair,
		RemoveOrg: people.RemoveOrg, Counts: []doctor.CountCheck{{Name: "supports and reports of contributions",
			Run: func(ctx context.Context, repair bool) (int, int, error) {
				problems, fixed, err := diagnosis.CheckCounts(ctx, s, announce, repair)
				return len(problems), fixed, err
			}}}})
	r.Findings = append(r.Findings, rep.Findings...)
	r.Write(out)
	return r.Problems(), nil
}

// changes lets a function that announces a write in the outbox stand where a read model is expected.
type changes func(ctx context.Context, kind, id string, write func() error) error

func (f changes) Changed(ctx context.Context, kind, id string, write func() error) error {
	return f(ctx, kind, id, write)
}
