package evaluation

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// ItemInput is a strength or weakness about one area of the guide.
type ItemInput struct {
	AreaID string `json:"areaId"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ItemInput) Enums() map[string][]string {
	return map[string][]string{"kind": ItemKinds}
}

// AddItem adds a strength or weakness to a group's table: by a member from their phone, or by the
// facilitator typing for the table. Only the group's own members (403 not_in_group), only while the
// edition is in its group phase (409 wrong_phase), only in a group at the anonymity threshold (409
// group_below_threshold). The item is attributed to the group; only its writer is told it is theirs.
func (s *Service) AddItem(ctx context.Context, p *auth.Principal, gID string, in ItemInput) (*Item, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	gd, ed, ev, _, err := s.group(ctx, p, gID)
	if err != nil {
		return nil, err
	}
	if !gd.has(p.UserID) {
		return nil, notInGroup()
	}
	if ed.Phase != PhaseGroups {
		return nil, wrongPhase(ed.Phase, "items are added during the group phase")
	}
	fields := apperr.Fields{}
	if !areaOf(ed, in.AreaID) {
		fields["areaId"] = apperr.UnknownRef()
	}
	if !slices.Contains(ItemKinds, in.Kind) {
		fields["kind"] = apperr.OneOf(ItemKinds...)
	}
	text := strings.TrimSpace(in.Text)
	if l := utf8.RuneCountInString(text); l < 3 || l > MaxItemText {
		fields["text"] = apperr.Length(3, 1000)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if len(gd.Members) < ed.Threshold {
		return nil, belowThreshold(ed.Threshold)
	}
	it := &itemDoc{ID: store.NewID(), EditionID: ed.ID, EvaluationID: ev.ID, GroupID: gd.ID, AreaID: in.AreaID,
		Kind: in.Kind, Text: text, Language: s.detector.Detect(text, ""), AuthorID: p.UserID, CreatedAt: s.now().UTC()}
	if err := s.rm.Changed(ctx, KindItem, it.ID, func() error { return s.st.Insert(ctx, colItems, it) }); err != nil {
		return nil, err
	}
	out := it.api(gd.Name, p.UserID)
	return &out, nil
}

func areaOf(ed *editionDoc, id string) bool {
	for _, a := range ed.Areas {
		if a.ID == id {
			return true
		}
	}
	return false
}

func (it *itemDoc) api(groupName, userID string) Item {
	return Item{ID: it.ID, EditionID: it.EditionID, GroupID: it.GroupID, GroupName: groupName, AreaID: it.AreaID,
		Kind: it.Kind, Text: it.Text, MergedID: it.MergedID, Mine: userID != "" && it.AuthorID == userID}
}

// DeleteItem takes an item back: its writer, or the group's facilitator, during the group phase.
func (s *Service) DeleteItem(ctx context.Context, p *auth.Principal, id string) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	it, err := store.GetByID[itemDoc](ctx, s.st.Store, colItems, id, errItemNotFound)
	if err != nil {
		return err
	}
	gd, ed, _, r, err := s.group(ctx, p, it.GroupID)
	if err != nil {
		return err
	}
	if it.AuthorID != p.UserID && gd.FacilitatorID != p.UserID {
		return apperr.Forbid("Only the person who wrote it or the group's facilitator can take an item back.")
	}
	_ = r
	if ed.Phase != PhaseGroups {
		return wrongPhase(ed.Phase, "items change during the group phase")
	}
	return s.rm.Changed(ctx, KindItem, id, func() error { return s.st.Delete(ctx, colItems, id) })
}

// groupItems lists a group's items, oldest first (access already checked by group()).
func (s *Service) groupItems(ctx context.Context, ed *editionDoc, gd *groupDoc, r rights) ([]Item, error) {
	docs, _, err := s.itemPage(ctx, map[string][]string{"parent": {ed.ID}, "group": {gd.ID}}, "created", "", 500)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(docs))
	for _, it := range docs {
		out = append(out, it.api(gd.Name, r.userID))
	}
	return out, nil
}

// itemPage lists items from the read model with the given filters and loads them by id. Callers have
// checked the reader's rights on the whole edition or group first, so the index is asked as everyone.
func (s *Service) itemPage(ctx context.Context, filters map[string][]string, sort, cursor string, n int) ([]*itemDoc, string, error) {
	var out []*itemDoc
	for {
		per := n - len(out)
		if per > 100 {
			per = 100
		}
		res, err := s.rm.List(ctx, everyone, search.ListRequest{Kind: KindItem, Filters: filters, Sort: sort,
			Cursor: cursor, PerPage: per, IDsOnly: true})
		if err != nil {
			return nil, "", err
		}
		docs, err := store.GetMany[itemDoc](ctx, s.st.Store, colItems, readmodel.RecordIDs(res.Items))
		if err != nil {
			return nil, "", err
		}
		for _, d := range docs {
			if d != nil {
				out = append(out, d)
			}
		}
		cursor = res.NextCursor
		if cursor == "" || len(out) >= n {
			return out, cursor, nil
		}
	}
}

// itemCounts counts the items of each group of an edition (read model).
func (s *Service) itemCounts(ctx context.Context, edID string) (map[string]int, error) {
	res, err := s.rm.Counts(ctx, everyone, KindItem, map[string][]string{"parent": {edID}}, []string{"group"})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, c := range res.Facets["group"] {
		out[c.Value] = c.Count
	}
	return out, nil
}

// itemsPage is the size of a page of items: a plenary reads all of a group's items at once.
var itemsPage = paging.Size{Default: 100, Max: 200}

// ItemList filters an edition's items for the organisers.
type ItemList struct {
	Group, Area, Kind, Merged, Cursor string
	Limit                             int
}

// Items lists an edition's items for its organisers, each attributed to its group (never to a person).
func (s *Service) Items(ctx context.Context, p *auth.Principal, edID string, in ItemList) ([]Item, string, error) {
	ed, _, r, err := s.editionForOrganisers(ctx, p, edID, "Only the organisers see every group's items.")
	if err != nil {
		return nil, "", err
	}
	filters := map[string][]string{"parent": {ed.ID}}
	fields := apperr.Fields{}
	if in.Group != "" {
		if !slices.Contains(s.groupIDs(ed), in.Group) {
			fields["group"] = apperr.UnknownRef()
		}
		filters["group"] = []string{in.Group}
	}
	if in.Area != "" {
		if !areaOf(ed, in.Area) {
			fields["area"] = apperr.UnknownRef()
		}
		filters["area"] = []string{in.Area}
	}
	readmodel.Choose(filters, fields, "kind", "item_kind", in.Kind, ItemKinds)
	readmodel.Choose(filters, fields, "merged", "merged", in.Merged, []string{"yes", "no"})
	if err := apperr.Validation(fields); err != nil {
		return nil, "", err
	}
	n := itemsPage.Of(in.Limit)
	docs, next, err := s.itemPage(ctx, filters, "created", in.Cursor, n)
	if err != nil {
		return nil, "", err
	}
	names, err := s.groupNames(ctx, ed)
	if err != nil {
		return nil, "", err
	}
	out := make([]Item, 0, len(docs))
	for _, it := range docs {
		out = append(out, it.api(names[it.GroupID], r.userID))
	}
	return out, next, nil
}

func (s *Service) groupNames(ctx context.Context, ed *editionDoc) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range s.groupIDs(ed) {
		var gd groupDoc
		if err := s.st.Get(ctx, colGroups, id, &gd); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = gd.Name
	}
	return out, nil
}
