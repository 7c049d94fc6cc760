// Package organisation owns organisations (associations, social-services centres, housing entities,
// municipalities, networks) and their memberships with roles.
package organisation

import "time"

// Kinds of organisation.
var Kinds = []string{"association", "services_centre", "housing_entity", "municipality", "network", "other"}

// Roles a member can hold, from most to least powerful.
const (
	RoleAdmin        = "admin"
	RoleProfessional = "professional"
	RoleMember       = "member"
)

// Roles lists the valid roles.
var Roles = []string{RoleAdmin, RoleProfessional, RoleMember}

type orgDoc struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	Kind        string    `bson:"kind"`
	Description string    `bson:"description"`
	CreatedBy   string    `bson:"createdBy"`
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
	MemberCount int       `bson:"memberCount"`
	AdminCount  int       `bson:"adminCount"`
	// RecordingRetentionDays deletes the organisation's exchange-day recordings that many days after they
	// were made (server/recording); 0 keeps them.
	RecordingRetentionDays int `bson:"recordingRetentionDays,omitempty"`
	// MembersSeeEmails: its admins chose to let members see each other's email addresses (off by default).
	MembersSeeEmails bool `bson:"membersSeeEmails,omitempty"`
}

// membershipDoc is the source of truth for who belongs where; its id is "org:user" so that access checks
// are `_id` lookups.
type membershipDoc struct {
	ID       string    `bson:"_id"`
	OrgID    string    `bson:"orgId"`
	UserID   string    `bson:"userId"`
	Role     string    `bson:"role"`
	JoinedAt time.Time `bson:"joinedAt"`
}

func membershipID(orgID, userID string) string { return orgID + ":" + userID }

// Organisation is the API view.
type Organisation struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
	MemberCount int       `json:"memberCount"`
	// RecordingRetentionDays: recordings of its exchange days are deleted after this many days; 0 keeps them.
	RecordingRetentionDays int `json:"recordingRetentionDays"`
	// MembersSeeEmails: members see each other's email addresses (the admins' choice; off by default).
	MembersSeeEmails bool `json:"membersSeeEmails"`
	// MyRole is the caller's role, or null when the caller is not a member.
	MyRole *string `json:"myRole,omitempty"`
}

// Member is the API view of a membership.
type Member struct {
	UserID   string    `json:"userId"`
	Name     string    `json:"name"`
	Email    string    `json:"email,omitempty"` // for the organisation's admins and the person (every member where the admins chose so)
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joinedAt"`
}

func (o *orgDoc) api() Organisation {
	return Organisation{ID: o.ID, Name: o.Name, Kind: o.Kind, Description: o.Description, CreatedAt: o.CreatedAt,
		MemberCount: o.MemberCount, RecordingRetentionDays: o.RecordingRetentionDays, MembersSeeEmails: o.MembersSeeEmails}
}
