// Package apytest starts a real Apertium APY server on loopback for tests, with Debian's pairs.
package apytest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// ModesDir is where Debian's apertium-* packages install their modes.
const ModesDir = "/usr/share/apertium/modes"

// launcher runs APY bound to 127.0.0.1 only (apertium-apy itself binds every interface).
const launcher = `import sys, tornado.httpserver as h
orig = h.HTTPServer.bind
h.HTTPServer.bind = lambda self, port, address=None, **kw: orig(self, port, address="127.0.0.1", **kw)
from apertium_apy.apy import main
sys.argv[0] = "apertium-apy"
main()`

// Start runs APY on a free loopback port until the test ends and returns its base URL. Without APY
// installed the test is skipped — except in CI (CI=true), where it fails: there the engine must be present.
func Start(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(ModesDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("apytest: Apertium is not installed (%v); .ci/run installs apertium-apy and the pairs", err)
		}
		t.Skipf("apytest: Apertium is not installed (%v)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "-c", launcher, "-p", strconv.Itoa(port), "-j", "1", ModesDir)
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("apytest: start APY: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/listPairs")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("apytest: APY did not answer on %s within 30 s", base)
	return ""
}

// Down returns the URL of a loopback port where nothing listens (an engine that is down).
func Down(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return fmt.Sprintf("http://%s", addr)
}

// Stalled returns the base URL of an engine that accepts connections and never answers (a hung APY), until
// the test ends.
func Stalled(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	t.Cleanup(func() {
		close(done)
		_ = ln.Close()
	})
	return "http://" + ln.Addr().String()
}
