package practice

import (
	"time"

	"github.com/teixit/teixit/server/theme"
)

// Languages a practice can be written or translated in.
var Languages = []string{"ca", "es", "it", "en", "fr"}

// Practice statuses: draft → published → archived.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
)

// MaxVersionsKept bounds the version list kept inside a practice (older versions are still stored by id).
const MaxVersionsKept = 500

// --- stored documents ---

type stepDoc struct {
	Title  string `bson:"title"`
	Detail string `bson:"detail"`
}

type resourcesDoc struct {
	People string `bson:"people"`
	Time   string `bson:"time"`
	Budget string `bson:"budget"`
}

// textDoc is everything in one language: the original or a translation.
type textDoc struct {
	Title             string       `bson:"title"`
	Summary           string       `bson:"summary"`
	Problem           string       `bson:"problem"`
	TargetPopulation  string       `bson:"targetPopulation"`
	Steps             []stepDoc    `bson:"steps"`
	Resources         resourcesDoc `bson:"resources"`
	Results           string       `bson:"results"`
	Evidence          string       `bson:"evidence"`
	EvaluationSummary string       `bson:"evaluationSummary"`
	UpdatedAt         time.Time    `bson:"updatedAt"`
}

type indicatorDoc struct {
	Name  string `bson:"name"`
	Value string `bson:"value"`
}

type versionMeta struct {
	N        int       `bson:"n"`
	At       time.Time `bson:"at"`
	AuthorID string    `bson:"authorId"`
}

type statsDoc struct {
	Transfers int     `bson:"transfers"` // not abandoned
	Evaluated int     `bson:"evaluated"`
	Rating    float64 `bson:"rating"` // average over evaluated transfers
}

type practiceDoc struct {
	ID           string             `bson:"_id"`
	Rev          int                `bson:"rev"` // optimistic concurrency: every edit is conditional on it
	OrgID        string             `bson:"orgId"`
	Territory    string             `bson:"territory"`
	Ancestors    []string           `bson:"ancestors"`
	Themes       []string           `bson:"themes"`
	Language     string             `bson:"language"`
	Text         textDoc            `bson:"text"`
	Translations map[string]textDoc `bson:"translations"`
	Indicators   []indicatorDoc     `bson:"indicators"`
	Contact      string             `bson:"contact"`
	Attachments  []string           `bson:"attachments"` // media ids, in order
	Status       string             `bson:"status"`
	Version      int                `bson:"version"` // last published version, 0 before publication
	Versions     []versionMeta      `bson:"versions"`
	Stats        statsDoc           `bson:"stats"` // written only by transfer changes ($set), never by edits
	CreatedBy    string             `bson:"createdBy"`
	CreatedAt    time.Time          `bson:"createdAt"`
	UpdatedAt    time.Time          `bson:"updatedAt"`
	PublishedAt  *time.Time         `bson:"publishedAt,omitempty"`

	editor string // who is editing now (not stored): attachments must be theirs
}

// versionDoc is one published version: id "practice:n", the snapshot as flat text fields (see fields.go).
type versionDoc struct {
	ID         string     `bson:"_id"`
	PracticeID string     `bson:"practiceId"`
	N          int        `bson:"n"`
	AuthorID   string     `bson:"authorId"`
	At         time.Time  `bson:"at"`
	Fields     []fieldDoc `bson:"fields"` // a list: field names contain dots, which stored keys cannot
}

type fieldDoc struct {
	Name string `bson:"name"`
	Text string `bson:"text"`
}

// --- API types ---

// Step is one step of a practice, in order.
type Step struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// StepView is a step with its detail rendered.
type StepView struct {
	Title  string   `json:"title"`
	Detail Markdown `json:"detail"`
}

// Resources says what the practice needs.
type Resources struct {
	People string `json:"people"`
	Time   string `json:"time"`
	Budget string `json:"budget"`
}

// Attachment is a file attached to a practice (its bytes at URL follow the practice's visibility).
type Attachment struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Mime     string `json:"mime"`
	Size     int64  `json:"size"`
	URL      string `json:"url"`
}

// Indicator is one measured result.
type Indicator struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Context is where and for whom the practice was done.
type Context struct {
	Territory        string `json:"territory"`
	OrganisationID   string `json:"organisationId"`
	OrganisationName string `json:"organisationName"`
	TargetPopulation string `json:"targetPopulation"`
}

// Evaluation is how the practice was evaluated.
type Evaluation struct {
	Summary    Markdown    `json:"summary"`
	Indicators []Indicator `json:"indicators"`
}

// TransferSummary is one adoption as shown on the practice.
type TransferSummary struct {
	ID               string `json:"id"`
	OrganisationID   string `json:"organisationId"`
	OrganisationName string `json:"organisationName"`
	Status           string `json:"status"`
	Rating           int    `json:"rating,omitempty"`
}

// TransferStats says where the practice has been transferred and how it went.
type TransferStats struct {
	Count         int               `json:"count"`
	Evaluated     int               `json:"evaluated"`
	AverageRating float64           `json:"averageRating"`
	Items         []TransferSummary `json:"items"`
}

// Practice is the API view, in one language (Language) chosen from ?lang=, the reader's language or the original.
type Practice struct {
	ID               string        `json:"id"`
	Status           string        `json:"status"`
	OriginalLanguage string        `json:"originalLanguage"`
	Language         string        `json:"language"`
	Translations     []string      `json:"translations"`
	Title            string        `json:"title"`
	Summary          Markdown      `json:"summary"`
	Problem          Markdown      `json:"problem"`
	Context          Context       `json:"context"`
	Themes           []string      `json:"themes"`
	Steps            []StepView    `json:"steps"`
	Resources        Resources     `json:"resources"`
	Results          Markdown      `json:"results"`
	Evidence         Markdown      `json:"evidence"`
	Evaluation       Evaluation    `json:"evaluation"`
	Contact          string        `json:"contact"`
	Attachments      []Attachment  `json:"attachments"`
	Version          int           `json:"version"`
	Transfers        TransferStats `json:"transfers"`
	CanEdit          bool          `json:"canEdit"`
	CreatedAt        time.Time     `json:"createdAt"`
	UpdatedAt        time.Time     `json:"updatedAt"`
	PublishedAt      *time.Time    `json:"publishedAt,omitempty"`
}

// ContextInput sets where and for whom; OrganisationID is fixed once the practice exists.
type ContextInput struct {
	Territory        *string `json:"territory"`
	OrganisationID   *string `json:"organisationId" api:"required"`
	TargetPopulation *string `json:"targetPopulation"`
}

// EvaluationInput sets the evaluation.
type EvaluationInput struct {
	Summary    *string      `json:"summary"`
	Indicators *[]Indicator `json:"indicators"`
}

// Input creates or changes a practice (original language); nil fields are left alone.
type Input struct {
	Title      *string          `json:"title" api:"required"`
	Summary    *string          `json:"summary"`
	Problem    *string          `json:"problem"`
	Context    *ContextInput    `json:"context" api:"required"`
	Themes     *[]string        `json:"themes"`
	Steps      *[]Step          `json:"steps"`
	Resources  *Resources       `json:"resources"`
	Results    *string          `json:"results"`
	Evidence   *string          `json:"evidence"`
	Evaluation *EvaluationInput `json:"evaluation"`
	Contact    *string          `json:"contact"`
	// Attachments are media ids (uploaded with purpose "attachment" by the editor, or already attached).
	Attachments *[]string `json:"attachments"`
	// Language is the original language; set at creation only.
	Language *string `json:"language" api:"required"`
}

// Enums names the allowed values of its choice fields (the API document lists them).
func (Input) Enums() map[string][]string {
	return map[string][]string{"language": Languages, "themes": theme.All}
}

// TranslationInput is one translation, replaced as a whole.
type TranslationInput struct {
	Title             string    `json:"title" api:"required"`
	Summary           string    `json:"summary"`
	Problem           string    `json:"problem"`
	TargetPopulation  string    `json:"targetPopulation"`
	Steps             []Step    `json:"steps"`
	Resources         Resources `json:"resources"`
	Results           string    `json:"results"`
	Evidence          string    `json:"evidence"`
	EvaluationSummary string    `json:"evaluationSummary"`
}

// Version is one published version in the history.
type Version struct {
	N        int       `json:"n"`
	At       time.Time `json:"at"`
	AuthorID string    `json:"authorId"`
}

// DiffLine is one line of a field's diff: op "=" kept, "-" removed, "+" added.
type DiffLine struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// FieldDiff is the line diff of one changed field.
type FieldDiff struct {
	Field   string     `json:"field"`
	Unified string     `json:"unified"`
	Lines   []DiffLine `json:"lines"`
}

// Diff is what changed between version N-1 and N (version 1 is compared with nothing).
type Diff struct {
	From   int         `json:"from"`
	To     int         `json:"to"`
	Fields []FieldDiff `json:"fields"`
}
