package practice

import (
	"bytes"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Markdown is a text field as the API returns it: the source people edit and HTML safe to insert in a page.
type Markdown struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
}

var (
	mdOnce   sync.Once
	mdEngine goldmark.Markdown
	mdPolicy *bluemonday.Policy
)

// RenderMarkdown turns Markdown into sanitised HTML. Goldmark already escapes raw HTML (it is not built
// with html.WithUnsafe); bluemonday's UGC policy is the second line of defence: it keeps formatting and
// http(s)/mailto links, and drops scripts, event handlers, style and javascript: or data: URLs.
func RenderMarkdown(src string) string {
	mdOnce.Do(func() {
		mdEngine = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
		mdPolicy = bluemonday.UGCPolicy()
		mdPolicy.RequireNoFollowOnLinks(true)
		mdPolicy.AddTargetBlankToFullyQualifiedLinks(true)
	})
	if src == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := mdEngine.Convert([]byte(src), &buf); err != nil {
		return mdPolicy.Sanitize(src)
	}
	return mdPolicy.Sanitize(buf.String())
}

func md(src string) Markdown { return Markdown{Markdown: src, HTML: RenderMarkdown(src)} }
