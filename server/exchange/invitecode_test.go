package exchange_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// TestInviteCodeGuessing: wrong codes are limited per person (10 an hour, kept in the store), a right code
// does not use up the allowance, and a host cannot set a short, guessable code.
func TestInviteCodeGuessing(t *testing.T) {
	t.Parallel()
	a, host, org := setup(t)
	start := time.Now().Add(24 * time.Hour)
	var invite day
	a.Do(host, "POST", "/api/v1/exchange-days", newDay(org, start, map[string]any{"registrationMode": "invite", "inviteCode": "HABITATGE26"})).JSON(t, &invite)
	reg := "/api/v1/exchange-days/" + invite.ID + "/registration"
	guesser, friend := a.Register("guess@example.org", "Guess"), a.Register("friend@example.org", "Friend")
	for i := range 10 {
		if r := a.Do(guesser, "POST", reg, map[string]string{"inviteCode": fmt.Sprintf("GUESS%04d", i)}); r.Status != 403 {
			t.Fatalf("guess %d: %d %s", i, r.Status, r.Body)
		}
	}
	a.Run(t, []testkit.Scenario{
		{Name: "eleventh wrong code is refused unread", As: guesser, Method: "POST", Path: reg,
			Body: map[string]string{"inviteCode": "HABITATGE26"}, Status: 429, Contains: []string{`"code":"rate_limited"`}},
		{Name: "someone else with the right code", As: friend, Method: "POST", Path: reg,
			Body: map[string]string{"inviteCode": "HABITATGE26"}, Status: 200, Contains: []string{`"myRegistration":"registered"`}},
		{Name: "a four-character code is refused", As: host, Method: "POST", Path: "/api/v1/exchange-days",
			Body: newDay(org, start, map[string]any{"registrationMode": "invite", "inviteCode": "ABCD"}), Status: 400,
			Contains: []string{`"inviteCode":"must have between 8 and 64 characters"`}},
	})
}
