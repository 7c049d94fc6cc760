package practice

import (
	"context"
	"encoding/xml"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/theme"
)

// Atom (RFC 4287) types: encoding/xml escapes every text and attribute.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID         string      `xml:"id"`
	Title      string      `xml:"title"`
	Updated    string      `xml:"updated"`
	Published  string      `xml:"published,omitempty"`
	Author     atomAuthor  `xml:"author"`
	Link       atomLink    `xml:"link"`
	Summary    atomText    `xml:"summary"`
	Categories []atomCateg `xml:"category"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomCateg struct {
	Term string `xml:"term,attr"`
}

// Feed builds the Atom feed of the newest public practices (theme optional); base is the site's URL.
func (s *Service) Feed(ctx context.Context, base, th string) ([]byte, error) {
	req := search.ListRequest{Kind: IndexKind, PerPage: 30, Sort: "-created", IDsOnly: true,
		Filters: map[string][]string{"variant": {"original"}}}
	refused := apperr.Fields{}
	readmodel.Choose(req.Filters, refused, "theme", "theme", th, theme.All)
	if err := apperr.Validation(refused); err != nil {
		return nil, err
	}
	res, err := s.rm.List(ctx, search.Reader{}, req)
	if err != nil {
		return nil, err
	}
	self := base + "/feeds/practices.atom"
	if th != "" {
		self += "?theme=" + th
	}
	f := atomFeed{ID: self, Title: "Teixit — good practices", Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links: []atomLink{{Href: self, Rel: "self"}, {Href: base + "/practices"}}}
	for _, it := range res.Items {
		d, err := s.st.get(ctx, practiceIDOf(it.ID))
		if err != nil || d.Status != StatusPublished {
			continue
		}
		org, _ := s.orgs.Name(ctx, d.OrgID)
		e := atomEntry{ID: base + Link(d.ID), Title: d.Text.Title, Updated: d.UpdatedAt.Format(time.RFC3339),
			Author: atomAuthor{Name: org}, Link: atomLink{Href: base + Link(d.ID)},
			Summary: atomText{Type: "html", Body: RenderMarkdown(d.Text.Summary)}}
		if e.Author.Name == "" {
			e.Author.Name = "Teixit"
		}
		if d.PublishedAt != nil {
			e.Published = d.PublishedAt.Format(time.RFC3339)
		}
		for _, th := range d.Themes {
			e.Categories = append(e.Categories, atomCateg{Term: th})
		}
		if e.Updated > f.Updated {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// Feed: GET /feeds/practices.atom?theme= (outside the API group).
func (h *Handlers) Feed(c *fiber.Ctx) error {
	body, err := h.svc.Feed(c.UserContext(), h.siteURL(c), c.Query("theme"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(body)
}
