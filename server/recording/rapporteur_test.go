package recording_test

import (
	"testing"

	"github.com/teixit/teixit/server/testkit"
)

// TestRapporteurRead: who takes notes is read by the day's participants (host members and registered
// people); those who choose also get the candidates (host members with their role, then registered people);
// anonymous visitors and outsiders are refused.
func TestRapporteurRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	rap := f.base + "/rapporteur"
	candidates := `"candidates":[{"userId":"` + f.host.UserID + `","name":"Helena Host","role":"admin"},` +
		`{"userId":"` + f.moderator.UserID + `","name":"Marc Moderator","role":"professional"},` +
		`{"userId":"` + f.member.UserID + `","name":"Maria Member","role":"member"},` +
		`{"userId":"` + f.resident.UserID + `","name":"Rosa Resident","role":"registered"}]`
	f.a.Run(t, []testkit.Scenario{
		{Name: "anonymous", Method: "GET", Path: rap, Status: 401},
		{Name: "an outsider", As: f.outsider, Method: "GET", Path: rap, Status: 403, NotContains: []string{"Rosa"}},
		{Name: "another organisation's member", As: f.ot, Method: "GET", Path: rap, Status: 403},
		{Name: "unknown day", As: f.host, Method: "GET", Path: "/api/v1/exchange-days/nosuchday/rapporteur", Status: 404},
		{Name: "nobody named yet, participant", As: f.resident, Method: "GET", Path: rap, Status: 200,
			Contains: []string{`"userId":"","name":"","canChoose":false`}, NotContains: []string{"candidates"}},
		{Name: "the host gets the candidates", As: f.host, Method: "GET", Path: rap, Status: 200,
			Contains: []string{`"userId":"","name":"","canChoose":true`, candidates}, NotContains: []string{"Oriol", "Olga"}},
		{Name: "the moderator too", As: f.moderator, Method: "GET", Path: rap, Status: 200, Contains: []string{`"canChoose":true`, candidates}},
		{Name: "a member does not choose", As: f.member, Method: "GET", Path: rap, Status: 200,
			Contains: []string{`"canChoose":false`}, NotContains: []string{"candidates"}},
		{Name: "the host names the resident", As: f.host, Method: "PUT", Path: rap, Body: map[string]string{"userId": f.resident.UserID}, Status: 204},
		{Name: "the resident reads it", As: f.resident, Method: "GET", Path: rap, Status: 200,
			Contains: []string{`"userId":"` + f.resident.UserID + `","name":"Rosa Resident","canChoose":false`}},
		{Name: "a member reads it", As: f.member, Method: "GET", Path: rap, Status: 200, Contains: []string{`"name":"Rosa Resident"`}},
		{Name: "the host reads it", As: f.host, Method: "GET", Path: rap, Status: 200, Contains: []string{`"name":"Rosa Resident","canChoose":true`}},
		{Name: "still not an outsider", As: f.outsider, Method: "GET", Path: rap, Status: 403, NotContains: []string{"Rosa"}},
		{Name: "a renamed rapporteur shows their current name", As: f.resident, Method: "PATCH", Path: "/api/v1/me", Body: map[string]string{"name": "Rosa Vidal"}, Status: 200},
		{Name: "the new name", As: f.member, Method: "GET", Path: rap, Status: 200, Contains: []string{`"name":"Rosa Vidal"`}},
		{Name: "the host clears it", As: f.host, Method: "PUT", Path: rap, Body: map[string]string{"userId": ""}, Status: 204},
		{Name: "nobody again", As: f.resident, Method: "GET", Path: rap, Status: 200, Contains: []string{`"userId":"","name":""`}},
	})
}
