package recording

import (
	"context"

	"github.com/teixit/teixit/media/recorder"
)

// SpokenTurn is one recorded turn of the person, for their data export.
type SpokenTurn struct {
	DayID    string `json:"dayId"`
	Number   int    `json:"number"`
	Question int    `json:"question"`
	StartMs  int64  `json:"startMs"`
	EndMs    int64  `json:"endMs"`
	Redacted bool   `json:"redacted"`
}

// personalData is what this package holds about a person.
type personalData struct {
	KeyPoints  []KeyPoint   `json:"keyPoints"`
	Redactions []Redaction  `json:"redactionRequests"`
	Turns      []SpokenTurn `json:"recordedTurns"`
}

// ExportFor implements account.Hook: the person's key points, removal requests and recorded turns (a cold
// path: one scan of the day documents and of the manifests).
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	out := personalData{KeyPoints: []KeyPoint{}, Redactions: []Redaction{}, Turns: []SpokenTurn{}}
	err := s.st.eachDay(ctx, func(d *dayDoc) error {
		for _, k := range d.KeyPoints {
			if k.Author == userID {
				out.KeyPoints = append(out.KeyPoints, k.api())
			}
		}
		for _, r := range d.Redactions {
			if r.UserID == userID {
				out.Redactions = append(out.Redactions, r.api())
			}
		}
		if d.DeletedAt != nil {
			return nil
		}
		m, err := s.manifestFor(d)
		if err != nil {
			return nil
		}
		redacted := map[int]bool{}
		for _, sg := range d.Segments {
			redacted[sg.Number] = sg.Redacted
		}
		for _, e := range m.Turns {
			n, ok := recorder.SegmentNumber(e.File)
			if !ok || e.UserID != userID || e.EndMS == nil {
				continue
			}
			out.Turns = append(out.Turns, SpokenTurn{DayID: d.ID, Number: n, Question: e.Question, StartMs: e.StartMS,
				EndMs: *e.EndMS, Redacted: redacted[n]})
		}
		return nil
	})
	return "recordings", out, err
}

// BeforeDelete implements account.Hook: key points keep their text but lose their author, removal requests
// lose the requester's name, and the person stops being a rapporteur. Recorded turns stay with the host organisation's recording (recorded with
// consent); the person can ask to remove them before deleting their account.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	var days []string
	err := s.st.eachDay(ctx, func(d *dayDoc) error {
		for _, k := range d.KeyPoints {
			if k.Author == userID {
				days = append(days, d.ID)
				return nil
			}
		}
		for _, r := range d.Redactions {
			if r.UserID == userID && r.UserName != "" {
				days = append(days, d.ID)
				return nil
			}
		}
		if d.Rapporteur == userID {
			days = append(days, d.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range days {
		if _, err := s.mutate(ctx, id, func(d *dayDoc) (bool, error) {
			for i := range d.KeyPoints {
				if d.KeyPoints[i].Author == userID {
					d.KeyPoints[i].Author, d.KeyPoints[i].AuthorName = "", ""
				}
			}
			for i := range d.Redactions {
				if d.Redactions[i].UserID == userID {
					d.Redactions[i].UserName = ""
				}
			}
			if d.Rapporteur == userID {
				d.Rapporteur, d.RapporteurName = "", ""
			}
			return true, nil
		}); err != nil {
			return err
		}
	}
	return nil
}
