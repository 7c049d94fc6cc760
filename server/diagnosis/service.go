package diagnosis

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
	"github.com/teixit/teixit/server/territory"
	"github.com/teixit/teixit/server/theme"
)

// Orgs is what diagnoses need from organisations: a person's role in one (an `_id` lookup).
type Orgs interface {
	Role(ctx context.Context, orgID, userID string) (string, error)
}

// ReadModel is what diagnoses need from the read model: announce writes, list and count from the index.
type ReadModel interface {
	readmodel.Counter
	readmodel.Versioned
}

// Transfers is what actions that adopt a practice need from good-practice exchange (server/practice).
type Transfers interface {
	// Adopt starts the organisation's transfer of a published practice for an action of a diagnosis (or
	// links the one it already has) and returns its id; the caller must be staff of the organisation.
	Adopt(ctx context.Context, p *auth.Principal, practiceID, orgID string, via TransferVia) (string, error)
	// Stage is a transfer's stage and its practice's title as the reader may see them.
	Stage(ctx context.Context, p *auth.Principal, transferID string) (stage, title string, err error)
}

// TransferVia is the action an adoption comes from.
type TransferVia struct{ DiagnosisID, ActionID, TerritoryID string }

// Options tune the service.
type Options struct {
	// Transfers, when set, lets an action adopt a practice (adoptPracticeId).
	Transfers Transfers
	// Media, when set, lets contributions carry photos and voice notes uploaded to the media store.
	Media mediafile.Attacher
	// Limits keeps rate limits in the shared store (required).
	Limits *auth.Limits
	// NicknameLimit and NicknameWindow bound anonymous (nickname) contributions per IP. Default 5 per hour.
	NicknameLimit  int
	NicknameWindow time.Duration
	// Notify tells followers and authors what happened; without one, nobody is told.
	Notify Notifier
}

// Service implements diagnoses and everything inside them.
type Service struct {
	st         *Store
	orgs       Orgs
	terr       territory.Getter
	rm         ReadModel
	detector   *search.Detector
	limits     *auth.Limits
	nicknames  auth.Limit
	media      mediafile.Attacher
	transfers  Transfers
	cache      *readmodel.Cache[contribDoc] // contributions as fresh as the index, for lists
	supporters *readmodel.Marks             // who supported which contribution, as fresh as the index, for lists
	// dashboards are kept until this node's index takes a change of what they count (readmodel.Memo)
	dashboards  *readmodel.Memo[Dashboard]
	publicLists *readmodel.Memo[contributionPage] // contribution pages as anonymous readers see them
	now         func() time.Time
	notify      Notifier
}

// NewService builds the service.
func NewService(st *Store, orgs Orgs, terr territory.Getter, rm ReadModel, o Options) *Service {
	if o.NicknameLimit <= 0 {
		o.NicknameLimit = 5
	}
	if o.NicknameWindow <= 0 {
		o.NicknameWindow = time.Hour
	}
	s := &Service{st: st, orgs: orgs, terr: terr, rm: rm, detector: search.NewDetector(),
		limits: o.Limits, nicknames: auth.Limit{Name: "nickname-ip", Max: o.NicknameLimit, Window: o.NicknameWindow,
			Message: "Too many contributions from this connection: try again later."}, media: o.Media, transfers: o.Transfers, notify: o.Notify, cache: readmodel.NewCache[contribDoc](20000), supporters: readmodel.NewMarks(20000), now: time.Now}
	s.dashboards = readmodel.NewMemo[Dashboard](rm, 1000, KindDiagnosis, KindContribution, KindFinding, KindAction)
	s.publicLists = readmodel.NewMemo[contributionPage](rm, 2000, KindDiagnosis, KindContribution)
	return s
}

var (
	errDiagnosisNotFound    = apperr.NotFoundf("The diagnosis")
	errContributionNotFound = apperr.NotFoundf("The contribution")
	errFindingNotFound      = apperr.NotFoundf("The finding")
	errActionNotFound       = apperr.NotFoundf("The action")
)

// wrongPhase is the 409 every phase rule returns, naming the current phase.
func wrongPhase(current, what string) error { return apperr.WrongPhase("diagnosis", current, what) }

func (s *Service) diagnosis(ctx context.Context, id string) (*diagDoc, error) {
	return store.GetByID[diagDoc](ctx, s.st.Store, colDiagnoses, id, errDiagnosisNotFound)
}

// partOf loads a record that belongs to a diagnosis (a finding, an action) with that diagnosis: absent when
// the record does not exist.
func partOf[T any](ctx context.Context, s *Service, col, id string, absent error, diagID func(*T) string) (*T, *diagDoc, error) {
	doc, err := store.GetByID[T](ctx, s.st.Store, col, id, absent)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.diagnosis(ctx, diagID(doc))
	return doc, d, err
}

// partsFilter is the read-model filter of the records of the diagnosis diagID (404 when it does not exist),
// narrowed to facet = value when value is given: a 400 on param when value is not one of allowed.
func (s *Service) partsFilter(ctx context.Context, diagID, facet, param, value string, allowed []string) (map[string][]string, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	filters, refused := map[string][]string{"parent": {d.ID}}, apperr.Fields{}
	readmodel.Choose(filters, refused, param, facet, value, allowed)
	return filters, apperr.Validation(refused)
}

// isOrganiser tells whether p is a platform admin or an admin or professional of one of the organisations.
func (s *Service) isOrganiser(ctx context.Context, p *auth.Principal, orgIDs []string) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	for _, o := range orgIDs {
		ok, err := s.canOrganise(ctx, p.UserID, o)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (s *Service) canOrganise(ctx context.Context, userID, orgID string) (bool, error) {
	role, err := s.orgs.Role(ctx, orgID, userID)
	return role == "admin" || role == "professional", err
}

func (s *Service) requireOrganiser(ctx context.Context, p *auth.Principal, d *diagDoc, msg string) error {
	if p == nil {
		return apperr.LoginRequired()
	}
	ok, err := s.isOrganiser(ctx, p, d.OrgIDs)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Forbid(msg)
	}
	return nil
}

// Input creates or changes a diagnosis; nil fields are left alone on update. The territory cannot change
// once created (contributions' points were checked against it).
type Input struct {
	Title           *string   `json:"title" api:"required"`
	Description     *string   `json:"description"`
	TerritoryID     *string   `json:"territoryId" api:"required"`
	OrganisationIDs *[]string `json:"organisationIds" api:"required"`
	Themes          *[]string `json:"themes"`
	Phase           *string   `json:"phase"`
	// Reopen confirms a move back to an earlier phase (what is done since then stays; people may contribute,
	// write findings or vote again as that phase allows). Without it such a move is a 409 phase_backwards.
	Reopen   *bool          `json:"reopen"`
	Schedule *[]PhaseDates  `json:"schedule"`
	Settings *SettingsInput `json:"settings"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (Input) Enums() map[string][]string {
	return map[string][]string{"themes": theme.All, "phase": Phases}
}

// SettingsInput changes a diagnosis's settings; nil fields are left alone.
type SettingsInput struct {
	AllowNicknames *bool `json:"allowNicknames"`
	PreModeration  *bool `json:"preModeration"`
	VotesPerPerson *int  `json:"votesPerPerson"`
}

func validDate(s string) bool { return followup.ValidDate(s) }

// apply validates in onto d, collecting every problem.
func (s *Service) apply(ctx context.Context, p *auth.Principal, d *diagDoc, in Input, create bool) error {
	fields := apperr.Fields{}
	if in.Title != nil || create {
		t := ""
		if in.Title != nil {
			t = strings.TrimSpace(*in.Title)
		}
		fields.Length("title", t, 3, 200)
		d.Title = t
	}
	if in.Description != nil {
		d.Description = strings.TrimSpace(*in.Description)
		fields.MaxLength("description", d.Description, 10000)
	}
	if create {
		switch {
		case in.TerritoryID == nil || *in.TerritoryID == "":
			fields["territoryId"] = apperr.Required()
		default:
			if _, err := s.terr.Get(ctx, *in.TerritoryID); err != nil {
				if !apperr.IsKind(err, apperr.NotFound) {
					return err
				}
				fields["territoryId"] = apperr.UnknownRef()
			}
			d.TerritoryID = *in.TerritoryID
		}
	} else if in.TerritoryID != nil && *in.TerritoryID != d.TerritoryID {
		fields["territoryId"] = apperr.Immutable()
	}
	if in.OrganisationIDs != nil || create {
		var ids []string
		if in.OrganisationIDs != nil {
			ids = *in.OrganisationIDs
		}
		if why, err := s.checkOrganisers(ctx, p, d.OrgIDs, ids); err != nil {
			return err
		} else if why.Code == errNotOrganiser {
			return apperr.Forbid("You must be an admin or professional of each organising organisation.")
		} else if why.Code != "" {
			fields["organisationIds"] = why
		} else {
			d.OrgIDs = clean.Unique(ids)
		}
	}
	if in.Themes != nil {
		if len(*in.Themes) > len(theme.All) {
			fields["themes"] = apperr.MaxItems(len(theme.All))
		}
		for _, t := range *in.Themes {
			if !theme.Valid(t) {
				fields["themes"] = apperr.OneOf(theme.All...)
			}
		}
		d.Themes = clean.Unique(*in.Themes)
	}
	if in.Phase != nil {
		if !slices.Contains(Phases, *in.Phase) {
			fields["phase"] = apperr.OneOf(Phases...)
		} else if !create && slices.Index(Phases, *in.Phase) < slices.Index(Phases, d.Phase) && (in.Reopen == nil || !*in.Reopen) {
			return apperr.New(apperr.Conflict, "phase_backwards",
				"Moving the diagnosis back to an earlier phase reopens it: confirm with reopen.").With("phase", *in.Phase)
		}
		d.Phase = *in.Phase
	} else if create {
		d.Phase = PhaseGathering
	}
	if in.Schedule != nil {
		d.Schedule = nil
		seen := map[string]bool{}
		for _, ph := range *in.Schedule {
			switch {
			case !slices.Contains(Phases, ph.Name) || seen[ph.Name]:
				fields["schedule"] = apperr.Because("phase_once", "values", Phases)
			case ph.Start != "" && !validDate(ph.Start), ph.End != "" && !validDate(ph.End):
				fields["schedule"] = apperr.Date()
			case ph.Start != "" && ph.End != "" && ph.End < ph.Start:
				fields["schedule"] = apperr.Because("end_before_start")
			}
			seen[ph.Name] = true
			d.Schedule = append(d.Schedule, phaseDoc(ph))
		}
	}
	if create {
		d.Settings = settingsDoc{VotesPerPerson: DefaultVotesPerPerson}
	}
	if in.Settings != nil {
		if v := in.Settings.AllowNicknames; v != nil {
			d.Settings.AllowNicknames = *v
		}
		if v := in.Settings.PreModeration; v != nil {
			d.Settings.PreModeration = *v
		}
		if v := in.Settings.VotesPerPerson; v != nil {
			if *v < 1 || *v > MaxVotesPerPersonCap {
				fields["settings.votesPerPerson"] = apperr.Range(1, 50)
			}
			d.Settings.VotesPerPerson = *v
		}
	}
	return apperr.Validation(fields)
}

// errNotOrganiser is checkOrganisers' answer when p may not add an organisation: a 403, not a field reason.
const errNotOrganiser = "not_organiser"

// checkOrganisers returns why a list of organising organisations is invalid: empty, too long, or holding
// an organisation (not already organising) where p is neither admin nor professional.
func (s *Service) checkOrganisers(ctx context.Context, p *auth.Principal, before, ids []string) (apperr.Reason, error) {
	if len(ids) == 0 || len(ids) > MaxOrganisers {
		return apperr.ItemsBetween(1, MaxOrganisers), nil
	}
	for _, id := range ids {
		if !store.ValidID(id) {
			return apperr.UnknownRef(), nil
		}
		if slices.Contains(before, id) || p.PlatformAdmin {
			continue
		}
		ok, err := s.canOrganise(ctx, p.UserID, id)
		if err != nil {
			return apperr.Reason{}, err
		}
		if !ok {
			return apperr.Reason{Code: errNotOrganiser}, nil
		}
	}
	return apperr.Reason{}, nil
}

// Create starts a diagnosis (professionals or admins of every organising organisation).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Diagnosis, error) {
	now := s.now().UTC()
	d := &diagDoc{ID: store.NewID(), CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Themes: []string{}}
	if err := s.apply(ctx, p, d, in, true); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, KindDiagnosis, d.ID, func() error { return s.st.Insert(ctx, colDiagnoses, d) }); err != nil {
		return nil, err
	}
	out := d.api(true)
	return &out, nil
}

// Get returns a diagnosis (diagnoses are public).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Diagnosis, error) {
	d, err := s.diagnosis(ctx, id)
	if err != nil {
		return nil, err
	}
	org, err := s.isOrganiser(ctx, p, d.OrgIDs)
	if err != nil {
		return nil, err
	}
	out := d.api(org)
	return &out, nil
}

// Update changes a diagnosis (its organisers). Changing the organisers re-indexes everything inside it,
// since pending and hidden contributions are visible to the organising organisations. The input is applied to
// the diagnosis as it is at the moment of writing (a revision claim, store.ClaimRevision): an organiser added
// meanwhile by an accepted invitation, or another edit, is kept unless this input names that field itself.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Diagnosis, error) {
	for attempt := 0; attempt < maxEditAttempts; attempt++ {
		d, err := s.diagnosis(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.requireOrganiser(ctx, p, d, "Only the organisers can change the diagnosis."); err != nil {
			return nil, err
		}
		before := append([]string(nil), d.OrgIDs...)
		phaseBefore, rev := d.Phase, d.Rev
		if err := s.apply(ctx, p, d, in, false); err != nil {
			return nil, err
		}
		d.UpdatedAt = s.now().UTC()
		set := bson.M{"title": d.Title, "description": d.Description, "orgIds": d.OrgIDs, "themes": d.Themes,
			"phase": d.Phase, "schedule": d.Schedule, "settings": d.Settings, "updatedAt": d.UpdatedAt}
		err = s.rm.Changed(ctx, KindDiagnosis, id, func() error {
			return s.st.updateIf(ctx, colDiagnoses, id, rev, bson.M{"$set": set})
		})
		if errors.Is(err, store.ErrNotFound) {
			continue // changed meanwhile (or deleted: the next read says so)
		}
		if err != nil {
			return nil, err
		}
		if strings.Join(before, ",") != strings.Join(d.OrgIDs, ",") {
			if err := s.reindexChildren(ctx, id); err != nil {
				return nil, err
			}
		}
		if d.Phase != phaseBefore {
			s.announce(ctx, d, notify.Event{Kind: NoticePhase, Title: d.Title, Link: diagnosisLink(d.ID), Actor: p.UserID})
		}
		out := d.api(true)
		return &out, nil
	}
	return nil, errChangedMeanwhile()
}

// maxEditAttempts bounds how often an edit is applied again to a diagnosis that changed under it.
const maxEditAttempts = 8

func errChangedMeanwhile() error {
	return apperr.New(apperr.Conflict, "concurrent_change", "The diagnosis changed meanwhile: try again.")
}

// AddOrganiser makes an organisation one of the diagnosis's organisers, for an accepted invitation (the
// invitation checked who may; here nothing is asked of a caller). Nothing happens when it already is one;
// a diagnosis with MaxOrganisers is a 409. The list is extended as the store holds it at the moment of
// writing (store.Update: read, claim the next revision, write), so organisers added at the same moment by
// other requests, or an edit, are all kept.
func (s *Service) AddOrganiser(ctx context.Context, id, orgID string) error {
	added := false
	err := s.rm.Changed(ctx, KindDiagnosis, id, func() error {
		_, err := s.st.Store.UpdateReading(ctx, colDiagnoses, id, []string{"orgIds"}, func(cur bson.Raw) (bson.M, error) {
			added = false
			if cur == nil {
				return nil, errDiagnosisNotFound
			}
			var d struct {
				OrgIDs []string `bson:"orgIds"`
			}
			if err := bson.Unmarshal(cur, &d); err != nil {
				return nil, err
			}
			if slices.Contains(d.OrgIDs, orgID) {
				return nil, nil
			}
			if len(d.OrgIDs) >= MaxOrganisers {
				return nil, apperr.New(apperr.Conflict, "too_many_organisers", "This diagnosis already has as many organisers as it can have.")
			}
			added = true
			return bson.M{"$set": bson.M{"orgIds": append(d.OrgIDs, orgID), "updatedAt": s.now().UTC()}}, nil
		})
		return err
	})
	if err != nil || !added {
		return err
	}
	return s.reindexChildren(ctx, id)
}

// reindexChildren re-announces every contribution, finding and action of a diagnosis (found through the
// read model as an admin reader, every status) so their indexed visibility follows the new organisers.
func (s *Service) reindexChildren(ctx context.Context, diagID string) error {
	for _, kind := range []string{KindContribution, KindFinding, KindAction} {
		cursor := ""
		for {
			res, err := s.rm.List(ctx, search.Reader{Admin: true}, search.ListRequest{Kind: kind, IDsOnly: true,
				PerPage: 100, Cursor: cursor, Filters: map[string][]string{"parent": {diagID},
					"status": {StatusPending, StatusPublished, StatusHidden}}})
			if err != nil {
				return err
			}
			for _, it := range res.Items {
				_, cid, _ := strings.Cut(it.ID, ":")
				if err := s.rm.Changed(ctx, kind, cid, func() error { return nil }); err != nil {
					return err
				}
			}
			if res.NextCursor == "" {
				return nil
			}
			cursor = res.NextCursor
		}
	}
	return nil
}

// ListInput filters the diagnoses list.
type ListInput struct {
	Territory, Theme, Phase, Org, Cursor string
	Limit                                int
}

// List returns a page of diagnoses from the read model, each loaded fresh by id. The territory filter
// matches the territory and everything inside it; org matches the lead (first) organising organisation.
func (s *Service) List(ctx context.Context, p *auth.Principal, in ListInput) ([]Diagnosis, string, error) {
	filters := map[string][]string{}
	fields := apperr.Fields{}
	add := func(name, v string, valid bool, why apperr.Reason) {
		if v == "" {
			return
		}
		if !valid {
			fields[name] = why
			return
		}
		filters[name] = []string{v}
	}
	add("territory", in.Territory, store.ValidID(in.Territory), apperr.UnknownRef())
	add("theme", in.Theme, theme.Valid(in.Theme), apperr.OneOf(theme.All...))
	add("phase", in.Phase, slices.Contains(Phases, in.Phase), apperr.OneOf(Phases...))
	add("org", in.Org, store.ValidID(in.Org), apperr.UnknownRef())
	if err := apperr.Validation(fields); err != nil {
		return nil, "", err
	}
	return listed(ctx, s, p, search.ListRequest{Kind: KindDiagnosis, Filters: filters,
		Cursor: in.Cursor, PerPage: paging.Lists.Of(in.Limit)}, colDiagnoses, func(d *diagDoc) Diagnosis { return d.api(false) })
}

func readerFor(p *auth.Principal) search.Reader { return readmodel.ReaderFor(p) }
