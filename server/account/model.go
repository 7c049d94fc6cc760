// Package account owns people's identity on Teixit: accounts, passwords, sessions and personal access
// tokens, and each person's own data (export, deletion).
package account

import (
	"time"

	"github.com/teixit/teixit/server/auth"
)

// Languages the interface is translated into; an account's language is one of these.
var Languages = []string{"ca", "es", "it", "en"}

func validLanguage(l string) bool {
	for _, x := range Languages {
		if x == l {
			return true
		}
	}
	return false
}

// userDoc is a stored account. Email addresses are claimed in the emails collection (keyed by the
// normalised address) so that uniqueness and login lookups are `_id` operations.
type userDoc struct {
	ID            string    `bson:"_id"`
	Email         string    `bson:"email"`
	Name          string    `bson:"name"`
	Language      string    `bson:"language"`
	PasswordHash  string    `bson:"passwordHash"`
	PlatformAdmin bool      `bson:"platformAdmin"`
	OrgIDs        []string  `bson:"orgIds"` // organisations the person belongs to: a subset of memberships, see organisation
	CreatedAt     time.Time `bson:"createdAt"`
	Deleted       bool      `bson:"deleted,omitempty"`
}

type emailDoc struct {
	ID     string `bson:"_id"` // normalised email
	UserID string `bson:"userId"`
}

type sessionDoc struct {
	ID        string    `bson:"_id"` // sha256 of the cookie value: a leaked store does not leak live sessions
	UserID    string    `bson:"userId"`
	CSRF      string    `bson:"csrf"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

type tokenDoc struct {
	ID         string     `bson:"_id"` // sha256 of the token
	PublicID   string     `bson:"publicId"`
	UserID     string     `bson:"userId"`
	Name       string     `bson:"name"`
	Scopes     []string   `bson:"scopes,omitempty"` // empty on tokens made before scopes: read and write
	CreatedAt  time.Time  `bson:"createdAt"`
	ExpiresAt  *time.Time `bson:"expiresAt,omitempty"` // nil on tokens made before expiry
	LastUsedAt *time.Time `bson:"lastUsedAt,omitempty"`
}

// scopes returns the token's scopes (tokens made before scopes existed could read and write).
func (t *tokenDoc) scopes() []string {
	if len(t.Scopes) == 0 {
		return []string{auth.ScopeRead, auth.ScopeWrite}
	}
	return t.Scopes
}

// User is the API view of an account.
type User struct {
	ID            string `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	Language      string `json:"language"`
	PlatformAdmin bool   `json:"platformAdmin"`
}

// Token is the API view of a personal access token; Secret is set only in the response that creates it.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	Secret     string     `json:"token,omitempty"`
}

func (u *userDoc) api() User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Language: u.Language, PlatformAdmin: u.PlatformAdmin}
}

func (t *tokenDoc) api() Token {
	return Token{ID: t.PublicID, Name: t.Name, Scopes: t.scopes(), CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt,
		LastUsedAt: t.LastUsedAt}
}
