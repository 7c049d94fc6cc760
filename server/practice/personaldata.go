package practice

import (
	"context"
	"time"
)

// ExportFor implements account.Hook: the practices a person wrote and the transfers they declared (ids,
// titles and dates; the texts belong to their organisations and are readable in the app). A cold path:
// it queries by author, which only a data export does.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	type item struct {
		ID        string    `json:"id"`
		Title     string    `json:"title"`
		Status    string    `json:"status"`
		CreatedAt time.Time `json:"createdAt"`
	}
	practices, transfers := []item{}, []item{}
	ps, err := s.st.writtenBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, p := range ps {
		practices = append(practices, item{ID: p.ID, Title: p.Text.Title, Status: p.Status, CreatedAt: p.CreatedAt})
	}
	ts, err := s.st.declaredBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, t := range ts {
		transfers = append(transfers, item{ID: t.ID, Title: s.titleOf(ctx, t.PracticeID), Status: t.Status, CreatedAt: t.CreatedAt})
	}
	return "practices", map[string]any{"written": practices, "transfersDeclared": transfers}, nil
}

// BeforeDelete implements account.Hook. Practices and transfers belong to organisations and stay; the
// version history keeps the editor's account id, which no longer resolves to a person.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error { return nil }
