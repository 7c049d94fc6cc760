// Package postgres starts a real, throw-away PostgreSQL server for tests: Debian's binaries, initdb in a
// temporary folder, listening on 127.0.0.1 on a free port only (no unix socket), trust authentication.
//
// PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `postgres` system
// account (created by Debian's package), or `nobody` when that account is missing, by setting the child's
// credentials directly (no su/sudo needed).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/teixit/teixit/server/store"
)

// ErrNoBinaries is returned by Start when PostgreSQL's server binaries are not installed.
var ErrNoBinaries = errors.New("postgres: no PostgreSQL server binaries (apt-get install postgresql)")

// BinDir returns the newest /usr/lib/postgresql/<version>/bin holding initdb and postgres (or the folder
// named by TEIXIT_PG_BINDIR), or ErrNoBinaries.
func BinDir() (string, error) {
	if d := os.Getenv("TEIXIT_PG_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Server is a running PostgreSQL.
type Server struct {
	Dir  string // data folder (removed by Stop)
	Addr string // 127.0.0.1:port
	cmd  *exec.Cmd
	done chan error
}

// URL returns a connection URL for database db as the superuser "postgres".
func (s *Server) URL(db string) string {
	return "postgres://postgres@" + s.Addr + "/" + db + "?sslmode=disable"
}

// Require starts a server for the test and stops it at cleanup. When the binaries are missing it skips the
// test with a clear message, except in CI (CI=true), where a missing engine is a failure.
func Require(t testing.TB) *Server {
	t.Helper()
	s, err := Start()
	if errors.Is(err, ErrNoBinaries) && os.Getenv("CI") == "" {
		t.Skip("PostgreSQL is not installed (apt-get install postgresql); CI runs this test")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Start runs initdb in a new temporary folder and starts the server on a free loopback port.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "teixit-pg-")
	if err != nil {
		return nil, err
	}
	cred, err := credential(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("postgres: initdb: %v\n%s", err, out)
	}
	// A free port can be taken between picking and binding: try a few.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		s, err := startOn(bin, dir, data, cred)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

func startOn(bin, dir, data string, cred *syscall.Credential) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// Durability settings are off: a test's data dies with the test.
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
		"-c", "shared_buffers=64MB")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("postgres: start: %w", err)
	}
	s := &Server{Dir: dir, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres: exited: %v\n%s", err, tail(string(log), 2000))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := pgx.Connect(ctx, s.URL("postgres"))
		if err == nil {
			_ = c.Close(ctx)
			cancel()
			return s, nil
		}
		cancel()
		time.Sleep(100 * time.Millisecond)
	}
	s.kill()
	return nil, errors.New("postgres: not accepting connections after 30 s")
}

// CreateDatabase creates a database (FerretDB keeps one Teixit database as a schema inside it).
func (s *Server) CreateDatabase(ctx context.Context, name string) error {
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// Pause stops the server's processes (SIGSTOP) until Resume: connections hang as if the machine froze.
func (s *Server) Pause() error { return syscall.Kill(-s.cmd.Process.Pid, syscall.SIGSTOP) }

// Resume continues a paused server.
func (s *Server) Resume() error { return syscall.Kill(-s.cmd.Process.Pid, syscall.SIGCONT) }

// Stop shuts the server down (fast mode: open sessions are ended) and removes its folder.
func (s *Server) Stop() {
	_ = s.Resume()
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.kill()
	}
	os.RemoveAll(s.Dir)
}

func (s *Server) kill() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}

// credential returns who the server runs as: nil (ourselves) unless we are root, then the `postgres`
// account (or `nobody`), which is given the folder.
func credential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var u *user.User
	var err error
	for _, name := range []string{"postgres", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: running as root and no 'postgres' or 'nobody' account to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	// The account must be able to reach the folder: the temporary folder's parents are usually
	// world-searchable (/tmp); say so clearly when they are not.
	for p := filepath.Dir(dir); p != "/"; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("postgres: %s is not searchable by %s; set TMPDIR to a world-searchable folder", p, u.Username)
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}

// FerretDB creates database db and serves it through `teixit ferretdb`'s engine (store.RunFerretDB, `_id`
// indexes kept) on a free loopback port until the test ends; it returns the MongoDB URI.
func (s *Server) FerretDB(t testing.TB, db string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.CreateDatabase(ctx, db); err != nil {
		cancel()
		t.Fatal(err)
	}
	uriCh := make(chan string, 1)
	errCh := make(chan error, 1)
	go func() {
		errCh <- store.RunFerretDB(ctx, store.FerretDBOptions{PostgreSQLURL: s.URL(db), Addr: "127.0.0.1:0",
			IndexEvery: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Ready: func(uri string) { uriCh <- uri }})
	}()
	t.Cleanup(func() { cancel(); <-errCh })
	select {
	case uri := <-uriCh:
		return uri
	case err := <-errCh:
		t.Fatalf("ferretdb: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("ferretdb: not listening after 30 s")
	}
	return ""
}
