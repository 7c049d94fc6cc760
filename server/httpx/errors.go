// Package httpx holds the HTTP helpers every handler shares: JSON decoding with clear errors, the one error
// shape, response helpers and cross-cutting middleware (security headers, access log, metrics).
package httpx

import (
	"errors"
	"log/slog"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"

	"github.com/teixit/teixit/server/apperr"
)

// ErrorBody is the one error shape: {"error": {"code", "message", "fields", "params", "reasons"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody. Code and Reasons are the data a client translates; Message and
// Fields are the same in the request's language for those who show the server's words.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Fields maps each refused field to a sentence in the request's language.
	Fields map[string]string `json:"fields,omitempty"`
	// Params are the code's parameters (e.g. {"max": 50}).
	Params map[string]any `json:"params,omitempty"`
	// Reasons maps each refused field to its reason code and parameters.
	Reasons apperr.Fields `json:"reasons,omitempty"`
}

var kindStatus = map[apperr.Kind]int{
	apperr.Internal:            fiber.StatusInternalServerError,
	apperr.Invalid:             fiber.StatusBadRequest,
	apperr.Unauthenticated:     fiber.StatusUnauthorized,
	apperr.Forbidden:           fiber.StatusForbidden,
	apperr.NotFound:            fiber.StatusNotFound,
	apperr.Conflict:            fiber.StatusConflict,
	apperr.TooLarge:            fiber.StatusRequestEntityTooLarge,
	apperr.Unsupported:         fiber.StatusUnsupportedMediaType,
	apperr.RateLimited:         fiber.StatusTooManyRequests,
	apperr.RangeNotSatisfiable: fiber.StatusRequestedRangeNotSatisfiable,
}

// fiberErrors turns the framework's own errors (routing, body limit) into our codes and messages.
var fiberErrors = map[int]*apperr.Error{
	fiber.StatusNotFound:              apperr.New(apperr.NotFound, "not_found", "There is nothing at this address."),
	fiber.StatusMethodNotAllowed:      apperr.New(apperr.Invalid, "method_not_allowed", "This address does not accept that method."),
	fiber.StatusRequestEntityTooLarge: apperr.New(apperr.TooLarge, "too_large", "The request is too large."),
	fiber.StatusBadRequest:            apperr.New(apperr.Invalid, "bad_request", "The request could not be read."),
	fiber.StatusRequestTimeout:        apperr.New(apperr.Invalid, "timeout", "The request took too long to arrive."),
}

var errInternal = apperr.New(apperr.Internal, "internal", "Something went wrong on our side. Please try again in a moment.")

// LanguageOf returns the signed-in account's language for a request ("" when none); the app wires it to the
// auth principal so httpx need not import auth.
type LanguageOf func(c *fiber.Ctx) string

var errorLanguages = func() language.Matcher {
	tags := make([]language.Tag, len(apperr.Languages))
	for i, l := range apperr.Languages {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
}()

// RequestLanguage is the language of the answer to c: the best match of its Accept-Language among
// apperr.Languages, then the account's language, then English.
func RequestLanguage(c *fiber.Ctx, account LanguageOf) string {
	if h := c.Get(fiber.HeaderAcceptLanguage); h != "" {
		if prefs, _, err := language.ParseAcceptLanguage(h); err == nil && len(prefs) > 0 {
			if _, i, conf := errorLanguages.Match(prefs...); conf != language.No {
				return apperr.Languages[i]
			}
		}
	}
	if account != nil {
		if l := account(c); l != "" {
			for _, known := range apperr.Languages {
				if l == known {
					return l
				}
			}
		}
	}
	return "en"
}

// ErrorHandler returns the Fiber error handler that writes every failure in the one error shape, its message
// and field sentences in the request's language (RequestLanguage). Internal errors are logged with the
// request id and answered with a generic message.
func ErrorHandler(log *slog.Logger, account LanguageOf) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, e := describe(err)
		if status >= 500 {
			log.Error("request failed", "err", err, "method", c.Method(), "path", c.Path(),
				"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		}
		if e.Kind == apperr.RateLimited && e.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
		lang := RequestLanguage(c, account)
		c.Set(fiber.HeaderContentLanguage, lang)
		msg, fields := apperr.Localize(e, lang)
		return c.Status(status).JSON(ErrorBody{Error: ErrorDetail{
			Code: e.Code, Message: msg, Fields: fields, Params: e.Params, Reasons: e.Fields}})
	}
}

func describe(err error) (int, *apperr.Error) {
	if e, ok := apperr.As(err); ok {
		status, known := kindStatus[e.Kind]
		if !known || e.Kind == apperr.Internal {
			return fiber.StatusInternalServerError, errInternal
		}
		return status, e
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if e, ok := fiberErrors[fe.Code]; ok {
			return fe.Code, e
		}
		if fe.Code < 500 {
			return fe.Code, fiberErrors[fiber.StatusBadRequest]
		}
	}
	return fiber.StatusInternalServerError, errInternal
}
