package practice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/store"
)

// Transfer stages: interested → planning → implementing → evaluated, or abandoned from any non-final stage.
const (
	StageInterested   = "interested"
	StagePlanning     = "planning"
	StageImplementing = "implementing"
	StageEvaluated    = "evaluated"
	StageAbandoned    = "abandoned"
)

// nextStages is the transfer state machine: the stages each stage may move to.
var nextStages = map[string][]string{
	StageInterested:   {StagePlanning, StageAbandoned},
	StagePlanning:     {StageImplementing, StageAbandoned},
	StageImplementing: {StageEvaluated, StageAbandoned},
	StageEvaluated:    {},
	StageAbandoned:    {},
}

// MaxUpdates bounds the dated updates kept inside one transfer.
const MaxUpdates = 500

type outcomeDoc struct {
	Rating  int    `bson:"rating"`
	Lessons string `bson:"lessons"`
}

type updateDoc struct {
	ID          string    `bson:"id"`
	AuthorID    string    `bson:"authorId"`
	AuthorOrgID string    `bson:"authorOrgId"`
	Text        string    `bson:"text"`
	At          time.Time `bson:"at"`
}

type stageDoc struct {
	Status string    `bson:"status"`
	At     time.Time `bson:"at"`
	By     string    `bson:"by"`
}

// transferDoc is one adoption; its id is "<practice>-<adopting organisation>" so an organisation adopts a
// practice once.
type transferDoc struct {
	ID           string      `bson:"_id"`
	Rev          int         `bson:"rev"`
	PracticeID   string      `bson:"practiceId"`
	OriginOrgID  string      `bson:"originOrgId"`
	AdopterOrgID string      `bson:"adopterOrgId"`
	Status       string      `bson:"status"`
	Note         string      `bson:"note"`
	Outcome      *outcomeDoc `bson:"outcome,omitempty"`
	History      []stageDoc  `bson:"history"`
	Updates      []updateDoc `bson:"updates"`
	CreatedBy    string      `bson:"createdBy"`
	CreatedAt    time.Time   `bson:"createdAt"`
	UpdatedAt    time.Time   `bson:"updatedAt"`
	// Via is the diagnosis action that decided this adoption, when one did.
	Via *viaDoc `bson:"via,omitempty"`
}

type viaDoc struct {
	DiagnosisID string `bson:"diagnosisId"`
	ActionID    string `bson:"actionId"`
	TerritoryID string `bson:"territoryId"`
}

// Via links a transfer to the action of a diagnosis's plan that adopts the practice ("adopt this
// practice"), so the practice shows the neighbourhood that adopted it and the diagnosis the transfer's stage.
type Via struct {
	DiagnosisID string `json:"diagnosisId"`
	ActionID    string `json:"actionId"`
	TerritoryID string `json:"territoryId"`
}

// Outcome is how an adoption went.
type Outcome struct {
	Rating  int    `json:"rating"`
	Lessons string `json:"lessons"`
}

// Stage is one step in a transfer's history.
type Stage struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Transfer is the API view of an adoption.
type Transfer struct {
	ID                    string   `json:"id"`
	PracticeID            string   `json:"practiceId"`
	OriginOrganisationID  string   `json:"originOrganisationId"`
	AdopterOrganisationID string   `json:"adopterOrganisationId"`
	AdopterName           string   `json:"adopterName"`
	Status                string   `json:"status"`
	AllowedNext           []string `json:"allowedNext"`
	Note                  Markdown `json:"note"`
	Outcome               *struct {
		Rating  int      `json:"rating"`
		Lessons Markdown `json:"lessons"`
	} `json:"outcome"`
	History []Stage `json:"history"`
	Via     *Via    `json:"via"`
	Updates int     `json:"updates"`
	CanEdit bool    `json:"canEdit"`
	// CanReadUpdates: the reader belongs to one of the two organisations, who alone read the updates.
	CanReadUpdates bool      `json:"canReadUpdates"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// TransferInput declares an adoption.
type TransferInput struct {
	OrganisationID string `json:"organisationId" api:"required"`
	Note           string `json:"note"`
}

// TransferPatch moves a transfer on or edits its notes; Outcome is required to reach evaluated.
type TransferPatch struct {
	Status  *string  `json:"status"`
	Note    *string  `json:"note"`
	Outcome *Outcome `json:"outcome"`
}

// Stages are a transfer's statuses, in the order a transfer goes through them.
var Stages = []string{"interested", "planning", "implementing", "evaluated", "abandoned"}

// Enums names the allowed values of its choice fields (the API document lists them).
func (TransferPatch) Enums() map[string][]string {
	return map[string][]string{"status": Stages}
}

// Update is one dated update on a transfer, by the adopting or the origin organisation.
type Update struct {
	ID                   string    `json:"id"`
	AuthorID             string    `json:"authorId"`
	AuthorOrganisationID string    `json:"authorOrganisationId"`
	FromOrigin           bool      `json:"fromOrigin"`
	Text                 Markdown  `json:"text"`
	At                   time.Time `json:"at"`
}

// UpdateInput posts an update.
type UpdateInput struct {
	Text string `json:"text"`
}

var errTransferNotFound = apperr.NotFoundf("The transfer")

func (s *Service) transferView(ctx context.Context, p *auth.Principal, t *transferDoc) (*Transfer, error) {
	name, err := s.orgs.Name(ctx, t.AdopterOrgID)
	if err != nil && !apperr.IsKind(err, apperr.NotFound) {
		return nil, err
	}
	v := &Transfer{ID: t.ID, PracticeID: t.PracticeID, OriginOrganisationID: t.OriginOrgID, AdopterOrganisationID: t.AdopterOrgID,
		AdopterName: name, Status: t.Status, AllowedNext: append([]string{}, nextStages[t.Status]...), Note: md(t.Note),
		History: make([]Stage, len(t.History)), Updates: len(t.Updates), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	for i, h := range t.History {
		v.History[i] = Stage{Status: h.Status, At: h.At}
	}
	if t.Via != nil {
		v.Via = &Via{DiagnosisID: t.Via.DiagnosisID, ActionID: t.Via.ActionID, TerritoryID: t.Via.TerritoryID}
	}
	if t.Outcome != nil {
		v.Outcome = &struct {
			Rating  int      `json:"rating"`
			Lessons Markdown `json:"lessons"`
		}{t.Outcome.Rating, md(t.Outcome.Lessons)}
	}
	if v.CanEdit, err = s.canEdit(ctx, p, t.AdopterOrgID); err != nil {
		return nil, err
	}
	if v.CanReadUpdates, err = s.party(ctx, p, t); err != nil {
		return nil, err
	}
	return v, nil
}

// CreateTransfer declares that an organisation (the caller is one of its professionals or admins) adopts
// a published practice. The origin organisation's staff and the practice's followers are told.
func (s *Service) CreateTransfer(ctx context.Context, p *auth.Principal, practiceID string, in TransferInput) (*Transfer, error) {
	return s.createTransfer(ctx, p, practiceID, in, nil)
}

// AdoptFor declares the adoption decided by an action of a diagnosis's plan, with CreateTransfer's rules.
// When the organisation already adopts the practice, that transfer is linked to the action (if it was
// linked to none) and returned: an action can take up an adoption already under way.
func (s *Service) AdoptFor(ctx context.Context, p *auth.Principal, practiceID string, in TransferInput, via Via) (*Transfer, error) {
	v := &viaDoc{DiagnosisID: via.DiagnosisID, ActionID: via.ActionID, TerritoryID: via.TerritoryID}
	t, err := s.createTransfer(ctx, p, practiceID, in, v)
	if e, ok := apperr.As(err); !ok || e.Code != "already_transferred" {
		return t, err
	}
	existing, err := s.loadTransfer(ctx, p, practiceID+"-"+in.OrganisationID)
	if err != nil {
		return nil, err
	}
	if existing.Via == nil {
		existing.Via = v
		if err := s.saveTransfer(ctx, existing); err != nil {
			return nil, err
		}
	}
	return s.transferView(ctx, p, existing)
}

func (s *Service) createTransfer(ctx context.Context, p *auth.Principal, practiceID string, in TransferInput, via *viaDoc) (*Transfer, error) {
	d, err := s.readable(ctx, p, practiceID)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	if in.OrganisationID == "" || !store.ValidID(in.OrganisationID) {
		f["organisationId"] = apperr.Required()
	} else if in.OrganisationID == d.OrgID {
		f["organisationId"] = apperr.Because("own_practice")
	}
	if utf8.RuneCountInString(in.Note) > maxText {
		f["note"] = apperr.TooLong()
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	if ok, err := s.canEdit(ctx, p, in.OrganisationID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of the adopting organisation can declare a transfer.")
	}
	if d.Status != StatusPublished {
		return nil, apperr.New(apperr.Conflict, "not_published", "Only a published practice can be transferred.")
	}
	now := s.now().UTC()
	t := &transferDoc{ID: d.ID + "-" + in.OrganisationID, Rev: 1, PracticeID: d.ID, OriginOrgID: d.OrgID,
		AdopterOrgID: in.OrganisationID, Status: StageInterested, Note: strings.TrimSpace(in.Note),
		History: []stageDoc{{Status: StageInterested, At: now, By: p.UserID}}, Updates: []updateDoc{},
		CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now, Via: via}
	err = s.rm.Changed(ctx, TransferKind, t.ID, func() error { return s.st.insertTransfer(ctx, t) })
	if store.IsDuplicate(err) {
		return nil, apperr.New(apperr.Conflict, "already_transferred", "This organisation has already declared a transfer of this practice.")
	}
	if err != nil {
		return nil, err
	}
	if err := s.refreshStats(ctx, d.ID); err != nil {
		return nil, err
	}
	staff, _ := s.orgs.Staff(ctx, d.OrgID)
	followers, _ := s.notify.Followers(ctx, notify.KindPractice, d.ID)
	_ = s.notify.Deliver(ctx, append(staff, followers...), notify.Event{Kind: "new_transfer", Title: d.Text.Title,
		Link: TransferLink(t.ID), Actor: p.UserID})
	return s.transferView(ctx, p, t)
}

func (s *Service) loadTransfer(ctx context.Context, p *auth.Principal, id string) (*transferDoc, error) {
	t, err := s.st.transferByRef(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.readable(ctx, p, t.PracticeID); err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, errTransferNotFound
		}
		return nil, err
	}
	return t, nil
}

// GetTransfer returns a transfer whose practice the reader may see.
func (s *Service) GetTransfer(ctx context.Context, p *auth.Principal, id string) (*Transfer, error) {
	t, err := s.loadTransfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.transferView(ctx, p, t)
}

// ListTransfers returns a practice's transfers (the same the practice view summarises), newest first.
func (s *Service) ListTransfers(ctx context.Context, p *auth.Principal, practiceID string) ([]Transfer, error) {
	v, err := s.Get(ctx, p, practiceID, "")
	if err != nil {
		return nil, err
	}
	out := make([]Transfer, 0, len(v.Transfers.Items))
	for _, it := range v.Transfers.Items {
		t, err := s.st.transfer(ctx, it.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		tv, err := s.transferView(ctx, p, t)
		if err != nil {
			return nil, err
		}
		out = append(out, *tv)
	}
	return out, nil
}

func invalidTransition(from, to string) error {
	next := nextStages[from]
	msg := fmt.Sprintf("A transfer cannot go from %s to %s.", from, to)
	if len(next) == 0 {
		msg += " " + strings.ToUpper(from[:1]) + from[1:] + " is a final stage."
	} else {
		msg += " From " + from + " it can go to: " + strings.Join(next, ", ") + "."
	}
	return apperr.New(apperr.Conflict, "invalid_transition", msg)
}

// PatchTransfer moves a transfer to its next stage and/or edits its note and outcome (adopting
// organisation's professionals and admins).
func (s *Service) PatchTransfer(ctx context.Context, p *auth.Principal, id string, in TransferPatch) (*Transfer, error) {
	t, err := s.loadTransfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canEdit(ctx, p, t.AdopterOrgID); err != nil {
		return nil, err
	} else if !ok {
		return nil, apperr.Forbid("Only professionals and administrators of the adopting organisation can update this transfer.")
	}
	f := apperr.Fields{}
	if in.Note != nil {
		if utf8.RuneCountInString(*in.Note) > maxText {
			f["note"] = apperr.TooLong()
		}
		t.Note = strings.TrimSpace(*in.Note)
	}
	if in.Outcome != nil {
		f.Range("outcome.rating", in.Outcome.Rating, 1, 5)
		l := strings.TrimSpace(in.Outcome.Lessons)
		if l == "" || utf8.RuneCountInString(l) > maxText {
			f["outcome.lessons"] = apperr.Required()
		}
		t.Outcome = &outcomeDoc{Rating: in.Outcome.Rating, Lessons: l}
	}
	moved := false
	if in.Status != nil && *in.Status != t.Status {
		to := *in.Status
		if _, known := nextStages[to]; !known {
			f["status"] = apperr.OneOf(Stages...)
		} else if !slices.Contains(nextStages[t.Status], to) {
			if err := apperr.Validation(f); err != nil {
				return nil, err
			}
			return nil, invalidTransition(t.Status, to)
		} else if to == StageEvaluated && t.Outcome == nil {
			f["outcome"] = apperr.Because("required_to_evaluate")
		}
		now := s.now().UTC()
		t.Status, moved = to, true
		t.History = append(t.History, stageDoc{Status: to, At: now, By: p.UserID})
	}
	if err := apperr.Validation(f); err != nil {
		return nil, err
	}
	if err := s.saveTransfer(ctx, t); err != nil {
		return nil, err
	}
	if moved || in.Outcome != nil {
		if err := s.refreshStats(ctx, t.PracticeID); err != nil {
			return nil, err
		}
	}
	if moved {
		staff, _ := s.orgs.Staff(ctx, t.OriginOrgID)
		_ = s.notify.Deliver(ctx, staff, notify.Event{Kind: "transfer_" + t.Status, Title: s.titleOf(ctx, t.PracticeID),
			Link: TransferLink(t.ID), Actor: p.UserID})
	}
	return s.transferView(ctx, p, t)
}

// titleOf is a practice's original title, for notifications ("" if it cannot be read).
func (s *Service) titleOf(ctx context.Context, practiceID string) string {
	d, err := s.st.get(ctx, practiceID)
	if err != nil {
		return ""
	}
	return d.Text.Title
}

func (s *Service) saveTransfer(ctx context.Context, t *transferDoc) error {
	conflict := apperr.New(apperr.Conflict, "edit_conflict", "Someone changed this transfer meanwhile. Reload it and try again.")
	rev := t.Rev
	next, err := s.st.claimTransferRevision(ctx, t.ID, rev)
	if errors.Is(err, store.ErrConflict) {
		return conflict
	}
	if err != nil {
		return err
	}
	t.Rev = next
	t.UpdatedAt = s.now().UTC()
	err = s.rm.Changed(ctx, TransferKind, t.ID, func() error { return s.st.saveTransfer(ctx, t, rev) })
	if errors.Is(err, store.ErrNotFound) {
		return conflict
	}
	return err
}

// refreshStats recomputes a practice's transfer counts and average rating from its transfers.
func (s *Service) refreshStats(ctx context.Context, practiceID string) error {
	ts, err := s.st.transfersOf(ctx, practiceID)
	if err != nil {
		return err
	}
	var st statsDoc
	sum := 0
	for _, t := range ts {
		if t.Status != StageAbandoned {
			st.Transfers++
		}
		if t.Status == StageEvaluated && t.Outcome != nil {
			st.Evaluated++
			sum += t.Outcome.Rating
		}
	}
	if st.Evaluated > 0 {
		st.Rating = float64(sum) / float64(st.Evaluated)
	}
	d, err := s.st.get(ctx, practiceID)
	if err != nil {
		return err
	}
	return s.changed(ctx, d, func() error { return s.st.setStats(ctx, practiceID, st) })
}

// Updates lists a transfer's dated updates, newest first: a working conversation between the two
// party tells whether p belongs to the adopting or the origin organisation (any role), who alone read the
// transfer's updates.
func (s *Service) party(ctx context.Context, p *auth.Principal, t *transferDoc) (bool, error) {
	for _, org := range []string{t.AdopterOrgID, t.OriginOrgID} {
		r, err := s.role(ctx, p, org)
		if err != nil || r != "" {
			return r != "", err
		}
	}
	return false, nil
}

// organisations, so only their members read it (the stage and outcome are public on the transfer).
func (s *Service) Updates(ctx context.Context, p *auth.Principal, id string) ([]Update, error) {
	t, err := s.loadTransfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	member, err := s.party(ctx, p, t)
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, apperr.Forbid("Only members of the two organisations can read a transfer's updates.")
	}
	out := make([]Update, 0, len(t.Updates))
	for i := len(t.Updates) - 1; i >= 0; i-- {
		out = append(out, updateView(t, t.Updates[i]))
	}
	return out, nil
}

func updateView(t *transferDoc, u updateDoc) Update {
	return Update{ID: u.ID, AuthorID: u.AuthorID, AuthorOrganisationID: u.AuthorOrgID, FromOrigin: u.AuthorOrgID == t.OriginOrgID,
		Text: md(u.Text), At: u.At}
}

// AddUpdate posts a dated update by the adopting organisation or a reply by the origin organisation;
// the other side's staff are told.
func (s *Service) AddUpdate(ctx context.Context, p *auth.Principal, id string, in UpdateInput) (*Update, error) {
	t, err := s.loadTransfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" || utf8.RuneCountInString(text) > maxText {
		return nil, apperr.Validation(apperr.Fields{"text": apperr.Length(1, 20000)})
	}
	authorOrg, other := t.AdopterOrgID, t.OriginOrgID
	if ok, err := s.canEdit(ctx, p, t.AdopterOrgID); err != nil {
		return nil, err
	} else if !ok {
		if ok, err := s.canEdit(ctx, p, t.OriginOrgID); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.Forbid("Only the adopting and the origin organisations' professionals and administrators can post updates.")
		}
		authorOrg, other = t.OriginOrgID, t.AdopterOrgID
	}
	if len(t.Updates) >= MaxUpdates {
		return nil, apperr.New(apperr.Conflict, "too_many_updates", "This transfer has too many updates.")
	}
	u := updateDoc{ID: store.NewID(), AuthorID: p.UserID, AuthorOrgID: authorOrg, Text: text, At: s.now().UTC()}
	t.Updates = append(t.Updates, u)
	if err := s.saveTransfer(ctx, t); err != nil {
		return nil, err
	}
	staff, _ := s.orgs.Staff(ctx, other)
	_ = s.notify.Deliver(ctx, staff, notify.Event{Kind: "transfer_update", Title: s.titleOf(ctx, t.PracticeID),
		Link: TransferLink(t.ID), Actor: p.UserID})
	v := updateView(t, u)
	return &v, nil
}
