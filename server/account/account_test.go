package account_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

func TestRegisterLoginSessionLogout(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	a.Run(t, []testkit.Scenario{
		{Name: "session shows the user", As: ana, Method: "GET", Path: "/api/v1/auth/session", Status: 200,
			Contains: []string{`"email":"ana@example.org"`, `"csrfToken":"` + ana.CSRF}, NotContains: []string{"passwordHash", "argon2"}},
		{Name: "anonymous session is null", Method: "GET", Path: "/api/v1/auth/session", Status: 200,
			Contains: []string{`"user":null`}},
		{Name: "login with wrong password", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "ana@example.org", "password": "wrong password!"}, Status: 401,
			Contains: []string{`"code":"invalid_credentials"`}},
		{Name: "login with unknown email gives the same answer", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "nobody@example.org", "password": "wrong password!"}, Status: 401,
			Contains: []string{`"code":"invalid_credentials"`, "The email or the password is not right"}},
		{Name: "email is case-insensitive at login", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": " ANA@example.org ", "password": "a long enough passphrase"}, Status: 200,
			Contains: []string{`"csrfToken"`}},
	})

	// Login rotates the session: the cookie given before is no longer valid.
	again := a.Login("ana@example.org", "a long enough passphrase")
	if again.Cookie == ana.Cookie {
		t.Fatal("login reused the session cookie")
	}
	resp := a.Do(again, "GET", "/api/v1/auth/session", nil)
	if !strings.Contains(string(resp.Body), "ana@example.org") {
		t.Fatalf("new session not valid: %s", resp.Body)
	}
	// Logout ends the session on the server, not only in the browser.
	if r := a.Do(again, "POST", "/api/v1/auth/logout", nil); r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if r := a.Do(again, "GET", "/api/v1/auth/session", nil); !strings.Contains(string(r.Body), `"user":null`) {
		t.Fatalf("session survived logout: %s", r.Body)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, func(c *config.Config) { c.BaseURL = "https://teixit.example.org" })
	resp := a.Do(nil, "POST", "/api/v1/auth/register", map[string]string{
		"email": "joan@example.org", "password": "a long enough passphrase", "name": "Joan", "language": "es"})
	if resp.Status != 201 {
		t.Fatalf("register: %d %s", resp.Status, resp.Body)
	}
	ck := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"teixit_session=", "httponly", "samesite=lax", "secure", "path=/"} {
		if !strings.Contains(strings.ToLower(ck), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", ck, want)
		}
	}
}

func TestRegisterBadInput(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	a.Register("taken@example.org", "Taken")
	good := func(m map[string]any) map[string]any {
		b := map[string]any{"email": "new@example.org", "password": "a long enough passphrase", "name": "Nou", "language": "ca"}
		for k, v := range m {
			b[k] = v
		}
		return b
	}
	a.Run(t, []testkit.Scenario{
		{Name: "duplicate email", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"email": "Taken@Example.org"}),
			Status: 409, Contains: []string{`"code":"email_taken"`}},
		{Name: "short password", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"password": "short"}),
			Status: 400, Contains: []string{`"password":{"code":"password_short","params":{"min":10}}`}},
		{Name: "common password", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"password": "password123"}),
			Status: 400, Contains: []string{`"password":"is too common`}},
		{Name: "bad email", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"email": "not-an-email"}),
			Status: 400, Contains: []string{`"email":{"code":"email_format"`}},
		{Name: "missing name", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"name": "  "}),
			Status: 400, Contains: []string{`"name":{"code":"length"`}},
		{Name: "unsupported language", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"language": "de"}),
			Status: 400, Contains: []string{`"language":"must be one of: ca, es, it, en"`}},
		{Name: "wrong type", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"password": 1234567890}),
			Status: 400, Contains: []string{`"password":{"code":"wrong_type","params":{"type":"string"}}`}},
		{Name: "unknown field", Method: "POST", Path: "/api/v1/auth/register", Body: good(map[string]any{"platformAdmin": true}),
			Status: 400, Contains: []string{`"platformAdmin":{"code":"unknown_field"}`}},
		{Name: "malformed JSON", Method: "POST", Path: "/api/v1/auth/register", Body: `{"email": "x@example.org",`,
			Status: 400, Contains: []string{`"code":"malformed_json"`}},
		{Name: "not an object", Method: "POST", Path: "/api/v1/auth/register", Body: `["a"]`,
			Status: 400, Contains: []string{`"code":"malformed_json"`}},
		{Name: "two objects", Method: "POST", Path: "/api/v1/auth/register", Body: `{} {}`,
			Status: 400, Contains: []string{`"code":"malformed_json"`}},
		{Name: "empty body", Method: "POST", Path: "/api/v1/auth/register", Body: ``,
			Status: 400, Contains: []string{`"code":"empty_body"`}},
		{Name: "invalid UTF-8", Method: "POST", Path: "/api/v1/auth/register", Body: "{\"name\": \"\xff\xfe\"}",
			Status: 400, Contains: []string{`"code":"invalid_utf8"`}},
		{Name: "wrong content type", Method: "POST", Path: "/api/v1/auth/register", Body: `{}`,
			Headers: []string{"Content-Type", "text/plain"}, Status: 415, Contains: []string{`"code":"unsupported_media_type"`}},
	})
	// Nothing half-written: the failed registrations left no account behind.
	if r := a.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": "new@example.org", "password": "a long enough passphrase"}); r.Status != 401 {
		t.Fatalf("a failed registration created an account: %d %s", r.Status, r.Body)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	noToken := &testkit.Client{Cookie: ana.Cookie}
	wrong := &testkit.Client{Cookie: ana.Cookie, CSRF: "forged"}
	a.Run(t, []testkit.Scenario{
		{Name: "write without CSRF header", As: noToken, Method: "POST", Path: "/api/v1/tokens", Body: map[string]string{"name": "x"},
			Status: 403, Contains: []string{`"code":"csrf"`}},
		{Name: "write with a wrong CSRF header", As: wrong, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"name": "x"},
			Status: 403, Contains: []string{`"code":"csrf"`}},
		{Name: "reads need no CSRF header", As: noToken, Method: "GET", Path: "/api/v1/tokens", Status: 200},
		{Name: "write with the CSRF header", As: ana, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"name": "Ana Maria"},
			Status: 200, Contains: []string{`"name":"Ana Maria"`}},
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	resp := a.Do(ana, "POST", "/api/v1/tokens", map[string]any{"name": "Padró municipal", "scopes": []string{"write"}})
	if resp.Status != 201 {
		t.Fatalf("create: %d %s", resp.Status, resp.Body)
	}
	var tok struct{ ID, Token string }
	resp.JSON(t, &tok)
	if !strings.HasPrefix(tok.Token, "txt_") {
		t.Fatalf("token %q", tok.Token)
	}
	bearer := &testkit.Client{Bearer: tok.Token}
	a.Run(t, []testkit.Scenario{
		{Name: "bearer token authenticates", As: bearer, Method: "GET", Path: "/api/v1/auth/session", Status: 200,
			Contains: []string{"ana@example.org"}},
		{Name: "bearer writes need no CSRF", As: bearer, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"language": "es"},
			Status: 200, Contains: []string{`"language":"es"`}},
		{Name: "list never shows the secret", As: ana, Method: "GET", Path: "/api/v1/tokens", Status: 200,
			Contains: []string{"Padró municipal", `"lastUsedAt":"`}, NotContains: []string{tok.Token}},
		{Name: "someone else cannot revoke it", As: bea, Method: "DELETE", Path: "/api/v1/tokens/" + tok.ID, Status: 404},
		{Name: "empty name", As: ana, Method: "POST", Path: "/api/v1/tokens", Body: map[string]string{"name": ""}, Status: 400,
			Contains: []string{`"name":{"code":"length"`}},
		{Name: "revoke", As: ana, Method: "DELETE", Path: "/api/v1/tokens/" + tok.ID, Status: 204},
		{Name: "revoked token is refused", As: bearer, Method: "GET", Path: "/api/v1/auth/session", Status: 401,
			Contains: []string{`"code":"invalid_token"`}},
		{Name: "malformed authorization header", Method: "GET", Path: "/api/v1/auth/session", Headers: []string{"Authorization", "Basic abc"},
			Status: 401, Contains: []string{`"code":"invalid_token"`}},
		{Name: "revoke unknown id", As: ana, Method: "DELETE", Path: "/api/v1/tokens/zzzz", Status: 404},
		{Name: "tokens need login", Method: "GET", Path: "/api/v1/tokens", Status: 401, Contains: []string{`"code":"login_required"`}},
	})
}

func TestExportAndDelete(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	ana := a.Register("ana@example.org", "Ana")
	bea := a.Register("bea@example.org", "Bea")
	var org struct{ ID string }
	r := a.Do(ana, "POST", "/api/v1/organisations", map[string]string{"name": "Casal del barri", "kind": "association"})
	r.JSON(t, &org)
	a.Join(ana, org.ID, "bea@example.org", "member")

	a.Run(t, []testkit.Scenario{
		{Name: "export has account and memberships", As: bea, Method: "GET", Path: "/api/v1/me/export", Status: 200,
			Contains:    []string{`"email":"bea@example.org"`, `"organisation":"Casal del barri"`, `"role":"member"`},
			NotContains: []string{"passwordHash", "argon2"}},
		{Name: "the last admin cannot delete their account", As: ana, Method: "DELETE", Path: "/api/v1/me", Status: 409,
			Contains: []string{`"code":"last_admin"`, "Casal del barri"}},
		{Name: "a member can", As: bea, Method: "DELETE", Path: "/api/v1/me", Status: 204},
		{Name: "the deleted session is gone", As: bea, Method: "GET", Path: "/api/v1/auth/session", Status: 200, Contains: []string{`"user":null`}},
		{Name: "the organisation lost the member", As: ana, Method: "GET", Path: "/api/v1/organisations/" + org.ID + "/members", Status: 200,
			NotContains: []string{"bea@example.org"}},
		{Name: "the email can be registered again", Method: "POST", Path: "/api/v1/auth/register",
			Body: map[string]string{"email": "bea@example.org", "password": "another long passphrase", "name": "Bea 2"}, Status: 201},
	})
	var o struct{ MemberCount int }
	a.Do(ana, "GET", "/api/v1/organisations/"+org.ID, nil).JSON(t, &o)
	if o.MemberCount != 1 {
		t.Fatalf("member count %d after deletion, want 1", o.MemberCount)
	}
}
