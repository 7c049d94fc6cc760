package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the teixit binary when TEIXIT_TEST_CHILD is set, so that tests can
// run the real server in a separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("TEIXIT_TEST_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, strings.Fields(os.Getenv("TEIXIT_TEST_ARGS")), os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startChild(t *testing.T, dataDir, addr string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TEIXIT_TEST_CHILD=1", "TEIXIT_TEST_ARGS=serve", "TEIXIT_DATA_DIR="+dataDir, "TEIXIT_ADDR="+addr,
		"TEIXIT_LOG_LEVEL=warn", "TEIXIT_RTC_UDP_ADDR=127.0.0.1", "TEIXIT_RTC_UDP_PORT=0", "TEIXIT_TURN_PORT=-1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitReady(t, "http://"+addr)
	return cmd
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	r, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r
}

func TestDataSurvivesKill9(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	child := startChild(t, dir, addr)
	base := "http://" + addr
	for i := 0; i < 5; i++ {
		body := fmt.Sprintf(`{"email":"p%d@example.org","password":"a long enough passphrase","name":"P%d"}`, i, i)
		if r := post(t, base+"/api/v1/auth/register", body); r.StatusCode != 201 {
			t.Fatalf("register: %d", r.StatusCode)
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	addr2 := freeAddr(t)
	startChild(t, dir, addr2)
	for i := 0; i < 5; i++ {
		body := fmt.Sprintf(`{"email":"p%d@example.org","password":"a long enough passphrase"}`, i)
		if r := post(t, "http://"+addr2+"/api/v1/auth/login", body); r.StatusCode != 200 {
			t.Fatalf("account %d lost after kill -9: login %d", i, r.StatusCode)
		}
	}
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	child := startChild(t, dir, addr)
	// A registration is sent but for its last byte, so the server is inside the request when SIGTERM comes.
	// Once the listener is closed (shutdown has begun), the last byte goes: the answer must still be 201.
	body := `{"email":"late@example.org","password":"a long enough passphrase","name":"Late"}`
	req := fmt.Sprintf("POST /api/v1/auth/register HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\n\r\n%s", addr, len(body), body)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req[:len(req)-1]); err != nil {
		t.Fatal(err)
	}
	waitConsumed(t, addr, conn.LocalAddr().String())
	if err := child.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitRefused(t, addr)
	if _, err := io.WriteString(conn, req[len(req)-1:]); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request dropped by the shutdown: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("in-flight request got %d", resp.StatusCode)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- child.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("server exited uncleanly: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	// The account written by the in-flight request is in the store.
	addr2 := freeAddr(t)
	startChild(t, dir, addr2)
	if r := post(t, "http://"+addr2+"/api/v1/auth/login", `{"email":"late@example.org","password":"a long enough passphrase"}`); r.StatusCode != 200 {
		t.Fatalf("in-flight registration lost: login %d", r.StatusCode)
	}
}

// waitConsumed waits until the server's end of the loopback connection server→client has read everything the
// client sent (its receive queue in /proc/net/tcp is empty): the server has accepted it and is reading the request.
func waitConsumed(t *testing.T, server, client string) {
	t.Helper()
	hexAddr := func(a string) string {
		ap := netip.MustParseAddrPort(a)
		b := ap.Addr().As4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", b[3], b[2], b[1], b[0], ap.Port())
	}
	local, remote := hexAddr(server), hexAddr(client)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		raw, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Skipf("no /proc/net/tcp: %v", err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			f := strings.Fields(line)
			if len(f) > 4 && f[1] == local && f[2] == remote && strings.HasSuffix(f[4], ":00000000") {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the server never read the request")
}

// waitRefused waits until new connections to addr are refused: the server has closed its listener.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the server kept accepting connections after SIGTERM")
}

func TestCommands(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, os.Getenv, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "teixit ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := run(context.Background(), []string{"frobnicate"}, os.Getenv, &out, &errb); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
	env := func(k string) string {
		if k == "TEIXIT_ADDR" {
			return "not-an-address"
		}
		return ""
	}
	errb.Reset()
	if code := run(context.Background(), []string{"serve"}, env, &out, &errb); code != 2 || !strings.Contains(errb.String(), "TEIXIT_ADDR") {
		t.Fatalf("bad config: %d %q", code, errb.String())
	}
	// teixit ferretdb: no PostgreSQL URL, or PostgreSQL not answering, is a clear error at start.
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "TEIXIT_POSTGRESQL_URL"},
		{map[string]string{"TEIXIT_POSTGRESQL_URL": "postgres://teixit@127.0.0.1:1/teixit", "TEIXIT_FERRETDB_ADDR": "127.0.0.1:0"}, "does not answer"},
		{map[string]string{"TEIXIT_POSTGRESQL_URL": "mysql://x"}, "not a postgres://"},
	} {
		errb.Reset()
		env := func(k string) string { return c.env[k] }
		if code := run(context.Background(), []string{"ferretdb"}, env, &out, &errb); code != 1 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("ferretdb with %v: %d %q", c.env, code, errb.String())
		}
	}
}

func TestSeedAndGrantAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := func(k string) string {
		switch k {
		case "TEIXIT_DATA_DIR":
			return dir
		case "TEIXIT_LOG_LEVEL":
			return "error"
		case "TEIXIT_RTC_UDP_PORT":
			return "0"
		case "TEIXIT_TURN_PORT":
			return "-1"
		}
		return ""
	}
	var out, errb bytes.Buffer
	// once: that seeding again adds nothing is server/seed's TestDemoData
	if code := run(context.Background(), []string{"seed"}, env, &out, &errb); code != 0 {
		t.Fatalf("seed: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "montse@example.org") || !strings.Contains(out.String(), "resident") {
		t.Fatalf("seed output: %s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"admin", "grant", "pilar@example.org"}, env, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "platform administrator") {
		t.Fatalf("grant: %d %s %s", code, out.String(), errb.String())
	}
	if code := run(context.Background(), []string{"admin", "grant", "nobody@example.org"}, env, &out, &errb); code != 1 {
		t.Fatalf("grant unknown: %d", code)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"reindex"}, env, &out, &errb); code != 0 ||
		!strings.Contains(errb.String(), "100%") || !strings.Contains(errb.String(), "documents") {
		t.Fatalf("reindex: %d %s", code, errb.String())
	}
}

func TestReindexRefusesWhileServing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	startChild(t, dir, freeAddr(t))
	env := func(k string) string {
		switch k {
		case "TEIXIT_DATA_DIR":
			return dir
		case "TEIXIT_RTC_UDP_PORT":
			return "0"
		case "TEIXIT_TURN_PORT":
			return "-1"
		}
		return ""
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"reindex"}, env, &out, &errb); code != 1 || !strings.Contains(errb.String(), "in use by another teixit process") {
		t.Fatalf("reindex while serving: %d %q", code, errb.String())
	}
}

// TestDoctorCommand: `teixit doctor` on a fresh data folder reports what a first start would do (and
// -repair does it); on a store that does not answer it says so in plain words, exit status 1, no panic.
func TestDoctorCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := func(extra map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return map[string]string{"TEIXIT_DATA_DIR": dir, "TEIXIT_LOG_LEVEL": "error"}[k]
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"doctor"}, env(nil), &out, &errb); code != 1 ||
		!strings.Contains(out.String(), "not applied yet") {
		t.Fatalf("fresh folder: exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"doctor", "-repair"}, env(nil), &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "FIXED") || !strings.Contains(out.String(), "Nothing wrong found.") {
		t.Fatalf("repair: exit %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	closed := freeAddr(t) // nothing listens there
	code := run(context.Background(), []string{"doctor"}, env(map[string]string{"TEIXIT_MONGODB_URI": "mongodb://" + closed + "/"}), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "does not answer") || !strings.Contains(out.String(), "Fix:") {
		t.Fatalf("unreachable store: exit %d\n%s%s", code, out.String(), errb.String())
	}
}
