package diagnosis

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/theme"
)

// ContributionInput creates or changes a contribution; nil fields are left alone on update. Nickname and
// Assisted only apply on creation.
type ContributionInput struct {
	Kind     *string        `json:"kind" api:"required"`
	Theme    *string        `json:"theme" api:"required"`
	Text     *string        `json:"text" api:"required"`
	Language *string        `json:"language"`
	Point    *Point         `json:"point"`
	MediaIDs *[]string      `json:"mediaIds"`
	Nickname *string        `json:"nickname"`
	Assisted *AssistedInput `json:"assisted"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ContributionInput) Enums() map[string][]string {
	return map[string][]string{"kind": ContributionKinds, "theme": theme.All, "language": Languages}
}

// AssistedInput marks a contribution or ballot a facilitator enters on someone's behalf. Consent must be
// true: the person agreed to it being entered. No personal data of the person is asked for.
type AssistedInput struct {
	Consent bool   `json:"consent"`
	Note    string `json:"note"`
}

// Caller is who is contributing: a principal (nil when anonymous) and the client address for rate limits.
type Caller struct {
	P  *auth.Principal
	IP string
}

func (s *Service) validateContribution(ctx context.Context, p *auth.Principal, d *diagDoc, c *contribDoc, in ContributionInput, create bool) error {
	fields := apperr.Fields{}
	if in.MediaIDs != nil {
		why, err := s.checkMedia(ctx, p, *in.MediaIDs)
		if err != nil {
			return err
		}
		if why.Code != "" {
			fields["mediaIds"] = why
		}
		c.MediaIDs = clean.Unique(*in.MediaIDs)
	}
	if in.Kind != nil || create {
		c.Kind = deref(in.Kind)
		if !slices.Contains(ContributionKinds, c.Kind) {
			fields["kind"] = apperr.OneOf(ContributionKinds...)
		}
	}
	if in.Theme != nil || create {
		c.Theme = deref(in.Theme)
		if !theme.Valid(c.Theme) {
			fields["theme"] = apperr.OneOf(theme.All...)
		}
	}
	if in.Text != nil || create {
		c.Text = strings.TrimSpace(deref(in.Text))
		if l := utf8.RuneCountInString(c.Text); l < 1 || l > MaxTextLen {
			fields["text"] = apperr.Length(1, 2000)
		}
	}
	if in.Language != nil && *in.Language != "" {
		if !slices.Contains(Languages, *in.Language) {
			fields["language"] = apperr.OneOf(Languages...)
		}
		c.Language = *in.Language
	} else if in.Text != nil || create {
		c.Language = s.detector.Detect(c.Text, "ca")
	}
	if err := apperr.Validation(fields); err != nil {
		return err
	}
	if in.Point != nil {
		pt := *in.Point
		if pt.Lat < -90 || pt.Lat > 90 || pt.Lon < -180 || pt.Lon > 180 {
			return apperr.Validation(apperr.Fields{"point": apperr.Because("coordinates")})
		}
		t, err := s.terr.Get(ctx, d.TerritoryID)
		if err != nil {
			return err
		}
		if t.Boundary != nil && !t.Boundary.Contains(pt.Lon, pt.Lat) {
			return &apperr.Error{Kind: apperr.Invalid, Code: "point_outside",
				Message: "The point is outside the diagnosis's territory.", Fields: apperr.Fields{"point": apperr.Because("outside_territory")}}
		}
		c.Point = &pointDoc{Lat: pt.Lat, Lon: pt.Lon}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Contribute adds a contribution while the diagnosis is gathering: by a signed-in account, by an
// anonymous nickname (when allowed; always pre-moderated; rate-limited per IP), or by a facilitator on
// someone's behalf with their consent.
func (s *Service) Contribute(ctx context.Context, who Caller, diagID string, in ContributionInput) (*Contribution, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	if d.Phase != PhaseGathering {
		return nil, wrongPhase(d.Phase, "contributions are only accepted while gathering")
	}
	now := s.now().UTC()
	c := &contribDoc{ID: store.NewID(), DiagnosisID: d.ID, Status: StatusPublished, FindingIDs: []string{},
		CreatedAt: now, UpdatedAt: now}
	organiser := false
	switch {
	case who.P == nil:
		if in.Nickname == nil {
			return nil, apperr.LoginRequired()
		}
		if !d.Settings.AllowNicknames {
			return nil, apperr.New(apperr.Forbidden, "nicknames_not_allowed",
				"This diagnosis does not accept contributions under a nickname: log in to contribute.")
		}
		if in.Assisted != nil {
			return nil, apperr.LoginRequired()
		}
		n := strings.TrimSpace(*in.Nickname)
		if l := utf8.RuneCountInString(n); l < 2 || l > 40 {
			return nil, apperr.Validation(apperr.Fields{"nickname": apperr.Length(2, 40)})
		}
		c.Nickname, c.Status = n, StatusPending
	case in.Nickname != nil:
		return nil, apperr.Validation(apperr.Fields{"nickname": apperr.Because("nickname_signed_in")})
	case in.Assisted != nil:
		ok, err := s.isOrganiser(ctx, who.P, d.OrgIDs)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apperr.Forbid("Only professionals of the organising organisations can enter contributions on someone's behalf.")
		}
		if !in.Assisted.Consent {
			return nil, apperr.Validation(apperr.Fields{"assisted.consent": apperr.Because("consent_required")})
		}
		note := strings.TrimSpace(in.Assisted.Note)
		if utf8.RuneCountInString(note) > 500 {
			return nil, apperr.Validation(apperr.Fields{"assisted.note": apperr.MaxLength(500)})
		}
		c.Assisted, organiser = &assistedDoc{FacilitatorID: who.P.UserID, Consent: true, Note: note}, true
	default:
		c.AuthorID = who.P.UserID
		if organiser, err = s.isOrganiser(ctx, who.P, d.OrgIDs); err != nil {
			return nil, err
		}
	}
	if err := s.validateContribution(ctx, who.P, d, c, in, true); err != nil {
		return nil, err
	}
	if d.Settings.PreModeration && !organiser {
		c.Status = StatusPending
	}
	if who.P == nil { // counted only once the contribution is valid, so typos do not use up the allowance
		if _, err := s.limits.Take(ctx, s.nicknames, who.IP); err != nil {
			return nil, err
		}
	}
	if err := s.rm.Changed(ctx, KindContribution, c.ID, func() error { return s.st.Insert(ctx, colContributions, c) }); err != nil {
		return nil, err
	}
	if err := s.syncMedia(ctx, c, d); err != nil {
		return nil, err
	}
	s.follow(ctx, c.AuthorID, d)
	out := c.api(principalID(who.P), organiser)
	return &out, nil
}

func principalID(p *auth.Principal) string {
	if p == nil {
		return ""
	}
	return p.UserID
}

// contribution loads a contribution and its diagnosis as p may see them: published for everyone, pending
// for the organisers and the person who entered it, hidden for the organisers; otherwise NotFound.
func (s *Service) contribution(ctx context.Context, p *auth.Principal, id string) (*contribDoc, *diagDoc, bool, error) {
	c, err := store.GetByID[contribDoc](ctx, s.st.Store, colContributions, id, errContributionNotFound)
	if err != nil {
		return nil, nil, false, err
	}
	d, err := s.diagnosis(ctx, c.DiagnosisID)
	if err != nil {
		return nil, nil, false, err
	}
	org, err := s.isOrganiser(ctx, p, d.OrgIDs)
	if err != nil {
		return nil, nil, false, err
	}
	if !canSee(p, c, d) {
		return nil, nil, false, errContributionNotFound
	}
	return c, d, org, nil
}

func (s *Service) view(ctx context.Context, p *auth.Principal, c *contribDoc, organiser bool) (Contribution, error) {
	out := c.api(principalID(p), organiser)
	if p != nil {
		supported, err := s.supportedBy(ctx, p.UserID, []string{c.ID})
		if err != nil {
			return out, err
		}
		out.Supported = supported[0]
	}
	return out, nil
}

// supportedBy tells which of the contributions the person supports (remembered per node, see Marks).
func (s *Service) supportedBy(ctx context.Context, userID string, contributions []string) ([]bool, error) {
	return s.supporters.Get(userID, contributions, func(ids []string) ([]bool, error) {
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = id + ":" + userID
		}
		docs, err := store.GetMany[supportDoc](ctx, s.st.Store, colSupports, keys)
		if err != nil {
			return nil, err
		}
		out := make([]bool, len(docs))
		for i, d := range docs {
			out[i] = d != nil
		}
		return out, nil
	})
}

// GetContribution returns one contribution as p may see it.
func (s *Service) GetContribution(ctx context.Context, p *auth.Principal, id string) (*Contribution, error) {
	c, _, org, err := s.contribution(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out, err := s.view(ctx, p, c, org)
	return &out, err
}

// UpdateContribution lets the person who entered a contribution change it while gathering. With
// pre-moderation an edited contribution goes back to the queue.
func (s *Service) UpdateContribution(ctx context.Context, p *auth.Principal, id string, in ContributionInput) (*Contribution, error) {
	c, d, org, err := s.contribution(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if c.editor() != p.UserID {
		return nil, apperr.Forbid("Only the person who entered a contribution can change it.")
	}
	if d.Phase != PhaseGathering {
		return nil, wrongPhase(d.Phase, "contributions can only be changed while gathering")
	}
	if in.Nickname != nil || in.Assisted != nil {
		return nil, apperr.Validation(apperr.Fields{"nickname": apperr.Immutable()})
	}
	oldMedia := c.MediaIDs
	if err := s.validateContribution(ctx, p, d, c, in, false); err != nil {
		return nil, err
	}
	if d.Settings.PreModeration && !org && c.Status == StatusPublished {
		c.Status = StatusPending
	}
	c.UpdatedAt = s.now().UTC()
	set := bson.M{"kind": c.Kind, "theme": c.Theme, "text": c.Text, "language": c.Language, "status": c.Status,
		"updatedAt": c.UpdatedAt}
	if c.Point != nil {
		set["point"] = c.Point
	}
	if in.MediaIDs != nil {
		set["mediaIds"] = c.MediaIDs
	}
	if err := s.rm.Changed(ctx, KindContribution, id, func() error {
		return s.st.update(ctx, colContributions, id, bson.M{"$set": set})
	}); err != nil {
		return nil, err
	}
	if err := s.syncMedia(ctx, c, d); err != nil {
		return nil, err
	}
	if err := s.releaseMedia(ctx, minus(oldMedia, c.MediaIDs), p.UserID); err != nil {
		return nil, err
	}
	out, err := s.view(ctx, p, c, org)
	return &out, err
}

// DeleteContribution lets the person who entered a contribution withdraw it while gathering, unless a
// finding already cites it (409 cited).
func (s *Service) DeleteContribution(ctx context.Context, p *auth.Principal, id string) error {
	c, d, _, err := s.contribution(ctx, p, id)
	if err != nil {
		return err
	}
	if c.editor() != p.UserID {
		return apperr.Forbid("Only the person who entered a contribution can withdraw it.")
	}
	if d.Phase != PhaseGathering {
		return wrongPhase(d.Phase, "contributions can only be withdrawn while gathering")
	}
	if len(c.FindingIDs) > 0 {
		return apperr.New(apperr.Conflict, "cited", "A finding cites this contribution: it can no longer be withdrawn.")
	}
	err = s.rm.Changed(ctx, KindContribution, id, func() error {
		if err := s.st.Delete(ctx, colContributions, id); err != nil || c.Supports == 0 {
			return err
		}
		return s.st.incStats(ctx, d.ID, bson.M{"supports": -c.Supports}) // before the index moves: the dashboard counts it
	})
	if err != nil {
		return err
	}
	return s.releaseMedia(ctx, c.MediaIDs, p.UserID)
}

// ContributionList filters and orders a diagnosis's contributions.
type ContributionList struct {
	Kind, Theme, Status, Sort, Cursor string
	Limit                             int
}

// Contributions lists a diagnosis's contributions from the read model (p's rights inside the query).
// Without a status filter a list holds published contributions only, the same for every reader: that page
// (which contributions, in which order) is kept per node until the index takes a change of a contribution or
// a diagnosis (readmodel.Memo), so a diagnosis shared widely does not query the index for each visitor, and
// only what depends on the reader (their own contributions, what they supported, organisers' details) is
// drawn for each. A status filter (pending, hidden: the reader's rights decide) queries the index each time.
func (s *Service) Contributions(ctx context.Context, p *auth.Principal, diagID string, in ContributionList) ([]Contribution, string, error) {
	if in.Status != "" {
		d, req, err := s.contributionQuery(ctx, diagID, in)
		if err != nil {
			return nil, "", err
		}
		return s.listContributions(ctx, p, d, req)
	}
	key := strings.Join([]string{diagID, in.Kind, in.Theme, in.Sort, in.Cursor, strconv.Itoa(in.Limit)}, "\x00")
	page, err := s.publicLists.Get(key, func() (*contributionPage, error) {
		d, req, err := s.contributionQuery(ctx, diagID, in)
		if err != nil {
			return nil, err
		}
		res, err := s.rm.List(ctx, readerFor(nil), req)
		if err != nil {
			return nil, err
		}
		ids := readmodel.RecordIDs(res.Items)
		items, err := s.drawContributions(ctx, nil, d, ids)
		return &contributionPage{d: d, ids: ids, items: items, next: res.NextCursor}, err
	})
	if err != nil {
		return nil, "", err
	}
	if p == nil {
		return page.items, page.next, nil
	}
	items, err := s.drawContributions(ctx, p, page.d, page.ids)
	return items, page.next, err
}

// contributionPage is one page of a contributions list without a status filter, as kept for every reader:
// the diagnosis as read with it, the contributions listed and how an anonymous reader sees them.
type contributionPage struct {
	d     *diagDoc
	ids   []string
	items []Contribution
	next  string
}

// contributionQuery checks a list's filters and makes its index request.
func (s *Service) contributionQuery(ctx context.Context, diagID string, in ContributionList) (*diagDoc, search.ListRequest, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, search.ListRequest{}, err
	}
	fields := apperr.Fields{}
	filters := map[string][]string{"parent": {d.ID}}
	readmodel.Choose(filters, fields, "kind", "contribution_kind", in.Kind, ContributionKinds)
	readmodel.Choose(filters, fields, "theme", "theme", in.Theme, theme.All)
	readmodel.Choose(filters, fields, "status", "status", in.Status, []string{StatusPending, StatusPublished, StatusHidden})
	if !slices.Contains([]string{"", "-created", "created", "supports", "-supports"}, in.Sort) {
		fields["sort"] = apperr.OneOf("-created", "created", "supports", "-supports")
	}
	return d, search.ListRequest{Kind: KindContribution, Filters: filters, Sort: in.Sort, Cursor: in.Cursor,
		PerPage: paging.Lists.Of(in.Limit), IDsOnly: true}, apperr.Validation(fields)
}

// listContributions runs a list's index query with p's rights and draws the page for p.
func (s *Service) listContributions(ctx context.Context, p *auth.Principal, d *diagDoc, req search.ListRequest) ([]Contribution, string, error) {
	res, err := s.rm.List(ctx, readerFor(p), req)
	if err != nil {
		return nil, "", err
	}
	items, err := s.drawContributions(ctx, p, d, readmodel.RecordIDs(res.Items))
	return items, res.NextCursor, err
}

// drawContributions draws listed contributions as p sees them, from this node's memory where it can
// (readmodel.Cache, readmodel.Marks). Whether p organises d follows p's principal (platform admin, or staff
// of one of its organisations), as the index's access filter does, with no store read.
func (s *Service) drawContributions(ctx context.Context, p *auth.Principal, d *diagDoc, ids []string) ([]Contribution, error) {
	docs, err := s.cache.GetMany(ids, func(ids []string) ([]*contribDoc, error) {
		return store.GetMany[contribDoc](ctx, s.st.Store, colContributions, ids)
	})
	if err != nil {
		return nil, err
	}
	supported := make([]bool, len(ids))
	if p != nil {
		if supported, err = s.supportedBy(ctx, p.UserID, ids); err != nil {
			return nil, err
		}
	}
	staff := make([]string, len(d.OrgIDs))
	for i, o := range d.OrgIDs {
		staff[i] = search.StaffPrefix + o
	}
	org := p != nil && p.Reader().Sees(staff)
	out := make([]Contribution, 0, len(docs))
	for i, c := range docs {
		if c == nil || !canSee(p, c, d) {
			continue // deleted or changed since it was indexed
		}
		v := c.api(principalID(p), org)
		v.Supported = supported[i]
		out = append(out, v)
	}
	return out, nil
}

// checkMedia returns why media ids cannot be attached: the media store must be there, and each id must be
// the caller's own image or audio upload.
func (s *Service) checkMedia(ctx context.Context, p *auth.Principal, ids []string) (apperr.Reason, error) {
	if len(ids) == 0 {
		return apperr.Reason{}, nil
	}
	if s.media == nil || p == nil {
		return apperr.Because("media_needs_account"), nil
	}
	if len(ids) > MaxMedia {
		return apperr.MaxItems(MaxMedia), nil
	}
	for _, id := range ids {
		a, err := s.media.Get(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			return apperr.Because("not_your_file", "id", excerpt(id, 40)), nil
		}
		if err != nil {
			return apperr.Reason{}, err
		}
		if a.Owner != p.UserID {
			return apperr.Because("not_your_file", "id", id), nil
		}
		if a.Class != mediafile.Image && a.Class != mediafile.Audio {
			return apperr.Because("media_kind"), nil
		}
	}
	return apperr.Reason{}, nil
}

// syncMedia gives a contribution's files the contribution's own visibility (the index's rule).
func (s *Service) syncMedia(ctx context.Context, c *contribDoc, d *diagDoc) error {
	if s.media == nil || len(c.MediaIDs) == 0 {
		return nil
	}
	vis := contributionVisibility(c, d)
	for _, id := range c.MediaIDs {
		if err := s.media.SetVisibility(ctx, id, vis); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}

// releaseMedia makes files no longer attached private to their owner again.
func (s *Service) releaseMedia(ctx context.Context, ids []string, owner string) error {
	if s.media == nil {
		return nil
	}
	for _, id := range ids {
		if err := s.media.SetVisibility(ctx, id, []string{search.UserPrefix + owner}); err != nil && !apperr.IsKind(err, apperr.NotFound) {
			return err
		}
	}
	return nil
}

// WroteContribution tells whether p wrote the contribution: its author, or the facilitator who entered it on
// someone's behalf. They, not the organisers, may correct its translations (translation.Kind.Editors).
func (s *Service) WroteContribution(ctx context.Context, p *auth.Principal, id string) (bool, error) {
	if p == nil {
		return false, nil
	}
	c, err := store.GetByID[contribDoc](ctx, s.st.Store, colContributions, id, errContributionNotFound)
	if err != nil {
		return false, err
	}
	return c.AuthorID == p.UserID || (c.Assisted != nil && c.Assisted.FacilitatorID == p.UserID), nil
}
