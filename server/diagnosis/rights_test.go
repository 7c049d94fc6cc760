package diagnosis_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/testkit"
)

func TestDataRights(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, nil)
	mine := w.contribute(t, w.cai, map[string]any{"kind": "need", "theme": "housing", "text": "L'escala no té ascensor i la meva mare no pot sortir."})
	typed := w.contribute(t, w.bea, map[string]any{"kind": "need", "theme": "ageing_loneliness", "text": "No puc baixar les escales.",
		"assisted": map[string]any{"consent": true}})
	a.Do(w.cai, "POST", "/api/v1/contributions/"+typed+"/support", nil) // not their own: nobody supports their own
	a.Do(w.cai, "POST", "/api/v1/contributions/"+mine+"/report", map[string]string{"reason": "Prova de denúncia"})
	r := a.Do(w.cai, "GET", "/api/v1/me/export", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"diagnoses":{`) || !strings.Contains(string(r.Body), "la meva mare") ||
		!strings.Contains(string(r.Body), `"supportedContributions":["`+typed+`"]`) {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	if r := a.Do(w.cai, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete account: %d %s", r.Status, r.Body)
	}
	a.Run(t, []testkit.Scenario{
		{Name: "the contribution stays, anonymised", Method: "GET", Path: "/api/v1/contributions/" + mine, Status: 200,
			Contains: []string{"la meva mare", `"authorKind":"account"`}},
		{Name: "the support stays", Method: "GET", Path: "/api/v1/contributions/" + typed, Status: 200, Contains: []string{`"supports":1`}},
	})
	ctx := t.Context()
	var doc bson.M
	if err := a.Store.C("diagnosis_contributions").FindOne(ctx, bson.M{"_id": mine}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["authorId"]; ok {
		t.Fatalf("author id kept: %v", doc)
	}
	if r := a.Do(w.bea, "DELETE", "/api/v1/me", nil); r.Status != 204 {
		t.Fatalf("delete the facilitator: %d %s", r.Status, r.Body)
	}
	var assisted struct {
		Assisted bson.M `bson:"assisted"`
	}
	if err := a.Store.C("diagnosis_contributions").FindOne(ctx, bson.M{"_id": typed}).Decode(&assisted); err != nil {
		t.Fatal(err)
	}
	if _, ok := assisted.Assisted["facilitatorId"]; ok || assisted.Assisted["consent"] != true {
		t.Fatalf("facilitator kept or consent lost: %v", assisted.Assisted)
	}
	for _, col := range []string{"diagnosis_supports", "diagnosis_reports"} {
		if n, err := a.Store.C(col).CountDocuments(ctx, bson.M{"userId": w.cai.UserID}); err != nil || n != 0 {
			t.Fatalf("%s: %d records of the deleted person (%v)", col, n, err)
		}
	}
}

func TestOrganisersChangeAndMedia(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"preModeration": true}})
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	photo, err := a.Media.Upload(t.Context(), &auth.Principal{UserID: w.dani.UserID}, "contribution", "escala.png", "image/png", bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	contribs := w.diagPath + "/contributions"
	a.Run(t, []testkit.Scenario{
		{Name: "someone else's photo", As: w.eva, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Foto", "mediaIds": []string{photo.ID}}, Status: 400,
			Contains: []string{`"mediaIds":{"code":"not_your_file"`}},
		{Name: "too many", As: w.dani, Method: "POST", Path: contribs,
			Body: map[string]any{"kind": "need", "theme": "housing", "text": "Foto", "mediaIds": []string{"a", "b", "c", "d", "e"}}, Status: 400},
	})
	pend := w.contribute(t, w.dani, map[string]any{"kind": "need", "theme": "housing", "text": "Humitats a l'escala.", "mediaIds": []string{photo.ID}})
	a.Run(t, []testkit.Scenario{
		{Name: "pending photo is not public", Method: "GET", Path: photo.URL, Status: 404},
		{Name: "its author still sees it", As: w.dani, Method: "GET", Path: photo.URL, Status: 200},
		{Name: "the services centre does not organise yet", As: w.ona, Method: "GET", Path: "/api/v1/contributions/" + pend, Status: 404},
		{Name: "a platform admin adds the centre", As: w.root, Method: "PATCH", Path: w.diagPath,
			Body: map[string]any{"organisationIds": []string{w.assoc, w.centre}}, Status: 200},
		{Name: "the centre's admin now moderates", As: w.ona, Method: "GET", Path: w.diagPath + "/moderation", Status: 200, Contains: []string{pend, photo.ID}},
		{Name: "and publishes", As: w.ona, Method: "POST", Path: "/api/v1/contributions/" + pend + "/moderation",
			Body: map[string]string{"action": "publish"}, Status: 200},
		{Name: "the photo is public with it", Method: "GET", Path: photo.URL, Status: 200},
		{Name: "the author removes the photo", As: w.dani, Method: "PATCH", Path: "/api/v1/contributions/" + pend,
			Body: map[string]any{"mediaIds": []string{}}, Status: 200, Contains: []string{`"mediaIds":[]`}},
		{Name: "the photo is private again", Method: "GET", Path: photo.URL, Status: 404},
	})
}

// TestIDLookupsUseTheIndex: every hot read here is an `_id` lookup, which is only fast on the embedded
// store with the SQLite expression index the store creates after migrations.
func TestIDLookupsUseTheIndex(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	if !a.Store.Embedded() {
		t.Skip("not the embedded store")
	}
	for _, col := range []string{"diagnoses", "diagnosis_contributions", "diagnosis_supports", "diagnosis_reports",
		"diagnosis_findings", "diagnosis_ballots", "diagnosis_stats", "diagnosis_actions"} {
		plan, err := a.Store.ExplainIDLookup(t.Context(), col)
		if err != nil || !strings.Contains(plan, "USING INDEX") {
			t.Errorf("%s: %v %q", col, err, plan)
		}
	}
}
