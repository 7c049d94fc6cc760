package account_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// Unicode payloads reach the store clean through the one hygiene rule (server/clean) whatever domain takes
// them: names and titles lose NUL, right-to-left overrides and zero-width characters; long text keeps its
// lines and right-to-left marks; a password is taken exactly as typed.
func TestUnicodePayloadsAreCleaned(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	pw := "zero\u200bwidth \u202e passphrase"
	r := a.Do(nil, "POST", "/api/v1/auth/register", map[string]string{
		"email": "rtl@example.org", "password": pw, "name": "Ad\u200bmin\u202e\x00 Joan", "language": "ca"})
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), `"name":"Admin Joan"`) {
		t.Errorf("name not cleaned: %s", r.Body)
	}
	// The password is raw: the same bytes sign in, the cleaned ones do not.
	joan := a.Login("rtl@example.org", pw)
	if r := a.Do(nil, "POST", "/api/v1/auth/login", map[string]string{"email": "rtl@example.org", "password": "zerowidth  passphrase"}); r.Status != 401 {
		t.Errorf("a cleaned password signed in: %d", r.Status)
	}
	r = a.Do(joan, "POST", "/api/v1/organisations", map[string]any{"name": "\u2066Casal\u2069 \u00a0de\tBarri\x00", "kind": "association",
		"description": "Línia u\r\nלשון \u200fשנייה\x00"})
	if r.Status != 201 {
		t.Fatalf("create organisation: %d %s", r.Status, r.Body)
	}
	var org struct{ ID, Name, Description string }
	r.JSON(t, &org)
	if org.Name != "Casal de Barri" {
		t.Errorf("organisation name = %q", org.Name)
	}
	if want := "Línia u\nלשון \u200fשנייה"; org.Description != want {
		t.Errorf("description = %q, want %q", org.Description, want)
	}
	if r := a.Do(nil, "GET", "/api/v1/organisations/"+org.ID, nil); strings.Contains(string(r.Body), `\u0000`) || strings.Contains(string(r.Body), "\u2066") {
		t.Errorf("stored organisation keeps control characters: %s", r.Body)
	}
}
