package account_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

const goodPassword = "a long enough passphrase"

func login(a *testkit.App, email, password string) *testkit.Response {
	return a.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

// TestLoginLimitCountsFailuresOnly: successes never use up an allowance (a centre whose residents all sign
// in from one address), failures lock the email and then the address, with Retry-After.
func TestLoginLimitCountsFailuresOnly(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, func(c *config.Config) { c.LoginLimit = 3 })
	a.Register("ana@example.org", "Ana")
	a.Register("bea@example.org", "Bea")
	for i := range 8 { // more successes than the whole per-address allowance (9)
		if r := login(a, "ana@example.org", goodPassword); r.Status != 200 {
			t.Fatalf("success %d: %d %s", i, r.Status, r.Body)
		}
	}
	for i := range 3 {
		if r := login(a, "ana@example.org", "not her password"); r.Status != 401 {
			t.Fatalf("failure %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := login(a, "ana@example.org", goodPassword)
	if r.Status != 429 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), `"code":"rate_limited"`) {
		t.Fatalf("locked email: want 429 with Retry-After, got %d %v %s", r.Status, r.Header, r.Body)
	}
	// Refusals of the locked email do not use up the address: Bea still signs in, and the address has
	// 9 - 3 = 6 failures left.
	for range 5 {
		login(a, "ana@example.org", "not her password")
	}
	if r := login(a, "bea@example.org", goodPassword); r.Status != 200 {
		t.Fatalf("another person from the same address: %d %s", r.Status, r.Body)
	}
	statuses := []int{}
	for i := range 7 {
		statuses = append(statuses, login(a, fmt.Sprintf("guess%d@example.org", i), "whatever it is").Status)
	}
	if fmt.Sprint(statuses) != "[401 401 401 401 401 401 429]" {
		t.Fatalf("per-address limit: %v", statuses)
	}
	if r := login(a, "bea@example.org", goodPassword); r.Status != 429 {
		t.Fatalf("the address is now limited for everyone: %d", r.Status)
	}
}

// TestLoginLimitSharedByNodes: two app nodes on one store share the per-email limit, and a node started
// after them (a restart) still refuses.
func TestLoginLimitSharedByNodes(t *testing.T) {
	t.Parallel()
	st := testkit.Store(t)
	cfg := func(c *config.Config) { c.LoginLimit = 4 }
	one := testkit.NewAppOn(t, st, cfg)
	two := testkit.NewAppOn(t, st, cfg)
	one.Register("ana@example.org", "Ana")
	var wg sync.WaitGroup
	codes := make(chan int, 12)
	for i := range 12 { // at the same moment, through both nodes
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := one
			if i%2 == 1 {
				node = two
			}
			codes <- login(node, "ana@example.org", "not her password").Status
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[401] != 4 || count[429] != 8 {
		t.Fatalf("12 concurrent wrong passwords over two nodes: %v; want 4 checked and 8 refused", count)
	}
	three := testkit.NewAppOn(t, st, cfg)
	if r := login(three, "ana@example.org", goodPassword); r.Status != 429 {
		t.Fatalf("restarted node: %d %s", r.Status, r.Body)
	}
}

func TestRegisterLimit(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, func(c *config.Config) { c.RegisterLimit = 3 })
	for i := range 3 {
		a.Register(fmt.Sprintf("p%d@example.org", i), "Person")
	}
	r := a.Do(nil, "POST", "/api/v1/auth/register", map[string]string{
		"email": "p9@example.org", "password": goodPassword, "name": "Person", "language": "ca"})
	if r.Status != 429 || !strings.Contains(string(r.Body), `"code":"rate_limited"`) {
		t.Fatalf("fourth account from one address: %d %s", r.Status, r.Body)
	}
}

// served runs the app on a real loopback listener (the in-process test connection has no peer address)
// and returns its base URL and a buffer holding its logs.
func served(t *testing.T, proxies []string) (string, *syncBuffer) {
	t.Helper()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.RTCUDPAddr, cfg.RTCUDPPort, cfg.TURNPort = "127.0.0.1", 0, 0
	cfg.TrustedProxies = proxies
	cfg.LoginLimit = 2 // 6 per address
	logs := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, err := app.New(ctx, cfg, app.Deps{Log: slog.New(slog.NewJSONHandler(logs, nil)), Store: testkit.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Serve(ln) }()
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String(), logs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func postLogin(t *testing.T, base, email, xff string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": "not the password"})
	req, _ := http.NewRequest("POST", base+"/api/v1/auth/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestProxyHeaderSpoofing: the per-address login limit (2 per email → 6 per address) keys on the address
// the trusted proxy saw, not on what the client writes in X-Forwarded-For; with no trusted proxy the header
// is ignored altogether. The access log records the same address.
func TestProxyHeaderSpoofing(t *testing.T) {
	t.Parallel()
	t.Run("behind a trusted proxy", func(t *testing.T) {
		base, logs := served(t, []string{"127.0.0.1"})
		var statuses []int
		for i := range 12 {
			xff := fmt.Sprintf("10.%d.%d.%d, 198.51.100.7", i, i*3%250, i*7%250) // varied client-written prefixes
			statuses = append(statuses, postLogin(t, base, fmt.Sprintf("p%d@example.org", i), xff))
		}
		if fmt.Sprint(statuses) != "[401 401 401 401 401 401 429 429 429 429 429 429]" {
			t.Fatalf("want 6 × 401 then 6 × 429, got %v", statuses)
		}
		// Another client behind the same proxy has its own allowance.
		if s := postLogin(t, base, "x@example.org", "198.51.100.8"); s != 401 {
			t.Fatalf("another client: %d", s)
		}
		if !strings.Contains(logs.String(), `"ip":"198.51.100.7"`) || strings.Contains(logs.String(), `"ip":"10.`) {
			t.Fatalf("access log must show the proxy-vouched address: %s", logs.String()[:min(2000, len(logs.String()))])
		}
	})
	t.Run("no trusted proxy", func(t *testing.T) {
		base, logs := served(t, nil)
		var statuses []int
		for i := range 12 {
			statuses = append(statuses, postLogin(t, base, fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("198.51.100.%d", i)))
		}
		if n := count(statuses, 429); n != 6 {
			t.Fatalf("X-Forwarded-For from an untrusted peer must be ignored: %v", statuses)
		}
		if strings.Contains(logs.String(), `"ip":"198.51.100.`) || !strings.Contains(logs.String(), `"ip":"127.0.0.1"`) {
			t.Fatal("access log must show the peer")
		}
	})
}

func count(xs []int, v int) int {
	n := 0
	for _, x := range xs {
		if x == v {
			n++
		}
	}
	return n
}
