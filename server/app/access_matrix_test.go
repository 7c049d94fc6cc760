package app_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/testkit"
)

// TestAccessMatrix drives every route of the API document (generated from the route table) as every kind of
// reader and holds each answer to the rule printed on the route's line (x-access):
//   - nobody ever gets a 5xx;
//   - a rule that needs signing in answers 401 to anonymous readers, platform_admin 403 to everyone else;
//   - org_member, org_staff and org_admin, on a record of organisation A: the readers the rule names are never
//     refused (no 401/403) and the others never succeed (a read answers 401, 403 or 404; a write never 2xx);
//   - self: every signed-in reader is let in.
//
// The readers: anonymous, a resident with no organisation, a member, a professional and an admin of A, the
// admin of another organisation B, a platform admin, and A's admin through a read-only token (reads as the
// admin; never writes). The records of A: the organisation itself, a diagnosis it organises with a resident's
// contribution, a finding and an action, an exchange day it hosts, a draft practice, an actor and an evaluation;
// "record" reads of the public ones are open to everyone, of the private ones (the draft, the evaluation) only
// to A's members and platform admins.
// Reads run first, then writes (empty bodies: the access answer comes before or instead of validation),
// then the routes that end the reader's session or account.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	root := a.Register("root@example.org", "Root")
	if _, err := a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	adminA := a.Register("admin.a@example.org", "Admin A")
	proA := a.Register("pro.a@example.org", "Pro A")
	memberA := a.Register("member.a@example.org", "Member A")
	extra := a.Register("extra.a@example.org", "Extra A") // the member whose role the routes change and remove
	outsider := a.Register("admin.b@example.org", "Admin B")
	resident := a.Register("veina@example.org", "Veïna")
	id := func(r *testkit.Response) string {
		t.Helper()
		if r.Status != 201 {
			t.Fatalf("fixture: %d %s", r.Status, r.Body)
		}
		var v struct{ ID string }
		r.JSON(t, &v)
		return v.ID
	}
	orgA := id(a.Do(adminA, "POST", "/api/v1/organisations", map[string]string{"name": "Associació A", "kind": "association"}))
	id(a.Do(outsider, "POST", "/api/v1/organisations", map[string]string{"name": "Entitat B", "kind": "association"}))
	a.Join(adminA, orgA, "pro.a@example.org", "professional")
	a.Join(adminA, orgA, "member.a@example.org", "member")
	a.Join(adminA, orgA, "extra.a@example.org", "member")
	terr := id(a.Do(root, "POST", "/api/v1/territories", map[string]any{"name": "el Raval", "level": "neighbourhood"}))
	diag := id(a.Do(proA, "POST", "/api/v1/diagnoses", map[string]any{"title": "Diagnosi del Raval", "territoryId": terr,
		"organisationIds": []string{orgA}, "themes": []string{"housing"}}))
	start := time.Now().Add(48 * time.Hour)
	day := id(a.Do(adminA, "POST", "/api/v1/exchange-days", map[string]any{"hostOrgId": orgA, "title": "Jornada d'intercanvi",
		"description": "Micròfon obert.", "startsAt": start, "endsAt": start.Add(2 * time.Hour), "timeZone": "Europe/Madrid",
		"agenda": []map[string]any{{"text": "Com ho feu?"}}}))
	prac := id(a.Do(proA, "POST", "/api/v1/practices", map[string]any{"title": "Acollida en grup", "language": "ca",
		"context": map[string]any{"organisationId": orgA}}))
	actor := id(a.Do(proA, "POST", "/api/v1/actors", map[string]any{"organisationId": orgA, "name": "Escola del barri", "kind": "school",
		"themes": []string{"childhood_youth"}, "territories": []string{terr}}))
	var ev struct {
		Evaluation struct{ ID string }
		Edition    struct{ ID string }
	}
	r := a.Do(adminA, "POST", "/api/v1/evaluations", map[string]any{"title": "Avaluació del servei", "organisationIds": []string{orgA},
		"edition": map[string]any{"title": "2026", "mode": "in_person", "groupSize": 8, "roles": []string{"professional"},
			"areas": []map[string]string{{"name": "Atenció"}}}})
	if r.Status != 201 {
		t.Fatalf("evaluation: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &ev)

	contrib := id(a.Do(resident, "POST", "/api/v1/diagnoses/"+diag+"/contributions", map[string]any{"kind": "need", "theme": "housing",
		"text": "Els lloguers del barri pugen cada any i moltes famílies han de marxar."}))
	finding := id(a.Do(proA, "POST", "/api/v1/diagnoses/"+diag+"/findings", map[string]any{"swot": "weakness",
		"title": "Lloguers", "contributionIds": []string{contrib}}))
	action := id(a.Do(proA, "POST", "/api/v1/diagnoses/"+diag+"/actions", map[string]any{"title": "Acompanyament davant desnonaments",
		"responsibleOrganisationId": orgA}))

	// Path parameters: a record of A where the route's first segment names one, else an id nobody has.
	recordOf := map[string]string{"organisations": orgA, "diagnoses": diag, "exchange-days": day, "practices": prac,
		"actors": actor, "evaluations": ev.Evaluation.ID, "evaluation-editions": ev.Edition.ID, "territories": terr,
		"contributions": contrib, "findings": finding, "actions": action}
	// Which of them anyone may read (rule "record"); the others (a draft practice, an evaluation) only A's
	// members and platform admins.
	private := map[string]bool{"practices": true, "evaluations": true, "evaluation-editions": true}
	params := map[string]string{"userId": extra.UserID, "kind": "practice", "lang": "es", "n": "1"}

	type reader struct {
		name   string
		c      *testkit.Client
		roleA  string // role in A ("" none)
		signed bool
		admin  bool
		token  bool // a read-only personal access token: every write is refused
	}
	var tok struct{ Token string }
	if r := a.Do(adminA, "POST", "/api/v1/tokens", map[string]any{"name": "Lectura", "scopes": []string{"read"}}); r.Status != 201 {
		t.Fatalf("token: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &tok)
	}
	readers := []reader{{name: "anonymous"}, {name: "resident", c: resident, signed: true},
		{name: "member", c: memberA, roleA: "member", signed: true}, {name: "professional", c: proA, roleA: "professional", signed: true},
		{name: "admin", c: adminA, roleA: "admin", signed: true}, {name: "outsider", c: outsider, signed: true},
		{name: "platform admin", c: root, signed: true, admin: true},
		{name: "admin's read-only token", c: &testkit.Client{Bearer: tok.Token}, roleA: "admin", signed: true, token: true}}
	allowed := map[string]func(reader) bool{
		"org_member": func(r reader) bool { return r.admin || r.roleA != "" },
		"org_staff":  func(r reader) bool { return r.admin || r.roleA == "admin" || r.roleA == "professional" },
		"org_admin":  func(r reader) bool { return r.admin || r.roleA == "admin" },
	}

	var doc struct {
		Paths map[string]map[string]struct {
			Access      string `json:"x-access"`
			RequestBody struct {
				Content struct {
					JSON struct {
						Schema struct {
							Ref string `json:"$ref"`
						} `json:"schema"`
					} `json:"application/json"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
		Rules      map[string]string `json:"x-access-rules"`
		Components struct {
			Schemas map[string]*bodySchema `json:"schemas"`
		} `json:"components"`
	}
	if r := a.Do(nil, "GET", "/api/v1/openapi.json", nil); r.Status != 200 {
		t.Fatalf("openapi: %d", r.Status)
	} else if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	type op struct{ method, path, rule string }
	var ops []op
	bodyOf := map[string]string{} // "POST /diagnoses" → its request body's schema
	for p, methods := range doc.Paths {
		for m, o := range methods {
			if ref := o.RequestBody.Content.JSON.Schema.Ref; ref != "" {
				bodyOf[strings.ToUpper(m)+" "+strings.TrimPrefix(p, "/api/v1")] = strings.TrimPrefix(ref, "#/components/schemas/")
			}
			if _, ok := doc.Rules[o.Access]; !ok {
				t.Errorf("%s %s: rule %q is not in the vocabulary", strings.ToUpper(m), p, o.Access)
			}
			ops = append(ops, op{strings.ToUpper(m), strings.TrimPrefix(p, "/api/v1"), o.Access})
		}
	}
	if len(ops) < 150 {
		t.Fatalf("only %d operations in the API document", len(ops))
	}
	// Reads, then writes, then what ends a session or an account; each group in a stable order.
	last := map[string]int{"POST /auth/logout": 1, "DELETE /me/sessions": 2, "DELETE /me": 3}
	phase := func(o op) int {
		if n, ok := last[o.method+" "+o.path]; ok {
			return 2 + n
		}
		if o.method == "GET" {
			return 0
		}
		return 1
	}
	sort.Slice(ops, func(i, j int) bool {
		if pi, pj := phase(ops[i]), phase(ops[j]); pi != pj {
			return pi < pj
		}
		return ops[i].method+ops[i].path < ops[j].method+ops[j].path
	})
	param := regexp.MustCompile(`\{([a-zA-Z]+)\}`)
	skip := map[string]bool{"GET /exchange-days/{id}/live": true, "GET /evaluation-groups/{id}/live": true} // WebSocket upgrades
	checked := 0
	refused := map[string]map[string]apperr.Reason{} // what an empty body lacks, per route: field → reason
	for _, o := range ops {
		if skip[o.method+" "+o.path] {
			continue
		}
		seg := strings.Split(strings.TrimPrefix(o.path, "/"), "/")[0]
		owned, ofA := recordOf[seg]
		path := param.ReplaceAllStringFunc(o.path, func(m string) string {
			name := m[1 : len(m)-1]
			if name == "id" && ofA {
				return owned
			}
			if v, ok := params[name]; ok {
				return v
			}
			return "nosuchrecord0000"
		})
		if phase(o) > 2 { // the previous one ended the readers' sessions: each signs in again
			for i := range readers {
				if readers[i].c != nil && !readers[i].token {
					readers[i].c = a.Login(readers[i].c.Email, "a long enough passphrase")
				}
			}
		}
		for _, rd := range readers {
			var body any
			if o.method != "GET" && o.method != "DELETE" {
				body = map[string]any{}
			}
			res := a.Do(rd.c, o.method, "/api/v1"+path, body)
			s := res.Status
			where := fmt.Sprintf("%s %s (%s) as %s: %d %.200s", o.method, path, o.rule, rd.name, s, res.Body)
			checked++
			if s == http.StatusBadRequest {
				var e httpx.ErrorBody
				res.JSON(t, &e)
				key := o.method + " " + o.path
				if refused[key] == nil {
					refused[key] = map[string]apperr.Reason{}
				}
				maps.Copy(refused[key], e.Error.Reasons)
			}
			switch {
			case s >= 500:
				t.Errorf("%s", where)
			case o.rule != "public" && o.rule != "record" && !rd.signed && s != http.StatusUnauthorized:
				t.Errorf("signing in is needed: %s", where)
			case o.rule == "platform_admin" && rd.signed && !rd.admin && s != http.StatusForbidden:
				t.Errorf("platform admins only: %s", where)
			case rd.token && o.method != "GET" && s < 300:
				t.Errorf("a read-only token wrote: %s", where)
			case o.rule == "self" && rd.signed && !rd.token && (s == http.StatusUnauthorized || s == http.StatusForbidden):
				t.Errorf("one's own: %s", where)
			}
			if rd.token && o.method != "GET" {
				continue
			}
			if o.rule == "record" && o.method == "GET" && ofA && !rd.token && seg != "territories" {
				open := !private[seg] || rd.admin || rd.roleA != ""
				switch {
				case open && slices.Contains([]int{401, 403}, s):
					t.Errorf("a readable record refused: %s", where)
				case !open && !slices.Contains([]int{401, 403, 404}, s):
					t.Errorf("a private record read: %s", where)
				}
			}
			may, scoped := allowed[o.rule]
			if !scoped || !ofA || !rd.signed {
				continue
			}
			switch {
			case may(rd) && (s == http.StatusUnauthorized || s == http.StatusForbidden):
				t.Errorf("refused to whom the rule names: %s", where)
			case !may(rd) && o.method == "GET" && !slices.Contains([]int{401, 403, 404}, s):
				t.Errorf("read by whom the rule excludes: %s", where)
			case !may(rd) && o.method != "GET" && s < 300:
				t.Errorf("written by whom the rule excludes: %s", where)
			}
		}
	}
	t.Logf("%d operations × %d readers: %d requests", len(ops), len(readers), checked)

	// The API document tells an integrator what an empty body lacks: every field the server refused as
	// missing is required in the body's schema, and a refused choice lists the same allowed values.
	keys := slices.Sorted(maps.Keys(refused))
	for _, key := range keys {
		name := bodyOf[key] // routes with no body (a search's query, an upload, publishing) refuse the record's fields
		if name == "" {
			continue
		}
		for field, why := range refused[key] {
			// each enclosing object must be required too ("context" of "context.organisationId")
			for i, c := range field {
				if s, leaf := doc.Components.Schemas[name].at(field[:i]); c == '.' && s != nil && !slices.Contains(s.Required, leaf) {
					t.Errorf("%s: %s is refused when missing but %s does not mark %s required", key, field, name, field[:i])
				}
			}
			s, leaf := doc.Components.Schemas[name].at(field)
			switch {
			case s == nil:
				t.Errorf("%s: %s is refused (%s) but %s has no such field", key, field, why.Code, name)
			case !slices.Contains(s.Required, leaf):
				t.Errorf("%s: %s is refused when missing (%s) but %s does not mark it required", key, field, why.Code, name)
			case why.Code == "one_of" || s.Properties[leaf].Enum != nil:
				want := fmt.Sprint(why.Params["values"])
				if got := fmt.Sprint(s.Properties[leaf].Enum); got != want {
					t.Errorf("%s: %s allows %s but %s lists %s", key, field, want, name, got)
				}
			}
		}
	}
}

// bodySchema is the part of a JSON schema the required-field check reads.
type bodySchema struct {
	Required   []string               `json:"required"`
	Properties map[string]*bodySchema `json:"properties"`
	Items      *bodySchema            `json:"items"`
	Enum       []any                  `json:"enum"`
}

// at finds the object schema holding a dotted field ("context.organisationId", "agenda.0.text") and the
// field's last name; nil when the path leaves the schema.
func (s *bodySchema) at(field string) (*bodySchema, string) {
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		if s == nil {
			return nil, ""
		}
		if s.Items != nil {
			s = s.Items
			if _, err := strconv.Atoi(p); err == nil {
				continue
			}
		}
		s = s.Properties[p]
	}
	if s != nil && s.Items != nil {
		s = s.Items
	}
	leaf := parts[len(parts)-1]
	if s == nil || s.Properties[leaf] == nil {
		return nil, leaf
	}
	return s, leaf
}
