package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// TestTokenScopesAndExpiry: a read token reads and cannot write; a write token writes; every token expires
// (90 days unless asked otherwise, at most a year) and is then refused like a revoked one.
func TestTokenScopesAndExpiry(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	r := a.Do(ana, "POST", "/api/v1/tokens", map[string]any{"name": "Lectura"})
	if r.Status != 201 || !strings.Contains(string(r.Body), `"scopes":["read"]`) || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("default token: %d %s", r.Status, r.Body)
	}
	var read struct {
		Token     string
		ExpiresAt time.Time
	}
	r.JSON(t, &read)
	if d := time.Until(read.ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
		t.Errorf("default expiry in %v, want 90 days", d)
	}
	write := createToken(t, a, ana, "Escriptura", "write")
	short := a.Do(ana, "POST", "/api/v1/tokens", map[string]any{"name": "Curt", "scopes": []string{"read", "write"}, "expiresInDays": 1})
	var shortTok struct{ Token string }
	short.JSON(t, &shortTok)
	reader, writer := &testkit.Client{Bearer: read.Token}, &testkit.Client{Bearer: write}
	a.Run(t, []testkit.Scenario{
		{Name: "read token reads", As: reader, Method: "GET", Path: "/api/v1/tokens", Status: 200, Contains: []string{"Lectura", `"expiresAt":"`}, NotContains: []string{read.Token}},
		{Name: "read token cannot write", As: reader, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"language": "es"}, Status: 403, Contains: []string{`"code":"token_scope"`}},
		{Name: "nor create an organisation", As: reader, Method: "POST", Path: "/api/v1/organisations", Body: map[string]string{"name": "X", "kind": "other"}, Status: 403, Contains: []string{`"code":"token_scope"`}},
		{Name: "write token writes", As: writer, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"language": "es"}, Status: 200},
		{Name: "write token reads too", As: writer, Method: "GET", Path: "/api/v1/auth/session", Status: 200, Contains: []string{"ana@example.org"}},
		{Name: "write token still cannot mint tokens", As: writer, Method: "POST", Path: "/api/v1/tokens", Body: map[string]string{"name": "x"}, Status: 403, Contains: []string{`"code":"token_not_allowed"`}},
		{Name: "unknown scope", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]any{"name": "x", "scopes": []string{"admin"}}, Status: 400, Contains: []string{`"scopes":{"code":"one_of"`}},
		{Name: "too long a life", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]any{"name": "x", "expiresInDays": 366}, Status: 400, Contains: []string{`"expiresInDays":{"code":"range"`}},
		{Name: "zero days", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]any{"name": "x", "expiresInDays": 0}, Status: 400, Contains: []string{`"expiresInDays"`}},
		{Name: "scopes of the wrong type", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]any{"name": "x", "scopes": "write"}, Status: 400, Contains: []string{`"scopes":{"code":"wrong_type"`}},
	})
	a.Accounts.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
	defer a.Accounts.SetClock(time.Now)
	a.Run(t, []testkit.Scenario{
		{Name: "expired token refused", As: &testkit.Client{Bearer: shortTok.Token}, Method: "GET", Path: "/api/v1/auth/session", Status: 401, Contains: []string{`"code":"invalid_token"`}},
		{Name: "a longer one still works", As: writer, Method: "GET", Path: "/api/v1/auth/session", Status: 200},
	})
}
