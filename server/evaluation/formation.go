package evaluation

import (
	"sort"
)

// seat is a participant as group formation sees them.
type seat struct {
	UserID, Role, Team string
}

// groupCount is how many groups n people make: about size each, but never so many that a group falls
// below the anonymity threshold. Zero when n itself is below the threshold.
func groupCount(n, size, threshold int) int {
	if n < threshold || n == 0 {
		return 0
	}
	g := (n + size - 1) / size
	for g > 1 && n/g < threshold {
		g--
	}
	return g
}

// formGroups splits people into g groups that mix roles and teams. Sorted by role, then team, then id,
// each person in turn sits where a late arrival would (placeLate: the smallest group, then the one with
// fewest of their role, then of their team), so group sizes differ by at most one and each role and team
// is spread as evenly as the sizes allow. The same people always give the same groups.
func formGroups(people []seat, g int) [][]seat {
	if g <= 0 {
		return nil
	}
	ps := append([]seat(nil), people...)
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Role != b.Role {
			return a.Role < b.Role
		}
		if a.Team != b.Team {
			return a.Team < b.Team
		}
		return a.UserID < b.UserID
	})
	out := make([][]seat, g)
	mix := make([]groupMix, g)
	for _, p := range ps {
		for i := range mix {
			mix[i] = groupMix{Index: i, Number: i + 1, Size: len(out[i])}
			for _, q := range out[i] {
				if q.Role == p.Role {
					mix[i].SameRole++
				}
				if q.Team == p.Team {
					mix[i].SameTm++
				}
			}
		}
		at := best(mix).Index
		out[at] = append(out[at], p)
	}
	return out
}

// groupMix is what late placement knows of one group: its size and how many of the newcomer's role and
// team already sit there.
type groupMix struct {
	ID                     string
	Index                  int
	Number                 int
	Size, SameRole, SameTm int
}

// placeLate picks the group for someone who arrives once groups are formed: the smallest group, then the
// one with fewest of their role, then of their team, then the lowest number. Deterministic.
func placeLate(groups []groupMix) string {
	if len(groups) == 0 {
		return ""
	}
	return best(groups).ID
}

func best(groups []groupMix) groupMix {
	best := groups[0]
	for _, g := range groups[1:] {
		switch {
		case g.Size != best.Size:
			if g.Size < best.Size {
				best = g
			}
		case g.SameRole != best.SameRole:
			if g.SameRole < best.SameRole {
				best = g
			}
		case g.SameTm != best.SameTm:
			if g.SameTm < best.SameTm {
				best = g
			}
		case g.Number < best.Number:
			best = g
		}
	}
	return best
}
