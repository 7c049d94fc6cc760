package organisation

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	teixitmail "github.com/teixit/teixit/server/mail"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// People is what this domain needs from accounts: resolve an email, keep each person's organisation list
// in step, and show names. The account package implements it.
type People interface {
	UserIDByEmail(ctx context.Context, email string) (string, error)
	AddOrg(ctx context.Context, userID, orgID string) error
	RemoveOrg(ctx context.Context, userID, orgID string) error
	// RoleChanging runs write, a change of a member's role, so that no node keeps the person's old rights.
	RoleChanging(ctx context.Context, userID string, write func() error) error
	Profiles(ctx context.Context, ids []string) (map[string]account.Profile, error)
}

// MaxMembersListed bounds one members page.
const MaxMembersListed = 1000

// Service implements organisations and memberships.
type Service struct {
	st     *Store
	people People
	rm     readmodel.Lister
	// cache serves organisations' pages and lists from memory, as fresh as this node's index: every write to
	// an organisation's document goes through s.changed, and the loader hands the cache what it read.
	cache *readmodel.Cache[orgDoc]
	now   func() time.Time
	d     Deps
}

// cachedOrganisations bounds the organisations kept in memory per node (loadorg: ~2 KB of RSS each).
const cachedOrganisations = 100_000

// Deps are what organisations need from the rest of the app.
type Deps struct {
	Store     *Store
	People    People
	ReadModel readmodel.Lister
	// Notify tells invited people and inviters (nil: no notices); Mail sends invitations to addresses with no
	// account (nil or not enabled: none); BaseURL makes the email's link.
	Notify  notify.Deliverer
	Mail    teixitmail.Enqueuer
	BaseURL string
}

// NewService builds the service.
func NewService(d Deps) *Service {
	return &Service{st: d.Store, people: d.People, rm: d.ReadModel, cache: readmodel.NewCache[orgDoc](cachedOrganisations),
		now: time.Now, d: d}
}

// SetClock replaces the clock (tests: invitations expiring).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Input creates or changes an organisation; nil fields are left alone on update.
type Input struct {
	Name        *string `json:"name" api:"required"`
	Kind        *string `json:"kind" api:"required"`
	Description *string `json:"description"`
	// RecordingRetentionDays (0–3650; 0 keeps recordings) is how long exchange-day recordings are kept.
	RecordingRetentionDays *int `json:"recordingRetentionDays"`
	// MembersSeeEmails lets every member see the others' email addresses (admins always do).
	MembersSeeEmails *bool `json:"membersSeeEmails"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (Input) Enums() map[string][]string {
	return map[string][]string{"kind": Kinds}
}

func (in *Input) validate(create bool) (bson.M, error) {
	fields, set := apperr.Fields{}, bson.M{}
	if in.Name != nil || create {
		n := ""
		if in.Name != nil {
			n = strings.TrimSpace(*in.Name)
		}
		fields.Length("name", n, 2, 150)
		set["name"] = n
	}
	if in.Kind != nil || create {
		k := ""
		if in.Kind != nil {
			k = *in.Kind
		}
		if !slices.Contains(Kinds, k) {
			fields["kind"] = apperr.OneOf(Kinds...)
		}
		set["kind"] = k
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		fields.MaxLength("description", d, 5000)
		set["description"] = d
	}
	if in.RecordingRetentionDays != nil {
		if n := *in.RecordingRetentionDays; n < 0 || n > 3650 {
			fields["recordingRetentionDays"] = apperr.Range(0, 3650)
		}
		set["recordingRetentionDays"] = *in.RecordingRetentionDays
	}
	if in.MembersSeeEmails != nil {
		set["membersSeeEmails"] = *in.MembersSeeEmails
	}
	return set, apperr.Validation(fields)
}

var errOrgNotFound = apperr.NotFoundf("The organisation")

func (s *Service) load(ctx context.Context, id string) (*orgDoc, error) {
	return store.GetByID[orgDoc](ctx, s.st.s, colOrgs, id, errOrgNotFound)
}

// cached returns the organisations with the given ids (nil where one does not exist) from this node's
// memory, reading the store on a miss (readmodel.Cache). For pages and lists; checks before a write read
// the store (s.load).
func (s *Service) cached(ctx context.Context, ids ...string) ([]*orgDoc, error) {
	return s.cache.GetMany(ids, func(ids []string) ([]*orgDoc, error) {
		out := make([]*orgDoc, len(ids))
		for i, id := range ids {
			o, err := s.load(ctx, id)
			if errors.Is(err, errOrgNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[i] = o
		}
		return out, nil
	})
}

// changed runs a write to an organisation's document through the read model: the index, and every node's
// cached copy (through the loader), follow it.
func (s *Service) changed(ctx context.Context, id string, write func() error) error {
	return s.rm.Changed(ctx, IndexKind, id, write)
}

// Role returns the person's role in the organisation, or "" when they are not a member.
func (s *Service) Role(ctx context.Context, orgID, userID string) (string, error) {
	m, err := s.st.membership(ctx, orgID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return m.Role, nil
}

func (s *Service) requireAdmin(ctx context.Context, p *auth.Principal, orgID string) error {
	if p.PlatformAdmin {
		return nil
	}
	role, err := s.Role(ctx, orgID, p.UserID)
	if err != nil {
		return err
	}
	if role != RoleAdmin {
		return apperr.Forbid("Only the organisation's administrators can do this.")
	}
	return nil
}

// Create makes an organisation with the caller as its first admin. Writes go membership → person's list →
// organisation, so a crash part-way leaves at worst a membership pointing at nothing, never an organisation
// without an admin.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Organisation, error) {
	set, err := in.validate(true)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	o := &orgDoc{ID: store.NewID(), Name: set["name"].(string), Kind: set["kind"].(string), CreatedBy: p.UserID,
		CreatedAt: now, UpdatedAt: now, MemberCount: 1, AdminCount: 1}
	if d, ok := set["description"].(string); ok {
		o.Description = d
	}
	// The organisation first, then the membership, then the person's list: each document refers only to ones
	// written before it, so a crash in between leaves nothing pointing at an organisation that does not
	// exist (older versions wrote the membership first; `teixit doctor` finds what they left).
	if err := s.changed(ctx, o.ID, func() error { return s.st.insert(ctx, o) }); err != nil {
		return nil, err
	}
	m := &membershipDoc{ID: membershipID(o.ID, p.UserID), OrgID: o.ID, UserID: p.UserID, Role: RoleAdmin, JoinedAt: now}
	if err := s.st.insertMembership(ctx, m); err != nil {
		return nil, err
	}
	if err := s.people.AddOrg(ctx, p.UserID, o.ID); err != nil {
		return nil, err
	}
	api := o.api()
	role := RoleAdmin
	api.MyRole = &role
	return &api, nil
}

// Get returns an organisation with the caller's role (p may be nil).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Organisation, error) {
	os, err := s.cached(ctx, id)
	if err != nil {
		return nil, err
	}
	if os[0] == nil {
		return nil, errOrgNotFound
	}
	api := os[0].api()
	if p != nil {
		role, err := s.Role(ctx, id, p.UserID)
		if err != nil {
			return nil, err
		}
		if role != "" {
			api.MyRole = &role
		}
	}
	return &api, nil
}

// Update changes an organisation (its admins and platform admins only).
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Organisation, error) {
	if _, err := s.load(ctx, id); err != nil {
		return nil, err
	}
	if err := s.requireAdmin(ctx, p, id); err != nil {
		return nil, err
	}
	set, err := in.validate(false)
	if err != nil {
		return nil, err
	}
	if len(set) > 0 {
		set["updatedAt"] = s.now().UTC()
		if err := s.changed(ctx, id, func() error { return s.st.update(ctx, id, set) }); err != nil {
			return nil, err
		}
	}
	return s.Get(ctx, p, id)
}

// ListInput filters and orders the organisations list.
type ListInput struct {
	Cursor string
	Limit  int
	Kind   string
	Sort   string // "name" (default) or "-created"
}

// List returns a page of organisations from the read model, from memory or the store (s.cached).
func (s *Service) List(ctx context.Context, r search.Reader, in ListInput) ([]Organisation, string, error) {
	in.Limit = paging.Lists.Of(in.Limit)
	req := search.ListRequest{Kind: IndexKind, Cursor: in.Cursor, PerPage: in.Limit, IDsOnly: true, Filters: map[string][]string{}}
	switch in.Sort {
	case "", "name":
		req.Sort = "title"
	case "-created", "created":
		req.Sort = in.Sort
	default:
		return nil, "", apperr.Validation(apperr.Fields{"sort": apperr.OneOf("name", "created", "-created")})
	}
	refused := apperr.Fields{}
	readmodel.Choose(req.Filters, refused, "kind", "org_kind", in.Kind, Kinds)
	if err := apperr.Validation(refused); err != nil {
		return nil, "", err
	}
	res, err := s.rm.List(ctx, r, req)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(res.Items))
	for i, d := range res.Items {
		_, ids[i], _ = strings.Cut(d.ID, ":")
	}
	docs, err := s.cached(ctx, ids...)
	if err != nil {
		return nil, "", err
	}
	out := make([]Organisation, 0, len(docs))
	for _, o := range docs {
		if o != nil { // nil: deleted since it was indexed
			out = append(out, o.api())
		}
	}
	return out, res.NextCursor, nil
}
