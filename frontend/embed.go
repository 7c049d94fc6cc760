// Package frontend embeds the built single-page app. A placeholder index.html is committed in dist/ so that
// `go build` works on a fresh clone without Node; `npm run build` overwrites it with the real bundle.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app rooted at its dist folder.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is embedded at compile time
	}
	return sub
}
