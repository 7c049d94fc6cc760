// Package apperr is the error type domain code returns: a kind the HTTP layer maps to a status, a stable
// code for clients, its parameters, per-field reasons from a small vocabulary, and an English message for
// logs and English readers. Text in other languages comes from the catalogs in this package (catalog.go),
// keyed by code, so every code must have catalog text (TestEveryCodeHasCatalogText). It does not import the
// web framework.
package apperr

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies an error for the HTTP layer.
type Kind int

// The kinds, each mapped to one HTTP status by httpx.
const (
	Internal            Kind = iota // 500: never carries a detailed message
	Invalid                         // 400: the request is malformed or fails validation
	Unauthenticated                 // 401: log in first
	Forbidden                       // 403: logged in, but not allowed
	NotFound                        // 404
	Conflict                        // 409: the state of things does not allow it (duplicate, wrong phase)
	TooLarge                        // 413
	Unsupported                     // 415
	RateLimited                     // 429
	RangeNotSatisfiable             // 416
)

// Error is an error with a client-safe code, parameters and message.
type Error struct {
	Kind Kind
	// Code is the stable machine code, e.g. "email_taken". Write it as a string literal at the call site:
	// the catalog test finds codes in the source.
	Code string
	// Params fill the placeholders of the code's catalog text ({max}, {phase}) and are sent to clients.
	Params map[string]any
	// Message is a sentence in English a person can act on; other languages use the catalog.
	Message string
	// Fields are per-field reasons for validation errors.
	Fields Fields
	// RetryAfter is set on RateLimited errors.
	RetryAfter time.Duration
	// Err is the cause, for logs only; it is never sent to clients.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// With returns a copy of e with parameters added from key, value pairs (keys are strings). Errors kept in
// package variables stay unchanged.
func (e *Error) With(kv ...any) *Error {
	c := *e
	c.Params = make(map[string]any, len(e.Params)+len(kv)/2)
	for k, v := range e.Params {
		c.Params[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			c.Params[k] = kv[i+1]
		}
	}
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err carries an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// New builds an error of a kind with a code (a string literal) and an English message.
func New(k Kind, code, message string) *Error {
	return &Error{Kind: k, Code: code, Message: message}
}

// Validation is an Invalid error with per-field reasons. It returns nil when fields is empty, so callers can
// collect problems and return Validation(fields) unconditionally.
func Validation(fields Fields) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "validation", Message: "Some fields need attention.", Fields: fields}
}

// NotFoundf is a NotFound error naming (in English) what was missing.
func NotFoundf(what string) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Message: what + " was not found."}
}

// WrongPhase is the 409 wrong_phase of a phase rule: "The <what> is in its <current> phase: <rule>." (a
// phase's underscores read as spaces).
func WrongPhase(what, current, rule string) *Error {
	return New(Conflict, "wrong_phase", "The "+what+" is in its "+strings.ReplaceAll(current, "_", " ")+" phase: "+rule+".")
}

// Forbid is a Forbidden error with an English message saying what is needed.
func Forbid(message string) *Error {
	return &Error{Kind: Forbidden, Code: "forbidden", Message: message}
}

// LoginRequired is the Unauthenticated error for endpoints that need a signed-in user.
func LoginRequired() *Error {
	return &Error{Kind: Unauthenticated, Code: "login_required", Message: "Log in to do this."}
}
