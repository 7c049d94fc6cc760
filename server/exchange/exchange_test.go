package exchange_test

import (
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

type day struct {
	ID                             string
	Status                         string
	InviteCode                     string
	MyRegistration                 *string
	RegisteredCount, WaitlistCount int
}

func setup(t *testing.T) (*testkit.App, *testkit.Client, string) {
	a := testkit.NewApp(t)
	host := a.Register("host@example.org", "Host")
	var org struct{ ID string }
	a.Do(host, "POST", "/api/v1/organisations", map[string]string{"name": "Xarxa d'habitatge", "kind": "housing_entity"}).JSON(t, &org)
	return a, host, org.ID
}

func newDay(org string, start time.Time, extra map[string]any) map[string]any {
	d := map[string]any{
		"hostOrgId": org, "title": "Segona jornada d'intercanvi: gestió de l'habitatge social", "description": "Micròfon obert.",
		"startsAt": start, "endsAt": start.Add(2 * time.Hour), "timeZone": "Europe/Madrid",
		"agenda": []map[string]any{{"text": "Com gestioneu els impagaments?", "minutes": 20}, {"text": "Relació amb els inquilins"},
			{"text": "Reptes actuals"}, {"text": "La bretxa digital"}},
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func TestExchangeDayLifecycle(t *testing.T) {
	t.Parallel()
	a, host, org := setup(t)
	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	r := a.Do(host, "POST", "/api/v1/exchange-days", newDay(org, start, map[string]any{"capacity": 2}))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var d day
	r.JSON(t, &d)
	base := "/api/v1/exchange-days/" + d.ID
	p1, p2, p3 := a.Register("p1@example.org", "P1"), a.Register("p2@example.org", "P2"), a.Register("p3@example.org", "P3")
	a.Run(t, []testkit.Scenario{
		{Name: "listed as upcoming", Method: "GET", Path: "/api/v1/exchange-days?upcoming=true", Status: 200, Contains: []string{d.ID, "Segona jornada"}},
		{Name: "listed for the org", Method: "GET", Path: "/api/v1/exchange-days?org=" + org, Status: 200, Contains: []string{d.ID}},
		{Name: "anyone reads it", Method: "GET", Path: base, Status: 200, Contains: []string{`"canManage":false`, "Com gestioneu"}},
		{Name: "first registers", As: p1, Method: "POST", Path: base + "/registration", Status: 200, Contains: []string{`"myRegistration":"registered"`}},
		{Name: "registering twice is harmless", As: p1, Method: "POST", Path: base + "/registration", Status: 200, Contains: []string{`"registeredCount":1`}},
		{Name: "second registers", As: p2, Method: "POST", Path: base + "/registration", Status: 200, Contains: []string{`"myRegistration":"registered"`}},
		{Name: "third waits", As: p3, Method: "POST", Path: base + "/registration", Status: 200,
			Contains: []string{`"myRegistration":"waitlisted"`, `"waitlistCount":1`}},
		{Name: "capacity cannot drop below registrations", As: host, Method: "PATCH", Path: base, Body: map[string]any{"capacity": 1}, Status: 400,
			Contains: []string{`"capacity"`}},
		{Name: "first leaves", As: p1, Method: "DELETE", Path: base + "/registration", Status: 204},
		{Name: "the waiting person gets the place", As: p3, Method: "GET", Path: base, Status: 200,
			Contains: []string{`"myRegistration":"registered"`, `"registeredCount":2`, `"waitlistCount":0`}},
		{Name: "leaving twice", As: p1, Method: "DELETE", Path: base + "/registration", Status: 404, Contains: []string{`"code":"not_registered"`}},
		{Name: "a participant cannot edit", As: p2, Method: "PATCH", Path: base, Body: map[string]any{"title": "Una altra"}, Status: 403},
		{Name: "host edits", As: host, Method: "PATCH", Path: base, Body: map[string]any{"title": "Segona jornada (nou horari)"}, Status: 200,
			Contains: []string{"nou horari", `"canManage":true`}},
		{Name: "calendar", Method: "GET", Path: base + "/calendar.ics", Status: 200,
			Contains: []string{"BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:Segona jornada (nou horari)", "STATUS:CONFIRMED", "SEQUENCE:1"}},
		{Name: "org calendar", Method: "GET", Path: "/api/v1/organisations/" + org + "/calendar.ics", Status: 200, Contains: []string{"UID:" + d.ID}},
		{Name: "a participant cannot cancel", As: p2, Method: "POST", Path: base + "/cancel", Status: 403},
		{Name: "host cancels", As: host, Method: "POST", Path: base + "/cancel", Status: 200, Contains: []string{`"status":"cancelled"`}},
		{Name: "calendar says cancelled", Method: "GET", Path: base + "/calendar.ics", Status: 200, Contains: []string{"STATUS:CANCELLED"}},
		{Name: "no registering to a cancelled day", As: p1, Method: "POST", Path: base + "/registration", Status: 409, Contains: []string{`"code":"cancelled"`}},
		{Name: "no editing a cancelled day", As: host, Method: "PATCH", Path: base, Body: map[string]any{"title": "Tercera"}, Status: 409},
	})
	ics := string(a.Do(nil, "GET", base+"/calendar.ics", nil).Body)
	if !strings.Contains(ics, "\r\n") {
		t.Fatal("iCalendar lines must end with CRLF")
	}
}

func TestRegistrationModes(t *testing.T) {
	t.Parallel()
	a, host, org := setup(t)
	start := time.Now().Add(24 * time.Hour)
	member, outsider := a.Register("member@example.org", "Member"), a.Register("out@example.org", "Out")
	a.Join(host, org, "member@example.org", "member")
	var members, invite, past day
	a.Do(host, "POST", "/api/v1/exchange-days", newDay(org, start, map[string]any{"registrationMode": "members"})).JSON(t, &members)
	a.Do(host, "POST", "/api/v1/exchange-days", newDay(org, start, map[string]any{"registrationMode": "invite", "inviteCode": "HABITATGE26"})).JSON(t, &invite)
	a.Do(host, "POST", "/api/v1/exchange-days", newDay(org, time.Now().Add(-5*time.Hour), nil)).JSON(t, &past)
	a.Run(t, []testkit.Scenario{
		{Name: "members-only refuses outsiders", As: outsider, Method: "POST", Path: "/api/v1/exchange-days/" + members.ID + "/registration", Status: 403},
		{Name: "members-only admits members", As: member, Method: "POST", Path: "/api/v1/exchange-days/" + members.ID + "/registration", Status: 200},
		{Name: "invite code is hidden from participants", As: outsider, Method: "GET", Path: "/api/v1/exchange-days/" + invite.ID, Status: 200,
			NotContains: []string{"HABITATGE26"}},
		{Name: "host sees the code", As: host, Method: "GET", Path: "/api/v1/exchange-days/" + invite.ID, Status: 200, Contains: []string{"HABITATGE26"}},
		{Name: "wrong code", As: outsider, Method: "POST", Path: "/api/v1/exchange-days/" + invite.ID + "/registration",
			Body: map[string]string{"inviteCode": "nope"}, Status: 403, Contains: []string{`"code":"invalid_invite_code"`}},
		{Name: "right code", As: outsider, Method: "POST", Path: "/api/v1/exchange-days/" + invite.ID + "/registration",
			Body: map[string]string{"inviteCode": "HABITATGE26"}, Status: 200, Contains: []string{`"myRegistration":"registered"`}},
		{Name: "ended day", As: outsider, Method: "POST", Path: "/api/v1/exchange-days/" + past.ID + "/registration", Status: 409, Contains: []string{`"code":"ended"`}},
		{Name: "anonymous cannot register", Method: "POST", Path: "/api/v1/exchange-days/" + members.ID + "/registration", Status: 401},
		{Name: "unknown day", As: outsider, Method: "POST", Path: "/api/v1/exchange-days/nope/registration", Status: 404},
	})
	// The export lists a person's registrations.
	if r := a.Do(outsider, "GET", "/api/v1/me/export", nil); !strings.Contains(string(r.Body), `"exchangeDayRegistrations":[{`) {
		t.Fatalf("export: %s", r.Body)
	}
}

func TestExchangeDayBadInput(t *testing.T) {
	t.Parallel()
	a, host, org := setup(t)
	start := time.Now().Add(24 * time.Hour)
	outsider := a.Register("out@example.org", "Out")
	a.Run(t, []testkit.Scenario{
		{Name: "not a host member", As: outsider, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, nil), Status: 403},
		{Name: "unknown host", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay("nope", start, nil), Status: 400,
			Contains: []string{`"hostOrgId"`}},
		{Name: "ends before it starts", As: host, Method: "POST", Path: "/api/v1/exchange-days",
			Body: newDay(org, start, map[string]any{"endsAt": start.Add(-time.Hour)}), Status: 400, Contains: []string{`"endsAt":{"code":"end_before_start"}`}},
		{Name: "bad time zone", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"timeZone": "Mars/Olympus"}),
			Status: 400, Contains: []string{`"timeZone"`}},
		{Name: "no questions", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"agenda": []any{}}),
			Status: 400, Contains: []string{`"agenda"`}},
		{Name: "empty question", As: host, Method: "POST", Path: "/api/v1/exchange-days",
			Body: newDay(org, start, map[string]any{"agenda": []map[string]any{{"text": ""}}}), Status: 400, Contains: []string{`"agenda.0.text"`}},
		{Name: "bad mode", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"registrationMode": "lottery"}),
			Status: 400, Contains: []string{`"registrationMode"`}},
		{Name: "bad recording visibility", As: host, Method: "POST", Path: "/api/v1/exchange-days",
			Body: newDay(org, start, map[string]any{"recordingVisibility": "everyone"}), Status: 400, Contains: []string{`"recordingVisibility"`}},
		{Name: "malformed date", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"startsAt": "demà"}),
			Status: 400},
		{Name: "video not a yes/no", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"video": "yes"}),
			Status: 400},
		{Name: "negative capacity", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"capacity": -3}),
			Status: 400, Contains: []string{`"capacity"`}},
		{Name: "nothing was created", Method: "GET", Path: "/api/v1/exchange-days", Status: 200, Contains: []string{`"items":[]`}},
		{Name: "cameras are off unless asked for", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, nil),
			Status: 201, Contains: []string{`"video":false`}},
		{Name: "cameras allowed at creation", As: host, Method: "POST", Path: "/api/v1/exchange-days", Body: newDay(org, start, map[string]any{"video": true}),
			Status: 201, Contains: []string{`"video":true`}},
		{Name: "unknown calendar", Method: "GET", Path: "/api/v1/exchange-days/nope/calendar.ics", Status: 404},
	})
}
