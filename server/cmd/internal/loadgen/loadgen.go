// Package loadgen is what the project's load tools (server/cmd/loadorg, server/cmd/loadmix) share: the
// `teixit serve` process they start, stop and wait for; keep-alive HTTP load over a number of connections for a
// while, with the latencies as the client saw them; and the bare Fiber process they measure Teixit against
// (the ceiling).
package loadgen

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Result is what a run saw: requests made, those that failed or did not answer 200, and latency quantiles.
type Result struct {
	Requests, Errors int
	P50, P99         time.Duration
}

// PerSecond is the run's throughput over its duration d.
func (r Result) PerSecond(d time.Duration) float64 { return float64(r.Requests) / d.Seconds() }

// Run sends the requests newRequest(i) makes over conns keep-alive connections for d; connection w sends
// i = w, w+conns, w+2·conns, …
func Run(conns int, d time.Duration, newRequest func(i int) *http.Request) Result {
	client := &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			bad := 0
			for i := w; time.Now().Before(deadline); i += conns {
				t0 := time.Now()
				resp, err := client.Do(newRequest(i))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						bad++
					}
				} else {
					bad++
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all, errs = append(all, lat...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	out := Result{Requests: len(all), Errors: errs}
	if len(all) > 0 {
		sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
		q := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)].Round(10 * time.Microsecond) }
		out.P50, out.P99 = q(0.5), q(0.99)
	}
	return out
}

// Get makes a plain GET of url (for Run).
func Get(url string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		panic(err) // only for a malformed URL, which the tools build themselves
	}
	return req
}

// ServeConstant is the ceiling: a bare Fiber app on addr answering body as JSON at path, and "ok" at /readyz.
// It blocks; the tools run it in a process of its own, like the server they compare it with.
func ServeConstant(addr, path string, body any) error {
	f := fiber.New(fiber.Config{DisableStartupMessage: true})
	f.Get("/readyz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	f.Get(path, func(c *fiber.Ctx) error { return c.JSON(body) })
	return f.Listen(addr)
}

// StartCeiling starts the ceiling in a process of its own, as the server it is compared with: the tool itself
// again with `-constant-server ADDR` (a free loopback address) and args, which the tool answers by calling
// ServeConstant. Its errors go to the tool's stderr; it returns once the ceiling answers. Stop ends it.
func StartCeiling(args ...string) (*exec.Cmd, string, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, "", err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(self, append([]string{"-constant-server", addr}, args...)...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	if err := WaitReady(base); err != nil {
		Stop(cmd)
		return nil, "", err
	}
	return cmd, base, nil
}

// FreeAddr is a loopback address whose port was free when asked (for a server the tool is about to start).
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ServerEnv is the environment of a teixit command the tools run on the data folder dir: listening on addr,
// logging errors only, media on any free UDP port and no TURN relay, so runs never clash over ports.
func ServerEnv(dir, addr string) []string {
	return append(os.Environ(), "TEIXIT_DATA_DIR="+dir, "TEIXIT_ADDR="+addr, "TEIXIT_LOG_LEVEL=error",
		"TEIXIT_RTC_UDP_PORT=0", "TEIXIT_TURN_PORT=-1")
}

// StartServer starts `bin serve` on the data folder dir, on a free loopback port, its errors on the tool's
// stderr, and returns the process and its base URL (http://host:port). It does not wait: WaitReady does;
// Stop ends it.
func StartServer(bin, dir string) (*exec.Cmd, string, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = ServerEnv(dir, addr)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	return cmd, "http://" + addr, nil
}

// Stop interrupts a process the tool started (a server shuts down as on Ctrl-C) and waits until it is gone.
func Stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
}

// WaitReady waits until base answers 200 at /readyz, polling every 25 ms for up to 10 minutes (the first start
// over a large store rebuilds the index); after that it is an error.
func WaitReady(base string) error {
	for range 24000 {
		if r, err := http.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("not ready: %s", base)
}
