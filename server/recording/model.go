// Package recording serves what an exchange day leaves behind: the recording made by media/recorder (a
// manifest with chapters by guide question and by speaker, segments imported into the media store, private
// signed links, a whole-session download), the key points the rapporteur notes during the session, the
// summary drafted from them that the host edits and publishes, speakers' redactions and per-organisation
// retention. Data model and access rules: README.md here.
package recording

import (
	"time"

	"github.com/teixit/teixit/media/recorder"
)

// dayDoc (collection recording_days, _id = exchange day id) holds everything of one day's outputs: all
// lists are bounded and read with the day, so every read is an _id lookup. Version guards read-modify-write
// updates (the embedded store has no transactions nor positional updates).
type dayDoc struct {
	ID          string         `bson:"_id"`
	Version     int            `bson:"version"`
	Segments    []segmentDoc   `bson:"segments"`
	Redactions  []redactionDoc `bson:"redactions"`
	LinkVersion int            `bson:"linkVersion"`
	Rapporteur  string         `bson:"rapporteur,omitempty"`
	// RapporteurName is the rapporteur's display name when chosen (shown if the account lookup fails).
	RapporteurName string        `bson:"rapporteurName,omitempty"`
	KeyPoints      []keyPointDoc `bson:"keyPoints"`
	Summary        *summaryDoc   `bson:"summary,omitempty"`
	// Hidden are the wall-clock spans of confirmed redacted turns: key points noted then are hidden too.
	Hidden []spanDoc `bson:"hidden,omitempty"`
	// DeletedAt is set when retention deleted the recording (segments, assets, manifest).
	DeletedAt *time.Time `bson:"deletedAt,omitempty"`
	// Started is the recording's session clock (the recorder manifest's `started`), kept with the imported
	// segments so that any node reads the recording without the recorder's folder.
	Started time.Time `bson:"started,omitempty"`
}

// segmentDoc is one imported segment: Number is the segment's sequence in its file name (seg-0007.ogg → 7),
// unique within the recording (the SFU's own turn numbers restart with the process).
type segmentDoc struct {
	Number     int      `bson:"number"`
	File       string   `bson:"file"`
	AssetID    string   `bson:"assetId"`
	Size       int64    `bson:"size"`
	Visibility []string `bson:"visibility"`
	Redacted   bool     `bson:"redacted,omitempty"`
	// Entry is the segment's closed manifest entry (speaker, question, times): with Started, the recording as
	// any node reads it. Nil only for segments imported before it was kept (filled in by the next sync on the
	// node holding the folder).
	Entry *recorder.Entry `bson:"entry,omitempty"`
}

type spanDoc struct {
	From time.Time `bson:"from"`
	To   time.Time `bson:"to"`
}

// hidden reports whether a moment falls in a redacted turn.
func (d *dayDoc) hidden(at time.Time) bool {
	for _, h := range d.Hidden {
		if !at.Before(h.From) && !at.After(h.To) {
			return true
		}
	}
	return false
}

// Redaction statuses.
const (
	RedactionPending   = "pending"
	RedactionConfirmed = "confirmed"
)

// redactionDoc keeps, besides the segment numbers, the requester's display name and what the turns were
// (speaker, question, times) when asked: a confirmed request's turns are gone from the recording, and the host
// still needs to read whose and which turns a request names.
type redactionDoc struct {
	ID          string     `bson:"id"`
	UserID      string     `bson:"userId"`
	UserName    string     `bson:"userName,omitempty"`
	Turns       []int      `bson:"turns"`
	Details     []turnNote `bson:"details,omitempty"`
	Status      string     `bson:"status"`
	CreatedAt   time.Time  `bson:"createdAt"`
	ConfirmedAt *time.Time `bson:"confirmedAt,omitempty"`
	ConfirmedBy string     `bson:"confirmedBy,omitempty"`
}

// turnNote is what a removal request remembers of one turn.
type turnNote struct {
	Number   int    `bson:"number"`
	Speaker  string `bson:"speaker"`
	Question int    `bson:"question"`
	StartMs  int64  `bson:"startMs"`
	EndMs    int64  `bson:"endMs"`
}

type keyPointDoc struct {
	ID         string    `bson:"id"`
	Question   int       `bson:"question"`
	Text       string    `bson:"text"`
	AtMs       int64     `bson:"atMs"` // session time (SessionClock, else the recording's start, else the scheduled start)
	At         time.Time `bson:"at"`   // wall clock, to place it in the recording
	Author     string    `bson:"author"`
	AuthorName string    `bson:"authorName"`
	CreatedAt  time.Time `bson:"createdAt"`
}

// Summary statuses.
const (
	SummaryDraft     = "draft"
	SummaryPublished = "published"
)

type summaryDoc struct {
	Status      string       `bson:"status"`
	Sections    []sectionDoc `bson:"sections"`
	UpdatedAt   time.Time    `bson:"updatedAt"`
	UpdatedBy   string       `bson:"updatedBy"`
	PublishedAt *time.Time   `bson:"publishedAt,omitempty"`
	// IndexedVis is the day's summary setting when the summary was last announced to the read model: the
	// maintenance pass re-announces summaries whose day changed it since.
	IndexedVis string `bson:"indexedVis,omitempty"`
	// Published is the text readers see, frozen when the host publishes; Sections is the host's working copy.
	// A host's later edits stay in Sections until they republish. (Summaries published before this field
	// existed have none: their Sections are what was published.)
	Published []sectionDoc `bson:"published,omitempty"`
	// Review says why the host should look at a published summary again: ReviewEdited (changes not
	// republished yet) or ReviewRemoval (lines drawn from removed turns were taken out of the published text).
	Review string `bson:"review,omitempty"`
}

// Why a published summary asks its host to look at it again.
const (
	ReviewEdited  = "edited"
	ReviewRemoval = "removal"
)

type sectionDoc struct {
	Question  int      `bson:"question"`
	Markdown  string   `bson:"markdown"`
	KeyPoints []string `bson:"keyPoints"` // key point ids the section links to (its moments)
}

// Turn is one recorded segment of a floor turn as the player lists it.
type Turn struct {
	Number       int    `json:"number"` // segment number, unique in the recording; redactions name these
	SFUTurn      int    `json:"sfuTurn"`
	Speaker      string `json:"speaker"` // display name at the time
	Role         string `json:"role"`
	Question     int    `json:"question"` // 0-based guide question current at the start
	QuestionText string `json:"questionText"`
	StartMs      int64  `json:"startMs"`
	EndMs        int64  `json:"endMs"`
	DurationMs   int64  `json:"durationMs"`
	MediaID      string `json:"mediaId"`
	URL          string `json:"url"`
	Mine         bool   `json:"mine"` // the caller spoke this turn (and may ask to remove it)
	// Video is the same turn's camera (rooms with video), if recorded: removed with the turn.
	Video *TurnVideo `json:"video,omitempty"`
}

// TurnVideo is a turn's VP8 video as a WebM segment; it starts OffsetMs after the turn's audio (at a keyframe).
type TurnVideo struct {
	Number   int    `json:"number"` // its own segment number
	MediaID  string `json:"mediaId"`
	URL      string `json:"url"`
	OffsetMs int64  `json:"offsetMs"`
}

// QuestionChapter groups the turns of one guide question, in time order.
type QuestionChapter struct {
	Question int    `json:"question"`
	Text     string `json:"text"`
	StartMs  int64  `json:"startMs"`
	Turns    []int  `json:"turns"`
}

// SpeakerChapter groups one speaker's turns.
type SpeakerChapter struct {
	Speaker string `json:"speaker"`
	TotalMs int64  `json:"totalMs"`
	Turns   []int  `json:"turns"`
}

// Recording is the manifest with chapters, as the caller may see it.
type Recording struct {
	DayID      string            `json:"dayId"`
	Title      string            `json:"title"`
	Visibility string            `json:"visibility"` // the day's recording setting: members, public or none
	Started    time.Time         `json:"started"`
	DurationMs int64             `json:"durationMs"`
	Turns      []Turn            `json:"turns"`
	ByQuestion []QuestionChapter `json:"byQuestion"`
	BySpeaker  []SpeakerChapter  `json:"bySpeaker"`
	// InProgress counts turns still being written (listed once closed).
	InProgress  int    `json:"inProgress"`
	DownloadURL string `json:"downloadUrl"`
	// OwnTurnsOnly is true when the caller may not hear the recording but spoke in it: only their turns are
	// listed, so they can ask to remove them.
	OwnTurnsOnly bool `json:"ownTurnsOnly"`
	CanManage    bool `json:"canManage"`
}

// Link is a member's private link to a recording.
type Link struct {
	URL         string    `json:"url"`     // the API manifest through the link
	PageURL     string    `json:"pageUrl"` // the app's recording page through the link (what a member shares)
	DownloadURL string    `json:"downloadUrl"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

// LinkInput asks for a link valid for Hours (1–720; default 168, a week).
type LinkInput struct {
	Hours int `json:"hours"`
}

// KeyPoint is a key point as the API shows it: Author is the account, AuthorName its display name. The live
// room sends the same note as media/signal's KeyPoint, where author is the display name only (room
// participants are not shown account ids).
type KeyPoint struct {
	ID         string    `json:"id"`
	Question   int       `json:"question"`
	Text       string    `json:"text"`
	AtMs       int64     `json:"atMs"`
	Author     string    `json:"author"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
}

// KeyPointInput is a new key point for a guide question (0-based).
type KeyPointInput struct {
	Question *int   `json:"question" api:"required"`
	Text     string `json:"text" api:"required"`
}

// RapporteurInput names the day's rapporteur (empty clears it).
type RapporteurInput struct {
	UserID string `json:"userId"`
}

// Rapporteur says who takes notes (key points) during the day's session.
type Rapporteur struct {
	UserID string `json:"userId"` // "" when nobody is named (the host and moderators note key points)
	Name   string `json:"name"`
	// CanChoose: the caller may name the rapporteur (host admins and professionals); only they get Candidates.
	CanChoose  bool                  `json:"canChoose"`
	Candidates []RapporteurCandidate `json:"candidates,omitempty"`
}

// RapporteurCandidate is someone who may be named: a host member or a person registered for the day.
type RapporteurCandidate struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Role   string `json:"role"` // the host organisation role (admin, professional, member), or "registered"
}

// Moment links a summary section to a moment of the recording.
type Moment struct {
	KeyPointID string `json:"keyPointId"`
	Text       string `json:"text"`
	AtMs       int64  `json:"atMs"`           // offset in the recording
	Turn       int    `json:"turn,omitempty"` // the turn being spoken then, if recorded
	URL        string `json:"url,omitempty"`  // the recording page at that moment
}

// Section is one guide question's part of the summary.
type Section struct {
	Question     int      `json:"question"`
	QuestionText string   `json:"questionText"`
	Markdown     string   `json:"markdown"`
	HTML         string   `json:"html"` // sanitised
	Moments      []Moment `json:"moments"`
}

// Summary is a day's summary.
type Summary struct {
	DayID       string     `json:"dayId"`
	Status      string     `json:"status"` // draft or published
	Visibility  string     `json:"visibility"`
	Sections    []Section  `json:"sections"`
	UpdatedAt   *time.Time `json:"updatedAt,omitempty"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
	CanEdit     bool       `json:"canEdit"`
	// Review (hosts only): why the published summary needs the host again — "edited" (their changes are not
	// public until they republish) or "removal" (lines from removed turns left the published text).
	Review string `json:"review,omitempty"`
}

// SectionInput replaces one question's Markdown.
type SectionInput struct {
	Question *int   `json:"question"`
	Markdown string `json:"markdown"`
}

// SummaryInput replaces the draft's sections (questions not named keep their text).
type SummaryInput struct {
	Sections []SectionInput `json:"sections" api:"required"`
}

// Redaction is a request to remove turns.
type Redaction struct {
	ID       string `json:"id"`
	UserID   string `json:"userId"`
	UserName string `json:"userName"` // the requester's display name when they asked ("" for requests older than it)
	Turns    []int  `json:"turns"`
	// TurnDetails say what each named turn was when asked (speaker, question, times), also once removed.
	TurnDetails []RedactedTurn `json:"turnDetails"`
	Status      string         `json:"status"`
	CreatedAt   time.Time      `json:"createdAt"`
	ConfirmedAt *time.Time     `json:"confirmedAt,omitempty"`
}

// RedactedTurn is one turn a removal request names, as it was in the recording.
type RedactedTurn struct {
	Number     int    `json:"number"`
	Speaker    string `json:"speaker"`
	Question   int    `json:"question"` // 0-based guide question
	StartMs    int64  `json:"startMs"`  // from the recording's start
	DurationMs int64  `json:"durationMs"`
}

// RedactionInput names the turns (segment numbers) to remove.
type RedactionInput struct {
	Turns []int `json:"turns" api:"required"`
}

func (r *redactionDoc) api() Redaction {
	details := make([]RedactedTurn, 0, len(r.Details))
	for _, t := range r.Details {
		details = append(details, RedactedTurn{Number: t.Number, Speaker: t.Speaker, Question: t.Question, StartMs: t.StartMs, DurationMs: t.EndMs - t.StartMs})
	}
	return Redaction{ID: r.ID, UserID: r.UserID, UserName: r.UserName, Turns: r.Turns, TurnDetails: details, Status: r.Status,
		CreatedAt: r.CreatedAt, ConfirmedAt: r.ConfirmedAt}
}

func (k *keyPointDoc) api() KeyPoint {
	return KeyPoint{ID: k.ID, Question: k.Question, Text: k.Text, AtMs: k.AtMs, Author: k.Author, AuthorName: k.AuthorName, CreatedAt: k.CreatedAt}
}
