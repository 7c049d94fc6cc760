package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/testkit"
)

// signedIn tells whether node sees c as signed in on a page read (the session endpoint, a GET).
func signedIn(t *testing.T, node *testkit.App, c *testkit.Client) bool {
	t.Helper()
	r := node.Do(c, "GET", "/api/v1/auth/session", nil)
	if r.Status != 200 {
		t.Fatalf("session: %d %s", r.Status, r.Body)
	}
	var v struct{ User *struct{ ID string } }
	r.JSON(t, &v)
	return v.User != nil
}

// eventually waits up to 10 s for cond (another node learns of a change through the outbox).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A signed-in page read costs the store nothing before its handler once the node served the session; a
// write always reads the session from the store.
func TestSignedInReadsNeedNoStoreLookup(t *testing.T) {
	t.Parallel()
	st, commands := testkit.CountedStore(t, testkit.Store(t))
	a := testkit.NewAppOn(t, st)
	ana := a.Register("ana@example.org", "Ana")
	a.Create(ana, "/api/v1/organisations", map[string]string{"name": "Casal del Raval", "kind": "association"})
	read := func() { // a signed-in page whose handler reads nothing about accounts
		if r := a.Do(ana, "GET", "/api/v1/notifications", nil); r.Status != 200 {
			t.Fatalf("notifications: %d %s", r.Status, r.Body)
		}
	}
	read()
	lookups := func() int {
		return commands.Count("find", "sessions") + commands.Count("find", "users") + commands.Count("find", "memberships")
	}
	fewest := 1 << 30
	for range 3 { // the fewest of three: the app's background work does not count
		commands.Reset()
		read()
		fewest = min(fewest, lookups())
	}
	if fewest != 0 {
		t.Errorf("a cached session's read looked up the store %d times: %v", fewest, commands.All())
	}
	commands.Reset()
	if r := a.Do(ana, "PATCH", "/api/v1/me", map[string]string{"name": "Ana M."}); r.Status != 200 {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if commands.Count("find", "sessions") == 0 {
		t.Errorf("a write trusted the cache: %v", commands.All())
	}
}

// Two nodes on one store: what one node did (sign out, change a role, change a password, delete the account)
// reaches the other node's memory, which stops answering from it.
func TestSessionChangesReachEveryNode(t *testing.T) {
	t.Parallel()
	st := testkit.Store(t)
	a, b := testkit.NewAppOn(t, st), testkit.NewAppOn(t, st)

	// Signing out on one node ends the session on the other; a write there never used the cached one.
	ana := a.Register("ana@example.org", "Ana")
	if !signedIn(t, b, ana) {
		t.Fatal("b: not signed in")
	}
	if r := a.Do(ana, "POST", "/api/v1/auth/logout", nil); r.Status >= 300 {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if r := b.Do(ana, "PATCH", "/api/v1/me", map[string]string{"name": "Ana"}); r.Status != 401 {
		t.Errorf("b: a write with the ended session: %d %s", r.Status, r.Body)
	}
	eventually(t, "b still reads the ended session as signed in", func() bool { return !signedIn(t, b, ana) })

	// A member made staff on one node is staff on the other; made a plain member again, no longer.
	boss := a.Register("boss@example.org", "Boss")
	org := a.Create(boss, "/api/v1/organisations", map[string]string{"name": "Casal del Raval", "kind": "association"})
	a.Register("bru@example.org", "Bru")
	a.Join(boss, org, "bru@example.org", "member")
	bru := a.Login("bru@example.org", "a long enough passphrase")
	staff := func() bool {
		p, err := b.Accounts.CachedSessionPrincipal(context.Background(), bru.Cookie)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(p.StaffOrgIDs, org)
	}
	if staff() {
		t.Fatal("a plain member counted as staff")
	}
	for _, role := range []string{"professional", "member"} {
		if r := a.Do(boss, "PATCH", "/api/v1/organisations/"+org+"/members/"+bru.UserID, map[string]string{"role": role}); r.Status != 200 {
			t.Fatalf("role %s: %d %s", role, r.Status, r.Body)
		}
		eventually(t, "b still has bru's old role after the change to "+role, func() bool { return staff() == (role == "professional") })
	}

	// A password change ends the person's other sessions everywhere; the session that changed it stays.
	bru2 := a.Login("bru@example.org", "a long enough passphrase")
	if !signedIn(t, b, bru2) {
		t.Fatal("b: bru's second session")
	}
	if r := a.Do(bru, "POST", "/api/v1/me/password", map[string]string{"currentPassword": "a long enough passphrase", "newPassword": "another long passphrase"}); r.Status >= 300 {
		t.Fatalf("password: %d %s", r.Status, r.Body)
	}
	eventually(t, "b still reads the session the password change ended", func() bool { return !signedIn(t, b, bru2) })
	if !signedIn(t, b, bru) {
		t.Error("b: the session that changed the password ended too")
	}

	// Deleting the account ends its sessions everywhere.
	if !signedIn(t, b, boss) {
		t.Fatal("b: boss")
	}
	if r := a.Do(bru, "DELETE", "/api/v1/me", nil); r.Status >= 300 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	eventually(t, "b still holds a deleted account's session", func() bool {
		_, err := b.Accounts.CachedSessionPrincipal(context.Background(), bru.Cookie)
		return err == auth.ErrUnknownCredential
	})
	if !signedIn(t, b, boss) {
		t.Error("b forgot someone else's session")
	}
}
