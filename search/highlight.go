package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
)

// highlightStyle is Bleve's "html" highlighter: its fragment formatter
// escapes the stored text with html.EscapeString and wraps matches in
// <mark>…</mark> (TestHighlightEscapesHTML holds it to that).
const highlightStyle = html.Name

// textHighlight asks for the marked fragments of the title and body in every language: a search hit shows
// them, and a similar item's shared words are read from them.
func textHighlight() *bleve.HighlightRequest {
	h := bleve.NewHighlightWithStyle(highlightStyle)
	for _, l := range Languages {
		h.AddField(titleField(l))
		h.AddField(bodyField(l))
	}
	return h
}
