package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"syscall"
	"testing"
	"time"
)

// apiClient is a browser-like client: cookie jar plus CSRF token.
type apiClient struct {
	base string
	http *http.Client
	csrf string
}

func newClient(base string) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (c *apiClient) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var s struct {
		CSRFToken string `json:"csrfToken"`
	}
	if json.Unmarshal(b, &s) == nil && s.CSRFToken != "" {
		c.csrf = s.CSRFToken
	}
	return resp.StatusCode, string(b)
}

func (c *apiClient) must(t *testing.T, want int, method, path, body string) string {
	t.Helper()
	code, b := c.do(t, method, path, body)
	if code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, b)
	}
	return b
}

func orgID(t *testing.T, body string) string {
	var o struct{ ID string }
	if err := json.Unmarshal([]byte(body), &o); err != nil || o.ID == "" {
		t.Fatalf("no id in %s", body)
	}
	return o.ID
}

// eventually polls f until it reports true or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if f() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestIndexCatchesUpAfterKill9(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	addr := freeAddr(t)
	child := startChild(t, dir, addr)
	c := newClient("http://" + addr)
	c.must(t, 201, "POST", "/api/v1/auth/register", `{"email":"ana@example.org","password":"a long enough passphrase","name":"Ana"}`)
	var ids []string
	for i := 0; i < 20; i++ {
		ids = append(ids, orgID(t, c.must(t, 201, "POST", "/api/v1/organisations", fmt.Sprintf(`{"name":"Entitat %02d","kind":"other"}`, i))))
	}
	for i := 0; i < 20; i += 2 { // half renamed: the index must not keep the stale names
		c.must(t, 200, "PATCH", "/api/v1/organisations/"+ids[i], fmt.Sprintf(`{"name":"Renamed %02d"}`, i))
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()

	addr2 := freeAddr(t)
	startChild(t, dir, addr2)
	c2 := newClient("http://" + addr2)
	_, body := c2.do(t, "GET", "/api/v1/search?kind=organisation&perPage=50", "")
	if !strings.Contains(body, `"total":20`) {
		t.Fatalf("after kill -9 the index has lost documents: %s", body)
	}
	for i := 0; i < 20; i++ {
		want := fmt.Sprintf("Entitat %02d", i)
		if i%2 == 0 {
			want = fmt.Sprintf("Renamed %02d", i)
			if strings.Contains(body, fmt.Sprintf("Entitat %02d", i)) {
				t.Errorf("stale title %q still indexed", fmt.Sprintf("Entitat %02d", i))
			}
		}
		if !strings.Contains(body, want) {
			t.Errorf("%q missing after restart", want)
		}
	}
}

func TestTwoNodesShareOneStore(t *testing.T) {
	t.Parallel()
	storeAddr := freeAddr(t)
	addrA, addrB := freeAddr(t), freeAddr(t)
	startChild(t, t.TempDir(), addrA, "TEIXIT_EMBEDDED_ADDR="+storeAddr)
	startChild(t, t.TempDir(), addrB, "TEIXIT_MONGODB_URI=mongodb://"+storeAddr+"/")
	a, b := newClient("http://"+addrA), newClient("http://"+addrB)
	a.must(t, 201, "POST", "/api/v1/auth/register", `{"email":"ana@example.org","password":"a long enough passphrase","name":"Ana"}`)
	b.must(t, 200, "POST", "/api/v1/auth/login", `{"email":"ana@example.org","password":"a long enough passphrase"}`)

	a.must(t, 201, "POST", "/api/v1/organisations", `{"name":"Escrit al node A","kind":"association"}`)
	eventually(t, 2*time.Second, "node B finds what node A wrote", func() bool {
		_, body := b.do(t, "GET", "/api/v1/search?q=node+A", "")
		return strings.Contains(body, "Escrit al node A")
	})
	b.must(t, 201, "POST", "/api/v1/organisations", `{"name":"Escrit al node B","kind":"network"}`)
	eventually(t, 2*time.Second, "node A finds what node B wrote", func() bool {
		_, body := a.do(t, "GET", "/api/v1/search?q=node+B", "")
		return strings.Contains(body, "Escrit al node B")
	})
}
