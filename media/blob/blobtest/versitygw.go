// Package blobtest starts a real S3 gateway for tests: versitygw (github.com/versity/versitygw) serving a
// temporary folder on a free loopback port. `.ci/run` installs it with
// `go install github.com/versity/versitygw/cmd/versitygw@v1.8.0`.
package blobtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// AccessKey and SecretKey are the gateway's root credentials in tests.
const (
	AccessKey = "teixit-test-access"
	SecretKey = "teixit-test-secret-key-0123456789"
)

// ErrNoBinary is returned when versitygw is not installed.
var ErrNoBinary = errors.New("blobtest: versitygw not found (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0, or set TEIXIT_VERSITYGW)")

// Binary finds versitygw: $TEIXIT_VERSITYGW, then PATH, then $GOBIN or $GOPATH/bin (where `go install` puts it).
func Binary() (string, error) {
	if p := os.Getenv("TEIXIT_VERSITYGW"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) == 2 {
			if lines[0] != "" {
				dirs = append(dirs, lines[0])
			}
			for _, p := range filepath.SplitList(lines[1]) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	for _, d := range dirs {
		p := filepath.Join(d, "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBinary
}

// Gateway is a running versitygw.
type Gateway struct {
	Endpoint string // http://127.0.0.1:port
	Root     string // the folder it serves; each sub-folder is a bucket
	cmd      *exec.Cmd
	done     chan error
}

// Require starts a gateway over a new temporary folder for the test (stopped at cleanup). Without the binary
// it skips the test with a clear message, except in CI (CI=true), where that is a failure.
func Require(t testing.TB, extraArgs ...string) *Gateway {
	t.Helper()
	return RequireOn(t, t.TempDir(), extraArgs...)
}

// RequireOn is Require over a given folder (two gateways can serve one folder, e.g. one read-only).
func RequireOn(t testing.TB, root string, extraArgs ...string) *Gateway {
	t.Helper()
	g, err := Start(root, extraArgs...)
	if errors.Is(err, ErrNoBinary) && os.Getenv("CI") == "" {
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	return g
}

// Start runs versitygw over root on a free loopback port and waits until it answers.
func Start(root string, extraArgs ...string) (*Gateway, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr := ln.Addr().String()
		ln.Close()
		args := append([]string{"--access", AccessKey, "--secret", SecretKey, "--port", addr, "--quiet"}, extraArgs...)
		args = append(args, "posix", root)
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("blobtest: start versitygw: %w", err)
		}
		g := &Gateway{Endpoint: "http://" + addr, Root: root, cmd: cmd, done: make(chan error, 1)}
		go func() { g.done <- cmd.Wait() }()
		if lastErr = g.wait(); lastErr == nil {
			return g, nil
		}
		g.Stop()
	}
	return nil, lastErr
}

func (g *Gateway) wait() error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-g.done:
			g.done <- err
			return fmt.Errorf("blobtest: versitygw exited: %v", err)
		default:
		}
		if r, err := http.Get(g.Endpoint + "/"); err == nil {
			r.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("blobtest: versitygw not answering after 20 s")
}

// Client returns an S3 client on the gateway with the root keys.
func (g *Gateway) Client() *minio.Client {
	c, err := minio.New(strings.TrimPrefix(g.Endpoint, "http://"), &minio.Options{
		Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		panic(err) // only malformed endpoints fail here, and ours is not
	}
	return c
}

// MakeBucket creates a bucket.
func (g *Gateway) MakeBucket(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := g.Client().MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket %s: %v", name, err)
	}
}

// Port is the gateway's TCP port.
func (g *Gateway) Port() int {
	_, p, _ := net.SplitHostPort(strings.TrimPrefix(g.Endpoint, "http://"))
	n, _ := strconv.Atoi(p)
	return n
}

// Stop ends the gateway.
func (g *Gateway) Stop() {
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-g.done:
		g.done <- err
	case <-time.After(10 * time.Second):
		_ = g.cmd.Process.Kill()
	}
}
