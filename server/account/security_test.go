package account_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestChangePasswordEndsOtherSessionsAndTokens: the current password is asked; a change ends every other
// session and every token, keeps this one, and the old password no longer works.
func TestChangePasswordEndsOtherSessionsAndTokens(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	here := a.Register("ana@example.org", "Ana")
	phone := a.Login("ana@example.org", goodPassword)
	var tok struct{ Token string }
	a.Do(here, "POST", "/api/v1/tokens", map[string]any{"name": "Padró", "scopes": []string{"read", "write"}}).JSON(t, &tok)
	bearer := &testkit.Client{Bearer: tok.Token}
	a.Run(t, []testkit.Scenario{
		{Name: "two sessions listed, this one marked", As: here, Method: "GET", Path: "/api/v1/me/sessions", Status: 200,
			Contains: []string{`"current":true`, `"current":false`}, NotContains: []string{here.Cookie, phone.Cookie}},
		{Name: "wrong current password", As: here, Method: "POST", Path: "/api/v1/me/password",
			Body: map[string]string{"currentPassword": "not my password", "newPassword": "una frase nova i llarga"}, Status: 403,
			Contains: []string{`"code":"wrong_password"`, `"currentPassword"`}},
		{Name: "weak new password", As: here, Method: "POST", Path: "/api/v1/me/password",
			Body: map[string]string{"currentPassword": goodPassword, "newPassword": "short"}, Status: 400, Contains: []string{`"newPassword"`}},
		{Name: "nothing changed yet: the phone still works", As: phone, Method: "GET", Path: "/api/v1/me/sessions", Status: 200},
		{Name: "a token cannot change the password", As: bearer, Method: "POST", Path: "/api/v1/me/password",
			Body: map[string]string{"currentPassword": goodPassword, "newPassword": "una frase nova i llarga"}, Status: 403,
			Contains: []string{`"code":"token_not_allowed"`}},
		{Name: "a token cannot mint tokens", As: bearer, Method: "POST", Path: "/api/v1/tokens",
			Body: map[string]string{"name": "x"}, Status: 403, Contains: []string{`"code":"token_not_allowed"`}},
		{Name: "a token cannot delete the account", As: bearer, Method: "DELETE", Path: "/api/v1/me", Status: 403,
			Contains: []string{`"code":"token_not_allowed"`}},
		{Name: "change", As: here, Method: "POST", Path: "/api/v1/me/password",
			Body: map[string]string{"currentPassword": goodPassword, "newPassword": "una frase nova i llarga"}, Status: 204},
		{Name: "this session stays", As: here, Method: "GET", Path: "/api/v1/me/sessions", Status: 200, Contains: []string{`"current":true`},
			NotContains: []string{`"current":false`}},
		{Name: "the phone is signed out", As: phone, Method: "GET", Path: "/api/v1/me/sessions", Status: 401},
		{Name: "the token is revoked", As: bearer, Method: "GET", Path: "/api/v1/tokens", Status: 401},
		{Name: "the old password fails", Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "ana@example.org", "password": goodPassword}, Status: 401},
	})
	a.Login("ana@example.org", "una frase nova i llarga")
}

// TestSignOutEverywhere ends every session, this one included, and every token.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	here := a.Register("ana@example.org", "Ana")
	phone := a.Login("ana@example.org", goodPassword)
	var tok struct{ Token string }
	a.Do(here, "POST", "/api/v1/tokens", map[string]any{"name": "Padró", "scopes": []string{"read", "write"}}).JSON(t, &tok)
	r := a.Do(here, "DELETE", "/api/v1/me/sessions", nil)
	if r.Status != 204 || !strings.Contains(r.Header.Get("Set-Cookie"), "teixit_session=;") {
		t.Fatalf("sign out everywhere: %d %v", r.Status, r.Header)
	}
	for name, c := range map[string]*testkit.Client{"here": here, "phone": phone, "token": {Bearer: tok.Token}} {
		if r := a.Do(c, "GET", "/api/v1/me/sessions", nil); r.Status != 401 {
			t.Errorf("%s still signed in: %d", name, r.Status)
		}
	}
}
