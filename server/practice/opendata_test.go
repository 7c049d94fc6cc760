package practice_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/testkit"
)

// Published practices as open data: CSV a spreadsheet opens (BOM, no formula) and JSON; drafts and personal
// data (contact, authors) never in it.
func TestPracticesOpenData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.a
	a.Do(f.ana, "POST", "/api/v1/practices/"+f.pr+"/publish", nil)
	other := completePractice(f.orgA)
	other["title"] = `=HYPERLINK("http://evil.example","clic") acollida`
	var o struct{ ID string }
	a.Do(f.ana, "POST", "/api/v1/practices", other).JSON(t, &o)
	if r := a.Do(f.ana, "POST", "/api/v1/practices/"+o.ID+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	var draft struct{ ID string }
	a.Do(f.ana, "POST", "/api/v1/practices", completePractice(f.orgA)).JSON(t, &draft)

	r := a.Do(nil, "GET", "/api/v1/practices/export.csv", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), `filename="practices.csv"`) || !bytes.HasPrefix(r.Body, []byte("\ufeff")) {
		t.Fatalf("CSV: %d %v %s", r.Status, r.Header, r.Body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != 3 || rows[0][0] != "id" {
		t.Fatalf("want a header and the two published practices: %q", rows)
	}
	body := string(r.Body)
	if !strings.Contains(body, `'=HYPERLINK`) || strings.Contains(body, draft.ID) || strings.Contains(body, "acollida@example.org") ||
		!strings.Contains(body, "Centre de Serveis Socials A") || !strings.Contains(body, "/practices/"+f.pr) {
		t.Errorf("CSV content: %s", body)
	}

	r = a.Do(nil, "GET", "/api/v1/practices/export.json", nil)
	var v struct {
		Practices []struct {
			ID, URL, Title, Language string
			Themes                   []string
			Adoptions                int
		}
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &v) != nil || len(v.Practices) != 2 {
		t.Fatalf("JSON: %d %s", r.Status, r.Body)
	}
	for _, p := range v.Practices {
		if p.ID == draft.ID || p.Language != "ca" || len(p.Themes) != 2 || !strings.HasSuffix(p.URL, "/practices/"+p.ID) {
			t.Errorf("JSON practice: %+v", p)
		}
	}
	if strings.Contains(string(r.Body), "acollida@example.org") || strings.Contains(string(r.Body), "createdBy") {
		t.Errorf("personal data in the JSON export: %s", r.Body)
	}
}

// An organisation's members find its draft practices in search, marked as drafts; nobody else does.
func TestDraftsFoundByTheirOrganisation(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // f.pr is a draft of organisation A (Ana's)
	path := "/api/v1/search?q=" + "acollida"
	deadline := time.Now().Add(10 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		body = string(f.a.Do(f.ana, "GET", path, nil).Body)
		if strings.Contains(body, f.pr) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(body, `"draft":true`) || !strings.Contains(body, "/practices/"+f.pr) {
		t.Fatalf("Ana does not find her organisation's draft: %s", body)
	}
	for name, c := range map[string]*testkit.Client{"another organisation's admin": f.bea, "anonymous": nil} {
		if b := string(f.a.Do(c, "GET", path, nil).Body); strings.Contains(b, f.pr) {
			t.Errorf("%s found the draft: %s", name, b)
		}
	}
}
