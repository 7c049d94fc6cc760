package room

import (
	"math/rand"
	"testing"
	"time"
)

// TestRandomOperationsKeepInvariants drives a room with random operations
// from random actors and checks after each step that the queue, hand flags,
// floor and participant indexes agree.
func TestRandomOperationsKeepInvariants(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	roles := []Role{Host, Moderator, Rapporteur, Speaker, Listener, Listener, Listener}
	for round := 0; round < 200; round++ {
		r := New(Config{Questions: 3, Capacity: 8, ChatHistory: 5, Grace: time.Second})
		now := time.Unix(0, 0)
		var ids, tokens []string
		pick := func() string {
			if len(ids) == 0 || rng.Intn(10) == 0 {
				return "ghost"
			}
			return ids[rng.Intn(len(ids))]
		}
		for step := 0; step < 100; step++ {
			now = now.Add(time.Duration(rng.Intn(500)) * time.Millisecond)
			a, b := pick(), pick()
			switch rng.Intn(15) {
			case 0, 1:
				if p, err := r.Join("u", "n", roles[rng.Intn(len(roles))], false); err == nil {
					ids, tokens = append(ids, p.ID), append(tokens, p.Token())
				}
			case 2:
				_ = r.RaiseHand(a)
			case 3:
				_ = r.LowerHand(a)
			case 4:
				_, _ = r.GrantFloor(a, b)
			case 5:
				_ = r.RevokeFloor(a, b)
			case 6:
				_ = r.Mute(a, b)
			case 7:
				_ = r.Unmute(a, b)
			case 8:
				_ = r.Remove(a, b)
			case 9:
				_, _ = r.SetQuestion(a, rng.Intn(4), rng.Intn(2) == 0)
			case 10:
				r.Disconnect(a, now)
			case 11:
				if len(tokens) > 0 {
					_, _ = r.Rejoin(tokens[rng.Intn(len(tokens))], "u")
				}
			case 12:
				r.Expire(now)
			case 13:
				_ = r.Leave(a)
			case 14:
				r.SetSpeaking(a, true)
			}
			checkInvariants(t, r)
		}
	}
}

func checkInvariants(t *testing.T, r *Room) {
	t.Helper()
	if len(r.byID) != len(r.order) || len(r.byToken) != len(r.order) {
		t.Fatalf("indexes out of step: %d by id, %d by token, %d in order", len(r.byID), len(r.byToken), len(r.order))
	}
	if r.cfg.Capacity > 0 && len(r.order) > r.cfg.Capacity {
		t.Fatalf("over capacity: %d", len(r.order))
	}
	inQueue := map[string]bool{}
	for _, e := range r.queue {
		p, ok := r.byID[e.ParticipantID]
		if !ok || inQueue[e.ParticipantID] || !p.HandRaised || e.ParticipantID == r.floor {
			t.Fatalf("bad queue entry %+v (known %v, duplicate %v, floor %q)", e, ok, inQueue[e.ParticipantID], r.floor)
		}
		inQueue[e.ParticipantID] = true
	}
	for _, p := range r.order {
		if p.HandRaised != inQueue[p.ID] || p.Gone {
			t.Fatalf("participant %s: hand %v, queued %v, gone %v", p.ID, p.HandRaised, inQueue[p.ID], p.Gone)
		}
		if p.Speaking && !r.CanPublish(p.ID) {
			t.Fatalf("participant %s speaking without publish rights", p.ID)
		}
	}
	if r.floor != "" {
		if _, ok := r.byID[r.floor]; !ok {
			t.Fatalf("floor held by unknown %q", r.floor)
		}
	}
	if r.question < 0 || (r.cfg.Questions > 0 && r.question >= r.cfg.Questions) {
		t.Fatalf("question %d out of range", r.question)
	}
}
