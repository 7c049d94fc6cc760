package app

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/frontend"
)

// mountFrontend serves the embedded single-page app: hashed assets with a year-long immutable cache, any
// other GET that is not an API or ops path answered with index.html (no-cache) so client routes work.
func (a *App) mountFrontend() {
	dist := frontend.Dist()
	index, _ := fs.ReadFile(dist, "index.html")
	a.Fiber.Use(func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return fiber.ErrNotFound
		}
		p := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
		if p != "" && p != "index.html" {
			if b, err := fs.ReadFile(dist, p); err == nil {
				if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
					c.Set(fiber.HeaderContentType, ct)
				}
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
				}
				return c.Send(b)
			}
			if strings.HasPrefix(p, "assets/") || path.Ext(p) != "" {
				return fiber.ErrNotFound // a missing file is a 404, not the app shell
			}
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(index)
	})
}
