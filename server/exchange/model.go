// Package exchange owns exchange days ("jornades"): an organisation hosts an online day around a guide of
// questions, people register (open, members only, or with an invite code; capacity with a waiting list), and
// the day's outputs (summary, recording) have their own visibility. The live session itself is in media/.
package exchange

import "time"

// Registration modes.
const (
	ModeOpen    = "open"
	ModeMembers = "members"
	ModeInvite  = "invite"
)

// Day statuses.
const (
	StatusScheduled = "scheduled"
	StatusCancelled = "cancelled"
)

// Registration statuses.
const (
	Registered = "registered"
	Waitlisted = "waitlisted"
)

// Question is one guide question of the agenda, in order.
type Question struct {
	ID      string `bson:"id" json:"id"`
	Text    string `bson:"text" json:"text"`
	Minutes int    `bson:"minutes,omitempty" json:"minutes,omitempty"` // optional time box
}

type dayDoc struct {
	ID              string     `bson:"_id"`
	HostOrgID       string     `bson:"hostOrgId"`
	Title           string     `bson:"title"`
	Description     string     `bson:"description"`
	StartsAt        time.Time  `bson:"startsAt"`
	EndsAt          time.Time  `bson:"endsAt"`
	TimeZone        string     `bson:"timeZone"`
	Agenda          []Question `bson:"agenda"`
	Mode            string     `bson:"mode"`
	InviteCode      string     `bson:"inviteCode,omitempty"`
	Capacity        int        `bson:"capacity"` // 0: no limit
	SummaryVis      string     `bson:"summaryVisibility"`
	RecordingVis    string     `bson:"recordingVisibility"`
	Video           bool       `bson:"video,omitempty"` // cameras allowed in the live session
	Status          string     `bson:"status"`
	RegisteredCount int        `bson:"registeredCount"`
	WaitlistCount   int        `bson:"waitlistCount"`
	Seated          bool       `bson:"seated,omitempty"` // counts derived by the seating pass (seats.go); false on older days
	CreatedBy       string     `bson:"createdBy"`
	CreatedAt       time.Time  `bson:"createdAt"`
	UpdatedAt       time.Time  `bson:"updatedAt"`
	Sequence        int        `bson:"sequence"` // iCalendar SEQUENCE: bumped on each change calendars must see
}

// registrationDoc's id is "day:user", so "am I registered?" is an `_id` lookup. Status is what it was when
// written (older versions kept it up to date); the truth is the seat claims (seats.go, Service.status).
type registrationDoc struct {
	ID        string    `bson:"_id"`
	DayID     string    `bson:"dayId"`
	UserID    string    `bson:"userId"`
	Status    string    `bson:"status"`
	CreatedAt time.Time `bson:"createdAt"`
}

func registrationID(dayID, userID string) string { return dayID + ":" + userID }

// Day is the API view of an exchange day.
type Day struct {
	ID                  string     `json:"id"`
	HostOrgID           string     `json:"hostOrgId"`
	Title               string     `json:"title"`
	Description         string     `json:"description"`
	StartsAt            time.Time  `json:"startsAt"`
	EndsAt              time.Time  `json:"endsAt"`
	TimeZone            string     `json:"timeZone"`
	Agenda              []Question `json:"agenda"`
	RegistrationMode    string     `json:"registrationMode"`
	Capacity            int        `json:"capacity"`
	SummaryVisibility   string     `json:"summaryVisibility"`
	RecordingVisibility string     `json:"recordingVisibility"`
	// Video allows cameras in the live session (host, moderators and the floor holder may turn theirs on).
	Video           bool   `json:"video"`
	Status          string `json:"status"`
	RegisteredCount int    `json:"registeredCount"`
	WaitlistCount   int    `json:"waitlistCount"`
	// MyRegistration is the caller's status: "registered", "waitlisted" or null.
	MyRegistration *string `json:"myRegistration"`
	// CanManage says whether the caller may edit or cancel the day (host organisation admins and professionals).
	CanManage bool `json:"canManage"`
	// InviteCode is shown only to those who manage the day.
	InviteCode string `json:"inviteCode,omitempty"`
}

func (d *dayDoc) api() Day {
	return Day{ID: d.ID, HostOrgID: d.HostOrgID, Title: d.Title, Description: d.Description, StartsAt: d.StartsAt,
		EndsAt: d.EndsAt, TimeZone: d.TimeZone, Agenda: d.Agenda, RegistrationMode: d.Mode, Capacity: d.Capacity,
		SummaryVisibility: d.SummaryVis, RecordingVisibility: d.RecordingVis, Video: d.Video, Status: d.Status,
		RegisteredCount: d.RegisteredCount, WaitlistCount: d.WaitlistCount}
}
