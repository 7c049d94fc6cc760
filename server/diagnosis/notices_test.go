package diagnosis_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/mail/mailtest"
	"github.com/teixit/teixit/server/testkit"
)

// TestPeopleAreTold: contributors follow the diagnosis automatically (opt-out sticks); a phase change
// reaches followers in-app and by email as each chose (immediate now, daily in a digest, never), in their
// language, with a signed one-click unsubscribe link; moderation and citations tell the author.
func TestPeopleAreTold(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	w := newWorld(t, func(c *config.Config) {
		c.SMTP = config.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", From: "Teixit <noreply@teixit.test>"}
		c.BaseURL = "http://teixit.test"
	})
	a := w.a
	ctx := t.Context()
	w.newDiagnosis(t, nil)
	cais := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "Falten bancs a la plaça del Pedró."})
	danis := w.contribute(t, w.dani, map[string]any{"kind": "asset", "theme": "housing", "text": "El casal obre les tardes."})
	w.contribute(t, w.eva, map[string]any{"kind": "proposal", "theme": "housing", "text": "Fem un hort al solar buit."})
	a.Run(t, []testkit.Scenario{
		{Name: "a contributor follows the diagnosis", As: w.cai, Method: "GET", Path: "/api/v1/follows", Status: 200,
			Contains: []string{`"kind":"diagnosis","target":"` + w.diag + `"`}},
		{Name: "email choice defaults to a daily digest", As: w.dani, Method: "GET", Path: "/api/v1/me/notification-settings", Status: 200,
			Contains: []string{`"email":"daily"`, `"emailAvailable":true`}},
		{Name: "cai wants email at once", As: w.cai, Method: "PUT", Path: "/api/v1/me/notification-settings",
			Body: map[string]string{"email": "immediate"}, Status: 200},
		{Name: "an unknown choice", As: w.cai, Method: "PUT", Path: "/api/v1/me/notification-settings",
			Body: map[string]string{"email": "hourly"}, Status: 400, Contains: []string{`"email":{"code":"one_of"`}},
		{Name: "eva stops following", As: w.eva, Method: "DELETE", Path: "/api/v1/follows?kind=diagnosis&target=" + w.diag, Status: 204},
		{Name: "following what one cannot read", As: w.eva, Method: "POST", Path: "/api/v1/follows",
			Body: map[string]string{"kind": "diagnosis", "target": "nosuchdiagnosis"}, Status: 404},
	})
	// Contributing again does not bring eva's follow back.
	w.contribute(t, w.eva, map[string]any{"kind": "need", "theme": "housing", "text": "No hi ha ombra a l'estiu."})

	w.phase(t, "synthesis")
	if _, err := a.Notify.RunJobs(ctx); err != nil { // the background pass may have run it already: claims keep it once
		t.Fatal(err)
	}
	if _, err := a.Mail.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Wait(t, 1, 10*time.Second)
	m := msgs[0]
	if m.To[0] != "cai@example.org" || !strings.HasPrefix(m.Subject, "La diagnosi ha passat a una nova fase") ||
		!strings.Contains(m.Text, "http://teixit.test/diagnoses/"+w.diag) {
		t.Fatalf("immediate email: to %v subject %q text %q", m.To, m.Subject, m.Text)
	}
	unsub := strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	if !strings.HasPrefix(unsub, "http://teixit.test/unsubscribe?token=") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("RFC 8058 headers: %v", m.Header)
	}
	for who, c := range map[string]*testkit.Client{"cai": w.cai, "dani": w.dani} {
		if r := a.Do(c, "GET", "/api/v1/notifications", nil); !strings.Contains(string(r.Body), `"kind":"diagnosis_phase"`) {
			t.Errorf("%s has no in-app notice: %s", who, r.Body)
		}
	}
	if r := a.Do(w.eva, "GET", "/api/v1/notifications", nil); strings.Contains(string(r.Body), "diagnosis_phase") {
		t.Errorf("eva opted out but was told: %s", r.Body)
	}
	if len(srv.Messages()) != 1 {
		t.Errorf("only cai chose immediate email; %d arrived", len(srv.Messages()))
	}

	// The next day dani gets one digest (in Catalan), and eva none. (The setup's members were invited and
	// accepted the same day: they and their inviter get that day's digest too.)
	a.Notify.SetNow(func() time.Time { return time.Now().Add(25 * time.Hour) })
	n, err := a.Notify.SendDigests(ctx)
	if err != nil || n < 1 {
		t.Fatalf("digests: %d %v", n, err)
	}
	if _, err := a.Mail.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	var d *mailtest.Message
	for _, m := range srv.Wait(t, 1+n, 10*time.Second)[1:] {
		switch m.To[0] {
		case "dani@example.org":
			if d != nil {
				t.Fatal("dani got two digests")
			}
			d = &m
		case "eva@example.org":
			t.Fatalf("eva opted out but got a digest: %q", m.Text)
		}
	}
	if d == nil || d.Subject != "Les teves novetats a Teixit" || !strings.Contains(d.Text, "/diagnoses/"+w.diag) {
		t.Fatalf("dani's digest: %+v", d)
	}
	if n, _ := a.Notify.SendDigests(ctx); n != 0 {
		t.Errorf("a second digest pass sent %d", n)
	}

	// One-click unsubscribe: a changed token is refused, the page shows one button, the POST unsubscribes.
	u, _ := url.Parse(unsub)
	token := u.Query().Get("token")
	tampered := token[:len(token)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", token[len(token)-1])+1)%16])
	a.Run(t, []testkit.Scenario{
		{Name: "tampered token", Method: "POST", Path: "/unsubscribe?token=" + url.QueryEscape(tampered), Status: 400,
			Contains: []string{`"code":"bad_unsubscribe_link"`}},
		{Name: "cut token", Method: "GET", Path: "/unsubscribe?token=abc", Status: 400},
		{Name: "the page asks first (link previews must not unsubscribe)", Method: "GET", Path: "/unsubscribe?token=" + url.QueryEscape(token),
			Headers: []string{"Accept-Language", "ca"}, Status: 200, Contains: []string{`<html lang="ca">`, `method="post"`}},
		{Name: "still immediate after the GET", As: w.cai, Method: "GET", Path: "/api/v1/me/notification-settings", Status: 200,
			Contains: []string{`"email":"immediate"`}},
		{Name: "one click", Method: "POST", Path: "/unsubscribe?token=" + url.QueryEscape(token), Status: 200},
		{Name: "now never", As: w.cai, Method: "GET", Path: "/api/v1/me/notification-settings", Status: 200,
			Contains: []string{`"email":"never"`}},
	})

	// Moderation and citations tell the author, in-app (cai now gets no email).
	if r := a.Do(w.ana, "POST", "/api/v1/contributions/"+cais+"/moderation", map[string]string{"action": "hide", "reason": "Repetida"}); r.Status != 200 {
		t.Fatalf("hide: %d %s", r.Status, r.Body)
	}
	if r := a.Do(w.ana, "POST", w.diagPath+"/findings", map[string]any{"swot": "strength", "title": "El casal com a punt de trobada",
		"contributionIds": []string{danis}}); r.Status != 201 {
		t.Fatalf("finding: %d %s", r.Status, r.Body)
	}
	if r := a.Do(w.cai, "GET", "/api/v1/notifications", nil); !strings.Contains(string(r.Body), `"kind":"contribution_hidden"`) {
		t.Errorf("cai not told of the hiding: %s", r.Body)
	}
	if r := a.Do(w.dani, "GET", "/api/v1/notifications", nil); !strings.Contains(string(r.Body), `"kind":"contribution_cited"`) {
		t.Errorf("dani not told of the citation: %s", r.Body)
	}
	if _, err := a.Mail.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Messages()); got != 1+n {
		t.Errorf("%d emails, want %d: cai unsubscribed and dani waits for the digest", got, 1+n)
	}

	// A digest for a deleted account is dropped, not sent.
	if r := a.Do(w.dani, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete dani: %d %s", r.Status, r.Body)
	}
	a.Notify.SetNow(func() time.Time { return time.Now().Add(49 * time.Hour) })
	if n, err := a.Notify.SendDigests(ctx); err != nil || n != 0 {
		t.Fatalf("digest for a deleted account: %d %v", n, err)
	}
}
