package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/testkit"
)

// serveReal runs the app on a loopback listener, for what only a real connection shows (body limits).
func serveReal(t *testing.T, a *testkit.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.Serve(ln) }()
	return "http://" + ln.Addr().String()
}

func TestOversizedBodyOverTheWire(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	base := serveReal(t, a)
	body := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	resp, err := http.Post(base+"/api/v1/auth/register", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"code":"too_large"`) {
		t.Fatalf("oversized body: %d %s", resp.StatusCode, b)
	}
}

func TestOpsEndpointsAndHeaders(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	a.Run(t, []testkit.Scenario{
		{Name: "healthz", Method: "GET", Path: "/healthz", Status: 200, Contains: []string{`"ok"`}},
		{Name: "readyz", Method: "GET", Path: "/readyz", Status: 200, Contains: []string{`"ready"`}},
		{Name: "unknown API path", Method: "GET", Path: "/api/v1/nothing-here", Status: 404, Contains: []string{`"code":"not_found"`}},
		{Name: "wrong method on the SPA", Method: "DELETE", Path: "/about", Status: 404},
	})
	a.Do(nil, "GET", "/api/v1/organisations", nil)
	r := a.Do(nil, "GET", "/metrics", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `teixit_http_requests_total{method="GET",route="/api/v1/organisations",status="200"} 1`) {
		t.Fatalf("metrics: %d %.2000s", r.Status, r.Body)
	}
	r = a.Do(nil, "GET", "/api/v1/auth/session", nil)
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Request-Id":            "-",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("header %s = %q, want it to contain %q", h, r.Header.Get(h), want)
		}
	}
}

func TestSinglePageAppServing(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	r := a.Do(nil, "GET", "/organisations/abc", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "<html") || r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("SPA fallback: %d %q %.200s", r.Status, r.Header.Get("Cache-Control"), r.Body)
	}
	if r := a.Do(nil, "GET", "/assets/missing-abc123.js", nil); r.Status != 404 {
		t.Fatalf("missing asset: %d", r.Status)
	}
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	r := a.Do(nil, "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	n := 0
	for _, rt := range a.Fiber.GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, app.APIPrefix+"/") || rt.Method == "HEAD" || strings.Contains(rt.Path, "*") ||
			rt.Path == app.APIPrefix+"/openapi.json" {
			continue
		}
		p := rt.Path
		for _, part := range strings.Split(p, "/") {
			if strings.HasPrefix(part, ":") {
				p = strings.Replace(p, part, "{"+part[1:]+"}", 1)
			}
		}
		if _, ok := doc.Paths[p][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s is missing from openapi.json", rt.Method, rt.Path)
		}
		n++
	}
	if n < 15 {
		t.Fatalf("only %d API routes found", n)
	}
	// Every schema the document refers to is defined.
	var full struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.JSON(t, &full)
	for _, ref := range regexp.MustCompile(`#/components/schemas/([A-Za-z]+)`).FindAllStringSubmatch(string(r.Body), -1) {
		if _, ok := full.Components.Schemas[ref[1]]; !ok {
			t.Errorf("schema %s is referenced but not defined", ref[1])
		}
	}
}

func TestTwoAppsInOneProcess(t *testing.T) {
	t.Parallel()
	a, b := testkit.NewApp(t), testkit.NewApp(t)
	a.Register("ana@example.org", "Ana")
	if r := b.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": "ana@example.org", "password": "a long enough passphrase"}); r.Status != 401 {
		t.Fatalf("apps share state: %d", r.Status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Ready(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestListLimits: every public list reads ?limit= through the one paging rule — a value that is not a whole
// number of at least 1 is a 400 naming the field; a huge one is bounded, not refused.
func TestListLimits(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	for _, path := range []string{"/api/v1/organisations", "/api/v1/diagnoses", "/api/v1/practices",
		"/api/v1/exchange-days", "/api/v1/actors"} {
		for _, bad := range []string{"abc", "-1", "0", "1.5"} {
			r := a.Do(nil, "GET", path+"?limit="+bad, nil)
			if r.Status != 400 || !strings.Contains(string(r.Body), `"limit":{"code":"min_number"`) {
				t.Errorf("%s?limit=%s: %d %.300s", path, bad, r.Status, r.Body)
			}
		}
		if r := a.Do(nil, "GET", path+"?limit=1000000", nil); r.Status != 200 {
			t.Errorf("%s?limit=1000000: %d %.300s", path, r.Status, r.Body)
		}
	}
}

// TestAuditedRoutes: a sensitive action declared audited in the route table leaves an entry (who, what,
// which record) when it succeeds, and none when it is refused.
func TestAuditedRoutes(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	ana := a.Register("ana@example.org", "Ana")
	if r := a.Do(ana, "GET", "/api/v1/me/export", nil); r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	if r := a.Do(ana, "POST", "/api/v1/comments/nosuchcomment/moderation", map[string]string{"action": "hide", "reason": "prova"}); r.Status < 400 {
		t.Fatalf("moderating a missing comment: %d", r.Status)
	}
	r := a.Do(root, "GET", "/api/v1/admin/audit", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"action":"account.exported"`) ||
		!strings.Contains(string(r.Body), `"target":"user:`+ana.UserID+`"`) {
		t.Fatalf("the export is not in the audit log: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), "comment.moderated") {
		t.Fatalf("a refused moderation was logged: %s", r.Body)
	}
}
