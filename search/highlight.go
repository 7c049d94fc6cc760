package search

import (
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
)

// highlightStyle is Bleve's "html" highlighter: its fragment formatter
// escapes the stored text with html.EscapeString and wraps matches in
// <mark>…</mark> (TestHighlightEscapesHTML holds it to that).
const highlightStyle = html.Name
