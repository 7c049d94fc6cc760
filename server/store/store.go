// Package store opens Teixit's MongoDB-compatible store: an embedded FerretDB on SQLite by default, or a real
// MongoDB when a URI is configured. It also owns what every domain store needs: ids, error values, claims
// and ordered migrations. Read DESIGN.md "What the embedded store can and cannot do" before adding queries.
package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// ErrNotFound is returned (wrapped) by every lookup that finds nothing.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned (wrapped) when a write would break a unique key.
var ErrDuplicate = errors.New("duplicate key")

// EmbeddedPoolSize is the embedded store's default connection pool. It used to be 1, because FerretDB v1
// applies updates as a read then a write; now that every update that needs atomicity is a claim or a
// store.Update, it only bounds contention for SQLite's single writer.
const EmbeddedPoolSize = 8

// Options say where the store lives.
type Options struct {
	// URI of a MongoDB deployment; empty starts the embedded FerretDB.
	URI string
	// Database name inside the deployment.
	Database string
	// DataDir holds the embedded store's SQLite files (under DataDir/db/).
	DataDir string
	// EmbeddedAddr is the loopback host:port the embedded FerretDB listens on; default a free port on
	// 127.0.0.1. Other local processes (a second app node in tests) can share the store through it.
	EmbeddedAddr string
	// Logger for the store's own messages; FerretDB's logger is kept at error level.
	Logger *slog.Logger
	// PoolSize caps the driver's connection pool; 0 keeps the default (see Open).
	PoolSize uint64
	// Monitor, when set, sees every command the client sends (tests count store round trips with it).
	Monitor *event.CommandMonitor
}

// Store is an open connection to the store. It is safe for concurrent use.
type Store struct {
	Client   *mongo.Client
	DB       *mongo.Database
	embedded *embedded
	uri      string
	log      *slog.Logger
	derived  bool
}

// Open connects to the configured store, starting the embedded FerretDB when no URI is given.
// It does not run migrations; call Migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Database == "" {
		o.Database = "teixit"
	}
	s := &Store{log: o.Logger}
	uri := o.URI
	if uri == "" {
		e, err := startEmbedded(ctx, filepath.Join(o.DataDir, "db"), o.EmbeddedAddr)
		if err != nil {
			return nil, err
		}
		s.embedded = e
		uri = e.uri
	}
	clientOpts := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetTimeout(30 * time.Second)
	if o.Monitor != nil {
		clientOpts.SetMonitor(o.Monitor)
	}
	if o.PoolSize > 0 {
		clientOpts.SetMaxPoolSize(o.PoolSize)
	} else if s.embedded != nil {
		// Several connections are safe: everything that must be atomic is a claim or goes through Update
		// (README.md). The cap is for speed only: SQLite has one writer, and more connections contending
		// for it only add busy retries (EmbeddedPoolSize).
		clientOpts.SetMaxPoolSize(EmbeddedPoolSize)
	}
	client, err := mongo.Connect(ctx, clientOpts)
	if err == nil {
		err = client.Ping(ctx, nil)
	}
	if err != nil {
		if s.embedded != nil {
			s.embedded.stop()
		}
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s.Client = client
	s.DB = client.Database(o.Database)
	s.uri = uri
	return s, nil
}

// Embedded reports whether the store is the in-process FerretDB.
func (s *Store) Embedded() bool { return s.embedded != nil }

// URI is the address other processes can use to reach this store (only meaningful for the embedded one,
// which listens on loopback).
func (s *Store) URI() string {
	if s.embedded != nil {
		return s.embedded.uri
	}
	return ""
}

// Reopen connects a second client, with its own pool of up to poolSize connections, to the same
// deployment and database — another node as far as atomicity goes. Tests use it to hammer claims over
// several connections. Close it when done (it never stops the embedded store).
func (s *Store) Reopen(ctx context.Context, poolSize uint64) (*Store, error) {
	clientOpts := options.Client().ApplyURI(s.uri).SetMaxPoolSize(poolSize).
		SetServerSelectionTimeout(10 * time.Second).SetTimeout(30 * time.Second)
	client, err := mongo.Connect(ctx, clientOpts)
	if err == nil {
		err = client.Ping(ctx, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("store: reopen: %w", err)
	}
	return &Store{Client: client, DB: client.Database(s.DB.Name()), uri: s.uri, log: s.log}, nil
}

// Ping checks the store answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	return s.Client.Ping(ctx, nil)
}

// Derive returns a Store on another database of the same deployment, sharing the connection. Closing a
// derived Store does nothing; tests use it to give each test a fresh database.
func (s *Store) Derive(database string) *Store {
	return &Store{Client: s.Client, DB: s.Client.Database(database), embedded: s.embedded, uri: s.uri, log: s.log, derived: true}
}

// Close disconnects and, for the embedded store, stops FerretDB after its connections are closed.
func (s *Store) Close(ctx context.Context) error {
	if s.derived {
		return nil
	}
	err := s.Client.Disconnect(ctx)
	if s.embedded != nil {
		s.embedded.stop()
	}
	return err
}

// C returns a collection of the store's database.
func (s *Store) C(name string) *mongo.Collection { return s.DB.Collection(name) }

type embedded struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// embeddedStarts serialises ferretdb.New, which writes a package variable of FerretDB's (its version's
// Package field): two stores opened at once in one process (two apps, tests in parallel) would race on it.
var embeddedStarts sync.Mutex

func startEmbedded(ctx context.Context, dir, addr string) (*embedded, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", dir, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// synchronous(normal) in WAL mode: a killed process loses nothing, only a power cut can lose the last commits.
	sqliteURL := "file:" + strings.TrimSuffix(abs, "/") + "/?_pragma=synchronous(normal)&_txlock=immediate"
	level := new(slog.LevelVar)
	level.Set(slog.LevelError)
	embeddedStarts.Lock()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	})
	embeddedStarts.Unlock()
	if err != nil {
		return nil, fmt.Errorf("store: start embedded FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	// MongoDBURI blocks until the listener is bound.
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case uri := <-uriCh:
		return &embedded{dir: abs, uri: uri, cancel: cancel, done: done}, nil
	case <-ctx.Done():
		cancel()
		<-done
		return nil, fmt.Errorf("store: embedded FerretDB did not start: %w", ctx.Err())
	}
}

func (e *embedded) stop() {
	e.cancel()
	<-e.done
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random, URL-safe 16-character id (80 bits). Ids are strings so that FerretDB pushes `_id`
// filters down to SQLite.
func NewID() string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return idEncoding.EncodeToString(b[:])
}

// ValidID reports whether s could be an id made by NewID or a deterministic relationship id; it keeps junk
// out of store queries.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ':' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// IsDuplicate reports whether err is a unique-key violation from either store.
func IsDuplicate(err error) bool {
	return errors.Is(err, ErrDuplicate) || mongo.IsDuplicateKeyError(err)
}

// Wrap turns driver errors into the store's error values: no document → ErrNotFound, unique key →
// ErrDuplicate, other errors unchanged. It adds the operation as context.
func Wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%s: %w: %v", op, ErrDuplicate, err)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
