package translation_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/seed"
	"github.com/teixit/teixit/server/testkit"
	"github.com/teixit/teixit/server/translation/apytest"
)

type tview struct {
	State            string
	Language         string
	OriginalLanguage string
	CanCorrect       bool
	CorrectAt        string
	Attempts         int
	Translation      *struct {
		Title                    string
		Body                     struct{ Markdown, HTML string }
		Machine, Reviewed, Stale bool
		Engine                   string
	}
}

type world struct {
	a              *testkit.App
	ana, bea, anon *testkit.Client
	orgA, orgB     string
}

func newWorld(t *testing.T, engineURL string, opts ...func(*config.Config)) *world {
	a := testkit.NewApp(t, append([]func(*config.Config){func(c *config.Config) { c.TranslateURL = engineURL }}, opts...)...)
	w := &world{a: a, ana: a.Register("ana@example.org", "Ana"), bea: a.Register("bea@example.org", "Bea"), anon: &testkit.Client{}}
	w.orgA = w.create(t, w.ana, "/api/v1/organisations", map[string]string{"name": "Rete Welfare Torino", "kind": "network"})
	w.orgB = w.create(t, w.bea, "/api/v1/organisations", map[string]string{"name": "Fundació B", "kind": "association"})
	return w
}

func (w *world) create(t *testing.T, c *testkit.Client, path string, body any) string {
	t.Helper()
	return w.a.Create(c, path, body)
}

// italianPractice creates (and publishes when asked) a practice written in Italian.
func (w *world) italianPractice(t *testing.T, title string, publish bool) string {
	id := w.create(t, w.ana, "/api/v1/practices", map[string]any{
		"title":   title,
		"summary": "Il centro di ascolto accoglie le **famiglie** ogni settimana. Vedi [la guida](https://example.org/guida).",
		"problem": "Molte famiglie del quartiere vivono sole.", "language": "it",
		"context":   map[string]any{"organisationId": w.orgA, "targetPopulation": "Famiglie con bambini"},
		"themes":    []string{"coexistence"},
		"steps":     []map[string]string{{"title": "Telefonare", "detail": "- Ogni lunedì\n- Alle 25 persone anziane"}},
		"resources": map[string]string{"people": "Due educatrici", "time": "Tre ore", "budget": "Nessuno"},
		"results":   "Le famiglie partecipano di più.", "evidence": "Registro del centro.",
		"evaluation": map[string]any{"summary": "Valutazione annuale", "indicators": []map[string]string{{"name": "Famiglie", "value": "40"}}},
		"contact":    "ascolto@example.org",
	})
	if publish {
		if r := w.a.Do(w.ana, "POST", "/api/v1/practices/"+id+"/publish", nil); r.Status != 200 {
			t.Fatalf("publish: %d %s", r.Status, r.Body)
		}
	}
	return id
}

// italianDiagnosis creates a diagnosis written in Italian, organised by orgA (its staff correct translations).
func (w *world) italianDiagnosis(t *testing.T) string {
	root := w.a.Register("root@example.org", "Root")
	if _, err := w.a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	city := w.create(t, root, "/api/v1/territories", map[string]any{"name": "Torino", "level": "city"})
	return w.create(t, w.ana, "/api/v1/diagnoses", map[string]any{"title": "Come viviamo nel quartiere",
		"description": "Le famiglie del quartiere vivono sole e hanno bisogno di compagnia ogni settimana.",
		"territoryId": city, "organisationIds": []string{w.orgA}, "themes": []string{"ageing_loneliness"}})
}

func (w *world) get(t *testing.T, c *testkit.Client, path string) (int, tview) {
	t.Helper()
	r := w.a.Do(c, "GET", path, nil)
	var v tview
	if r.Status == 200 {
		r.JSON(t, &v)
	}
	return r.Status, v
}

// waitReady polls the translation until it is ready (the reader's progress state).
func (w *world) waitReady(t *testing.T, c *testkit.Client, path string) tview {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		st, v := w.get(t, c, path)
		if st != 200 {
			t.Fatalf("GET %s: %d", path, st)
		}
		if v.State == "ready" {
			return v
		}
		if v.State == "failed" {
			t.Fatalf("translation failed: %+v", v)
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("%s was not translated within 90 s", path)
	return tview{}
}

func (w *world) search(t *testing.T, c *testkit.Client, q string) string {
	t.Helper()
	q, filters, _ := strings.Cut(q, "&")
	r := w.a.Do(c, "GET", "/api/v1/search?q="+url.QueryEscape(q)+"&"+filters, nil)
	if r.Status != 200 {
		t.Fatalf("search: %d %s", r.Status, r.Body)
	}
	return string(r.Body)
}

func TestTranslationsAheadOfTimeCorrectedAndSearched(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	pub := w.italianPractice(t, "Centro di ascolto per le famiglie", true)
	path := "/api/v1/translations/practice/" + pub + "/ca"

	// Published: translated ahead of time, nobody asked.
	v := w.waitReady(t, w.anon, path)
	tr := v.Translation
	if !tr.Machine || tr.Reviewed || tr.Stale || tr.Engine != "apertium:it>ca" || v.OriginalLanguage != "it" || v.CanCorrect {
		t.Fatalf("ca translation = %+v (view %+v)", tr, v)
	}
	if !strings.Contains(tr.Title, "famílies") || !strings.Contains(tr.Body.Markdown, "**famílies**") ||
		!strings.Contains(tr.Body.Markdown, "](https://example.org/guida)") || !strings.Contains(tr.Body.Markdown, "- Cada dilluns") {
		t.Errorf("it→ca lost its Markdown: %q\n%s", tr.Title, tr.Body.Markdown)
	}
	// it→en goes through Catalan.
	if v := w.waitReady(t, w.anon, "/api/v1/translations/practice/"+pub+"/en"); v.Translation.Engine != "apertium:it>ca>en" {
		t.Errorf("it→en engine = %q", v.Translation.Engine)
	}

	// A Catalan query finds the Italian practice through its translation, and says so.
	// The hit is a practice (it opens the practice page) that matched through its translation; a search
	// filtered to practices finds it too, and the kind facet counts it as a practice.
	for _, q := range []string{"famílies acull", "famílies acull&kind=practice"} {
		body := w.search(t, w.anon, q)
		if !strings.Contains(body, `"kind":"practice","via":"translation"`) ||
			!strings.Contains(body, `"url":"/practices/`+pub+`"`) || !strings.Contains(body, `"language":"ca"`) {
			t.Errorf("%s: no Italian practice found through its translation: %s", q, body)
		}
		if strings.Contains(body, `"value":"translation"`) {
			t.Errorf("%s: the kind facet lists translations apart: %s", q, body)
		}
	}
	if body := w.search(t, w.anon, "famílies acull&kind=contribution"); strings.Contains(body, pub) {
		t.Errorf("a search for contributions found the practice's translation: %s", body)
	}

	// A draft's translation is read and found only where the draft is.
	draft := w.italianPractice(t, "Sportello per gli anziani soli", false)
	dpath := "/api/v1/translations/practice/" + draft + "/ca"
	if r := w.a.Do(w.bea, "POST", dpath, nil); r.Status != 404 {
		t.Errorf("outsider asked for a draft's translation: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.ana, "POST", dpath, nil); r.Status != 202 {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	w.waitReady(t, w.ana, dpath)
	if body := w.search(t, w.bea, "finestreta avis sols"); strings.Contains(body, draft) {
		t.Errorf("an outsider found a draft through its translation: %s", body)
	}
	if body := w.search(t, w.anon, "finestreta avis sols"); strings.Contains(body, draft) {
		t.Errorf("an anonymous reader found a draft through its translation: %s", body)
	}

	// A practice's translation is corrected on its own page, section by section: one way, not two.
	if _, v := w.get(t, w.ana, path); v.CorrectAt != "/practices/"+pub+"/translations/ca" {
		t.Errorf("the view does not say where a practice's translation is corrected: %+v", v)
	}
	if r := w.a.Do(w.ana, "PUT", path, map[string]string{"title": "T", "body": "x"}); r.Status != 409 ||
		!strings.Contains(string(r.Body), "translation_corrected_elsewhere") || !strings.Contains(string(r.Body), "/practices/"+pub+"/translations/ca") {
		t.Errorf("a practice corrected through the translation API: %d %s", r.Status, r.Body)
	}

	// Corrections: only people who may edit the original; the result is reviewed; a source edit marks it stale.
	diag := w.italianDiagnosis(t)
	path = "/api/v1/translations/diagnosis/" + diag + "/ca"
	w.waitReady(t, w.anon, path)
	corr := map[string]string{"title": "Com vivim al barri", "body": "Text **revisat**.<script>alert(1)</script>"}
	if r := w.a.Do(w.bea, "PUT", path, corr); r.Status != 403 || !strings.Contains(string(r.Body), `"code":"forbidden"`) {
		t.Errorf("outsider's correction: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.anon, "PUT", path, corr); r.Status != 401 {
		t.Errorf("anonymous correction: %d", r.Status)
	}
	r := w.a.Do(w.ana, "PUT", path, corr)
	if r.Status != 200 {
		t.Fatalf("correction: %d %s", r.Status, r.Body)
	}
	_, v = w.get(t, w.anon, path)
	if v.Translation.Machine || !v.Translation.Reviewed || v.Translation.Stale || v.Translation.Title != corr["title"] ||
		strings.Contains(v.Translation.Body.HTML, "<script") {
		t.Fatalf("after correction: %+v", v.Translation)
	}
	if r := w.a.Do(w.ana, "PATCH", "/api/v1/diagnoses/"+diag, map[string]string{"title": "Come viviamo nel nostro quartiere"}); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	time.Sleep(time.Second) // the change reaches the queue; a correction is never replaced ahead of time
	_, v = w.get(t, w.anon, path)
	if !v.Translation.Reviewed || !v.Translation.Stale || v.Translation.Title != corr["title"] {
		t.Fatalf("after a source edit the correction should show, marked stale: %+v", v.Translation)
	}
	// The reader asks for a fresh one: the machine's up-to-date text is shown again, the correction kept.
	if r := w.a.Do(w.anon, "POST", path, nil); r.Status != 202 {
		t.Fatalf("ask again: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, v = w.get(t, w.anon, path); v.Translation.Stale && time.Now().Before(deadline); _, v = w.get(t, w.anon, path) {
		time.Sleep(300 * time.Millisecond)
	}
	if v.Translation.Stale || !v.Translation.Machine || !strings.Contains(v.Translation.Title, "nostre") {
		t.Errorf("fresh machine translation: %+v", v.Translation)
	}
}

func TestTranslationBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	pub := w.italianPractice(t, "Centro di ascolto", true)
	base := "/api/v1/translations/practice/" + pub + "/"
	dbase := "/api/v1/translations/diagnosis/" + w.italianDiagnosis(t) + "/"
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"POST", base + "de", nil, 400, "unsupported_language"},
		{"GET", base + "xx", nil, 400, "unsupported_language"},
		{"POST", base + "it", nil, 400, "same_language"},
		{"POST", "/api/v1/translations/nope/" + pub + "/ca", nil, 400, "validation"},
		{"GET", "/api/v1/translations/practice/missing/ca", nil, 404, "not_found"},
		{"PUT", dbase + "ca", map[string]string{"title": "T", "body": strings.Repeat("paraula ", 100_000/8)}, 400, "validation"},
		{"PUT", dbase + "ca", map[string]string{"title": "", "body": "x"}, 400, "validation"},
		{"PUT", dbase + "ca", map[string]any{"title": "T", "body": "x", "extra": 1}, 400, ""},
		{"PUT", dbase + "it", map[string]string{"title": "T", "body": "x"}, 400, "same_language"},
	} {
		r := w.a.Do(w.ana, c.method, c.path, c.body)
		if r.Status != c.status || !strings.Contains(string(r.Body), `"error"`) || !strings.Contains(string(r.Body), c.code) {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.Status, r.Body)
		}
	}
	// Nothing was lost: the machine translation is still there.
	w.waitReady(t, w.anon, base+"ca")
}

func TestEngineDownPagesStillLoad(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Down(t))
	pub := w.italianPractice(t, "Centro di ascolto", true)
	if r := w.a.Do(w.anon, "GET", "/api/v1/practices/"+pub, nil); r.Status != 200 || !strings.Contains(string(r.Body), "Centro di ascolto") {
		t.Fatalf("practice page with the engine down: %d", r.Status)
	}
	path := "/api/v1/translations/practice/" + pub + "/ca"
	if r := w.a.Do(w.anon, "POST", path, nil); r.Status != 202 || !strings.Contains(string(r.Body), `"state":"queued"`) {
		t.Fatalf("ask with the engine down: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(30 * time.Second)
	var v tview
	for _, v = w.get(t, w.anon, path); v.Attempts < 1 && time.Now().Before(deadline); _, v = w.get(t, w.anon, path) {
		time.Sleep(200 * time.Millisecond)
	}
	if v.Attempts < 1 || v.State != "queued" || v.Translation != nil {
		t.Fatalf("the job should have failed once and be queued for a retry: %+v", v)
	}
}

// A hung engine (accepts, never answers): reading is never held up by it, the job gives up after the
// configured timeout and is queued again for a retry.
func TestStalledEngineIsBoundedAndRetried(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Stalled(t), func(c *config.Config) { c.TranslateTimeout = 2 * time.Second })
	pub := w.italianPractice(t, "Centro di ascolto", true)
	if r := w.a.Do(w.anon, "GET", "/api/v1/practices/"+pub, nil); r.Status != 200 || !strings.Contains(string(r.Body), "Centro di ascolto") {
		t.Fatalf("practice page with the engine stalled: %d", r.Status)
	}
	path := "/api/v1/translations/practice/" + pub + "/ca"
	if r := w.a.Do(w.anon, "POST", path, nil); r.Status != 202 {
		t.Fatalf("ask with the engine stalled: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(60 * time.Second)
	var v tview
	for _, v = w.get(t, w.anon, path); v.Attempts < 1 && time.Now().Before(deadline); _, v = w.get(t, w.anon, path) {
		if v.Translation != nil {
			t.Fatalf("a stalled engine produced a translation: %+v", v)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if v.Attempts < 1 || v.State != "queued" || v.Translation != nil {
		t.Fatalf("the stalled job should have timed out once and be queued for a retry: %+v", v)
	}
	if r := w.a.Do(w.anon, "GET", "/api/v1/practices/"+pub, nil); r.Status != 200 {
		t.Fatalf("practice page after the timeout: %d", r.Status)
	}
}

func TestNoEngineHidesTheFeature(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "")
	pub := w.italianPractice(t, "Centro di ascolto", true)
	if r := w.a.Do(w.anon, "GET", "/api/v1/translations/practice/"+pub+"/ca", nil); r.Status != 404 || !strings.Contains(string(r.Body), "translation_off") {
		t.Errorf("no engine: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.anon, "GET", "/api/v1/config", nil); !strings.Contains(string(r.Body), `"translation":false`) {
		t.Errorf("config: %s", r.Body)
	}
}

func TestDiagnosisReadInItalian(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	root := w.a.Register("root@example.org", "Root")
	if _, err := w.a.Accounts.GrantAdmin(t.Context(), "root@example.org"); err != nil {
		t.Fatal(err)
	}
	city := w.create(t, root, "/api/v1/territories", map[string]any{"name": "Barcelona", "level": "city"})
	diag := w.create(t, w.ana, "/api/v1/diagnoses", map[string]any{"title": "Com vivim al barri",
		"description": "Les famílies grans del barri viuen soles i necessiten companyia cada setmana.",
		"territoryId": city, "organisationIds": []string{w.orgA}, "themes": []string{"ageing_loneliness"}})
	v := w.waitReady(t, w.anon, "/api/v1/translations/diagnosis/"+diag+"/it")
	if v.OriginalLanguage != "ca" || !strings.Contains(v.Translation.Body.Markdown, "famiglie") {
		t.Errorf("diagnosis in Italian: %+v", v.Translation)
	}

	// A resident's contribution: she, not the organisers, may correct its translations (they cannot edit her
	// words either); the correction is what readers get, marked reviewed.
	rosa := w.a.Register("rosa@example.org", "Rosa")
	contrib := w.create(t, rosa, "/api/v1/diagnoses/"+diag+"/contributions", map[string]any{"kind": "need", "theme": "ageing_loneliness",
		"text": "La meva veïna del tercer pis no surt mai de casa i està molt sola."})
	path := "/api/v1/translations/contribution/" + contrib + "/it"
	corr := map[string]string{"body": "La mia vicina del terzo piano non esce mai di casa ed è molto sola."}
	st, v := w.get(t, rosa, path)
	if st != 200 || !v.CanCorrect {
		t.Fatalf("the author is not offered to correct: %d %+v", st, v)
	}
	if _, v := w.get(t, w.ana, path); v.CanCorrect {
		t.Errorf("the organiser is offered to correct a resident's words: %+v", v)
	}
	if r := w.a.Do(w.ana, "PUT", path, corr); r.Status != 403 {
		t.Errorf("the organiser's correction: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(rosa, "PUT", path, corr); r.Status != 200 {
		t.Fatalf("the author's correction: %d %s", r.Status, r.Body)
	}
	if _, v := w.get(t, w.anon, path); v.Translation == nil || !v.Translation.Reviewed || !strings.Contains(v.Translation.Body.Markdown, "terzo piano") {
		t.Errorf("after the author's correction: %+v", v.Translation)
	}
}

// An evaluation (its title and description) reads in another language for those who may see it, and only them.
func TestEvaluationReadInSpanish(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	r := w.a.Do(w.ana, "POST", "/api/v1/evaluations", map[string]any{"title": "Avaluació del servei d'acollida",
		"description":     "Els professionals revisen com acollim les famílies que arriben al barri.",
		"organisationIds": []string{w.orgA}, "edition": map[string]any{"title": "2026", "dates": []string{"2026-03-11"},
			"mode": "in_person", "groupSize": 8, "roles": []string{"professional"},
			"areas": []map[string]string{{"name": "Acollida", "question": "Com acollim?"}}}})
	if r.Status != 201 {
		t.Fatalf("create the evaluation: %d %s", r.Status, r.Body)
	}
	var v struct{ Evaluation struct{ ID string } }
	r.JSON(t, &v)
	path := "/api/v1/translations/evaluation/" + v.Evaluation.ID + "/es"
	if r := w.a.Do(w.bea, "POST", path, nil); r.Status != 404 {
		t.Errorf("an outsider asked for the evaluation's translation: %d %s", r.Status, r.Body)
	}
	if r := w.a.Do(w.ana, "POST", path, nil); r.Status != 202 && r.Status != 200 {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	tr := w.waitReady(t, w.ana, path).Translation
	if tr == nil || !strings.Contains(tr.Body.Markdown, "familias") || strings.Contains(tr.Title, "Avaluació") || !tr.Machine {
		t.Errorf("evaluation ca→es: %+v", tr)
	}
}

// The comments under a record read in the reader's language: one call gives the ready translations of a
// page of comments, skipping those already in that language and ids that name nothing readable.
func TestCommentsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	prac := w.italianPractice(t, "Centro di ascolto", true)
	ca := w.create(t, w.bea, "/api/v1/practices/"+prac+"/comments", map[string]any{"text": "Ho hem provat al nostre barri i les famílies hi venen cada setmana."})
	es := w.create(t, w.bea, "/api/v1/practices/"+prac+"/comments", map[string]any{"text": "Nosotros también lo hacemos con las familias del barrio cada semana."})
	w.waitReady(t, w.anon, "/api/v1/translations/comment/"+ca+"/es")

	r := w.a.Do(w.anon, "GET", "/api/v1/translations/comment?lang=es&ids="+strings.Join([]string{ca, es, "nosuchrecord0000", "not-an-id", ca}, ","), nil)
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var got struct {
		Items []struct {
			ID, OriginalLanguage string
			Translation          struct {
				Body    struct{ Markdown, HTML string }
				Machine bool
			}
		}
	}
	r.JSON(t, &got)
	if len(got.Items) != 1 || got.Items[0].ID != ca || got.Items[0].OriginalLanguage != "ca" || !got.Items[0].Translation.Machine ||
		!strings.Contains(got.Items[0].Translation.Body.HTML, "familias") {
		t.Fatalf("only the Catalan comment, in Spanish, once: %s", r.Body)
	}

	many := make([]string, 101)
	for i := range many {
		many[i] = ca
	}
	for name, q := range map[string]string{
		"unknown language": "lang=xx&ids=" + ca,
		"too many ids":     "lang=es&ids=" + strings.Join(many, ","),
	} {
		if r := w.a.Do(w.anon, "GET", "/api/v1/translations/comment?"+q, nil); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := w.a.Do(w.anon, "GET", "/api/v1/translations/comment?lang=es", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"items":[]`) {
		t.Errorf("no ids: %d %s", r.Status, r.Body)
	}
}

// An evaluation's public report reads in another language: its merged points (and measures) come in one
// call for the page, for anyone once the report is public.
func TestEvaluationReportInSpanish(t *testing.T) {
	t.Parallel()
	w := newWorld(t, apytest.Start(t))
	if _, err := seed.Load(t.Context(), w.a.App); err != nil {
		t.Fatal(err)
	}
	var list struct{ Items []struct{ ID string } }
	w.a.Do(w.anon, "GET", "/api/v1/evaluations", nil).JSON(t, &list)
	jordi := w.a.Login("jordi@example.org", "servei-social-prop-2026")
	var ov struct {
		Editions []struct{ ID, Phase string }
	}
	w.a.Do(jordi, "GET", "/api/v1/evaluations/"+list.Items[0].ID, nil).JSON(t, &ov)
	var rep struct {
		Strengths, Weaknesses []struct{ ID, Text string }
	}
	for _, ed := range ov.Editions {
		if ed.Phase == "follow_up" {
			w.a.Do(w.anon, "GET", "/api/v1/evaluation-editions/"+ed.ID+"/report", nil).JSON(t, &rep)
		}
	}
	if len(rep.Weaknesses) == 0 { // the demo's second edition (follow_up) has the public report
		t.Fatal("the demo's public report has no points")
	}
	pt := rep.Weaknesses[0]
	if r := w.a.Do(w.anon, "POST", "/api/v1/translations/evaluation_point/"+pt.ID+"/es", nil); r.Status != 202 && r.Status != 200 {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	w.waitReady(t, w.anon, "/api/v1/translations/evaluation_point/"+pt.ID+"/es")
	var got struct {
		Items []struct {
			ID, OriginalLanguage string
			Translation          struct{ Body struct{ Markdown string } }
		}
	}
	w.a.Do(w.anon, "GET", "/api/v1/translations/evaluation_point?lang=es&ids="+pt.ID, nil).JSON(t, &got)
	if len(got.Items) != 1 || got.Items[0].OriginalLanguage != "ca" || got.Items[0].Translation.Body.Markdown == pt.Text {
		t.Fatalf("the point %q in Spanish: %+v", pt.Text, got.Items)
	}

	// The report's own words (its summary) read in Spanish too, and are found by a search.
	var edID string
	for _, ed := range ov.Editions {
		if ed.Phase == "follow_up" {
			edID = ed.ID
		}
	}
	v := w.waitReady(t, w.anon, "/api/v1/translations/evaluation_report/"+edID+"/es")
	if v.OriginalLanguage != "ca" || !strings.Contains(v.Translation.Body.Markdown, "grupos") {
		t.Errorf("the report's summary in Spanish: %+v", v.Translation)
	}
	if body := w.search(t, w.anon, "paperassa ajuts&kind=evaluation_report"); !strings.Contains(body, `"url":"/evaluation-editions/`+edID+`/report"`) {
		t.Errorf("the public report is not found by its summary: %s", body)
	}
}
