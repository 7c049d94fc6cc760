// Package cluster holds the cluster scripts' Go harness: `make test-cluster` brings up three real
// `teixit serve` nodes with up.sh (PostgreSQL + `teixit ferretdb`, versitygw, nginx), the nodes reaching the
// store through a TCP proxy the tests control, and checks what must hold across nodes. Without
// TEIXIT_CLUSTER_TEST=1 (set by the make target) every test skips, so `go test ./...` stays quick.
package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// cluster is the one cluster every test shares (nil when the harness is off).
var cl *cluster

type cluster struct {
	dir   string
	env   []string       // the scripts' settings
	nodes []string       // http://127.0.0.1:port per node
	front string         // nginx
	proxy *testkit.Proxy // between the nodes and the store
	mu    sync.Mutex     // node restarts
}

func TestMain(m *testing.M) {
	if os.Getenv("TEIXIT_CLUSTER_TEST") == "" {
		os.Exit(m.Run())
	}
	c, err := up()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster: up:", err)
		if c != nil {
			c.down()
		}
		os.Exit(1)
	}
	cl = c
	code := m.Run()
	c.down()
	os.Exit(code)
}

func need(t *testing.T) *cluster {
	t.Helper()
	if cl == nil {
		t.Skip("the three-node cluster runs under `make test-cluster` (TEIXIT_CLUSTER_TEST=1)")
	}
	return cl
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func up() (*cluster, error) {
	dir, err := os.MkdirTemp("", "teixit-cluster-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	bin := os.Getenv("TEIXIT_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "teixit")
		build := exec.Command("go", "build", "-o", bin, "../../server")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build teixit: %w", err)
		}
	}
	ferret := freePort()
	px, err := testkit.NewProxy(fmt.Sprintf("127.0.0.1:%d", ferret))
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: filepath.Join(dir, "c"), proxy: px}
	base := freePort()
	for i := 0; i < 3; i++ { // consecutive ports for the nodes: find a free run
		ok := true
		for j := 0; j < 3; j++ {
			if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", base+j)); err != nil {
				ok = false
			} else {
				ln.Close()
			}
		}
		if ok {
			break
		}
		base = freePort()
	}
	front := freePort()
	c.env = append(os.Environ(), "CLUSTER_DIR="+c.dir, "TEIXIT_BIN="+bin, "NODES=3",
		"PG_PORT="+strconv.Itoa(freePort()), "FERRETDB_PORT="+strconv.Itoa(ferret), "S3_PORT="+strconv.Itoa(freePort()),
		"NODE_BASE_PORT="+strconv.Itoa(base), "FRONT_PORT="+strconv.Itoa(front),
		"NODE_STORE_URI=mongodb://"+px.Addr()+"/", "PG_OPTS=-c fsync=off -c synchronous_commit=off",
		// Every test account is created from 127.0.0.1: lift the per-address sign-up limit. A short room
		// lease: a killed owner's day is taken over within seconds.
		"NODE_EXTRA_ENV=TEIXIT_REGISTER_LIMIT=100000 TEIXIT_LIVE_LEASE=3s")
	for i := 0; i < 3; i++ {
		c.nodes = append(c.nodes, fmt.Sprintf("http://127.0.0.1:%d", base+i))
	}
	c.front = fmt.Sprintf("http://127.0.0.1:%d", front)
	if out, err := c.script("up.sh"); err != nil {
		return c, fmt.Errorf("%v\n%s", err, out)
	}
	return c, nil
}

func (c *cluster) script(name string, args ...string) (string, error) {
	cmd := exec.Command("./"+name, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (c *cluster) down() {
	if out, err := c.script("down.sh"); err != nil {
		fmt.Fprintf(os.Stderr, "cluster: down: %v\n%s", err, out)
	}
	c.proxy.Close()
	os.RemoveAll(filepath.Dir(c.dir))
}

// kill9 kills node i (0-based) as a crash would; restart starts it again and waits until it is ready.
func (c *cluster) kill9(t *testing.T, i int) {
	t.Helper()
	if out, err := c.script("node.sh", "kill", strconv.Itoa(i+1)); err != nil {
		t.Fatalf("kill node %d: %v\n%s", i+1, err, out)
	}
}

func (c *cluster) restart(t *testing.T, i int) {
	t.Helper()
	if out, err := c.script("node.sh", "start", strconv.Itoa(i+1)); err != nil {
		t.Fatalf("start node %d: %v\n%s", i+1, err, out)
	}
}

// --- a small API client ---

type client struct {
	base   string
	cookie string
	csrf   string
	http   *http.Client
}

type resp struct {
	Status int
	Body   []byte
	Header http.Header
}

func newHTTP() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
}

// on returns the same signed-in person talking to another node.
func (c *client) on(base string) *client {
	cp := *c
	cp.base = base
	return &cp
}

func (c *client) do(method, path string, body any, hdr ...string) (resp, error) {
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return resp{}, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "teixit_session", Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	r, err := c.http.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return resp{Status: r.StatusCode, Body: b, Header: r.Header}, err
}

// register creates an account through base and returns it signed in.
func register(t *testing.T, base, email string) *client {
	t.Helper()
	c := &client{base: base, http: newHTTP()}
	r, err := c.do("POST", "/api/v1/auth/register", map[string]string{"email": email,
		"password": "a long enough passphrase", "name": "Cluster " + email, "language": "ca"})
	if err != nil || r.Status != http.StatusCreated {
		t.Fatalf("register %s: %v %d %s", email, err, r.Status, r.Body)
	}
	c.signedIn(t, r)
	return c
}

func (c *client) signedIn(t *testing.T, r resp) {
	t.Helper()
	var s struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.Unmarshal(r.Body, &s); err != nil {
		t.Fatalf("session body: %v %s", err, r.Body)
	}
	c.csrf = s.CSRFToken
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == "teixit_session" {
			c.cookie = ck.Value
		}
	}
	if c.cookie == "" {
		t.Fatal("no session cookie")
	}
}

// searchIDs pages through every hit of q that c may see on its node.
func (c *client) searchIDs(q string) (map[string]bool, error) {
	ids := map[string]bool{}
	for page := 1; ; page++ {
		r, err := c.do("GET", "/api/v1/search?perPage=100&page="+strconv.Itoa(page)+"&q="+url.QueryEscape(q), nil)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			return nil, fmt.Errorf("search: %d %s", r.Status, r.Body)
		}
		var res struct {
			Total uint64 `json:"total"`
			Hits  []struct {
				ID string `json:"id"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(r.Body, &res); err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids[strings.TrimPrefix(h.ID, "organisation:")] = true
		}
		if len(res.Hits) == 0 || uint64(len(ids)) >= res.Total {
			return ids, nil
		}
	}
}

// ctxFor is a short context for one check.
func ctxFor(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
