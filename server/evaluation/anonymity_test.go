package evaluation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

// syncBuffer is a log destination tests can read while the app writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoRouteRevealsAnAuthor writes items as two people, takes the edition through the plenary to a public
// report, then asks every GET route of the evaluation API (read from the route table), the exports, the
// search and the notifications as the organiser (a manager), a member and anonymously, and reads every log
// line written at debug level: none may name who wrote an item (id, name or email).
func TestNoRouteRevealsAnAuthor(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := newWorldOn(t, logger, 16)
	w.newEvaluation(t)
	for _, c := range w.pros {
		ok(t, w.a.Do(c, "POST", w.edPath+"/participants/me", map[string]any{}), 201)
	}
	ok(t, w.a.Do(w.olga, "POST", w.edPath+"/groups/formation", nil), 200)
	w.phase(t, "groups")
	gs := w.groups(t)
	authors := []string{notFacilitator(gs[0]), gs[1].FacilitatorID}
	var items []string
	for i, uid := range authors {
		g := gs[i]
		items = append(items, w.id(t, w.a.Do(w.clientOf(uid), "POST", "/api/v1/evaluation-groups/"+g.ID+"/items",
			map[string]string{"areaId": w.areaPap, "kind": "weakness", "text": "Massa paperassa als ajuts d'urgència"})))
	}
	w.phase(t, "synthesis")
	var pt struct{ ID string }
	ok(t, w.a.Do(w.olga, "POST", w.edPath+"/points", map[string]any{"kind": "weakness", "areaId": w.areaPap, "text": "Massa paperassa", "itemIds": items}), 201).JSON(t, &pt)
	w.phase(t, "prioritisation")
	ok(t, w.a.Do(w.clientOf(authors[0]), "POST", w.edPath+"/ballot", map[string]any{"pointIds": []string{pt.ID}}), 201)
	w.phase(t, "follow_up")
	m := w.id(t, w.a.Do(w.olga, "POST", w.edPath+"/measures", map[string]any{"title": "Un sol formulari", "responsibleTeam": "Administració", "pointIds": []string{pt.ID}}))
	ok(t, w.a.Do(w.olga, "POST", w.edPath+"/report", map[string]string{"visibility": "public"}), 200)

	secrets := map[string]string{}
	for _, uid := range authors {
		c := w.clientOf(uid)
		secrets[uid] = "id of " + uid
		for i, p := range w.pros {
			if p == c {
				secrets["Professional "+pad(i)] = "name of " + uid
				secrets["pro"+pad(i)+"@example.org"] = "email of " + uid
			}
		}
	}
	ids := map[string]string{"/evaluations/": w.eval, "/evaluation-editions/": w.ed, "/evaluation-groups/": gs[0].ID,
		"/evaluation-items/": items[0], "/evaluation-points/": pt.ID, "/evaluation-measures/": m}
	var paths []string
	doc := w.a.OpenAPI()
	for p, ops := range doc["paths"].(map[string]map[string]any) {
		if _, get := ops["get"]; !get || !strings.Contains(p, "/evaluation") {
			continue
		}
		for prefix, id := range ids {
			p = strings.Replace(p, prefix+"{id}", prefix+id, 1)
		}
		paths = append(paths, p)
	}
	paths = append(paths, "/api/v1/search?q=paperassa", "/api/v1/search?q=paperassa&kind=evaluation_item", "/api/v1/notifications")
	if len(paths) < 15 {
		t.Fatalf("only %d evaluation GET routes found: %v", len(paths), paths)
	}
	itemIDs := map[string]bool{items[0]: true, items[1]: true}
	for _, who := range []*testkit.Client{w.olga, w.marc, nil} {
		for _, p := range paths {
			r := w.a.Do(who, "GET", p, nil)
			if r.Status >= 500 {
				t.Errorf("GET %s: %d %s", p, r.Status, r.Body)
			}
			body := string(r.Body)
			for _, field := range []string{`"authorId"`, `"author"`, `"createdBy"`, `"writer"`} {
				if strings.Contains(body, field) {
					t.Errorf("GET %s carries a field %s", p, field)
				}
			}
			// Who sits in which group is shown to organisers; who wrote what never is: an item (or a point,
			// report or export made of items) must hold nothing about a person.
			var v any
			if json.Unmarshal(r.Body, &v) != nil || strings.Contains(p, "/report") || strings.Contains(p, "/export") || strings.Contains(p, "/search") {
				leak(t, p, body, secrets)
				continue
			}
			walk(v, func(m map[string]any) {
				id, _ := m["id"].(string)
				if itemIDs[id] || m["itemIds"] != nil || m["kind"] == "weakness" {
					b, _ := json.Marshal(m)
					leak(t, p, string(b), secrets)
				}
			})
		}
	}
	time.Sleep(50 * time.Millisecond)
	for secret, what := range secrets {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, secret) && strings.Contains(line, "evaluation") {
				t.Errorf("a log line reveals the %s: %s", what, line)
			}
		}
	}
}

func leak(t *testing.T, path, text string, secrets map[string]string) {
	t.Helper()
	for secret, what := range secrets {
		if strings.Contains(text, secret) {
			t.Errorf("GET %s reveals the %s: %s", path, what, text)
		}
	}
}

// walk calls fn on every JSON object inside v.
func walk(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, e := range x {
			walk(e, fn)
		}
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	}
}

func pad(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

// newWorldOn is newWorld on an app whose logs go to logger.
func newWorldOn(t *testing.T, logger *slog.Logger, professionals int) *world {
	t.Helper()
	cfg, err := config.Load(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.RTCUDPAddr, cfg.RTCUDPPort, cfg.TURNPort = "127.0.0.1", 0, 0
	cfg.IndexWriteWait = 30 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, err := app.New(ctx, cfg, app.Deps{Log: logger, Store: testkit.Store(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return populate(t, testkit.Wrap(t, a), professionals)
}
