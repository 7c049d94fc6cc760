package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// App is a real Teixit app on a fresh database, driven in-process.
type App struct {
	*app.App
	t testing.TB
}

// NewApp builds the app on a fresh database. mutate, when given, adjusts the configuration first.
func NewApp(t testing.TB, mutate ...func(*config.Config)) *App {
	t.Helper()
	return NewAppOn(t, MigratedStore(t), mutate...)
}

// NewAppOn builds another app node on an existing database (its own data folder and index), as a second
// server sharing the store would be.
func NewAppOn(t testing.TB, st *store.Store, mutate ...func(*config.Config)) *App {
	t.Helper()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	// Media sockets on loopback, on free ports: tests run side by side.
	cfg.RTCUDPAddr, cfg.RTCUDPPort, cfg.TURNPort = "127.0.0.1", 0, 0
	// Read-your-writes must hold even when the race detector and parallel packages load the machine.
	cfg.IndexWriteWait = 30 * time.Second
	// Every in-process request comes from 0.0.0.0 (Fiber's test connection): tests that build worlds of many
	// people must not hit the per-address registration limit; the limit's own tests set it.
	cfg.RegisterLimit = 100000
	for _, m := range mutate {
		m(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, err := app.New(ctx, cfg, app.Deps{Log: Quiet(), Store: st, PasswordCost: PasswordCost})
	if err != nil {
		t.Fatalf("testkit: app: %v", err)
	}
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return &App{App: a, t: t}
}

// PasswordCost is the argon2id cost of the test apps' new passwords: still argon2id, at 1/300 of the
// default's memory and half its passes, because tests register hundreds of people (the default cost was 15 %
// of a package's CPU under the race detector). account's TestDefaultPasswordCost holds servers to OWASP's
// minimum.
var PasswordCost = account.PasswordCost{MemoryKiB: 64, Time: 1}

// Client is someone calling the API: anonymous, a browser session (cookie + CSRF token) or a bearer token.
type Client struct {
	Cookie string
	CSRF   string
	Bearer string
	// UserID and Email are set for clients made by Register or Login.
	UserID string
	Email  string
	// IP is sent as the remote address (for rate-limit tests).
	IP string
	// Written is sent as readmodel.WrittenCookie, as a browser would after a write (Response.Written): any
	// node then answers this client's reads with its last write in.
	Written string
}

// Anonymous is a client with no credentials.
var Anonymous = &Client{}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Written is the value the response gave readmodel.WrittenCookie: the sequence of its last write, "" when it
// set none, and "deleted" when it dropped the cookie.
func (r *Response) Written() string {
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.Name == readmodel.WrittenCookie {
			if ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
				return "deleted"
			}
			return ck.Value
		}
	}
	return ""
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends one request. body may be nil, a string (sent raw) or any value (sent as JSON).
func (a *App) Do(c *Client, method, path string, body any, headers ...string) *Response {
	a.t.Helper()
	var r io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case string:
		r, isJSON = strings.NewReader(b), true
	case []byte:
		r, isJSON = bytes.NewReader(b), true
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r, isJSON = bytes.NewReader(raw), true
	}
	req := httptest.NewRequest(method, path, r)
	// Tests read the server's English text unless they pass another Accept-Language in headers.
	req.Header.Set("Accept-Language", "en")
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	if c == nil {
		c = Anonymous
	}
	if c.Cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: c.Cookie})
		if c.CSRF != "" {
			req.Header.Set(auth.CSRFHeader, c.CSRF)
		}
	}
	if c.Written != "" {
		req.AddCookie(&http.Cookie{Name: readmodel.WrittenCookie, Value: c.Written})
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	if c.IP != "" {
		req.RemoteAddr = c.IP + ":1234"
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := a.Fiber.Test(req, 30_000)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: out}
}

type sessionBody struct {
	User *struct {
		ID string `json:"id"`
	} `json:"user"`
	CSRFToken string `json:"csrfToken"`
}

// Register creates an account through the API and returns its signed-in client.
func (a *App) Register(email, name string) *Client {
	a.t.Helper()
	resp := a.Do(nil, "POST", "/api/v1/auth/register", map[string]string{
		"email": email, "password": "a long enough passphrase", "name": name, "language": "ca"})
	if resp.Status != http.StatusCreated {
		a.t.Fatalf("register %s: %d %s", email, resp.Status, resp.Body)
	}
	c := a.clientFrom(resp)
	c.Email = email
	return c
}

// Login signs in through the API and returns the client.
func (a *App) Login(email, password string) *Client {
	a.t.Helper()
	resp := a.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if resp.Status != http.StatusOK {
		a.t.Fatalf("login %s: %d %s", email, resp.Status, resp.Body)
	}
	c := a.clientFrom(resp)
	c.Email = email
	return c
}

// Create POSTs body to path as c, fails the test unless it answers 201 Created, and returns the new
// record's id.
func (a *App) Create(c *Client, path string, body any) string {
	a.t.Helper()
	r := a.Do(c, "POST", path, body)
	if r.Status != http.StatusCreated {
		a.t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var v struct{ ID string }
	r.JSON(a.t, &v)
	if v.ID == "" {
		a.t.Fatalf("POST %s: no id in %s", path, r.Body)
	}
	return v.ID
}

// Join makes the account with email (registered by Register) a member of the organisation with role the
// way people join: admin invites the address, the person signs in and accepts the invitation.
func (a *App) Join(admin *Client, orgID, email, role string) {
	a.t.Helper()
	r := a.Do(admin, "POST", "/api/v1/organisations/"+orgID+"/invitations", map[string]string{"email": email, "role": role})
	if r.Status != http.StatusCreated {
		a.t.Fatalf("invite %s to %s: %d %s", email, orgID, r.Status, r.Body)
	}
	var inv struct{ ID string }
	r.JSON(a.t, &inv)
	member := a.Login(email, "a long enough passphrase")
	if r := a.Do(member, "POST", "/api/v1/me/invitations/"+inv.ID+"/accept", nil); r.Status != http.StatusOK {
		a.t.Fatalf("%s accepts %s: %d %s", email, orgID, r.Status, r.Body)
	}
}

func (a *App) clientFrom(resp *Response) *Client {
	var s sessionBody
	resp.JSON(a.t, &s)
	c := &Client{CSRF: s.CSRFToken}
	if s.User != nil {
		c.UserID = s.User.ID
	}
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		if ck.Name == auth.SessionCookie {
			c.Cookie = ck.Value
		}
	}
	if c.Cookie == "" {
		a.t.Fatalf("no session cookie in %v", resp.Header)
	}
	return c
}

// Scenario is one HTTP exchange written as data: the request, the expected status and fragments that must
// (or must not) appear in the body.
type Scenario struct {
	Name        string
	As          *Client
	Method      string
	Path        string
	Body        any
	Headers     []string
	Status      int
	Contains    []string
	NotContains []string
}

// Run executes scenarios in order as subtests.
func (a *App) Run(t *testing.T, scenarios []Scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			resp := a.Do(s.As, s.Method, s.Path, s.Body, s.Headers...)
			if resp.Status != s.Status {
				t.Fatalf("%s %s: status %d, want %d; body %s", s.Method, s.Path, resp.Status, s.Status, resp.Body)
			}
			for _, f := range s.Contains {
				if !bytes.Contains(resp.Body, []byte(f)) {
					t.Errorf("%s %s: body lacks %q: %s", s.Method, s.Path, f, resp.Body)
				}
			}
			for _, f := range s.NotContains {
				if bytes.Contains(resp.Body, []byte(f)) {
					t.Errorf("%s %s: body must not contain %q: %s", s.Method, s.Path, f, resp.Body)
				}
			}
			if s.Status >= 400 && !bytes.Contains(resp.Body, []byte(`"error":{"code":"`)) {
				t.Errorf("%s %s: error not in the error shape: %s", s.Method, s.Path, resp.Body)
			}
		})
	}
}

// Nodes builds n app nodes on one fresh database, each reaching the store through its own pool of four
// connections: the several-node deployment, in-process. Concurrency tests spread their clients over them.
func Nodes(t testing.TB, n int) []*App {
	t.Helper()
	s := MigratedStore(t)
	out := make([]*App, n)
	for i := range out {
		out[i] = NewAppOn(t, Pooled(t, s, 4))
	}
	return out
}

// Wrap drives an app built by the test itself (e.g. with its own logger, to read what it logs) like NewApp's;
// the test shuts it down.
func Wrap(t testing.TB, a *app.App) *App { return &App{App: a, t: t} }
