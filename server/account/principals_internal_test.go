package account

import (
	"testing"
	"time"

	"github.com/teixit/teixit/server/auth"
)

// A principal read from the store while a change was forgotten is not kept: it may predate the change.
func TestPrincipalReadDuringAChangeIsNotKept(t *testing.T) {
	t.Parallel()
	pc := newPrincipals()
	now := time.Now()
	p := &auth.Principal{UserID: "u1", StaffOrgIDs: []string{"o1"}}

	gen := pc.gen.Load()        // a request starts reading the store…
	pc.forget(userChange("u1")) // …a change to the person lands meanwhile
	pc.put("h1", p, now.Add(time.Minute), gen)
	if _, ok := pc.get("h1", now); ok {
		t.Fatal("kept a principal read before the change")
	}

	pc.put("h1", p, now.Add(time.Minute), pc.gen.Load())
	got, ok := pc.get("h1", now)
	if !ok || got.StaffOrgIDs[0] != "o1" {
		t.Fatalf("not kept: %v %v", got, ok)
	}
	got.StaffOrgIDs[0] = "changed by a handler"
	if again, _ := pc.get("h1", now); again.StaffOrgIDs[0] != "o1" {
		t.Fatal("a handler changed the cached principal")
	}
	if _, ok := pc.get("h1", now.Add(time.Minute)); ok {
		t.Fatal("kept past its time")
	}
	pc.forget(sessionChange("h1"))
	if _, ok := pc.get("h1", now); ok {
		t.Fatal("kept an ended session")
	}
}
