package readmodel

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/httpx"
)

// Hit is one search result as the API shows it.
type Hit struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // what the hit opens: a translation's hit has its original's kind
	// Via says the words matched another form of the record: "translation" (a machine translation or a
	// person's, in Language); empty when they matched the record itself.
	Via        string    `json:"via,omitempty"`
	Draft      bool      `json:"draft,omitempty"` // not published yet: found by those who may read the draft
	Title      string    `json:"title"`
	Language   string    `json:"language"`
	Created    time.Time `json:"created"`
	URL        string    `json:"url"`
	Highlights []string  `json:"highlights"` // HTML: escaped text with <mark> around matches
}

// Facet is one value of a facet with its count among what the reader may see.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// FacetsOf is the API form of a facet's counts, in the index's order: search results' facets and the
// domains' dashboards (counts by kind, theme, status...) answer with it.
func FacetsOf(fc []search.FacetCount) []Facet {
	out := make([]Facet, 0, len(fc))
	for _, c := range fc {
		out = append(out, Facet{Value: c.Value, Count: c.Count})
	}
	return out
}

// Results is the search response.
type Results struct {
	Total   uint64             `json:"total"`
	Page    int                `json:"page"`
	PerPage int                `json:"perPage"`
	Hits    []Hit              `json:"hits"`
	Facets  map[string][]Facet `json:"facets"`
	TookMS  float64            `json:"tookMs"`
}

// Suggestion completes a title as the person types.
type Suggestion struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// link turns an index id ("kind:id") into the app page that shows it.
func (rm *ReadModel) link(docID string) string {
	kind, id, _ := strings.Cut(docID, ":")
	if k, ok := rm.kinds[kind]; ok && k.Link != nil {
		return k.Link(id)
	}
	return ""
}

// mapErr turns the search package's input errors into the one error shape.
func mapErr(err error) error {
	var ie *search.InputError
	if errors.As(err, &ie) {
		if ie.Field == "q" && ie.Max > 0 {
			return apperr.Validation(apperr.Fields{"q": apperr.Because("max_words", "max", ie.Max)})
		}
		return apperr.Validation(apperr.Fields{ie.Field: apperr.Because("invalid_search", "detail", ie.Message)})
	}
	return err
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func parseDate(field, v string, endOfDay bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			return nil, apperr.Validation(apperr.Fields{field: apperr.Date()})
		}
		return &t, nil
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return &t, nil
}

// keptPerPage is the largest page of results answered from kept answers (the search page asks for 20); deeper
// or longer pages are computed for the reader. At most keptSearches answers are kept, each of at most 60 hits
// (search.SearchOnPublic's depth), so a flood of different searches holds at most a few tens of MB.
const (
	keptPerPage  = 20
	keptSearches = 1000
)

// Search: GET /search?q=&kind=&theme=&territory=&org=&lang=&from=&to=&sort=&page=&perPage=.
func (rm *ReadModel) Search(c *fiber.Ctx) error {
	q := c.Query("q")
	if !utf8.ValidString(q) {
		return apperr.Validation(apperr.Fields{"q": apperr.Because("invalid_text")})
	}
	from, err := parseDate("from", c.Query("from"), false)
	if err != nil {
		return err
	}
	to, err := parseDate("to", c.Query("to"), true)
	if err != nil {
		return err
	}
	page, perPage := 1, 20
	if v := c.Query("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return apperr.Validation(apperr.Fields{"page": apperr.MinNumber(1)})
		}
	}
	if v := c.Query("perPage"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 {
			return apperr.Validation(apperr.Fields{"perPage": apperr.MinNumber(1)})
		}
	}
	sort := c.Query("sort", "relevance")
	if sort != "relevance" && sort != "date" {
		return apperr.Validation(apperr.Fields{"sort": apperr.OneOf("relevance", "date")})
	}
	p := auth.From(c)
	req := search.SearchRequest{
		Q: q, Kinds: splitList(c.Query("kind")), Themes: splitList(c.Query("theme")), Territories: splitList(c.Query("territory")),
		Orgs: splitList(c.Query("org")), Langs: splitList(c.Query("lang")), From: from, To: to, Sort: sort, Page: page, PerPage: perPage,
		Drafts: p != nil, // signed-in people find the drafts they may read
	}
	ctx := c.UserContext()
	var res *search.SearchResult
	if rm.searches == nil || perPage > keptPerPage {
		res, err = rm.Index.Search(ctx, ReaderFor(p), req)
	} else {
		// What anonymous readers find is the same for everyone (only the index decides it): kept on this node
		// until its index takes any change. Only what this reader finds beyond it is searched for them.
		res, err = rm.Index.SearchOnPublic(ctx, ReaderFor(p), req, func(pub search.SearchRequest) (*search.SearchResult, error) {
			return rm.searches.Get(pub.Key(), func() (*search.SearchResult, error) {
				return rm.Index.Search(ctx, search.Reader{}, pub)
			})
		})
	}
	if err != nil {
		return mapErr(err)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return httpx.OK(c, rm.results(res, httpx.RequestLanguage(c, principalLanguage)))
}

// results shapes a search's answer for the API (one hit per page opened, in lang where a record and its
// translation both match). res may be a kept answer: it is read, never changed.
func (rm *ReadModel) results(res *search.SearchResult, lang string) *Results {
	out := &Results{Total: res.Total, Page: res.Page, PerPage: res.PerPage, Hits: make([]Hit, len(res.Hits)),
		Facets: map[string][]Facet{}, TookMS: float64(res.Took.Microseconds()) / 1000}
	for i, h := range res.Hits {
		hl := h.Highlights
		if hl == nil {
			hl = []string{}
		}
		via := ""
		if h.SearchKind != h.Kind {
			via = h.Kind
		}
		out.Hits[i] = Hit{ID: h.ID, Kind: h.SearchKind, Via: via, Draft: h.Status == "draft", Title: h.Title, Language: h.Language, Created: h.Created, URL: rm.link(h.ID), Highlights: hl}
	}
	out.Hits, out.Total = onePerRecord(out.Hits, out.Total, lang)
	for name, fs := range res.Facets {
		out.Facets[name] = FacetsOf(fs)
	}
	return out
}

// Suggest: GET /search/suggest?q= — title completions visible to the reader.
func (rm *ReadModel) Suggest(c *fiber.Ctx) error {
	q := c.Query("q")
	if !utf8.ValidString(q) {
		return apperr.Validation(apperr.Fields{"q": apperr.Because("invalid_text")})
	}
	ss, err := rm.Index.Suggest(c.UserContext(), ReaderFor(auth.From(c)), q, 8)
	if err != nil {
		return mapErr(err)
	}
	out := make([]Suggestion, len(ss))
	for i, s := range ss {
		out[i] = Suggestion{ID: s.ID, Kind: s.Kind, Title: s.Title, URL: rm.link(s.ID)}
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return httpx.OK(c, httpx.List[Suggestion]{Items: out})
}

// onePerRecord keeps one hit per page opened (a record and its translation both matching show once): the one
// in the reader's language, else the better-ranked one, at the better-ranked one's place. The total drops by
// the hits folded on this page.
func onePerRecord(hits []Hit, total uint64, lang string) ([]Hit, uint64) {
	at := map[string]int{}
	out := hits[:0]
	for _, h := range hits {
		i, seen := at[h.URL]
		if h.URL == "" || !seen {
			at[h.URL] = len(out)
			out = append(out, h)
			continue
		}
		if out[i].Language != lang && h.Language == lang {
			out[i] = h
		}
		if total > 0 {
			total--
		}
	}
	return out, total
}

func principalLanguage(c *fiber.Ctx) string {
	if p := auth.From(c); p != nil {
		return p.Language
	}
	return ""
}
