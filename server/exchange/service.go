package exchange

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/paging"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/store"
)

// IndexKind is the read-model kind of exchange days.
const IndexKind = "exchange_day"

// Orgs is what exchange days need from organisations.
type Orgs interface {
	Role(ctx context.Context, orgID, userID string) (string, error)
	Get(ctx context.Context, p *auth.Principal, id string) (*organisation.Organisation, error)
}

// Service implements exchange days and registrations.
type Service struct {
	st     *Store
	orgs   Orgs
	rm     readmodel.Lister
	notify notify.Deliverer // tells the promoted from the waiting list
	// limits bound invitation-code guessing (shared by every node through the store).
	limits *auth.Limits
	now    func() time.Time
	gates  sync.Map // day id → *gate (seats.go)
}

// NewService builds the service.
func NewService(st *Store, orgs Orgs, rm readmodel.Lister, n notify.Deliverer, limits *auth.Limits) *Service {
	return &Service{st: st, orgs: orgs, rm: rm, notify: n, limits: limits, now: time.Now}
}

var errNotFound = apperr.NotFoundf("The exchange day")

func (s *Service) load(ctx context.Context, id string) (*dayDoc, error) {
	return store.GetByID[dayDoc](ctx, s.st.Store, colDays, id, errNotFound)
}

// canManage: the host organisation's admins and professionals, and platform admins.
func (s *Service) canManage(ctx context.Context, p *auth.Principal, orgID string) (bool, error) {
	if p == nil {
		return false, nil
	}
	if p.PlatformAdmin {
		return true, nil
	}
	role, err := s.orgs.Role(ctx, orgID, p.UserID)
	return role == organisation.RoleAdmin || role == organisation.RoleProfessional, err
}

// requireManager answers 403 with msg unless p may manage the exchange days of the organisation (canManage).
func (s *Service) requireManager(ctx context.Context, p *auth.Principal, orgID, msg string) error {
	ok, err := s.canManage(ctx, p, orgID)
	if err == nil && !ok {
		err = apperr.Forbid(msg)
	}
	return err
}

// IsMember reports whether the person belongs to the day's host organisation (members' outputs).
func (s *Service) IsMember(ctx context.Context, p *auth.Principal, dayID string) (bool, error) {
	d, err := s.load(ctx, dayID)
	if err != nil || p == nil {
		return false, err
	}
	role, err := s.orgs.Role(ctx, d.HostOrgID, p.UserID)
	return role != "" || p.PlatformAdmin, err
}

// Input creates or changes an exchange day; nil fields are left alone on update.
type Input struct {
	HostOrgID           *string    `json:"hostOrgId" api:"required"`
	Title               *string    `json:"title" api:"required"`
	Description         *string    `json:"description"`
	StartsAt            *time.Time `json:"startsAt" api:"required"`
	EndsAt              *time.Time `json:"endsAt" api:"required"`
	TimeZone            *string    `json:"timeZone"`
	Agenda              []Question `json:"agenda" api:"required"`
	RegistrationMode    *string    `json:"registrationMode"`
	InviteCode          *string    `json:"inviteCode"`
	Capacity            *int       `json:"capacity"`
	SummaryVisibility   *string    `json:"summaryVisibility"`
	RecordingVisibility *string    `json:"recordingVisibility"`
	// Video allows cameras in the live session; false (the default) keeps it audio only.
	Video *bool `json:"video"`
}

// Who may read a day's summary and its recording.
var (
	SummaryVisibilities   = []string{"public", "members"}
	RecordingVisibilities = []string{"members", "public", "none"}
)

// Enums names the allowed values of its choice fields (the API document lists them).
func (Input) Enums() map[string][]string {
	return map[string][]string{"registrationMode": {ModeOpen, ModeMembers, ModeInvite}, "summaryVisibility": SummaryVisibilities, "recordingVisibility": RecordingVisibilities}
}

// apply validates in and copies it onto d.
func (in *Input) apply(d *dayDoc, create bool) error {
	f := apperr.Fields{}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	if in.Title != nil || create {
		d.Title = str(in.Title)
		f.Length("title", d.Title, 3, 200)
	}
	if in.Description != nil {
		d.Description = str(in.Description)
		f.MaxLength("description", d.Description, 10000)
	}
	if in.TimeZone != nil || create {
		d.TimeZone = str(in.TimeZone)
		if d.TimeZone == "" {
			d.TimeZone = "Europe/Madrid"
		}
		if _, err := time.LoadLocation(d.TimeZone); err != nil || strings.HasPrefix(d.TimeZone, "Local") {
			f["timeZone"] = apperr.Because("time_zone")
		}
	}
	if in.StartsAt != nil {
		d.StartsAt = in.StartsAt.UTC()
	}
	if in.EndsAt != nil {
		d.EndsAt = in.EndsAt.UTC()
	}
	switch {
	case d.StartsAt.IsZero():
		f["startsAt"] = apperr.DateTime()
	case d.EndsAt.IsZero():
		f["endsAt"] = apperr.DateTime()
	case !d.EndsAt.After(d.StartsAt):
		f["endsAt"] = apperr.Because("end_before_start")
	case d.EndsAt.Sub(d.StartsAt) > 12*time.Hour:
		f["endsAt"] = apperr.Because("max_hours", "max", 12)
	}
	if in.Agenda != nil || create {
		if len(in.Agenda) == 0 || len(in.Agenda) > 30 {
			f["agenda"] = apperr.ItemsBetween(1, 30)
		}
		agenda := make([]Question, 0, len(in.Agenda))
		for i, q := range in.Agenda {
			q.Text = strings.TrimSpace(q.Text)
			f.Length(fmt.Sprintf("agenda.%d.text", i), q.Text, 3, 500)
			if q.Minutes < 0 || q.Minutes > 240 {
				f[fmt.Sprintf("agenda.%d.minutes", i)] = apperr.Range(0, 240)
			}
			if q.ID == "" || !store.ValidID(q.ID) {
				q.ID = store.NewID()
			}
			agenda = append(agenda, q)
		}
		d.Agenda = agenda
	}
	if in.RegistrationMode != nil || create {
		d.Mode = str(in.RegistrationMode)
		if d.Mode == "" {
			d.Mode = ModeOpen
		}
		if !slices.Contains([]string{ModeOpen, ModeMembers, ModeInvite}, d.Mode) {
			f["registrationMode"] = apperr.OneOf(ModeOpen, ModeMembers, ModeInvite)
		}
	}
	if in.InviteCode != nil {
		d.InviteCode = str(in.InviteCode)
	}
	if d.Mode == ModeInvite {
		if d.InviteCode == "" {
			d.InviteCode = strings.ToUpper(store.NewID()[:8])
		}
		if n := len(d.InviteCode); n < 8 || n > 64 { // short codes are guessable
			f["inviteCode"] = apperr.Length(8, 64)
		}
	}
	if in.Capacity != nil {
		d.Capacity = *in.Capacity
		f.Range("capacity", d.Capacity, 0, 10000)
	}
	if in.SummaryVisibility != nil || create {
		d.SummaryVis = str(in.SummaryVisibility)
		if d.SummaryVis == "" {
			d.SummaryVis = "public"
		}
		if !slices.Contains(SummaryVisibilities, d.SummaryVis) {
			f["summaryVisibility"] = apperr.OneOf(SummaryVisibilities...)
		}
	}
	if in.RecordingVisibility != nil || create {
		d.RecordingVis = str(in.RecordingVisibility)
		if d.RecordingVis == "" {
			d.RecordingVis = "members"
		}
		if !slices.Contains(RecordingVisibilities, d.RecordingVis) {
			f["recordingVisibility"] = apperr.OneOf(RecordingVisibilities...)
		}
	}
	if in.Video != nil {
		d.Video = *in.Video
	}
	return apperr.Validation(f)
}

// view adds the caller's registration and rights to a day. A day registered before seats existed is seated
// once first, so that its counts are derived like every other's.
func (s *Service) view(ctx context.Context, p *auth.Principal, d *dayDoc) (*Day, error) {
	if !d.Seated && d.Status != StatusCancelled && (d.RegisteredCount > 0 || d.WaitlistCount > 0) {
		if err := s.seatAfter(ctx, d, ""); err != nil {
			return nil, err
		}
	}
	out := d.api()
	manage, err := s.canManage(ctx, p, d.HostOrgID)
	if err != nil {
		return nil, err
	}
	out.CanManage = manage
	if manage {
		out.InviteCode = d.InviteCode
	}
	if p != nil {
		st, _, err := s.status(ctx, d.ID, p.UserID)
		if err != nil {
			return nil, err
		}
		if st != "" {
			out.MyRegistration = &st
		}
	}
	return &out, nil
}

// Create schedules an exchange day for a host organisation (its admins and professionals).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (*Day, error) {
	if in.HostOrgID == nil || *in.HostOrgID == "" {
		return nil, apperr.Validation(apperr.Fields{"hostOrgId": apperr.Required()})
	}
	if _, err := s.orgs.Get(ctx, nil, *in.HostOrgID); err != nil {
		if apperr.IsKind(err, apperr.NotFound) {
			return nil, apperr.Validation(apperr.Fields{"hostOrgId": apperr.UnknownRef()})
		}
		return nil, err
	}
	if err := s.requireManager(ctx, p, *in.HostOrgID, "Only administrators and professionals of the host organisation can schedule its exchange days."); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d := &dayDoc{ID: store.NewID(), HostOrgID: *in.HostOrgID, Status: StatusScheduled, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(d, true); err != nil {
		return nil, err
	}
	if err := s.rm.Changed(ctx, IndexKind, d.ID, func() error { return s.st.Insert(ctx, colDays, d) }); err != nil {
		return nil, err
	}
	return s.view(ctx, p, d)
}

// Get returns a day as the caller sees it.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Day, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, p, d)
}

// Update changes a day (host admins and professionals). A cancelled day cannot be changed.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id string, in Input) (*Day, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireManager(ctx, p, d.HostOrgID, "Only administrators and professionals of the host organisation can change this exchange day."); err != nil {
		return nil, err
	}
	if d.Status == StatusCancelled {
		return nil, apperr.New(apperr.Conflict, "cancelled", "This exchange day was cancelled; schedule a new one instead.")
	}
	if in.HostOrgID != nil && *in.HostOrgID != d.HostOrgID {
		return nil, apperr.Validation(apperr.Fields{"hostOrgId": apperr.Immutable()})
	}
	before := d.Capacity
	if err := in.apply(d, false); err != nil {
		return nil, err
	}
	capacityChanged := in.Capacity != nil && *in.Capacity != before
	if capacityChanged && d.Capacity > 0 {
		st, err := s.readSeating(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		if n := len(st.seated); n > d.Capacity {
			return nil, apperr.Validation(apperr.Fields{"capacity": apperr.Because("below_registered", "count", n)})
		}
	}
	d.UpdatedAt, d.Sequence = s.now().UTC(), d.Sequence+1
	if err := s.rm.Changed(ctx, IndexKind, id, func() error { return s.st.setDayFields(ctx, d) }); err != nil {
		return nil, err
	}
	if capacityChanged { // a raised capacity seats the waiting list in order, and tells them
		if err := s.seatAfter(context.WithoutCancel(ctx), d, ""); err != nil {
			return nil, err
		}
	}
	return s.view(ctx, p, d)
}

// Cancel marks a day cancelled (it stays visible, marked as such, and calendars get STATUS:CANCELLED).
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, id string) (*Day, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireManager(ctx, p, d.HostOrgID, "Only administrators and professionals of the host organisation can cancel this exchange day."); err != nil {
		return nil, err
	}
	if d.Status == StatusCancelled {
		return s.view(ctx, p, d)
	}
	d.Status, d.UpdatedAt, d.Sequence = StatusCancelled, s.now().UTC(), d.Sequence+1
	if err := s.rm.Changed(ctx, IndexKind, id, func() error { return s.st.setDayStatus(ctx, d) }); err != nil {
		return nil, err
	}
	return s.view(ctx, p, d)
}

// ListInput filters the list of days.
type ListInput struct {
	Org      string
	Upcoming bool
	Cursor   string
	Limit    int
}

// List returns days from the read model, soonest first when upcoming, else newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, r search.Reader, in ListInput) ([]Day, string, error) {
	in.Limit = paging.Lists.Of(in.Limit)
	req := search.ListRequest{Kind: IndexKind, Cursor: in.Cursor, PerPage: in.Limit, IDsOnly: true, Filters: map[string][]string{}, Sort: "-starts"}
	if in.Org != "" {
		req.Filters["org"] = []string{in.Org}
	}
	if in.Upcoming {
		now := float64(s.now().Unix())
		req.Ranges = []search.Range{{Field: "ends", Min: &now}}
		req.Sort = "starts"
	}
	res, err := s.rm.List(ctx, r, req)
	if err != nil {
		return nil, "", err
	}
	out := make([]Day, 0, len(res.Items))
	for _, it := range res.Items {
		_, id, _ := strings.Cut(it.ID, ":")
		d, err := s.load(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		v, err := s.view(ctx, p, d)
		if err != nil {
			return nil, "", err
		}
		out = append(out, *v)
	}
	return out, res.NextCursor, nil
}

// Load implements the read model's loader: exchange days are announced publicly.
func (s *Service) Load(ctx context.Context, ids []string) (map[string]search.Document, error) {
	out := map[string]search.Document{}
	for _, id := range ids {
		d, err := s.load(ctx, id)
		if apperr.IsKind(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = d.document()
	}
	return out, nil
}

// Stream yields every day's indexed form in one scan (index rebuilds).
func (s *Service) Stream(ctx context.Context, yield func(string, search.Document) error) error {
	return store.Each(ctx, s.st.Store, colDays, func(d *dayDoc) error { return yield(d.ID, d.document()) })
}

func (d *dayDoc) document() search.Document {
	var b strings.Builder
	b.WriteString(d.Description)
	for _, q := range d.Agenda {
		b.WriteString("\n" + q.Text)
	}
	return search.Document{Title: d.Title, Body: b.String(), Organisation: d.HostOrgID, Visibility: []string{search.Public},
		Created: d.CreatedAt, Updated: d.UpdatedAt, Keywords: map[string]string{"day_status": d.Status, "registration_mode": d.Mode},
		Numbers: map[string]float64{"starts": float64(d.StartsAt.Unix()), "ends": float64(d.EndsAt.Unix())}}
}

// All streams every day id (for rebuilds).
func (s *Service) All(ctx context.Context, yield func(string) error) error {
	return s.st.EachID(ctx, colDays, nil, yield)
}

// Count estimates how many days exist (rebuild progress).
func (s *Service) Count(ctx context.Context) (int, error) { return s.st.Estimate(ctx, colDays) }

// Link is a day's page in the app.
func Link(id string) string { return "/exchange-days/" + id }
