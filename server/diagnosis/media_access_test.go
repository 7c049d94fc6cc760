package diagnosis_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/testkit"
)

// TestMediaInheritsContributionVisibility: a contribution's photo is readable by exactly those who may read
// the contribution — a plain member of the organising association may read neither while it is pending or
// hidden — and a private file is never stored by shared caches.
func TestMediaInheritsContributionVisibility(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.a
	w.newDiagnosis(t, map[string]any{"settings": map[string]any{"preModeration": true}})
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	photo, err := a.Media.Upload(t.Context(), &auth.Principal{UserID: w.dani.UserID}, "contribution", "cara.png", "image/png", bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	pend := w.contribute(t, w.dani, map[string]any{"kind": "need", "theme": "housing", "text": "La porta no tanca.", "mediaIds": []string{photo.ID}})
	contrib := "/api/v1/contributions/" + pend
	readers := func(status map[string]int) []testkit.Scenario {
		var out []testkit.Scenario
		for _, r := range []struct {
			name string
			c    *testkit.Client
		}{{"anonymous", nil}, {"plain member", w.cai}, {"professional", w.bea}, {"org admin", w.ana}, {"author", w.dani},
			{"member of another org", w.ona}, {"platform admin", w.root}} {
			out = append(out,
				testkit.Scenario{Name: r.name + " reads the contribution", As: r.c, Method: "GET", Path: contrib, Status: status[r.name]},
				testkit.Scenario{Name: r.name + " reads its photo", As: r.c, Method: "GET", Path: photo.URL, Status: status[r.name]},
				testkit.Scenario{Name: r.name + " reads its photo's info", As: r.c, Method: "GET", Path: photo.URL + "/info", Status: status[r.name]})
		}
		return out
	}
	t.Run("pending", func(t *testing.T) {
		a.Run(t, readers(map[string]int{"anonymous": 404, "plain member": 404, "professional": 200, "org admin": 200,
			"author": 200, "member of another org": 404, "platform admin": 200}))
		if r := a.Do(w.bea, "GET", photo.URL, nil); r.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("pending photo Cache-Control %q", r.Header.Get("Cache-Control"))
		}
	})
	if r := a.Do(w.bea, "POST", contrib+"/moderation", map[string]string{"action": "publish"}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	t.Run("published", func(t *testing.T) {
		a.Run(t, readers(map[string]int{"anonymous": 200, "plain member": 200, "professional": 200, "org admin": 200,
			"author": 200, "member of another org": 200, "platform admin": 200}))
		// Public, but revalidated on every use so that hiding it later takes effect at once.
		if r := a.Do(nil, "GET", photo.URL, nil); r.Header.Get("Cache-Control") != "public, no-cache" || r.Header.Get("ETag") == "" {
			t.Fatalf("published photo Cache-Control %q", r.Header.Get("Cache-Control"))
		}
	})
	if r := a.Do(w.bea, "POST", contrib+"/moderation", map[string]string{"action": "hide", "reason": "Shows a face without consent."}); r.Status != 200 {
		t.Fatalf("hide: %d %s", r.Status, r.Body)
	}
	t.Run("hidden", func(t *testing.T) {
		a.Run(t, readers(map[string]int{"anonymous": 404, "plain member": 404, "professional": 200, "org admin": 200,
			"author": 404, "member of another org": 404, "platform admin": 200}))
		if r := a.Do(w.ana, "GET", photo.URL, nil); r.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("hidden photo Cache-Control %q", r.Header.Get("Cache-Control"))
		}
	})
}
