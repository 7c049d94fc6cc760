package evaluation

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// Orgs is what evaluations need from organisations.
type Orgs interface {
	// Role is a person's role in an organisation ("" when not a member); an `_id` lookup.
	Role(ctx context.Context, orgID, userID string) (string, error)
	// Members lists an organisation's members as p may see them.
	Members(ctx context.Context, p *auth.Principal, orgID string) ([]organisation.Member, error)
}

// ReadModel is what evaluations need from the read model.
type ReadModel interface {
	readmodel.Counter
	Find(ctx context.Context, r search.Reader, req search.SearchRequest) (*search.SearchResult, error)
}

// Subjects checks that a diagnosis action or a practice transfer exists and p may see it, and returns
// its title (the app wires it to the diagnosis and practice services).
type Subjects interface {
	SubjectName(ctx context.Context, p *auth.Principal, kind, ref string) (string, error)
}

// Deps are the service's collaborators.
type Deps struct {
	Store     *Store
	Orgs      Orgs
	ReadModel ReadModel
	Subjects  Subjects
	Notify    notify.Deliverer
}

// Service implements evaluations and everything inside them.
type Service struct {
	st       *Store
	orgs     Orgs
	rm       ReadModel
	subjects Subjects
	notify   notify.Deliverer
	detector *search.Detector
	now      func() time.Time
}

// NewService builds the service.
func NewService(d Deps) *Service {
	return &Service{st: d.Store, orgs: d.Orgs, rm: d.ReadModel, subjects: d.Subjects, notify: d.Notify,
		detector: search.NewDetector(), now: time.Now}
}

var (
	errEvaluationNotFound = apperr.NotFoundf("The evaluation")
	errEditionNotFound    = apperr.NotFoundf("The edition")
	errGroupNotFound      = apperr.NotFoundf("The group")
	errItemNotFound       = apperr.NotFoundf("The item")
	errPointNotFound      = apperr.NotFoundf("The merged item")
	errMeasureNotFound    = apperr.NotFoundf("The measure")
)

// wrongPhase is the 409 of every phase rule, naming the current phase.
func wrongPhase(current, what string) error { return apperr.WrongPhase("edition", current, what) }

func editionID(evalID string, n int) string    { return evalID + "-" + strconv.Itoa(n) }
func participantID(edID, userID string) string { return edID + ":" + userID }
func groupID(edID string, n int) string        { return edID + "-g" + strconv.Itoa(n) }

func (s *Service) evaluation(ctx context.Context, id string) (*evalDoc, error) {
	return store.GetByID[evalDoc](ctx, s.st.Store, colEvaluations, id, errEvaluationNotFound)
}

// edition loads an edition with its evaluation.
func (s *Service) edition(ctx context.Context, id string) (*editionDoc, *evalDoc, error) {
	ed, err := store.GetByID[editionDoc](ctx, s.st.Store, colEditions, id, errEditionNotFound)
	if err != nil {
		return nil, nil, err
	}
	ev, err := s.evaluation(ctx, ed.EvaluationID)
	if err != nil {
		return nil, nil, err
	}
	return ed, ev, nil
}

// editionFor loads an edition and the caller's rights, answering 401/404 to those who may not read it.
func (s *Service) editionFor(ctx context.Context, p *auth.Principal, id string) (*editionDoc, *evalDoc, rights, error) {
	ed, ev, err := s.edition(ctx, id)
	if err != nil {
		return nil, nil, rights{}, err
	}
	r, err := s.rightsOn(ctx, p, ev, ed)
	if err != nil {
		return nil, nil, r, err
	}
	if err := requireReader(p, r); err != nil {
		if errors.Is(err, errEvaluationNotFound) {
			err = errEditionNotFound
		}
		return nil, nil, r, err
	}
	return ed, ev, r, nil
}

// Input creates or changes an evaluation; nil fields are left alone on update. Edition sets up the first
// edition on create.
type Input struct {
	Title           *string       `json:"title" api:"required"`
	Description     *string       `json:"description"`
	OrganisationIDs *[]string     `json:"organisationIds" api:"required"`
	Subject         *Subject      `json:"subject"`
	Edition         *EditionInput `json:"edition" api:"required"`
}

// EditionInput creates or changes an edition; nil fields are left alone (a new edition copies them from
// the last one).
type EditionInput struct {
	Title                  *string   `json:"title"`
	Dates                  *[]string `json:"dates"`
	Mode                   *string   `json:"mode"`
	Areas                  *[]Area   `json:"areas" api:"required"`
	Roles                  *[]string `json:"roles"`
	PartnerOrganisationIDs *[]string `json:"partnerOrganisationIds"`
	GroupSize              *int      `json:"groupSize"`
	Threshold              *int      `json:"threshold"`
	VotesPerPerson         *int      `json:"votesPerPerson"`
	Phase                  *string   `json:"phase"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (EditionInput) Enums() map[string][]string {
	return map[string][]string{"mode": Modes, "roles": MemberRoles, "phase": Phases}
}

func textField(fields apperr.Fields, name string, v *string, min, max int, dst *string) {
	t := strings.TrimSpace(*v)
	if l := utf8.RuneCountInString(t); l < min || l > max {
		if min > 0 {
			fields[name] = apperr.Length(min, max)
		} else {
			fields[name] = apperr.MaxLength(max)
		}
	}
	*dst = t
}

// applyEvaluation validates in onto e. Naming an organisation needs its admin role (or platform admin).
func (s *Service) applyEvaluation(ctx context.Context, p *auth.Principal, e *evalDoc, in Input, create bool) error {
	fields := apperr.Fields{}
	if in.Title != nil || create {
		t := ""
		if in.Title != nil {
			t = *in.Title
		}
		textField(fields, "title", &t, 3, 200, &e.Title)
	}
	if in.Description != nil {
		textField(fields, "description", in.Description, 0, 5000, &e.Description)
	}
	if in.OrganisationIDs != nil || create {
		var ids []string
		if in.OrganisationIDs != nil {
			ids = clean.Unique(*in.OrganisationIDs)
		}
		if len(ids) == 0 || len(ids) > MaxOrganisers {
			fields["organisationIds"] = apperr.ItemsBetween(1, 10)
		}
		for _, id := range ids {
			if !store.ValidID(id) {
				fields["organisationIds"] = apperr.UnknownRef()
				break
			}
			if slices.Contains(e.OrgIDs, id) || p.PlatformAdmin {
				continue
			}
			role, err := s.orgs.Role(ctx, id, p.UserID)
			if err != nil {
				return err
			}
			if role != "admin" {
				return apperr.Forbid("You must be an admin of each organisation that runs the evaluation.")
			}
		}
		e.OrgIDs = ids
	}
	if in.Subject != nil || create {
		sub := Subject{Kind: SubjectOrganisation}
		if in.Subject != nil {
			sub = *in.Subject
		}
		sub.Name = strings.TrimSpace(sub.Name)
		switch sub.Kind {
		case SubjectOrganisation:
			sub.Ref, sub.Name = "", ""
		case SubjectService:
			sub.Ref = ""
			fields.Length("subject.name", sub.Name, 2, 200)
		case SubjectAction, SubjectTransfer:
			if !store.ValidID(sub.Ref) {
				fields["subject.ref"] = apperr.Required()
				break
			}
			name, err := s.subjects.SubjectName(ctx, p, sub.Kind, sub.Ref)
			if apperr.IsKind(err, apperr.NotFound) || apperr.IsKind(err, apperr.Forbidden) {
				fields["subject.ref"] = apperr.UnknownRef()
			} else if err != nil {
				return err
			}
			sub.Name = name
		default:
			fields["subject.kind"] = apperr.OneOf(SubjectKinds...)
		}
		e.Subject = subjectDoc(sub)
	}
	return apperr.Validation(fields)
}

// applyEdition validates in onto ed, collecting every problem.
func applyEdition(ed *editionDoc, in EditionInput, fields apperr.Fields) {
	if in.Title != nil {
		textField(fields, "edition.title", in.Title, 2, 120, &ed.Title)
	}
	if in.Dates != nil {
		ds := clean.Unique(*in.Dates)
		if len(ds) > MaxDates {
			fields["edition.dates"] = apperr.MaxItems(10)
		}
		for _, d := range ds {
			if !followup.ValidDate(d) {
				fields["edition.dates"] = apperr.Date()
			}
		}
		ed.Dates = ds
	}
	if in.Mode != nil {
		if !slices.Contains(Modes, *in.Mode) {
			fields["edition.mode"] = apperr.OneOf(Modes...)
		}
		ed.Mode = *in.Mode
	}
	if in.Areas != nil {
		areas := *in.Areas
		if len(areas) == 0 || len(areas) > MaxAreas {
			fields["edition.areas"] = apperr.ItemsBetween(1, 20)
		}
		old := map[string]bool{}
		for _, a := range ed.Areas {
			old[a.ID] = true
		}
		next := make([]areaDoc, 0, len(areas))
		for _, a := range areas {
			ad := areaDoc{ID: a.ID, Name: strings.TrimSpace(a.Name), Question: strings.TrimSpace(a.Question)}
			if ad.ID == "" || !old[ad.ID] {
				ad.ID = store.NewID()[:10]
			}
			if l := utf8.RuneCountInString(ad.Name); l < 2 || l > 120 || utf8.RuneCountInString(ad.Question) > 500 {
				fields["edition.areas"] = apperr.Because("area_shape")
			}
			next = append(next, ad)
		}
		ed.Areas = next
	}
	if in.Roles != nil {
		rs := clean.Unique(*in.Roles)
		for _, r := range rs {
			if !slices.Contains(MemberRoles, r) {
				fields["edition.roles"] = apperr.OneOf(MemberRoles...)
			}
		}
		ed.Roles = rs
	}
	if in.PartnerOrganisationIDs != nil {
		ids := clean.Unique(*in.PartnerOrganisationIDs)
		if len(ids) > MaxPartners {
			fields["edition.partnerOrganisationIds"] = apperr.MaxItems(20)
		}
		for _, id := range ids {
			if !store.ValidID(id) {
				fields["edition.partnerOrganisationIds"] = apperr.UnknownRef()
			}
		}
		ed.PartnerOrgIDs = ids
	}
	if in.GroupSize != nil {
		fields.Range("edition.groupSize", *in.GroupSize, 3, 30)
		ed.GroupSize = *in.GroupSize
	}
	if in.Threshold != nil {
		if *in.Threshold < MinThreshold || *in.Threshold > 30 {
			fields["edition.threshold"] = apperr.Range(3, 30)
		}
		ed.Threshold = *in.Threshold
	}
	if ed.Threshold > ed.GroupSize {
		fields["edition.threshold"] = apperr.Because("above_group_size")
	}
	if in.VotesPerPerson != nil {
		if *in.VotesPerPerson < 1 || *in.VotesPerPerson > MaxVotesPerPersonCap {
			fields["edition.votesPerPerson"] = apperr.Range(1, 20)
		}
		ed.VotesPerPerson = *in.VotesPerPerson
	}
	if in.Phase != nil {
		if !slices.Contains(Phases, *in.Phase) {
			fields["edition.phase"] = apperr.OneOf(Phases...)
		}
		ed.Phase = *in.Phase
	}
}

func newCode() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// defaultEdition is a first edition before the organisers' choices are applied.
func (s *Service) defaultEdition(evalID string, now time.Time) *editionDoc {
	return &editionDoc{ID: editionID(evalID, 1), EvaluationID: evalID, Number: 1, Title: strconv.Itoa(now.Year()),
		Dates: []string{}, Mode: "in_person", Roles: []string{"professional", "member"}, PartnerOrgIDs: []string{},
		InviteCode: newCode(), GroupSize: DefaultGroupSize, Threshold: DefaultThreshold, VotesPerPerson: DefaultVotes,
		Phase: PhasePreparation, Report: reportDoc{Visibility: "members"}, CreatedAt: now, UpdatedAt: now}
}

// Created is a new evaluation with its first edition.
type Created struct {
	Evaluation Evaluation `json:"evaluation"`
	Edition    Edition    `json:"edition"`
}

// Create starts an evaluation and its first edition (admins of every organising organisation). The
// evaluation is written first, then its edition 1 is claimed; a crash between leaves an evaluation the
// organisers can give a first edition with POST …/editions.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Created, error) {
	if p == nil {
		return nil, apperr.LoginRequired()
	}
	now := s.now().UTC()
	e := &evalDoc{ID: store.NewID(), CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, LastEdition: 1}
	err := s.applyEvaluation(ctx, p, e, in, true)
	ed := s.defaultEdition(e.ID, now)
	fields := apperr.Fields{}
	if ae, ok := apperr.As(err); ok && ae.Kind == apperr.Invalid {
		fields = ae.Fields
	} else if err != nil {
		return nil, err
	}
	ein := EditionInput{}
	if in.Edition != nil {
		ein = *in.Edition
	}
	if ein.Areas == nil {
		fields["edition.areas"] = apperr.ItemsBetween(1, 20)
	}
	applyEdition(ed, ein, fields)
	if ed.Phase != PhasePreparation {
		fields["edition.phase"] = apperr.Because("starts_in_preparation")
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	// One announced change for both: the evaluation's index entry is built from its editions' partners.
	if err := s.rm.Changed(ctx, KindEvaluation, e.ID, func() error {
		if err := s.st.Insert(ctx, colEvaluations, e); err != nil {
			return err
		}
		return s.st.Insert(ctx, colEditions, ed)
	}); err != nil {
		return nil, err
	}
	return &Created{Evaluation: e.api(true), Edition: ed.api(true)}, nil
}

// Overview is an evaluation with its editions, newest first.
type Overview struct {
	Evaluation
	Editions []Edition `json:"editions"`
}

// Get returns an evaluation with its editions (members of its organisations and participants).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Overview, error) {
	e, r, err := s.evaluationWithRights(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := &Overview{Evaluation: e.api(r.organiser), Editions: []Edition{}}
	readable := r.reader()
	for n := e.LastEdition; n >= 1; n-- {
		var ed editionDoc
		if err := s.st.Get(ctx, colEditions, editionID(e.ID, n), &ed); store.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		er, err := s.rightsOn(ctx, p, e, &ed)
		if err != nil {
			return nil, err
		}
		if !er.reader() && !(ed.Report.Published && ed.Report.Visibility == "public") {
			continue
		}
		readable = true
		out.Editions = append(out.Editions, s.editionView(&ed, er))
	}
	if !readable {
		return nil, requireReader(p, r)
	}
	return out, nil
}

func (s *Service) editionView(ed *editionDoc, r rights) Edition {
	v := ed.api(r.organiser)
	if r.participant != nil {
		v.Me = &Me{GroupID: r.participant.GroupID}
	}
	return v
}

// Update changes an evaluation (its organisers).
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Evaluation, error) {
	e, err := s.evaluationForOrganisers(ctx, p, id, "Only the organisers can change the evaluation.")
	if err != nil {
		return nil, err
	}
	if in.Edition != nil {
		return nil, apperr.Validation(apperr.Fields{"edition": apperr.Because("use_edition_route")})
	}
	if err := s.applyEvaluation(ctx, p, e, in, false); err != nil {
		return nil, err
	}
	e.UpdatedAt = s.now().UTC()
	if err := s.rm.Changed(ctx, KindEvaluation, id, func() error {
		return s.st.update(ctx, colEvaluations, id, bson.M{"$set": bson.M{"title": e.Title, "description": e.Description,
			"orgIds": e.OrgIDs, "subject": e.Subject, "updatedAt": e.UpdatedAt}})
	}); err != nil {
		return nil, err
	}
	out := e.api(true)
	return &out, nil
}

// NewEdition starts the next edition from the last one (organisers): its guide, roles, partners and sizes
// are copied, and it reviews the last edition's measures. The number is claimed by inserting the edition's
// id, so two organisers starting one at once get one edition and a 409.
func (s *Service) NewEdition(ctx context.Context, p *auth.Principal, evalID string, in EditionInput) (*Edition, error) {
	e, err := s.evaluationForOrganisers(ctx, p, evalID, "Only the organisers of the evaluation can start an edition.")
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	ed := s.defaultEdition(e.ID, now)
	var last editionDoc
	switch err := s.st.Get(ctx, colEditions, editionID(e.ID, e.LastEdition), &last); {
	case err == nil:
		ed.Mode, ed.Areas, ed.Roles, ed.PartnerOrgIDs = last.Mode, last.Areas, last.Roles, last.PartnerOrgIDs
		ed.GroupSize, ed.Threshold, ed.VotesPerPerson = last.GroupSize, last.Threshold, last.VotesPerPerson
		ed.Report.Visibility, ed.PreviousID = last.Report.Visibility, last.ID
		ed.Number = last.Number + 1
	case !store.IsNotFound(err):
		return nil, err
	}
	ed.ID = editionID(e.ID, ed.Number)
	fields := apperr.Fields{}
	applyEdition(ed, in, fields)
	if ed.Phase != PhasePreparation {
		fields["edition.phase"] = apperr.Because("starts_in_preparation")
	}
	if len(ed.Areas) == 0 {
		fields["edition.areas"] = apperr.ItemsBetween(1, 20)
	}
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	if err := s.st.Insert(ctx, colEditions, ed); store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "edition_exists", "Another organiser has just started this edition.")
	} else if err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, KindEvaluation, e.ID, func() error {
		return s.st.update(ctx, colEvaluations, e.ID, bson.M{"$set": bson.M{"lastEdition": ed.Number, "updatedAt": now}})
	}); err != nil {
		return nil, err
	}
	out := ed.api(true)
	return &out, nil
}

// GetEdition returns an edition with the caller's place in it.
func (s *Service) GetEdition(ctx context.Context, p *auth.Principal, id string) (*Edition, error) {
	ed, _, r, err := s.editionFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := s.editionView(ed, r)
	if out.Me != nil && out.Me.GroupID != "" {
		var g groupDoc
		if err := s.st.Get(ctx, colGroups, out.Me.GroupID, &g); err == nil {
			out.Me.Facilitator = g.FacilitatorID == r.userID
		}
	}
	if out.Me != nil {
		var b ballotDoc
		out.Me.Voted = s.st.Get(ctx, colBallots, participantID(ed.ID, r.userID), &b) == nil
	}
	return &out, nil
}

// UpdateEdition changes an edition's setup or moves its phase (organisers). Moving to prioritisation
// tells the participants the synthesis is out.
func (s *Service) UpdateEdition(ctx context.Context, p *auth.Principal, id string, in EditionInput) (*Edition, error) {
	ed, ev, r, err := s.editionForOrganisers(ctx, p, id, "Only the organisers can change the edition.")
	if err != nil {
		return nil, err
	}
	before := ed.Phase
	fields := apperr.Fields{}
	if in.GroupSize != nil || in.Threshold != nil {
		if ed.GroupsFormed {
			fields["edition.threshold"] = apperr.Immutable()
		}
	}
	applyEdition(ed, in, fields)
	if err := apperr.Validation(fields); err != nil {
		return nil, err
	}
	ed.UpdatedAt = s.now().UTC()
	if err := s.st.update(ctx, colEditions, id, bson.M{"$set": bson.M{"title": ed.Title, "dates": ed.Dates, "mode": ed.Mode,
		"areas": ed.Areas, "roles": ed.Roles, "partnerIds": ed.PartnerOrgIDs, "groupSize": ed.GroupSize,
		"threshold": ed.Threshold, "votesPerPerson": ed.VotesPerPerson, "phase": ed.Phase, "updatedAt": ed.UpdatedAt}}); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, KindEvaluation, ev.ID, func() error { return nil }); err != nil {
		return nil, err
	}
	if before != ed.Phase && ed.Phase == PhasePrioritisation {
		s.tell(ctx, p, ed, ev, "evaluation_synthesis", "The synthesis of "+ev.Title+" is out: vote the priorities.",
			"/evaluation-editions/"+ed.ID+"/synthesis")
	}
	out := s.editionView(ed, r)
	return &out, nil
}

// tell notifies every participant of the edition (a cold path: one query by edition). A failed delivery
// is not the organiser's error: it is counted in the logs of the notify service.
func (s *Service) tell(ctx context.Context, p *auth.Principal, ed *editionDoc, ev *evalDoc, kind, title, link string) {
	if s.notify == nil {
		return
	}
	ps, err := s.st.participantsOf(ctx, ed.ID)
	if err != nil {
		return
	}
	ids := make([]string, 0, len(ps))
	for _, pd := range ps {
		ids = append(ids, pd.UserID)
	}
	_ = s.notify.Deliver(ctx, ids, notify.Event{Kind: kind, Title: title, Link: link, Actor: p.UserID})
}

// ListInput filters the evaluations list.
type ListInput struct {
	Org, Cursor string
	Subject     string // "<kind>:<ref>": the evaluations of one diagnosis action or practice transfer
	Limit       int
}

// List returns the evaluations the caller may see (members of their organisations, partners, and those
// with a public report), newest first, from the read model.
func (s *Service) List(ctx context.Context, p *auth.Principal, in ListInput) ([]Evaluation, string, error) {
	filters := map[string][]string{}
	if in.Org != "" {
		if !store.ValidID(in.Org) {
			return nil, "", apperr.Validation(apperr.Fields{"org": apperr.UnknownRef()})
		}
		filters["org"] = []string{in.Org}
	}
	if in.Subject != "" {
		kind, ref, _ := strings.Cut(in.Subject, ":")
		if (kind != SubjectAction && kind != SubjectTransfer) || !store.ValidID(ref) {
			return nil, "", apperr.Validation(apperr.Fields{"subject": apperr.UnknownRef()})
		}
		filters["subject_ref"] = []string{subjectKey(kind, ref)}
	}
	n := paging.Lists.Of(in.Limit)
	res, err := s.rm.List(ctx, readmodel.ReaderFor(p), search.ListRequest{Kind: KindEvaluation, Filters: filters,
		Cursor: in.Cursor, PerPage: n, IDsOnly: true})
	if err != nil {
		return nil, "", err
	}
	docs, err := store.GetMany[evalDoc](ctx, s.st.Store, colEvaluations, readmodel.RecordIDs(res.Items))
	if err != nil {
		return nil, "", err
	}
	out := make([]Evaluation, 0, len(docs))
	for _, d := range docs {
		if d != nil {
			out = append(out, d.api(false))
		}
	}
	return out, res.NextCursor, nil
}
