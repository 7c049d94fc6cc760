package practice

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/opendata"
)

// OpenPractice is one published practice as open data: what anyone may read on its page, no personal data
// (no author, no contact person), its text in its original language.
type OpenPractice struct {
	ID               string     `json:"id"`
	URL              string     `json:"url"`
	Title            string     `json:"title"`
	Language         string     `json:"language"`
	OrganisationID   string     `json:"organisationId"`
	Organisation     string     `json:"organisation"`
	Territory        string     `json:"territory,omitempty"`
	Themes           []string   `json:"themes"`
	Summary          string     `json:"summary"`
	Problem          string     `json:"problem"`
	TargetPopulation string     `json:"targetPopulation"`
	Results          string     `json:"results"`
	Translations     []string   `json:"translations"` // languages a person translated it into
	Adoptions        int        `json:"adoptions"`    // transfers to other organisations, not abandoned
	Rating           float64    `json:"rating,omitempty"`
	Version          int        `json:"version"`
	PublishedAt      *time.Time `json:"publishedAt,omitempty"`
	UpdatedAt        time.Time  `json:"updatedAt"`
}

// OpenData lists every published public practice, newest first; base is the site's URL for the links.
func (s *Service) OpenData(ctx context.Context, base string) ([]OpenPractice, error) {
	out := []OpenPractice{}
	orgs := map[string]string{}
	req := search.ListRequest{Kind: IndexKind, PerPage: 100, Sort: "-created", IDsOnly: true,
		Filters: map[string][]string{"variant": {"original"}}}
	for {
		res, err := s.rm.List(ctx, search.Reader{}, req) // an anonymous reader: public practices only
		if err != nil {
			return nil, err
		}
		for _, it := range res.Items {
			d, err := s.st.get(ctx, practiceIDOf(it.ID))
			if err != nil || d.Status != StatusPublished {
				continue // removed or changed since the list was read
			}
			if _, ok := orgs[d.OrgID]; !ok {
				orgs[d.OrgID], _ = s.orgs.Name(ctx, d.OrgID)
			}
			tr := slices.Sorted(maps.Keys(d.Translations))
			if tr == nil {
				tr = []string{}
			}
			out = append(out, OpenPractice{ID: d.ID, URL: base + "/practices/" + d.ID, Title: d.Text.Title, Language: d.Language,
				OrganisationID: d.OrgID, Organisation: orgs[d.OrgID], Territory: d.Territory, Themes: append([]string{}, d.Themes...),
				Summary: d.Text.Summary, Problem: d.Text.Problem, TargetPopulation: d.Text.TargetPopulation,
				Results: d.Text.Results, Translations: tr, Adoptions: d.Stats.Transfers,
				Rating: d.Stats.Rating, Version: d.Version, PublishedAt: d.PublishedAt, UpdatedAt: d.UpdatedAt})
		}
		if res.NextCursor == "" {
			return out, nil
		}
		req.Cursor = res.NextCursor
	}
}

func openCSV(ps []OpenPractice) []byte {
	c := opendata.NewCSV("id", "url", "title", "language", "organisation_id", "organisation", "territory", "themes",
		"summary", "problem", "target_population", "results", "translations", "adoptions", "rating", "version", "published_at")
	for _, p := range ps {
		published := ""
		if p.PublishedAt != nil {
			published = p.PublishedAt.UTC().Format(time.RFC3339)
		}
		c.Row(p.ID, p.URL, p.Title, p.Language, p.OrganisationID, p.Organisation, p.Territory, strings.Join(p.Themes, " "),
			p.Summary, p.Problem, p.TargetPopulation, p.Results, strings.Join(p.Translations, " "), strconv.Itoa(p.Adoptions),
			strconv.FormatFloat(p.Rating, 'f', -1, 64), strconv.Itoa(p.Version), published)
	}
	return c.Bytes()
}

// ExportCSV: GET /practices/export.csv — published practices as CSV open data.
func (h *Handlers) ExportCSV(c *fiber.Ctx) error {
	ps, err := h.svc.OpenData(c.UserContext(), h.siteURL(c))
	if err != nil {
		return err
	}
	return opendata.Send(c, "practices.csv", opendata.TypeCSV, openCSV(ps))
}

// ExportJSON: GET /practices/export.json — published practices as JSON open data.
func (h *Handlers) ExportJSON(c *fiber.Ctx) error {
	ps, err := h.svc.OpenData(c.UserContext(), h.siteURL(c))
	if err != nil {
		return err
	}
	return opendata.SendJSON(c, "practices.json", struct {
		Practices []OpenPractice `json:"practices"`
	}{ps})
}

// siteURL is the site's public URL for links: the configured one, else the request's.
func (h *Handlers) siteURL(c *fiber.Ctx) string {
	if h.svc.baseURL != "" {
		return strings.TrimSuffix(h.svc.baseURL, "/")
	}
	return strings.TrimSuffix(c.BaseURL(), "/")
}
