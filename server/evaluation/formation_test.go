package evaluation

import (
	"fmt"
	"reflect"
	"testing"
)

func people(roles map[string]int, teams []string) []seat {
	var out []seat
	n := 0
	for _, role := range []string{"admin", "member", "professional"} {
		for i := 0; i < roles[role]; i++ {
			out = append(out, seat{UserID: fmt.Sprintf("u%03d", n), Role: role, Team: teams[n%len(teams)]})
			n++
		}
	}
	return out
}

func TestGroupCount(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ n, size, threshold, want int }{
		{24, 8, 5, 3}, {300, 10, 5, 30}, {11, 10, 5, 2}, {12, 10, 7, 1}, {4, 10, 5, 0}, {5, 10, 5, 1}, {0, 10, 5, 0}, {19, 10, 5, 2},
	} {
		if got := groupCount(c.n, c.size, c.threshold); got != c.want {
			t.Errorf("groupCount(%d, %d, %d) = %d, want %d", c.n, c.size, c.threshold, got, c.want)
		}
	}
}

func TestFormGroupsSizesAndMixing(t *testing.T) {
	t.Parallel()
	ps := people(map[string]int{"admin": 3, "professional": 15, "member": 6}, []string{"nord", "sud", "est"})
	g := groupCount(len(ps), 8, 5)
	groups := formGroups(ps, g)
	if len(groups) != 3 {
		t.Fatalf("%d groups, want 3", len(groups))
	}
	seen := map[string]bool{}
	for i, gr := range groups {
		if len(gr) != 8 {
			t.Errorf("group %d has %d people, want 8", i, len(gr))
		}
		roles, teams := map[string]int{}, map[string]int{}
		for _, p := range gr {
			if seen[p.UserID] {
				t.Errorf("%s sits in two groups", p.UserID)
			}
			seen[p.UserID] = true
			roles[p.Role]++
			teams[p.Team]++
		}
		// 3 admins, 15 professionals and 6 members over 3 groups: exactly 1, 5 and 2 each.
		if roles["admin"] != 1 || roles["professional"] != 5 || roles["member"] != 2 {
			t.Errorf("group %d roles %v: not mixed evenly", i, roles)
		}
		for team, n := range teams {
			if n < 2 || n > 4 {
				t.Errorf("group %d has %d of team %s: teams not mixed", i, n, team)
			}
		}
	}
	if len(seen) != len(ps) {
		t.Errorf("%d people placed, want %d", len(seen), len(ps))
	}
	// Deterministic whatever the input order.
	rev := append([]seat(nil), ps...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if !reflect.DeepEqual(groups, formGroups(rev, g)) {
		t.Error("the same people in another order gave other groups")
	}
}

func TestFormGroupsUnevenSizesDifferByOne(t *testing.T) {
	t.Parallel()
	for n := 5; n <= 63; n++ {
		ps := people(map[string]int{"professional": n}, []string{"a"})
		g := groupCount(n, 10, 5)
		groups := formGroups(ps, g)
		lo, hi := n, 0
		for _, gr := range groups {
			lo, hi = min(lo, len(gr)), max(hi, len(gr))
		}
		if hi-lo > 1 || lo < 5 {
			t.Errorf("n=%d: sizes from %d to %d", n, lo, hi)
		}
	}
}

func TestPlaceLate(t *testing.T) {
	t.Parallel()
	groups := []groupMix{
		{ID: "g1", Number: 1, Size: 8, SameRole: 2, SameTm: 1},
		{ID: "g2", Number: 2, Size: 7, SameRole: 3, SameTm: 1},
		{ID: "g3", Number: 3, Size: 7, SameRole: 2, SameTm: 2},
		{ID: "g4", Number: 4, Size: 7, SameRole: 2, SameTm: 1},
	}
	if got := placeLate(groups); got != "g4" {
		t.Errorf("late arrival went to %s, want g4 (smallest, fewest of the role, fewest of the team)", got)
	}
	groups[3].SameTm = 2
	if got := placeLate(groups); got != "g3" {
		t.Errorf("tie: went to %s, want the lowest number g3", got)
	}
	if placeLate(nil) != "" {
		t.Error("no groups should place nowhere")
	}
}
