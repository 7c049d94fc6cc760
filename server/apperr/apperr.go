// Package apperr is the error type domain code returns: a kind the HTTP layer maps to a status, a stable
// code for clients, and a message safe to show a person. It does not import the web framework.
package apperr

import (
	"errors"
	"fmt"
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

// Error is an error with a client-safe message.
type Error struct {
	Kind    Kind
	Code    string            // stable machine code, e.g. "email_taken"
	Message string            // a sentence a person can act on
	Fields  map[string]string // per-field reasons for validation errors
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

// New builds an error of a kind with a code and message.
func New(k Kind, code, message string) *Error {
	return &Error{Kind: k, Code: code, Message: message}
}

// Validation is an Invalid error with per-field reasons. It returns nil when fields is empty, so callers can
// collect problems and return Validation(fields) unconditionally.
func Validation(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "validation", Message: "Some fields need attention.", Fields: fields}
}

// NotFoundf is a NotFound error naming what was missing.
func NotFoundf(what string) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Message: what + " was not found."}
}

// Forbid is a Forbidden error with a message saying what is needed.
func Forbid(message string) *Error {
	return &Error{Kind: Forbidden, Code: "forbidden", Message: message}
}

// LoginRequired is the Unauthenticated error for endpoints that need a signed-in user.
func LoginRequired() *Error {
	return &Error{Kind: Unauthenticated, Code: "login_required", Message: "Log in to do this."}
}
