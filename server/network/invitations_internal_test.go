package network

import (
	"testing"
	"time"
)

// TestInvitationState: opened and expired are read from the dates; an answer outlives the expiry.
func TestInvitationState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	opened := now.Add(-time.Hour)
	for _, tc := range []struct {
		d    inviteDoc
		want string
		open bool
	}{
		{inviteDoc{Status: InviteSent, ExpiresAt: now.Add(time.Hour)}, InviteSent, true},
		{inviteDoc{Status: InviteSent, ExpiresAt: now.Add(time.Hour), OpenedAt: &opened}, InviteOpened, true},
		{inviteDoc{Status: InviteSent, ExpiresAt: now, OpenedAt: &opened}, InviteExpired, false},
		{inviteDoc{Status: InviteAccepted, ExpiresAt: now.Add(-time.Hour)}, InviteAccepted, false},
		{inviteDoc{Status: InviteWithdrawn, ExpiresAt: now.Add(time.Hour)}, InviteWithdrawn, false},
	} {
		if got := tc.d.state(now); got != tc.want || tc.d.open(now) != tc.open {
			t.Errorf("%+v: state %s open %v, want %s %v", tc.d, got, tc.d.open(now), tc.want, tc.open)
		}
	}
	if err := closedInvitation(InviteExpired); err == nil || err.Error() == "" {
		t.Fatal("an expired invitation must refuse answers")
	}
}
