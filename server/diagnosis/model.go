// Package diagnosis owns participatory territorial diagnoses: residents contribute needs, assets and
// proposals, professionals synthesise them into SWOT findings, everyone prioritises, and the organising
// organisations follow actions with indicators. See README.md here for the data model and its rules.
package diagnosis

import (
	"time"

	"github.com/teixit/teixit/server/followup"
)

// Phases in their order. The current phase is the one the organisers set explicitly (see README.md): the
// dates of each phase are the published plan, not a trigger.
var Phases = []string{PhaseGathering, PhaseSynthesis, PhasePrioritisation, PhaseActionPlan, PhaseFollowUp}

// The phases.
const (
	PhaseGathering      = "gathering"
	PhaseSynthesis      = "synthesis"
	PhasePrioritisation = "prioritisation"
	PhaseActionPlan     = "action_plan"
	PhaseFollowUp       = "follow_up"
)

// Contribution kinds, statuses, SWOT types and action statuses.
var (
	ContributionKinds = []string{"need", "asset", "proposal"}
	SWOTTypes         = []string{"strength", "weakness", "opportunity", "threat"}
	ActionStatuses    = []string{"planned", "in_progress", "done", "cancelled"}
	Languages         = []string{"ca", "es", "it", "en", "fr"}
)

// Contribution statuses.
const (
	StatusPending   = "pending"
	StatusPublished = "published"
	StatusHidden    = "hidden"
)

// Limits that keep documents bounded.
const (
	MaxTextLen            = 2000
	MaxOrganisers         = 10
	MaxCitations          = 50  // contributions one finding may cite
	MaxCitingFindings     = 100 // findings listed inside one contribution
	MaxLinkedFindings     = 50  // findings one action may link
	MaxIndicators         = followup.MaxIndicators
	MaxMeasurements       = followup.MaxMeasurements
	MaxVotesPerPersonCap  = 50
	MaxMedia              = 4 // photos or voice notes per contribution
	DefaultVotesPerPerson = 5
)

// ---- stored documents (bson) ----

type phaseDoc struct {
	Name  string `bson:"name"`
	Start string `bson:"start,omitempty"` // YYYY-MM-DD
	End   string `bson:"end,omitempty"`
}

type settingsDoc struct {
	AllowNicknames bool `bson:"allowNicknames"`
	PreModeration  bool `bson:"preModeration"`
	VotesPerPerson int  `bson:"votesPerPerson"`
}

type diagDoc struct {
	ID          string      `bson:"_id"`
	Title       string      `bson:"title"`
	Description string      `bson:"description"`
	TerritoryID string      `bson:"territoryId"`
	OrgIDs      []string    `bson:"orgIds"` // the first is the lead organisation
	Themes      []string    `bson:"themes"`
	Phase       string      `bson:"phase"`
	Schedule    []phaseDoc  `bson:"schedule"`
	Settings    settingsDoc `bson:"settings"`
	CreatedBy   string      `bson:"createdBy,omitempty"`
	CreatedAt   time.Time   `bson:"createdAt"`
	UpdatedAt   time.Time   `bson:"updatedAt"`
	// Rev is the document's revision (store.Update): an edit and an organiser accepted at the same moment are
	// both applied to the latest state, never one over the other.
	Rev int `bson:"rev"`
}

type pointDoc struct {
	Lat float64 `bson:"lat"`
	Lon float64 `bson:"lon"`
}

type assistedDoc struct {
	FacilitatorID string `bson:"facilitatorId,omitempty"` // unset when the facilitator's account is deleted
	Consent       bool   `bson:"consent"`
	Note          string `bson:"note,omitempty"`
}

type contribDoc struct {
	ID          string       `bson:"_id"`
	DiagnosisID string       `bson:"diagnosisId"`
	Kind        string       `bson:"kind"`
	Theme       string       `bson:"theme"`
	Text        string       `bson:"text"`
	Language    string       `bson:"language"`
	Point       *pointDoc    `bson:"point,omitempty"`
	AuthorID    string       `bson:"authorId,omitempty"` // the account that wrote it; unset when anonymised
	Nickname    string       `bson:"nickname,omitempty"`
	MediaIDs    []string     `bson:"mediaIds,omitempty"` // photos and voice notes in the media store
	Assisted    *assistedDoc `bson:"assisted,omitempty"`
	Status      string       `bson:"status"`
	HideReason  string       `bson:"hideReason,omitempty"`
	Supports    int          `bson:"supports"`
	Reports     int          `bson:"reports"`
	ReportsSeen int          `bson:"reportsSeen"` // reports already reviewed by a moderator
	FindingIDs  []string     `bson:"findingIds"`  // findings citing it (bounded by MaxCitingFindings)
	CreatedAt   time.Time    `bson:"createdAt"`
	UpdatedAt   time.Time    `bson:"updatedAt"`
}

// editor is the account that may still edit the contribution while gathering: its author, or the
// facilitator who typed it.
func (c *contribDoc) editor() string {
	if c.AuthorID != "" {
		return c.AuthorID
	}
	if c.Assisted != nil {
		return c.Assisted.FacilitatorID
	}
	return ""
}

func (c *contribDoc) inQueue() bool {
	return c.Status == StatusPending || (c.Status == StatusPublished && c.Reports > c.ReportsSeen)
}

// supportDoc and reportDoc have the id "contribution:user": existence checks are `_id` lookups.
type supportDoc struct {
	ID             string    `bson:"_id"`
	ContributionID string    `bson:"contributionId"`
	UserID         string    `bson:"userId"`
	CreatedAt      time.Time `bson:"createdAt"`
}

type reportDoc struct {
	ID             string    `bson:"_id"`
	ContributionID string    `bson:"contributionId"`
	UserID         string    `bson:"userId"`
	Reason         string    `bson:"reason"`
	CreatedAt      time.Time `bson:"createdAt"`
}

type findingDoc struct {
	ID              string    `bson:"_id"`
	DiagnosisID     string    `bson:"diagnosisId"`
	SWOT            string    `bson:"swot"`
	Title           string    `bson:"title"`
	Text            string    `bson:"text"`
	ContributionIDs []string  `bson:"contributionIds"`
	AuthorID        string    `bson:"authorId,omitempty"`
	CreatedAt       time.Time `bson:"createdAt"`
	UpdatedAt       time.Time `bson:"updatedAt"`
}

type voteDoc struct {
	Target string `bson:"target"`
	Count  int    `bson:"count"`
}

// ballotDoc has the id "diagnosis:user", or "diagnosis:assisted:<random>" for a ballot a facilitator casts
// for a person without an account.
type ballotDoc struct {
	ID            string    `bson:"_id"`
	DiagnosisID   string    `bson:"diagnosisId"`
	VoterID       string    `bson:"voterId,omitempty"`
	FacilitatorID string    `bson:"facilitatorId,omitempty"`
	Assisted      bool      `bson:"assisted"`
	Note          string    `bson:"note,omitempty"`
	Votes         []voteDoc `bson:"votes"`
	CreatedAt     time.Time `bson:"createdAt"`
}

// statsDoc holds a diagnosis's counters (id = diagnosis id), moved with `$inc` through store.Update: total supports, ballots
// and the votes per target. Priorities are read from it in one `_id` lookup.
type statsDoc struct {
	ID       string         `bson:"_id"`
	Supports int            `bson:"supports"`
	Ballots  int            `bson:"ballots"`
	Votes    map[string]int `bson:"votes"`
}

// Indicators and their measurements are followup's: actions and evaluation measures are followed alike.
type indicatorDoc = followup.IndicatorDoc

type actionDoc struct {
	ID               string         `bson:"_id"`
	DiagnosisID      string         `bson:"diagnosisId"`
	Title            string         `bson:"title"`
	Description      string         `bson:"description"`
	ResponsibleOrgID string         `bson:"responsibleOrgId"`
	FindingIDs       []string       `bson:"findingIds"`
	Status           string         `bson:"status"`
	Indicators       []indicatorDoc `bson:"indicators"`
	Rev              int            `bson:"rev"` // optimistic concurrency for read-modify-write of indicators
	// PracticeID and TransferID: the action adopts a practice ("adopt this practice"); the transfer is the
	// responsible organisation's, started with the action.
	PracticeID string    `bson:"practiceId,omitempty"`
	TransferID string    `bson:"transferId,omitempty"`
	CreatedBy  string    `bson:"createdBy,omitempty"`
	CreatedAt  time.Time `bson:"createdAt"`
	UpdatedAt  time.Time `bson:"updatedAt"`
}

// ---- API views (json) ----

// PhaseDates is one phase of the published plan.
type PhaseDates struct {
	Name  string `json:"name"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Settings are a diagnosis's participation rules.
type Settings struct {
	AllowNicknames bool `json:"allowNicknames"`
	PreModeration  bool `json:"preModeration"`
	VotesPerPerson int  `json:"votesPerPerson"`
}

// Diagnosis is the API view of a diagnosis.
type Diagnosis struct {
	ID              string       `json:"id"`
	Title           string       `json:"title"`
	Description     string       `json:"description"`
	TerritoryID     string       `json:"territoryId"`
	OrganisationIDs []string     `json:"organisationIds"`
	Themes          []string     `json:"themes"`
	Phase           string       `json:"phase"`
	Schedule        []PhaseDates `json:"schedule"`
	Settings        Settings     `json:"settings"`
	CreatedAt       time.Time    `json:"createdAt"`
	UpdatedAt       time.Time    `json:"updatedAt"`
	// IsOrganiser tells whether the caller is an admin or professional of an organising organisation.
	IsOrganiser bool `json:"isOrganiser"`
}

func (d *diagDoc) api(organiser bool) Diagnosis {
	out := Diagnosis{ID: d.ID, Title: d.Title, Description: d.Description, TerritoryID: d.TerritoryID,
		OrganisationIDs: nonNil(d.OrgIDs), Themes: nonNil(d.Themes), Phase: d.Phase, Schedule: []PhaseDates{},
		Settings: Settings(d.Settings), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, IsOrganiser: organiser}
	for _, p := range d.Schedule {
		out.Schedule = append(out.Schedule, PhaseDates(p))
	}
	return out
}

// Point is a WGS84 position.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Contribution is the API view of a contribution. It never names the author: authorKind says how it came
// in, nickname is shown only for nickname contributions, and mine tells the caller it is theirs.
type Contribution struct {
	ID          string   `json:"id"`
	DiagnosisID string   `json:"diagnosisId"`
	Kind        string   `json:"kind"`
	Theme       string   `json:"theme"`
	Text        string   `json:"text"`
	Language    string   `json:"language"`
	Point       *Point   `json:"point,omitempty"`
	AuthorKind  string   `json:"authorKind"` // account | nickname | assisted
	Nickname    string   `json:"nickname,omitempty"`
	Status      string   `json:"status"`
	Supports    int      `json:"supports"`
	MediaIDs    []string `json:"mediaIds"` // each readable at /api/v1/media/{id} with the contribution's visibility
	CitedBy     []string `json:"citedBy"`
	Mine        bool     `json:"mine"`
	Supported   bool     `json:"supportedByMe"`
	Reports     int      `json:"reports,omitempty"` // organisers only
	// ReportReasons are what the people who reported it wrote, oldest first, without who they are (the
	// moderation queue only).
	ReportReasons []string  `json:"reportReasons,omitempty"`
	HideReason    string    `json:"hideReason,omitempty"` // organisers only
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

func (c *contribDoc) authorKind() string {
	switch {
	case c.Assisted != nil:
		return "assisted"
	case c.Nickname != "":
		return "nickname"
	default:
		return "account"
	}
}

func (c *contribDoc) api(userID string, organiser bool) Contribution {
	out := Contribution{ID: c.ID, DiagnosisID: c.DiagnosisID, Kind: c.Kind, Theme: c.Theme, Text: c.Text,
		Language: c.Language, AuthorKind: c.authorKind(), Nickname: c.Nickname, Status: c.Status,
		Supports: c.Supports, MediaIDs: nonNil(c.MediaIDs), CitedBy: nonNil(c.FindingIDs), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Mine: userID != "" && c.editor() == userID}
	if c.Point != nil {
		out.Point = &Point{Lat: c.Point.Lat, Lon: c.Point.Lon}
	}
	if organiser {
		out.Reports, out.HideReason = c.Reports, c.HideReason
	}
	return out
}

// Finding is the API view of a SWOT finding.
type Finding struct {
	ID              string    `json:"id"`
	DiagnosisID     string    `json:"diagnosisId"`
	SWOT            string    `json:"swot"`
	Title           string    `json:"title"`
	Text            string    `json:"text"`
	ContributionIDs []string  `json:"contributionIds"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

func (f *findingDoc) api() Finding {
	return Finding{ID: f.ID, DiagnosisID: f.DiagnosisID, SWOT: f.SWOT, Title: f.Title, Text: f.Text,
		ContributionIDs: nonNil(f.ContributionIDs), CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
}

// Measurement and Indicator are the shared API views of indicators (package followup).
type (
	Measurement = followup.Measurement
	Indicator   = followup.Indicator
)

// Action is the API view of an action of the plan.
type Action struct {
	ID                      string      `json:"id"`
	DiagnosisID             string      `json:"diagnosisId"`
	Title                   string      `json:"title"`
	Description             string      `json:"description"`
	ResponsibleOrganisation string      `json:"responsibleOrganisationId"`
	FindingIDs              []string    `json:"findingIds"`
	Status                  string      `json:"status"`
	Indicators              []Indicator `json:"indicators"`
	// Practice is the practice the action adopts, with its transfer's stage (null for other actions).
	Practice  *ActionPractice `json:"practice"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
}

// ActionPractice is the practice an action adopts and how its transfer is going.
type ActionPractice struct {
	PracticeID string `json:"practiceId"`
	Title      string `json:"title"`
	TransferID string `json:"transferId"`
	Stage      string `json:"stage"`
}

func (a *actionDoc) api() Action {
	out := Action{ID: a.ID, DiagnosisID: a.DiagnosisID, Title: a.Title, Description: a.Description,
		ResponsibleOrganisation: a.ResponsibleOrgID, FindingIDs: nonNil(a.FindingIDs), Status: a.Status,
		Indicators: followup.API(a.Indicators), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.PracticeID != "" {
		out.Practice = &ActionPractice{PracticeID: a.PracticeID, TransferID: a.TransferID}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
