package practice

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/teixit/teixit/server/store"
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
	cur, err := s.st.s.C(colPractices).Find(ctx, bson.M{"createdBy": userID},
		options.Find().SetProjection(bson.M{"text.title": 1, "status": 1, "createdAt": 1}))
	if err != nil {
		return "", nil, store.Wrap("practice: export", err)
	}
	var ps []practiceDoc
	if err := cur.All(ctx, &ps); err != nil {
		return "", nil, store.Wrap("practice: export", err)
	}
	for _, p := range ps {
		practices = append(practices, item{ID: p.ID, Title: p.Text.Title, Status: p.Status, CreatedAt: p.CreatedAt})
	}
	cur, err = s.st.s.C(colTransfers).Find(ctx, bson.M{"createdBy": userID},
		options.Find().SetProjection(bson.M{"practiceId": 1, "status": 1, "createdAt": 1}))
	if err != nil {
		return "", nil, store.Wrap("practice: export", err)
	}
	var ts []transferDoc
	if err := cur.All(ctx, &ts); err != nil {
		return "", nil, store.Wrap("practice: export", err)
	}
	for _, t := range ts {
		transfers = append(transfers, item{ID: t.ID, Title: s.titleOf(ctx, t.PracticeID), Status: t.Status, CreatedAt: t.CreatedAt})
	}
	return "practices", map[string]any{"written": practices, "transfersDeclared": transfers}, nil
}

// BeforeDelete implements account.Hook. Practices and transfers belong to organisations and stay; the
// version history keeps the editor's account id, which no longer resolves to a person.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error { return nil }
