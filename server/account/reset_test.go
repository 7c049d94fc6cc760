package account_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/testkit"
)

var resetLink = regexp.MustCompile(`https://teixit\.example\.org/reset-password#(txr_[A-Za-z0-9_-]+)`)

// TestResetByEmail: an emailed link sets a new password once, ends every session and token, and lifts the
// login lockout someone else's guesses caused; nothing tells a stranger whether an address has an account.
func TestResetByEmail(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	a := testkit.NewApp(t, func(c *config.Config) {
		c.BaseURL = "https://teixit.example.org"
		c.SMTP = config.SMTP{Host: srv.Host, Port: srv.Port, From: "noreply@teixit.test", TLS: "none"}
	})
	ana := a.Register("ana@example.org", "Ana")
	other := a.Login("ana@example.org", "a long enough passphrase")
	tok := createToken(t, a, ana, "integració")
	// Someone guesses Ana's password until her account is locked.
	for i := 0; i < 12; i++ {
		a.Do(&testkit.Client{IP: "203.0.113.9"}, "POST", "/api/v1/auth/login", map[string]string{"email": "ana@example.org", "password": "guess number " + string(rune('a'+i))})
	}
	if r := a.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": "ana@example.org", "password": "a long enough passphrase"}); r.Status != 429 {
		t.Fatalf("account not locked: %d", r.Status)
	}

	a.Run(t, []testkit.Scenario{
		{Name: "unknown address: same answer", Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": "nobody@example.org"}, Status: 202},
		{Name: "known address", Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": " Ana@Example.org"}, Status: 202},
		{Name: "not an address", Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": "ana"}, Status: 400, Contains: []string{`"email":{"code":"email_format"`}},
	})
	if _, err := a.Mail.SendDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Wait(t, 1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "ana@example.org" {
		t.Fatalf("want one message to ana, got %+v", msgs)
	}
	if !strings.Contains(msgs[0].Subject, "contrasenya") { // Ana registered in Catalan
		t.Errorf("subject not in Ana's language: %q", msgs[0].Subject)
	}
	m := resetLink.FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", msgs[0].Text)
	}
	secret := m[1]
	complete := "/api/v1/auth/password-reset/complete"
	a.Run(t, []testkit.Scenario{
		{Name: "tampered link", Method: "POST", Path: complete, Body: map[string]string{"token": secret[:len(secret)-2] + "xx", "newPassword": "una frase nova i llarga"}, Status: 400, Contains: []string{`"code":"reset_link_invalid"`}},
		{Name: "not a link", Method: "POST", Path: complete, Body: map[string]string{"token": "hello", "newPassword": "una frase nova i llarga"}, Status: 400, Contains: []string{`"code":"reset_link_invalid"`}},
		{Name: "weak new password keeps the link", Method: "POST", Path: complete, Body: map[string]string{"token": secret, "newPassword": "aaaaaaaaaaaa"}, Status: 400, Contains: []string{`"newPassword":{"code":"password_weak"`}},
		{Name: "guessable with her name", Method: "POST", Path: complete, Body: map[string]string{"token": secret, "newPassword": "teixit2026"}, Status: 400, Contains: []string{`"newPassword":{"code":"password_weak"`}},
		{Name: "good", Method: "POST", Path: complete, Body: map[string]string{"token": secret, "newPassword": "una frase nova i llarga"}, Status: 204},
		{Name: "used once only", Method: "POST", Path: complete, Body: map[string]string{"token": secret, "newPassword": "una altra frase llarga"}, Status: 400, Contains: []string{`"code":"reset_link_used"`}},
		{Name: "every session ended", As: other, Method: "GET", Path: "/api/v1/auth/session", Status: 200, Contains: []string{`"user":null`}},
		{Name: "the token is revoked", As: &testkit.Client{Bearer: tok}, Method: "GET", Path: "/api/v1/tokens", Status: 401},
		{Name: "the old password is gone", Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "ana@example.org", "password": "a long enough passphrase"}, Status: 401},
	})
	// The lockout is lifted: the owner gets in at once.
	a.Login("ana@example.org", "una frase nova i llarga")
}

// TestResetLinkByAdmin: without mail a platform admin issues a one-time link (for a facilitator setting a
// resident up); links expire; only platform admins issue them, never with a token.
func TestResetLinkByAdmin(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, func(c *config.Config) { c.BaseURL = "https://teixit.example.org" })
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	joan := a.Register("joan@example.org", "Joan")
	rootToken := createToken(t, a, root, "admin script", "write")
	a.Run(t, []testkit.Scenario{
		{Name: "no mail: ask an admin", Method: "POST", Path: "/api/v1/auth/password-reset", Body: map[string]string{"email": "joan@example.org"}, Status: 409, Contains: []string{`"code":"reset_mail_off"`}},
		{Name: "a resident cannot issue links", As: joan, Method: "POST", Path: "/api/v1/admin/password-reset-links", Body: map[string]string{"email": "root@example.org"}, Status: 403},
		{Name: "not with a token", As: &testkit.Client{Bearer: rootToken}, Method: "POST", Path: "/api/v1/admin/password-reset-links", Body: map[string]string{"email": "joan@example.org"}, Status: 403, Contains: []string{`"code":"token_not_allowed"`}},
		{Name: "unknown person", As: root, Method: "POST", Path: "/api/v1/admin/password-reset-links", Body: map[string]string{"email": "ningu@example.org"}, Status: 404},
	})
	issue := func() string {
		r := a.Do(root, "POST", "/api/v1/admin/password-reset-links", map[string]string{"email": "joan@example.org"})
		if r.Status != 201 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("issue: %d %s %v", r.Status, r.Body, r.Header)
		}
		m := resetLink.FindStringSubmatch(string(r.Body))
		if m == nil {
			t.Fatalf("no link in %s", r.Body)
		}
		return m[1]
	}
	expired := issue()
	a.Accounts.SetClock(func() time.Time { return time.Now().Add(73 * time.Hour) })
	a.Run(t, []testkit.Scenario{{Name: "expired", Method: "POST", Path: "/api/v1/auth/password-reset/complete",
		Body: map[string]string{"token": expired, "newPassword": "una frase nova i llarga"}, Status: 400, Contains: []string{`"code":"reset_link_expired"`}}})
	a.Accounts.SetClock(time.Now)
	fresh := issue()
	a.Run(t, []testkit.Scenario{{Name: "fresh link works", Method: "POST", Path: "/api/v1/auth/password-reset/complete",
		Body: map[string]string{"token": fresh, "newPassword": "una frase nova i llarga"}, Status: 204}})
	a.Login("joan@example.org", "una frase nova i llarga")
}

// createToken makes a personal access token through the API and returns its secret.
func createToken(t *testing.T, a *testkit.App, c *testkit.Client, name string, scopes ...string) string {
	t.Helper()
	body := map[string]any{"name": name}
	if len(scopes) > 0 {
		body["scopes"] = scopes
	}
	r := a.Do(c, "POST", "/api/v1/tokens", body)
	if r.Status != 201 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	var tk struct{ Token string }
	r.JSON(t, &tk)
	return tk.Token
}
