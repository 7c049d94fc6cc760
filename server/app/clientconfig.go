package app

import (
	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/config"
	"github.com/teixit/teixit/server/theme"
)

// ClientConfig is what the browser app needs to know of the server's settings: only public values.
type ClientConfig struct {
	// MapTiles is the tile URL template ({z}/{x}/{y}); empty means maps draw no tiles, only boundaries and
	// points.
	MapTiles string `json:"mapTiles"`
	// MapAttribution credits the tile source on maps.
	MapAttribution string `json:"mapAttribution"`
	// Translation is true when a machine-translation engine is configured ("Read in …" is shown).
	Translation bool `json:"translation"`
	// Themes is the theme vocabulary (server/theme), in the order forms show it.
	Themes []string `json:"themes"`
}

// clientConfig: GET /config — public settings for the browser app.
func (a *App) clientConfig(c *fiber.Ctx) error {
	return c.JSON(ClientConfig{MapTiles: a.Config.MapTiles, MapAttribution: a.Config.MapAttribution,
		Translation: a.Translations != nil && a.Translations.Enabled(), Themes: theme.All})
}

// cspImageSources are the extra img-src origins the CSP allows: the map tile server, when set.
func (a *App) cspImageSources() []string {
	if o := config.MapTilesOrigin(a.Config.MapTiles); o != "" {
		return []string{o}
	}
	return nil
}
