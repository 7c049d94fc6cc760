package diagnosis_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// TestDashboardFollowsEveryChange: the dashboard is kept between changes (readmodel.Memo), so every input it
// counts must move it at once on the node that took the write and soon on another node over the same store:
// contributions, supports and their withdrawal, findings, ballots, actions and their measurements.
func TestDashboardFollowsEveryChange(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	w := newWorldOn(t, nodes[0])
	w.newDiagnosis(t, nil)
	type dashboard struct {
		Contributions, Supports, Findings, Ballots, Actions int
		Indicators                                          []struct{ Latest *float64 }
	}
	read := func(node int) dashboard {
		t.Helper()
		var d dashboard
		r := nodes[node].Do(nil, "GET", w.diagPath+"/dashboard", nil)
		if r.Status != 200 {
			t.Fatalf("dashboard on node %d: %d %s", node, r.Status, r.Body)
		}
		r.JSON(t, &d)
		return d
	}
	// expect: at once on the writer's node (a person sees their own write), within seconds on the other
	expect := func(what string, ok func(dashboard) bool) {
		t.Helper()
		if d := read(0); !ok(d) {
			t.Fatalf("%s: the writer's node still shows %+v", what, d)
		}
		deadline := time.Now().Add(5 * time.Second)
		for d := read(1); !ok(d); d = read(1) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the other node still shows %+v after 5 s", what, d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	read(0)
	read(1) // both nodes keep the empty dashboard
	need := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "Falten pisos de lloguer assequible."})
	expect("a contribution", func(d dashboard) bool { return d.Contributions == 1 })
	extra := w.contribute(t, w.dani, map[string]any{"kind": "asset", "theme": "housing", "text": "El casal obre cada tarda."})
	for _, c := range []*testkit.Client{w.cai, w.eva} {
		if r := w.a.Do(c, "POST", "/api/v1/contributions/"+extra+"/support", nil); r.Status != 201 {
			t.Fatalf("support: %d %s", r.Status, r.Body)
		}
	}
	expect("two supports", func(d dashboard) bool { return d.Contributions == 2 && d.Supports == 2 })
	if r := w.a.Do(w.dani, "DELETE", "/api/v1/contributions/"+extra, nil); r.Status != 204 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	expect("a supported contribution withdrawn", func(d dashboard) bool { return d.Contributions == 1 && d.Supports == 0 })
	w.phase(t, "synthesis")
	finding := w.id(t, w.a.Do(w.bea, "POST", w.diagPath+"/findings", map[string]any{"swot": "weakness",
		"title": "Habitatge car", "contributionIds": []string{need}}))
	expect("a finding", func(d dashboard) bool { return d.Findings == 1 })
	w.phase(t, "prioritisation")
	for i, c := range []*testkit.Client{w.cai, w.dani, w.eva} {
		if r := w.a.Do(c, "POST", w.diagPath+"/ballot", map[string]any{"votes": map[string]int{finding: 1}}); r.Status != 201 {
			t.Fatalf("ballot %d: %d %s", i, r.Status, r.Body)
		}
		expect(fmt.Sprintf("ballot %d", i+1), func(d dashboard) bool { return d.Ballots == i+1 })
	}
	w.phase(t, "action_plan")
	r := w.a.Do(w.bea, "POST", w.diagPath+"/actions", map[string]any{"title": "Oficina d'habitatge",
		"responsibleOrganisationId": w.assoc, "findingIds": []string{finding},
		"indicators": []map[string]any{{"name": "Famílies ateses", "unit": "famílies", "baseline": 0, "target": 100}}})
	var act struct {
		ID         string
		Indicators []struct{ ID string }
	}
	if r.Status != 201 {
		t.Fatalf("action: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &act)
	expect("an action", func(d dashboard) bool {
		return d.Actions == 1 && len(d.Indicators) == 1 && d.Indicators[0].Latest == nil
	})
	w.phase(t, "follow_up")
	if r := w.a.Do(w.bea, "POST", "/api/v1/actions/"+act.ID+"/indicators/"+act.Indicators[0].ID+"/measurements",
		map[string]any{"date": "2026-03-01", "value": 30}); r.Status != 201 {
		t.Fatalf("measurement: %d %s", r.Status, r.Body)
	}
	expect("a measurement", func(d dashboard) bool {
		return len(d.Indicators) == 1 && d.Indicators[0].Latest != nil && *d.Indicators[0].Latest == 30
	})
}

// TestSupportedByMeFollowsChangesAcrossNodes: "supported by me" in lists and on a contribution is
// remembered per node (readmodel.Marks); a support and its withdrawal show at once on the node that took
// them and soon on another node, for that person only.
func TestSupportedByMeFollowsChangesAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	w := newWorldOn(t, nodes[0])
	w.newDiagnosis(t, nil)
	c := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "Calen més bancs a la plaça."})
	supported := func(node int, who *testkit.Client) (list, one bool) {
		t.Helper()
		var l struct {
			Items []struct {
				ID        string
				Supported bool `json:"supportedByMe"`
			}
		}
		nodes[node].Do(who, "GET", w.diagPath+"/contributions", nil).JSON(t, &l)
		if len(l.Items) != 1 || l.Items[0].ID != c {
			t.Fatalf("list on node %d: %+v", node, l.Items)
		}
		var v struct {
			Supported bool `json:"supportedByMe"`
		}
		nodes[node].Do(who, "GET", "/api/v1/contributions/"+c, nil).JSON(t, &v)
		return l.Items[0].Supported, v.Supported
	}
	expect := func(what string, want bool) {
		t.Helper()
		if list, one := supported(0, w.dani); list != want || one != want {
			t.Fatalf("%s: the writer's node says %v in the list, %v on the contribution; want %v", what, list, one, want)
		}
		deadline := time.Now().Add(5 * time.Second)
		for list, one := supported(1, w.dani); list != want || one != want; list, one = supported(1, w.dani) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the other node says %v in the list, %v on the contribution after 5 s; want %v", what, list, one, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if list, one := supported(1, w.eva); list || one {
			t.Fatalf("%s: someone else is told they support it", what)
		}
	}
	if err := nodes[1].ReadModel.WaitIndexed(t.Context()); err != nil {
		t.Fatal(err)
	}
	expect("before", false) // both nodes now remember "not supported"
	if r := w.a.Do(w.dani, "POST", "/api/v1/contributions/"+c+"/support", nil); r.Status != 201 {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	expect("after supporting", true)
	if r := w.a.Do(w.dani, "DELETE", "/api/v1/contributions/"+c+"/support", nil); r.Status != 200 {
		t.Fatalf("withdraw the support: %d %s", r.Status, r.Body)
	}
	expect("after withdrawing the support", false)
}

// TestAnonymousListFollowsChangesAcrossNodes: an anonymous reader's page of contributions is kept per node
// between changes (readmodel.Memo); a new contribution, a support and a hidden contribution show at once on
// the node that took them and soon on another, and a signed-in reader's page is never one kept for others.
func TestAnonymousListFollowsChangesAcrossNodes(t *testing.T) {
	t.Parallel()
	nodes := testkit.Nodes(t, 2)
	w := newWorldOn(t, nodes[0])
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"allowNicknames": true}})
	type item struct {
		ID       string
		Supports int
	}
	list := func(node int, who *testkit.Client) []item {
		t.Helper()
		var l struct{ Items []item }
		r := nodes[node].Do(who, "GET", w.diagPath+"/contributions?sort=-supports", nil)
		if r.Status != 200 {
			t.Fatalf("list on node %d: %d %s", node, r.Status, r.Body)
		}
		r.JSON(t, &l)
		return l.Items
	}
	expect := func(what string, ok func([]item) bool) {
		t.Helper()
		if l := list(0, nil); !ok(l) {
			t.Fatalf("%s: the writer's node lists %+v", what, l)
		}
		deadline := time.Now().Add(5 * time.Second)
		for l := list(1, nil); !ok(l); l = list(1, nil) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the other node still lists %+v after 5 s", what, l)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	first := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "Cal un punt d'informació."})
	expect("one contribution", func(l []item) bool { return len(l) == 1 })
	second := w.contribute(t, w.dani, map[string]any{"kind": "proposal", "theme": "housing", "text": "Un casal obert al vespre."})
	expect("two contributions", func(l []item) bool { return len(l) == 2 })
	if r := w.a.Do(w.eva, "POST", "/api/v1/contributions/"+second+"/support", nil); r.Status != 201 {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	expect("a support reorders the list", func(l []item) bool { return len(l) == 2 && l[0].ID == second && l[0].Supports == 1 })
	// a nickname's contribution waits for moderation: the public does not see it, its author's page is theirs
	if r := w.a.Do(nil, "POST", w.diagPath+"/contributions", map[string]any{"kind": "need", "theme": "housing",
		"text": "Més fanals al carrer.", "nickname": "Rosa"}); r.Status != 201 {
		t.Fatalf("nickname contribution: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.ana, "POST", "/api/v1/contributions/"+first+"/moderation",
		map[string]string{"action": "hide", "reason": "Dades personals"}); r.Status != 200 {
		t.Fatalf("hide: %d %s", r.Status, r.Body)
	}
	expect("a hidden contribution leaves the public list", func(l []item) bool { return len(l) == 1 && l[0].ID == second })
	if r := nodes[0].Do(w.ana, "GET", w.diagPath+"/contributions?status=hidden", nil); r.Status != 200 || !strings.Contains(string(r.Body), first) {
		t.Fatalf("an organiser was not shown the hidden contribution: %d %s", r.Status, r.Body)
	}
	if r := nodes[0].Do(nil, "GET", w.diagPath+"/contributions?status=hidden", nil); r.Status != 200 || strings.Contains(string(r.Body), first) {
		t.Fatalf("the public was shown a hidden contribution: %d %s", r.Status, r.Body)
	}
}

// TestSharedListDrawnForEachReader: a list without a status filter is kept once per node for every reader
// (the same published contributions in the same order); what depends on the reader is drawn for each — their
// own contributions, what they supported, the reports only organisers see — and a pending contribution is
// listed only when asked for, to those who may see it.
func TestSharedListDrawnForEachReader(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"preModeration": true}})
	mine := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "Falten pisos de lloguer assequible."})
	if r := w.a.Do(w.bea, "POST", "/api/v1/contributions/"+mine+"/moderation", map[string]string{"action": "publish"}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.dani, "POST", "/api/v1/contributions/"+mine+"/support", nil); r.Status != 201 {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.eva, "POST", "/api/v1/contributions/"+mine+"/report", map[string]string{"reason": "Dades personals"}); r.Status != 204 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	type item struct {
		ID            string
		Mine          bool
		SupportedByMe bool
		Reports       int
		Status        string
	}
	list := func(c *testkit.Client, query string) []item {
		t.Helper()
		r := w.a.Do(c, "GET", w.diagPath+"/contributions"+query, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
		}
		var l struct{ Items []item }
		r.JSON(t, &l)
		return l.Items
	}
	list(nil, "") // the page is kept from here on
	for _, tc := range []struct {
		who  string
		c    *testkit.Client
		want item
	}{
		{"anonymous", nil, item{ID: mine, Status: "published"}},
		{"its author", w.cai, item{ID: mine, Mine: true, Status: "published"}},
		{"a supporter", w.dani, item{ID: mine, SupportedByMe: true, Status: "published"}},
		{"an organiser", w.bea, item{ID: mine, Reports: 1, Status: "published"}},
		{"anonymous again", nil, item{ID: mine, Status: "published"}},
	} {
		if got := list(tc.c, ""); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s reads %+v, want [%+v]", tc.who, got, tc.want)
		}
	}
	// A contribution waiting for moderation: in no shared page; its author and the organisers find it with
	// the status filter.
	pending := w.contribute(t, w.eva, map[string]any{"kind": "asset", "theme": "housing", "text": "El casal obre cada tarda."})
	for _, c := range []*testkit.Client{nil, w.eva, w.bea} {
		if got := list(c, ""); len(got) != 1 || got[0].ID != mine {
			t.Errorf("the shared page lists %+v for %v; want only the published one", got, c)
		}
	}
	for _, tc := range []struct {
		c    *testkit.Client
		want int
	}{{w.eva, 1}, {w.bea, 1}, {w.dani, 0}} {
		if got := list(tc.c, "?status=pending"); len(got) != tc.want || (tc.want == 1 && got[0].ID != pending) {
			t.Errorf("pending for %s: %+v, want %d", tc.c.Email, got, tc.want)
		}
	}
}
