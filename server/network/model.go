// Package network is who works on what in a territory: actors (organisations on Teixit and actors that
// are not, such as a school, a parish or an informal group), the relations between them (collaborates,
// refers, funds, shares space) confirmed by both sides, the network map with its holes, and the links from
// a need raised in a diagnosis to practices that addressed it elsewhere. See README.md here.
package network

import (
	"time"

	"github.com/teixit/teixit/server/theme"
)

// ActorKinds are what an actor is.
var ActorKinds = []string{"association", "social_services", "public_service", "school", "health_centre", "parish",
	"informal_group", "business", "other"}

// Actor statuses: published at once when added by an organisation's professional; pending when suggested
// by a resident (until moderated); hidden when moderators turn a suggestion down.
const (
	StatusPublished = "published"
	StatusPending   = "pending"
	StatusHidden    = "hidden"
)

// RelationTypes are how two actors relate. Collaborates and shares space go both ways; refers and funds
// go from one actor to the other.
var RelationTypes = []string{TypeCollaborates, TypeRefers, TypeFunds, TypeSharesSpace}

// The relation types.
const (
	TypeCollaborates = "collaborates"
	TypeRefers       = "refers"
	TypeFunds        = "funds"
	TypeSharesSpace  = "shares_space"
)

// symmetric types have one relation per pair whichever side proposes it.
func symmetric(t string) bool { return t == TypeCollaborates || t == TypeSharesSpace }

// Relation statuses: stated (the other side is not on Teixit, so nobody can confirm it), proposed (waiting
// for the other side's organisation) and confirmed.
const (
	RelStated    = "stated"
	RelProposed  = "proposed"
	RelConfirmed = "confirmed"
)

// Bounds on input.
const (
	MaxThemes      = 10
	MaxTerritories = 20
	MaxName        = 200
	MaxText        = 2000
	// MaxGraph bounds the actors and relations one network page returns.
	MaxGraph = 5000
)

type pointDoc struct {
	Lat float64 `bson:"lat" json:"lat"`
	Lon float64 `bson:"lon" json:"lon"`
}

type contactDoc struct {
	Email   string `bson:"email,omitempty"`
	Phone   string `bson:"phone,omitempty"`
	Web     string `bson:"web,omitempty"`
	Address string `bson:"address,omitempty"`
	// Public contacts are shown to everyone; others only to those who edit the actor.
	Public bool `bson:"public"`
}

type claimDoc struct {
	OrgID string    `bson:"orgId"`
	By    string    `bson:"by"`
	At    time.Time `bson:"at"`
}

// actorDoc is one actor of one or more territories.
type actorDoc struct {
	ID          string     `bson:"_id"`
	Rev         int        `bson:"rev"`
	Name        string     `bson:"name"`
	Kind        string     `bson:"kind"`
	Description string     `bson:"description"`
	Themes      []string   `bson:"themes"`
	Population  string     `bson:"population"`
	Territories []string   `bson:"territories"`
	Lineage     []string   `bson:"lineage"` // the territories and all their ancestors (index filter)
	Point       *pointDoc  `bson:"point,omitempty"`
	Contact     contactDoc `bson:"contact"`
	// OrgID is the organisation on Teixit this actor is ("" when it is not on Teixit). Once set, that
	// organisation speaks for the actor (edits it, confirms its relations).
	OrgID string `bson:"orgId,omitempty"`
	// StewardOrgID is the organisation whose professional added the actor (or published the suggestion).
	StewardOrgID string `bson:"stewardOrgId,omitempty"`
	Status       string `bson:"status"`
	// ModeratorOrgIDs may publish or hide a pending suggestion: organisations already mapping or
	// diagnosing its territory (empty: platform admins only).
	ModeratorOrgIDs []string  `bson:"moderatorOrgIds,omitempty"`
	HiddenReason    string    `bson:"hiddenReason,omitempty"`
	Claim           *claimDoc `bson:"claim,omitempty"`
	SuggestedBy     string    `bson:"suggestedBy,omitempty"`
	CreatedBy       string    `bson:"createdBy,omitempty"`
	CreatedAt       time.Time `bson:"createdAt"`
	UpdatedAt       time.Time `bson:"updatedAt"`
}

// speaker is the organisation that speaks for the actor: itself once on Teixit, else its steward.
func (a *actorDoc) speaker() string {
	if a.OrgID != "" {
		return a.OrgID
	}
	return a.StewardOrgID
}

// orgActorDoc claims an organisation for one actor: its `_id` is the organisation id, so an organisation
// can be one actor only (the insert is the atomic claim).
type orgActorDoc struct {
	ID      string    `bson:"_id"`
	ActorID string    `bson:"actorId"`
	At      time.Time `bson:"at"`
}

// relationDoc is one dated relation; its id is "<from>:<type>:<to>" (both actor ids sorted for the
// symmetric types) so the same relation cannot be recorded twice.
type relationDoc struct {
	ID            string    `bson:"_id"`
	Rev           int       `bson:"rev"`
	From          string    `bson:"from"`
	To            string    `bson:"to"`
	Type          string    `bson:"type"`
	Since         string    `bson:"since,omitempty"`
	Until         string    `bson:"until,omitempty"`
	Source        string    `bson:"source"`
	Note          string    `bson:"note,omitempty"`
	Status        string    `bson:"status"`
	ProposerActor string    `bson:"proposerActor"`
	ProposerOrg   string    `bson:"proposerOrg"`
	AwaitingOrg   string    `bson:"awaitingOrg,omitempty"`
	ProposedBy    string    `bson:"proposedBy,omitempty"`
	ConfirmedBy   string    `bson:"confirmedBy,omitempty"`
	ConfirmedAt   time.Time `bson:"confirmedAt,omitempty"`
	CreatedAt     time.Time `bson:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt"`
}

// RelationID is the deterministic id of a relation.
func RelationID(from, typ, to string) string {
	if symmetric(typ) && to < from {
		from, to = to, from
	}
	return from + ":" + typ + ":" + to
}

// Point is a WGS84 position.
type Point = pointDoc

// Contact is how to reach an actor; shown when public or to those who edit the actor.
type Contact struct {
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Web     string `json:"web"`
	Address string `json:"address"`
	Public  bool   `json:"public"`
}

// Claim is an organisation's pending request to be an actor.
type Claim struct {
	OrganisationID string    `json:"organisationId"`
	At             time.Time `json:"at"`
}

// Actor is the API view of an actor.
type Actor struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`
	Description    string    `json:"description"`
	Themes         []string  `json:"themes"`
	Population     string    `json:"population"`
	Territories    []string  `json:"territories"`
	Point          *Point    `json:"point"`
	Contact        *Contact  `json:"contact"`
	OrganisationID string    `json:"organisationId"`
	OnTeixit       bool      `json:"onTeixit"`
	StewardOrgID   string    `json:"stewardOrganisationId"`
	Status         string    `json:"status"`
	HiddenReason   string    `json:"hiddenReason,omitempty"`
	Claim          *Claim    `json:"claim"`
	CanEdit        bool      `json:"canEdit"`
	CanModerate    bool      `json:"canModerate"`
	SuggestedByMe  bool      `json:"suggestedByMe"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// ActorInput adds or changes an actor; nil fields are left alone on update. OrganisationID, on create, is
// the organisation of the professional adding it (the actor's steward); without it the actor is a
// suggestion for moderation. Self makes the actor that organisation itself.
type ActorInput struct {
	OrganisationID *string   `json:"organisationId"`
	Self           bool      `json:"self"`
	Name           *string   `json:"name" api:"required"`
	Kind           *string   `json:"kind" api:"required"`
	Description    *string   `json:"description"`
	Themes         *[]string `json:"themes" api:"required"`
	Population     *string   `json:"population"`
	Territories    *[]string `json:"territories" api:"required"`
	Point          **Point   `json:"point"`
	Contact        *Contact  `json:"contact"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ActorInput) Enums() map[string][]string {
	return map[string][]string{"kind": ActorKinds, "themes": theme.All}
}

// ModerationInput publishes or hides a suggested actor.
type ModerationInput struct {
	Decision string `json:"decision" api:"required"` // publish | hide
	Reason   string `json:"reason"`
}

// Decisions are a moderator's answers to a suggested actor.
var Decisions = []string{"publish", "hide"}

// Enums names the allowed values of its choice fields (the API document lists them).
func (ModerationInput) Enums() map[string][]string {
	return map[string][]string{"decision": Decisions}
}

// ClaimInput asks for an actor to become an organisation on Teixit.
type ClaimInput struct {
	OrganisationID string `json:"organisationId" api:"required"`
}

// ClaimDecision accepts or turns down a pending claim.
type ClaimDecision struct {
	Accept bool `json:"accept"`
}

// Relation is the API view of a relation.
type Relation struct {
	ID          string     `json:"id"`
	FromActorID string     `json:"fromActorId"`
	ToActorID   string     `json:"toActorId"`
	FromName    string     `json:"fromName"`
	ToName      string     `json:"toName"`
	Type        string     `json:"type"`
	Since       string     `json:"since"`
	Until       string     `json:"until"`
	Source      string     `json:"source"`
	Note        string     `json:"note"`
	Status      string     `json:"status"`
	ProposedBy  string     `json:"proposedByActorId"`
	CanConfirm  bool       `json:"canConfirm"`
	CanRemove   bool       `json:"canRemove"`
	ConfirmedAt *time.Time `json:"confirmedAt"`
	CreatedAt   time.Time  `json:"createdAt"`
}

// RelationInput proposes a relation.
type RelationInput struct {
	FromActorID string `json:"fromActorId" api:"required"`
	ToActorID   string `json:"toActorId" api:"required"`
	Type        string `json:"type" api:"required"`
	Since       string `json:"since" api:"required"`
	Until       string `json:"until"`
	Source      string `json:"source" api:"required"`
	Note        string `json:"note"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (RelationInput) Enums() map[string][]string {
	return map[string][]string{"type": RelationTypes}
}
