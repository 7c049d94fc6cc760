package app_test

import (
	"strings"
	"testing"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/testkit"
)

func TestClientConfigAndTileCSP(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	a.Run(t, []testkit.Scenario{
		{Name: "no tiles by default", Method: "GET", Path: "/api/v1/config", Status: 200, Contains: []string{`"mapTiles":""`, `"themes":["housing",`}},
	})
	b := testkit.NewApp(t, func(c *config.Config) {
		c.MapTiles, c.MapAttribution = "https://{s}.tiles.example.org/{z}/{x}/{y}.png", "© Example"
	})
	r := b.Do(nil, "GET", "/api/v1/config", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"mapTiles":"https://{s}.tiles.example.org/{z}/{x}/{y}.png"`) ||
		!strings.Contains(string(r.Body), `"mapAttribution":"© Example"`) {
		t.Fatalf("config: %d %s", r.Status, r.Body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: blob: https://*.tiles.example.org;") {
		t.Fatalf("CSP does not allow the tiles: %s", csp)
	}
}

func TestMapTilesSetting(t *testing.T) {
	t.Parallel()
	for tmpl, origin := range map[string]string{
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png": "https://tile.openstreetmap.org",
		"http://127.0.0.1:9/{z}/{x}/{y}.png":             "http://127.0.0.1:9",
		"https://tiles.example.org/{z}/{x}.png":          "",
		"ftp://tiles.example.org/{z}/{x}/{y}.png":        "",
		"/tiles/{z}/{x}/{y}.png":                         "",
	} {
		if got := config.MapTilesOrigin(tmpl); got != origin {
			t.Errorf("MapTilesOrigin(%q) = %q, want %q", tmpl, got, origin)
		}
	}
	if _, err := config.Load(nil, func(k string) string {
		if k == "TEIXIT_MAP_TILES" {
			return "not a url"
		}
		return ""
	}); err == nil || !strings.Contains(err.Error(), "TEIXIT_MAP_TILES") {
		t.Fatalf("a bad tile template is refused at start-up: %v", err)
	}
}
