// Package evaluation owns evaluations: an organisation (or a network of them) evaluates itself, one of its
// services, a diagnosis action or a practice transfer. Each yearly edition has a question guide, dates and
// participants; participants sit in groups of about ten that name strengths and weaknesses per question
// (attributed to the group, never to a person); organisers merge them in a plenary synthesis, everyone
// votes priorities, weaknesses become improvement measures followed with indicators (package followup),
// and the next edition reviews them. See README.md here for the data model and the access rules.
package evaluation

import (
	"time"

	"github.com/teixit/teixit/server/followup"
)

// Subject kinds: what is being evaluated.
const (
	SubjectOrganisation = "organisation"
	SubjectService      = "service"
	SubjectAction       = "diagnosis_action"
	SubjectTransfer     = "transfer"
)

// Edition phases, in order. The organisers move the phase explicitly (as diagnoses do).
const (
	PhasePreparation    = "preparation"
	PhaseGroups         = "groups"
	PhaseSynthesis      = "synthesis"
	PhasePrioritisation = "prioritisation"
	PhaseFollowUp       = "follow_up"
)

// Vocabularies.
var (
	SubjectKinds    = []string{SubjectOrganisation, SubjectService, SubjectAction, SubjectTransfer}
	Phases          = []string{PhasePreparation, PhaseGroups, PhaseSynthesis, PhasePrioritisation, PhaseFollowUp}
	Modes           = []string{"in_person", "online", "both"}
	ItemKinds       = []string{"strength", "weakness"}
	MemberRoles     = []string{"admin", "professional", "member"}
	MeasureStatuses = []string{"planned", "in_progress", "done", "dropped"}
	ReviewStatuses  = []string{"done", "in_progress", "dropped"}
	Visibilities    = []string{"members", "public"}
)

// Limits and defaults.
const (
	MaxOrganisers        = 10
	MaxPartners          = 20
	MaxAreas             = 20
	MaxDates             = 10
	MaxItemText          = 1000
	MaxUnmergedShown     = 60 // unmerged items on the synthesis page, oldest first: the rest come as these are merged
	MaxMergedItems       = 300
	MaxPointsPerMeasure  = 20
	DefaultGroupSize     = 10
	DefaultThreshold     = 5
	MinThreshold         = 3
	DefaultVotes         = 3
	MaxVotesPerPersonCap = 20
)

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ---- stored documents (bson) ----

type subjectDoc struct {
	Kind string `bson:"kind"`
	Ref  string `bson:"ref,omitempty"`  // the action or transfer id
	Name string `bson:"name,omitempty"` // the service's name
}

// evalDoc is an evaluation: what is evaluated and by whom. Everything that changes each year is in its
// editions.
type evalDoc struct {
	ID          string     `bson:"_id"`
	Title       string     `bson:"title"`
	Description string     `bson:"description"`
	OrgIDs      []string   `bson:"orgIds"` // organising organisations; the first is the lead
	Subject     subjectDoc `bson:"subject"`
	LastEdition int        `bson:"lastEdition"`
	CreatedBy   string     `bson:"createdBy,omitempty"`
	CreatedAt   time.Time  `bson:"createdAt"`
	UpdatedAt   time.Time  `bson:"updatedAt"`
}

type areaDoc struct {
	ID       string `bson:"id"`
	Name     string `bson:"name"`
	Question string `bson:"question,omitempty"`
}

// editionDoc has the id "<evaluation>-<number>": the next number is claimed by inserting it.
type editionDoc struct {
	ID             string    `bson:"_id"`
	EvaluationID   string    `bson:"evaluationId"`
	Number         int       `bson:"number"`
	Title          string    `bson:"title"`
	Dates          []string  `bson:"dates"`
	Mode           string    `bson:"mode"`
	Areas          []areaDoc `bson:"areas"`
	Roles          []string  `bson:"roles"`      // member roles of the organising organisations invited
	PartnerOrgIDs  []string  `bson:"partnerIds"` // partner organisations whose people take part
	InviteCode     string    `bson:"inviteCode"`
	GroupSize      int       `bson:"groupSize"`
	Threshold      int       `bson:"threshold"` // anonymity threshold: smallest group shown or allowed
	VotesPerPerson int       `bson:"votesPerPerson"`
	Phase          string    `bson:"phase"`
	GroupsFormed   bool      `bson:"groupsFormed"`
	Groups         int       `bson:"groups"` // groups are "<edition>-g1" … "<edition>-g<Groups>"
	PreviousID     string    `bson:"previousId,omitempty"`
	Report         reportDoc `bson:"report"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
}

type reportDoc struct {
	Published   bool      `bson:"published"`
	Visibility  string    `bson:"visibility"` // members | public
	Summary     string    `bson:"summary"`
	PublishedAt time.Time `bson:"publishedAt,omitempty"`
}

// participantDoc has the id "<edition>:<user>": taking part is claimed by inserting it.
type participantDoc struct {
	ID        string    `bson:"_id"`
	EditionID string    `bson:"editionId"`
	UserID    string    `bson:"userId"`
	Name      string    `bson:"name"`
	OrgID     string    `bson:"orgId,omitempty"`
	Role      string    `bson:"role"` // admin | professional | member | guest (invitation link)
	Team      string    `bson:"team,omitempty"`
	GroupID   string    `bson:"groupId,omitempty"`
	JoinedAt  time.Time `bson:"joinedAt"`
}

// groupDoc has the id "<edition>-g<number>".
type groupDoc struct {
	ID            string    `bson:"_id"`
	EditionID     string    `bson:"editionId"`
	Number        int       `bson:"number"`
	Name          string    `bson:"name"`
	FacilitatorID string    `bson:"facilitatorId,omitempty"`
	Members       []seatDoc `bson:"members"` // who sits here: the one truth for membership and size (seats.go)
	Rev           int       `bson:"rev"`     // written only by the holder of a revision claim
	CreatedAt     time.Time `bson:"createdAt"`
}

// seatDoc is one person sitting in a group (a copy of their participant record's name, role and team).
type seatDoc struct {
	UserID string `bson:"userId"`
	Name   string `bson:"name"`
	Role   string `bson:"role"`
	Team   string `bson:"team,omitempty"`
	OrgID  string `bson:"orgId,omitempty"`
}

// itemDoc is a strength or weakness named by a group. AuthorID is kept only so the person can find their
// own items (data export, "mine") and so account deletion can forget it; no API view or index field
// carries it.
type itemDoc struct {
	ID           string    `bson:"_id"`
	EditionID    string    `bson:"editionId"`
	EvaluationID string    `bson:"evaluationId"`
	GroupID      string    `bson:"groupId"`
	AreaID       string    `bson:"areaId"`
	Kind         string    `bson:"kind"`
	Text         string    `bson:"text"`
	Language     string    `bson:"language,omitempty"`
	AuthorID     string    `bson:"authorId,omitempty"`
	MergedID     string    `bson:"mergedId,omitempty"`
	CreatedAt    time.Time `bson:"createdAt"`
}

// pointDoc is a merged item of the plenary synthesis: similar items of several groups as one point.
type pointDoc struct {
	ID           string    `bson:"_id"`
	EditionID    string    `bson:"editionId"`
	EvaluationID string    `bson:"evaluationId"`
	AreaID       string    `bson:"areaId"`
	Kind         string    `bson:"kind"`
	Text         string    `bson:"text"`
	ItemIDs      []string  `bson:"itemIds"`
	GroupIDs     []string  `bson:"groupIds"`             // distinct groups that raised it
	PreviousID   string    `bson:"previousId,omitempty"` // the same point in the previous edition
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
}

// ballotDoc has the id "<edition>:<user>": a ballot is final (claimed by insert); each of its votes is
// then a voteDoc with a random id and no person in it, which the read model counts.
type ballotDoc struct {
	ID        string    `bson:"_id"`
	EditionID string    `bson:"editionId"`
	UserID    string    `bson:"userId"`
	PointIDs  []string  `bson:"pointIds"`
	CreatedAt time.Time `bson:"createdAt"`
}

type voteDoc struct {
	ID        string `bson:"_id"`
	EditionID string `bson:"editionId"`
	PointID   string `bson:"pointId"`
}

// measureDoc is an improvement measure, followed with indicators like a diagnosis's action.
type measureDoc struct {
	ID              string                  `bson:"_id"`
	EditionID       string                  `bson:"editionId"`
	EvaluationID    string                  `bson:"evaluationId"`
	Title           string                  `bson:"title"`
	Description     string                  `bson:"description"`
	ResponsibleTeam string                  `bson:"responsibleTeam"`
	Due             string                  `bson:"due,omitempty"`
	PointIDs        []string                `bson:"pointIds"`
	Status          string                  `bson:"status"`
	Indicators      []followup.IndicatorDoc `bson:"indicators"`
	Rev             int                     `bson:"rev"`
	CreatedAt       time.Time               `bson:"createdAt"`
	UpdatedAt       time.Time               `bson:"updatedAt"`
}

// reviewDoc has the id "<edition>:<measure>": how a later edition judged an earlier measure.
type reviewDoc struct {
	ID         string    `bson:"_id"`
	EditionID  string    `bson:"editionId"`
	MeasureID  string    `bson:"measureId"`
	Status     string    `bson:"status"`
	Note       string    `bson:"note"`
	ReviewedAt time.Time `bson:"reviewedAt"`
}

// ---- API views (json) ----

// Subject is what an evaluation is about.
type Subject struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref,omitempty"`
	Name string `json:"name,omitempty"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (Subject) Enums() map[string][]string {
	return map[string][]string{"kind": SubjectKinds}
}

// Evaluation is the API view of an evaluation.
type Evaluation struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	OrganisationIDs []string  `json:"organisationIds"`
	Subject         Subject   `json:"subject"`
	LastEdition     int       `json:"lastEdition"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	IsOrganiser     bool      `json:"isOrganiser"`
}

func (e *evalDoc) api(organiser bool) Evaluation {
	return Evaluation{ID: e.ID, Title: e.Title, Description: e.Description, OrganisationIDs: nonNil(e.OrgIDs),
		Subject: Subject(e.Subject), LastEdition: e.LastEdition, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		IsOrganiser: organiser}
}

// Area is one area of the question guide.
type Area struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Question string `json:"question,omitempty"`
}

// Report is an edition's published summary settings.
type Report struct {
	Published   bool       `json:"published"`
	Visibility  string     `json:"visibility"`
	Summary     string     `json:"summary"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
}

// Edition is the API view of an edition. InviteCode is shown to organisers only.
type Edition struct {
	ID                     string    `json:"id"`
	EvaluationID           string    `json:"evaluationId"`
	Number                 int       `json:"number"`
	Title                  string    `json:"title"`
	Dates                  []string  `json:"dates"`
	Mode                   string    `json:"mode"`
	Areas                  []Area    `json:"areas"`
	Roles                  []string  `json:"roles"`
	PartnerOrganisationIDs []string  `json:"partnerOrganisationIds"`
	InviteCode             string    `json:"inviteCode,omitempty"`
	GroupSize              int       `json:"groupSize"`
	Threshold              int       `json:"threshold"`
	VotesPerPerson         int       `json:"votesPerPerson"`
	Phase                  string    `json:"phase"`
	GroupsFormed           bool      `json:"groupsFormed"`
	Groups                 int       `json:"groups"`
	PreviousID             string    `json:"previousId,omitempty"`
	Report                 Report    `json:"report"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
	// Me is the caller's place in the edition (absent when not taking part).
	Me          *Me  `json:"me,omitempty"`
	IsOrganiser bool `json:"isOrganiser"`
}

// Me tells a participant which group they sit in and whether they facilitate it.
type Me struct {
	GroupID     string `json:"groupId,omitempty"`
	Facilitator bool   `json:"facilitator"`
	Voted       bool   `json:"voted"`
}

func (e *editionDoc) api(organiser bool) Edition {
	out := Edition{ID: e.ID, EvaluationID: e.EvaluationID, Number: e.Number, Title: e.Title, Dates: nonNil(e.Dates),
		Mode: e.Mode, Areas: make([]Area, 0, len(e.Areas)), Roles: nonNil(e.Roles),
		PartnerOrganisationIDs: nonNil(e.PartnerOrgIDs), GroupSize: e.GroupSize, Threshold: e.Threshold,
		VotesPerPerson: e.VotesPerPerson, Phase: e.Phase, GroupsFormed: e.GroupsFormed, Groups: e.Groups, PreviousID: e.PreviousID,
		Report:    Report{Published: e.Report.Published, Visibility: e.Report.Visibility, Summary: e.Report.Summary},
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, IsOrganiser: organiser}
	if !e.Report.PublishedAt.IsZero() {
		t := e.Report.PublishedAt
		out.Report.PublishedAt = &t
	}
	for _, a := range e.Areas {
		out.Areas = append(out.Areas, Area(a))
	}
	if organiser {
		out.InviteCode = e.InviteCode
	}
	return out
}

// Group is the API view of a group. Size is given only when it reaches the edition's anonymity threshold
// (SizeHidden otherwise): a small group's items would point at the few people in it.
type Group struct {
	ID            string   `json:"id"`
	EditionID     string   `json:"editionId"`
	Number        int      `json:"number"`
	Name          string   `json:"name"`
	FacilitatorID string   `json:"facilitatorId,omitempty"`
	Size          *int     `json:"size,omitempty"`
	SizeHidden    bool     `json:"sizeHidden"`
	Members       []Person `json:"members,omitempty"` // organisers and the group's own members only
	Items         int      `json:"items"`
}

// Person is a participant as organisers and group members see them (never tied to an item).
type Person struct {
	UserID  string `json:"userId"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Team    string `json:"team,omitempty"`
	GroupID string `json:"groupId,omitempty"`
}

// Item is the API view of a strength or weakness: attributed to its group, never to a person. Mine tells
// the caller it is theirs (only they are told).
type Item struct {
	ID        string `json:"id"`
	EditionID string `json:"editionId"`
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
	AreaID    string `json:"areaId"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	MergedID  string `json:"mergedId,omitempty"`
	Mine      bool   `json:"mine"`
}

// Point is a merged item of the synthesis with how many groups raised it and its votes.
type Point struct {
	ID         string   `json:"id"`
	EditionID  string   `json:"editionId"`
	AreaID     string   `json:"areaId"`
	Kind       string   `json:"kind"`
	Text       string   `json:"text"`
	ItemIDs    []string `json:"itemIds"`
	Groups     int      `json:"groups"`
	Votes      int      `json:"votes"`
	PreviousID string   `json:"previousId,omitempty"`
}

func (p *pointDoc) api(votes int) Point {
	return Point{ID: p.ID, EditionID: p.EditionID, AreaID: p.AreaID, Kind: p.Kind, Text: p.Text,
		ItemIDs: nonNil(p.ItemIDs), Groups: len(p.GroupIDs), Votes: votes, PreviousID: p.PreviousID}
}

// Measure is the API view of an improvement measure.
type Measure struct {
	ID              string               `json:"id"`
	EditionID       string               `json:"editionId"`
	Title           string               `json:"title"`
	Description     string               `json:"description"`
	ResponsibleTeam string               `json:"responsibleTeam"`
	Due             string               `json:"due,omitempty"`
	PointIDs        []string             `json:"pointIds"`
	Status          string               `json:"status"`
	Indicators      []followup.Indicator `json:"indicators"`
	CreatedAt       time.Time            `json:"createdAt"`
	UpdatedAt       time.Time            `json:"updatedAt"`
}

func (m *measureDoc) api() Measure {
	return Measure{ID: m.ID, EditionID: m.EditionID, Title: m.Title, Description: m.Description,
		ResponsibleTeam: m.ResponsibleTeam, Due: m.Due, PointIDs: nonNil(m.PointIDs), Status: m.Status,
		Indicators: followup.API(m.Indicators), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}
