package comment

import "context"

// ExportFor implements account.Hook: the person's comments.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	docs, err := s.st.byAuthor(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	ptrs := make([]*commentDoc, len(docs))
	for i := range docs {
		ptrs[i] = &docs[i]
	}
	vs, err := s.views(ctx, ptrs)
	return "comments", vs, err
}

// BeforeDelete implements account.Hook: comments stay, anonymised (no author).
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	docs, err := s.st.byAuthor(ctx, userID)
	if err != nil {
		return err
	}
	for i := range docs {
		if err := s.change(ctx, &docs[i], func(d *commentDoc) error { d.AuthorID = ""; return nil }); err != nil {
			return err
		}
	}
	return nil
}
