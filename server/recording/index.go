package recording

import (
	"context"
	"strconv"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/store"
)

// LoadSummaries implements the read model's loader for published summaries: visible to everyone or to the
// host organisation's members, as the day's summary setting says. Drafts are not indexed.
func (s *Service) LoadSummaries(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := map[string]search.Document{}
	for _, id := range ids {
		day, d, err := s.indexed(ctx, id)
		if err != nil {
			return nil, err
		}
		if day == nil || d.Summary == nil || d.Summary.Status != SummaryPublished {
			continue
		}
		out[id] = summaryDocument(day, d)
	}
	return out, nil
}

func (s *Service) indexed(ctx context.Context, dayID string) (*exchange.Day, *dayDoc, error) {
	if !store.ValidID(dayID) {
		return nil, nil, nil
	}
	day, err := s.days.Get(ctx, nil, dayID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := s.load(ctx, dayID)
	return day, d, err
}

func summaryVisibility(day *exchange.Day) []string {
	if day.SummaryVisibility == "public" {
		return []string{search.Public}
	}
	return []string{"org:" + day.HostOrgID}
}

func summaryDocument(day *exchange.Day, d *dayDoc) search.Document {
	var b strings.Builder
	for _, sec := range publishedSections(day, d) {
		// A heading per guide question: a machine translation of the summary reads in sections.
		b.WriteString("### " + day.Agenda[sec.Question].Text + "\n\n" + sec.Markdown + "\n\n")
	}
	doc := search.Document{Title: day.Title, Body: b.String(), Organisation: day.HostOrgID, Parent: day.ID,
		Visibility: summaryVisibility(day), Created: d.Summary.UpdatedAt, Updated: d.Summary.UpdatedAt}
	if d.Summary.PublishedAt != nil {
		doc.Created = *d.Summary.PublishedAt
	}
	return doc
}

// LoadKeyPoints implements the read model's loader for key points ("day:keyPoint" ids): visible to the host
// organisation's members; those noted during a redacted turn are removed.
func (s *Service) LoadKeyPoints(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := map[string]search.Document{}
	for _, id := range ids {
		dayID, kpID, ok := strings.Cut(id, ":")
		if !ok {
			continue
		}
		day, d, err := s.indexed(ctx, dayID)
		if err != nil {
			return nil, err
		}
		if day == nil {
			continue
		}
		for _, k := range d.KeyPoints {
			if k.ID == kpID && !d.hidden(k.At) {
				out[id] = keyPointDocument(day, k)
			}
		}
	}
	return out, nil
}

func keyPointDocument(day *exchange.Day, k keyPointDoc) search.Document {
	q := ""
	if k.Question < len(day.Agenda) {
		q = day.Agenda[k.Question].Text
	}
	title := k.Text
	if r := []rune(title); len(r) > 120 {
		title = string(r[:120]) + "…"
	}
	return search.Document{Title: title, Body: k.Text + "\n" + q, Organisation: day.HostOrgID, Parent: day.ID,
		Visibility: []string{"org:" + day.HostOrgID}, Created: k.CreatedAt, Updated: k.CreatedAt,
		Keywords: map[string]string{"question": strconv.Itoa(k.Question)}}
}

// AllSummaries streams the ids of days with an outputs document (rebuilds; Load skips drafts).
func (s *Service) AllSummaries(ctx context.Context, yield func(string) error) error {
	return s.st.eachDay(ctx, func(d *dayDoc) error {
		if d.Summary == nil {
			return nil
		}
		return yield(d.ID)
	})
}

// AllKeyPoints streams every key point id (rebuilds).
func (s *Service) AllKeyPoints(ctx context.Context, yield func(string) error) error {
	return s.st.eachDay(ctx, func(d *dayDoc) error {
		for _, k := range d.KeyPoints {
			if err := yield(d.ID + ":" + k.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// SummaryLink is a summary's page in the app.
func SummaryLink(id string) string { return exchange.Link(id) + "/summary" }

// KeyPointLink is the page of the day a key point belongs to.
func KeyPointLink(id string) string {
	dayID, _, _ := strings.Cut(id, ":")
	return exchange.Link(dayID) + "/summary"
}
