package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// FerretDB on PostgreSQL is the shared store of several nodes (DESIGN.md "Several nodes"). FerretDB v1 turns
// a `{_id: value}` filter into `_jsonb->$1 @> $2`: the key is a parameter, so PostgreSQL's generic plans can
// use no index, and its own `_id` index is a btree that `@>` cannot use. Measured (issue 11): 32 finds by
// `_id`/s as shipped, ~910/s with a GIN expression index on `(_jsonb->'_id')` per table and
// `plan_cache_mode=force_custom_plan` on FerretDB's connections, so that each query is planned with its key.
// RunFerretDB does both; PGIDIndexes keeps the indexes on every table, new ones included.

// pgIDExpr is the expression of FerretDB's `_id` filters once the key parameter is bound.
const pgIDExpr = `((_jsonb->'_id'))`

// pgMetadataTable is FerretDB's per-schema table listing collections; a schema holding it is a database.
const pgMetadataTable = "_ferretdb_database_metadata"

// FerretDBOptions configure RunFerretDB.
type FerretDBOptions struct {
	// PostgreSQLURL is the database FerretDB keeps its data in (postgres://user:pass@host:port/db).
	PostgreSQLURL string
	// Addr is the host:port FerretDB listens on for the MongoDB wire protocol.
	Addr string
	// IndexEvery is how often new tables are given the `_id` index (default 1 s).
	IndexEvery time.Duration
	// Logger gets the index keeper's messages; FerretDB's own logger stays at error level.
	Logger *slog.Logger
	// Ready, when set, receives the MongoDB URI once FerretDB listens.
	Ready func(uri string)
}

// WithCustomPlans returns the PostgreSQL URL with plan_cache_mode=force_custom_plan added (pgx passes unknown
// URL parameters to the server as run-time settings).
func WithCustomPlans(pgURL string) (string, error) {
	u, err := url.Parse(pgURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return "", fmt.Errorf("store: %q is not a postgres://host/database URL", redactURL(pgURL))
	}
	q := u.Query()
	q.Set("plan_cache_mode", "force_custom_plan")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// RunFerretDB serves FerretDB with its PostgreSQL handler until ctx ends, keeping the `_id` indexes in
// place. It fails at once when PostgreSQL cannot be reached, so a misconfigured store is an error at start.
func RunFerretDB(ctx context.Context, o FerretDBOptions) error {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IndexEvery <= 0 {
		o.IndexEvery = time.Second
	}
	pgURL, err := WithCustomPlans(o.PostgreSQLURL)
	if err != nil {
		return err
	}
	keeper, err := NewPGIDIndexes(ctx, pgURL, o.Logger)
	if err != nil {
		return err
	}
	defer keeper.Close()
	if _, err := keeper.Ensure(ctx); err != nil {
		return err
	}
	level := new(slog.LevelVar)
	level.Set(slog.LevelError)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: o.Addr},
		Handler:       "postgresql",
		PostgreSQLURL: pgURL,
		Logger:        slog.New(slog.NewTextHandler(logWriter{o.Logger}, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return fmt.Errorf("store: start FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	uri := f.MongoDBURI() // blocks until the listener is bound
	o.Logger.Info("FerretDB on PostgreSQL listening", "uri", uri, "postgresql", redactURL(o.PostgreSQLURL))
	if o.Ready != nil {
		o.Ready(uri)
	}
	t := time.NewTicker(o.IndexEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			cancel()
			<-done
			return nil
		case <-done:
			return errors.New("store: FerretDB stopped")
		case <-t.C:
			if n, err := keeper.Ensure(ctx); err != nil && ctx.Err() == nil {
				o.Logger.Warn("keeping _id indexes", "err", err)
			} else if n > 0 {
				o.Logger.Debug("created _id indexes", "count", n)
			}
		}
	}
}

// PGIDIndexes creates the GIN `_id` expression index on every FerretDB table of one PostgreSQL database.
type PGIDIndexes struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewPGIDIndexes connects to PostgreSQL (one connection) and checks it answers.
func NewPGIDIndexes(ctx context.Context, pgURL string, log *slog.Logger) (*PGIDIndexes, error) {
	cfg, err := pgxpool.ParseConfig(pgURL)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL URL: %w", err)
	}
	cfg.MaxConns = 1
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(pctx, cfg)
	if err == nil {
		err = pool.Ping(pctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("store: PostgreSQL at %s does not answer: %w", redactURL(pgURL), err)
	}
	return &PGIDIndexes{pool: pool, log: log}, nil
}

// Close disconnects.
func (k *PGIDIndexes) Close() { k.pool.Close() }

// pgIndexName is the index's name for a table: schema-unique, within PostgreSQL's 63-byte limit.
func pgIndexName(table string) string {
	h := sha256.Sum256([]byte(table))
	return "teixit_id_" + hex.EncodeToString(h[:8])
}

// Ensure creates the missing indexes and returns how many it created. A table dropped meanwhile is skipped.
func (k *PGIDIndexes) Ensure(ctx context.Context) (int, error) {
	rows, err := k.pool.Query(ctx, `
		SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND c.relname <> $1
		  AND EXISTS (SELECT 1 FROM pg_class m WHERE m.relnamespace = n.oid AND m.relname = $1)`, pgMetadataTable)
	if err != nil {
		return 0, fmt.Errorf("store: list FerretDB tables: %w", err)
	}
	type table struct{ schema, name string }
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.schema, &t.name); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	existing := map[string]bool{}
	rows, err = k.pool.Query(ctx, `SELECT schemaname, indexname FROM pg_indexes WHERE indexname LIKE 'teixit_id_%'`)
	if err != nil {
		return 0, fmt.Errorf("store: list indexes: %w", err)
	}
	for rows.Next() {
		var schema, name string
		if err := rows.Scan(&schema, &name); err != nil {
			rows.Close()
			return 0, err
		}
		existing[schema+"."+name] = true
	}
	rows.Close()
	created := 0
	for _, t := range tables {
		name := pgIndexName(t.name)
		if existing[t.schema+"."+name] {
			continue
		}
		// A short lock timeout: never hold FerretDB's writers up for long; the next round retries.
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s USING gin %s`,
			pgx.Identifier{name}.Sanitize(), pgx.Identifier{t.schema, t.name}.Sanitize(), pgIDExpr)
		err := pgx.BeginFunc(ctx, k.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '2s'`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, q)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return created, ctx.Err()
			}
			k.log.Debug("creating _id index", "schema", t.schema, "table", t.name, "err", err)
			continue
		}
		created++
	}
	return created, nil
}

// ExplainIDLookup returns PostgreSQL's plan for FerretDB's `_id` filter on one collection of database db
// (as planned with plan_cache_mode=force_custom_plan); tests use it to prove the index is used.
func (k *PGIDIndexes) ExplainIDLookup(ctx context.Context, db, collection string) (string, error) {
	var table string
	q := fmt.Sprintf(`SELECT _jsonb->>'table' FROM %s WHERE _jsonb->>'_id' = $1`, pgx.Identifier{db, pgMetadataTable}.Sanitize())
	if err := k.pool.QueryRow(ctx, q, collection).Scan(&table); err != nil {
		return "", fmt.Errorf("store: collection %s.%s: %w", db, collection, err)
	}
	q = fmt.Sprintf(`EXPLAIN SELECT _jsonb FROM %s WHERE _jsonb->$1 @> $2`, pgx.Identifier{db, table}.Sanitize())
	rows, err := k.pool.Query(ctx, q, "_id", `"x"`)
	if err != nil {
		return "", fmt.Errorf("store: explain: %w", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// redactURL hides a URL's password.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// logWriter sends FerretDB's (error-level) text log lines to our logger.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Error("FerretDB", "msg", strings.TrimSpace(string(p)))
	return len(p), nil
}
