// Package search is Teixit's search engine and read model: a Bleve (scorch)
// index on disk that answers full-text searches, lists, filters, sorts, facet
// counts and dashboards for every kind of content, with the reader's access
// rights applied inside every query.
//
// The package imports neither the server nor any store driver; the server
// feeds it through the small ChangeLog and Loader interfaces (see indexer.go).
package search

import (
	"errors"
	"fmt"
	"time"
)

// Languages supported by the analyzers, as ISO 639-1 codes.
const (
	Catalan = "ca"
	Spanish = "es"
	Italian = "it"
	English = "en"
	French  = "fr"
)

// Languages lists every supported language in a fixed order; each has its
// own title_<lang> and body_<lang> fields in the index.
var Languages = []string{Catalan, Spanish, Italian, English, French}

// Visibility values. A document carries one or more of them; a reader sees a
// document when any of its visibility values is granted to the reader.
const (
	// Public documents are visible to everyone, anonymous readers included.
	Public = "public"
	// OrgPrefix + orgID restricts a document to that organisation's members.
	OrgPrefix = "org:"
	// UserPrefix + userID restricts a document to that named user.
	UserPrefix = "user:"
	// StaffPrefix + orgID restricts a document to that organisation's staff
	// (its admins and professionals): what is pending or hidden in its records.
	// Plain members do not carry it.
	StaffPrefix = "staff:"
)

// Document is the one indexed shape for every kind of content. The server
// converts each domain record into a Document through its Loader.
type Document struct {
	ID           string             // globally unique, e.g. "practice:abc"
	Kind         string             // practice, contribution, finding, action, exchange_day, ...
	SearchKind   string             // the kind full-text search filters and counts it as (a translation: its original's); Kind when empty
	Title        string             // short title, used for highlighting, sorting and suggestions
	Body         string             // long text, analysed in Language
	Language     string             // ca|es|it|en|fr; empty means "detect from Title+Body"
	Themes       []string           // theme keywords, exact values
	Territory    []string           // the territory id and all its ancestors' ids
	Organisation string             // owning organisation id
	Parent       string             // e.g. the diagnosis a contribution belongs to
	Status       string             // e.g. draft, published, hidden; empty is indexed as "published"
	Visibility   []string           // Public, OrgPrefix+id, UserPrefix+id; empty is indexed as private to nobody
	Created      time.Time          // creation time
	Updated      time.Time          // last change
	Geo          *GeoPoint          // optional point on the map
	Keywords     map[string]string  // extra keyword fields for filters and facets, e.g. "contribution_kind": "need"
	Numbers      map[string]float64 // extra numeric fields for ranges and sorting, e.g. "supports": 12
}

// GeoPoint is a WGS84 position.
type GeoPoint struct {
	Lat, Lon float64
}

// docType is the single Bleve document type of the index.
const docType = "doc"

// BleveType names the Bleve document mapping for a Document, so Bleve never
// falls back to the default mapping (which matches TypeField against Go
// field names, not JSON tags). The index stores a flattened projection of the
// Document (see mapping.go) that reports the same type.
func (Document) BleveType() string { return docType }

// Reader is who is asking. The zero Reader is an anonymous visitor.
type Reader struct {
	UserID string   // empty for anonymous readers
	Orgs   []string // organisations the reader is a member of
	Staff  []string // organisations the reader is an admin or professional of
	Admin  bool     // platform admins see everything
}

// Grants lists the visibility values r holds (platform admins hold every
// value; Grants does not list them). The index's access filter and the Go
// re-check (Sees) both come from it, so they cannot disagree.
func (r Reader) Grants() []string {
	g := make([]string, 0, 2+len(r.Orgs)+len(r.Staff))
	g = append(g, Public)
	if r.UserID != "" {
		g = append(g, UserPrefix+r.UserID)
	}
	for _, o := range r.Orgs {
		if o != "" {
			g = append(g, OrgPrefix+o)
		}
	}
	for _, o := range r.Staff {
		if o != "" {
			g = append(g, StaffPrefix+o)
		}
	}
	return g
}

// Sees reports whether r may read a record with these visibility values:
// the Go side of the rule the index applies in every query.
func (r Reader) Sees(visibility []string) bool {
	if r.Admin {
		return true
	}
	for _, g := range r.Grants() {
		for _, v := range visibility {
			if v == g {
				return true
			}
		}
	}
	return false
}

// ErrNotFound is returned when a document id is not in the index.
var ErrNotFound = errors.New("search: not found")

// ErrCheckpointMoved is returned by Apply when the index checkpoint is behind
// the batch's base (the index was rebuilt or swapped underneath the caller);
// the caller must re-read its checkpoint and start again from there.
var ErrCheckpointMoved = errors.New("search: checkpoint moved")

// InputError is a validation error in a request; the server maps it to a
// 400 response. Message is safe to show to the client.
type InputError struct {
	Field   string
	Message string
	// Max, when set, is the limit the input went over (MaxWords for "q").
	Max int
}

// Error formats the field and message for logs.
func (e *InputError) Error() string {
	return fmt.Sprintf("search: invalid %s: %s", e.Field, e.Message)
}

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...)}
}
