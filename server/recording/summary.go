package recording

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/exchange"
)

const maxSectionChars = 20000

// draft builds the summary from the key points: one section per guide question (agenda order) listing its
// key points in session order, each linked to its moment of the recording.
func draft(day *exchange.Day, d *dayDoc) []sectionDoc {
	kps := append([]keyPointDoc(nil), d.KeyPoints...)
	sort.SliceStable(kps, func(i, j int) bool { return kps[i].At.Before(kps[j].At) })
	out := make([]sectionDoc, len(day.Agenda))
	for i := range out {
		out[i] = sectionDoc{Question: i, KeyPoints: []string{}}
	}
	for _, k := range kps {
		if k.Question < 0 || k.Question >= len(out) || d.hidden(k.At) {
			continue
		}
		sec := &out[k.Question]
		sec.Markdown += "- " + strings.ReplaceAll(k.Text, "\n", " ") + "\n"
		sec.KeyPoints = append(sec.KeyPoints, k.ID)
	}
	return out
}

// sections returns the stored sections, completed with drafted ones for questions never saved.
func sections(day *exchange.Day, d *dayDoc) []sectionDoc {
	gen := draft(day, d)
	if d.Summary == nil {
		return gen
	}
	for _, sec := range d.Summary.Sections {
		if sec.Question >= 0 && sec.Question < len(gen) {
			gen[sec.Question] = sec
		}
	}
	return gen
}

// publishedSections are the sections readers see: the text frozen at the last publication.
func publishedSections(day *exchange.Day, d *dayDoc) []sectionDoc {
	if d.Summary == nil || d.Summary.Published == nil {
		return sections(day, d) // published before the frozen copy existed
	}
	return d.Summary.Published
}

// view renders a summary: sanitised HTML, and moments resolved against the recording (offset, turn, page).
// The host's admins and professionals see the working copy (and why it needs them, if it does); everyone else
// sees the published text.
func (s *Service) view(w who, d *dayDoc) *Summary {
	out := &Summary{DayID: w.day.ID, Status: SummaryDraft, Visibility: w.day.SummaryVisibility, Sections: []Section{}, CanEdit: w.host()}
	secs := sections(w.day, d)
	if d.Summary != nil {
		out.Status, out.PublishedAt = d.Summary.Status, d.Summary.PublishedAt
		t := d.Summary.UpdatedAt
		out.UpdatedAt = &t
		if w.manager() {
			out.Review = d.Summary.Review
		} else if d.Summary.Status == SummaryPublished {
			secs = publishedSections(w.day, d)
		}
	}
	var turns []recTurn
	m, err := s.manifestFor(d)
	haveRec := err == nil && d.DeletedAt == nil
	if haveRec {
		turns = playable(m, d)
	}
	kps := map[string]keyPointDoc{}
	for _, k := range d.KeyPoints {
		kps[k.ID] = k
	}
	for _, sec := range secs {
		v := Section{Question: sec.Question, QuestionText: w.day.Agenda[sec.Question].Text, Markdown: sec.Markdown,
			HTML: s.opts.Render(sec.Markdown), Moments: []Moment{}}
		for _, id := range sec.KeyPoints {
			k, ok := kps[id]
			if !ok || d.hidden(k.At) {
				continue
			}
			mo := Moment{KeyPointID: k.ID, Text: k.Text, AtMs: k.AtMs}
			if haveRec {
				mo.AtMs = max(0, k.At.Sub(m.Started).Milliseconds())
				mo.URL = fmt.Sprintf("/exchange-days/%s/recording?t=%d", w.day.ID, mo.AtMs)
				mo.Turn = turnAt(turns, mo.AtMs)
			}
			v.Moments = append(v.Moments, mo)
		}
		out.Sections = append(out.Sections, v)
	}
	return out
}

// turnAt is the playable turn being spoken at ms (0: none). Where turns overlap (the host's microphone is
// recorded all along, a speaker's turn during it) the one that started last wins: the person who had the
// floor, not the host's long turn. The recording page's player (frontend lib/recording.ts positionAt)
// follows the same rule for key points and ?t= moments.
func turnAt(turns []recTurn, ms int64) int {
	best := -1
	for i, t := range turns {
		if t.StartMS <= ms && ms <= *t.EndMS && (best < 0 || t.StartMS >= turns[best].StartMS) {
			best = i
		}
	}
	if best < 0 {
		return 0
	}
	return turns[best].seg.Number
}

// GetSummary returns the summary: the published one to those the day's setting allows (public, or members
// of the host organisation); the draft only to the host's admins and professionals. Anyone else, and a day
// with no summary yet, get the same "not found".
func (s *Service) GetSummary(ctx context.Context, p *auth.Principal, dayID string) (*Summary, error) {
	w, d, err := s.summaryOf(ctx, p, dayID)
	if err != nil {
		return nil, err
	}
	published := d.Summary != nil && d.Summary.Status == SummaryPublished
	switch {
	case w.manager():
	case published && w.canReadSummary():
	default:
		return nil, errSummaryNotFound
	}
	return s.view(w, d), nil
}

func (s *Service) requireHost(ctx context.Context, p *auth.Principal, dayID, action string) (who, error) {
	if p == nil {
		return who{}, apperr.LoginRequired()
	}
	w, err := s.whoFor(ctx, p, dayID, errDayNotFound)
	if err != nil {
		return who{}, err
	}
	if !w.host() {
		return who{}, apperr.Forbid("Only the host organisation's administrators can " + action + ".")
	}
	return w, nil
}

// PutSummary replaces the Markdown of the named questions' sections (host admins). On a published summary
// the changes stay with the host until they republish (readers keep the published text), and the summary says
// so to its hosts.
func (s *Service) PutSummary(ctx context.Context, p *auth.Principal, dayID string, in SummaryInput) (*Summary, error) {
	w, err := s.requireHost(ctx, p, dayID, "edit the summary")
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	seen := map[int]bool{}
	if len(in.Sections) == 0 {
		f["sections"] = apperr.Required()
	}
	for i, sec := range in.Sections {
		switch {
		case sec.Question == nil || *sec.Question < 0 || *sec.Question >= len(w.day.Agenda):
			f[fmt.Sprintf("sections.%d.question", i)] = apperr.Range(0, len(w.day.Agenda)-1)
		case seen[*sec.Question]:
			f[fmt.Sprintf("sections.%d.question", i)] = apperr.Because("duplicate")
		default:
			seen[*sec.Question] = true
		}
		if utf8.RuneCountInString(sec.Markdown) > maxSectionChars {
			f[fmt.Sprintf("sections.%d.markdown", i)] = apperr.MaxLength(maxSectionChars)
		}
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	var d *dayDoc
	err = s.rm.Changed(ctx, SummaryKind, w.day.ID, func() error {
		d, err = s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
			secs := sections(w.day, d)
			for _, sec := range in.Sections {
				secs[*sec.Question].Markdown = strings.TrimSpace(sec.Markdown)
			}
			status := SummaryDraft
			var pub = (*summaryDoc)(nil)
			if d.Summary != nil {
				status, pub = d.Summary.Status, d.Summary
			}
			d.Summary = &summaryDoc{Status: status, Sections: secs, UpdatedAt: s.now().UTC(), UpdatedBy: p.UserID}
			if pub != nil {
				d.Summary.PublishedAt, d.Summary.IndexedVis = pub.PublishedAt, w.day.SummaryVisibility
				d.Summary.Published, d.Summary.Review = pub.Published, pub.Review
				if status == SummaryPublished {
					if d.Summary.Published == nil { // published before the frozen copy: what readers saw
						d.Summary.Published = pub.Sections
					}
					if !sameSections(secs, d.Summary.Published) {
						d.Summary.Review = ReviewEdited
					} else if d.Summary.Review == ReviewEdited {
						d.Summary.Review = ""
					}
				}
			}
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.view(w, d), nil
}

// PublishSummary publishes the summary (the saved draft, or the one drafted from the key points) to the
// readers the day's summary setting names (host admins only).
func (s *Service) PublishSummary(ctx context.Context, p *auth.Principal, dayID string) (*Summary, error) {
	w, err := s.requireHost(ctx, p, dayID, "publish the summary")
	if err != nil {
		return nil, err
	}
	var d *dayDoc
	err = s.rm.Changed(ctx, SummaryKind, w.day.ID, func() error {
		d, err = s.mutate(ctx, w.day.ID, func(d *dayDoc) (bool, error) {
			now := s.now().UTC()
			secs := sections(w.day, d)
			d.Summary = &summaryDoc{Status: SummaryPublished, Sections: secs, Published: secs, UpdatedAt: now, UpdatedBy: p.UserID,
				PublishedAt: &now, IndexedVis: w.day.SummaryVisibility}
			return true, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.view(w, d), nil
}

// sameSections reports whether two summaries say the same thing, question by question.
func sameSections(a, b []sectionDoc) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Question != b[i].Question || strings.TrimSpace(a[i].Markdown) != strings.TrimSpace(b[i].Markdown) {
			return false
		}
	}
	return true
}

// Discussion is what comments on a day's published summary need: who moderates them (the host organisation),
// whether they are public (as the summary is) and its title and page.
type Discussion struct {
	OrgID, Title, Link string
	Public             bool
}

// Discussion resolves a day's summary as a comment target for p: only a published summary p may read
// (NotFound otherwise, as for the summary itself).
func (s *Service) Discussion(ctx context.Context, p *auth.Principal, dayID string) (*Discussion, error) {
	w, d, err := s.summaryOf(ctx, p, dayID)
	if err != nil {
		return nil, err
	}
	if d.Summary == nil || d.Summary.Status != SummaryPublished || !w.canReadSummary() {
		return nil, errSummaryNotFound
	}
	return &Discussion{OrgID: w.day.HostOrgID, Title: w.day.Title, Link: "/exchange-days/" + w.day.ID + "/summary",
		Public: w.day.SummaryVisibility == "public"}, nil
}

// summaryOf loads a day's recording document with p's relation to the day (unknown days: the summary's
// NotFound).
func (s *Service) summaryOf(ctx context.Context, p *auth.Principal, dayID string) (who, *dayDoc, error) {
	w, err := s.whoFor(ctx, p, dayID, errSummaryNotFound)
	if err != nil {
		return who{}, nil, err
	}
	d, err := s.load(ctx, w.day.ID)
	return w, d, err
}
