// Package httpx holds the HTTP helpers every handler shares: JSON decoding with clear errors, the one error
// shape, response helpers and cross-cutting middleware (security headers, access log, metrics).
package httpx

import (
	"errors"
	"log/slog"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
)

// ErrorBody is the one error shape: {"error": {"code", "message", "fields"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
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

// fiberCodes turns the framework's own errors (routing, body limit) into our codes and messages.
var fiberCodes = map[int]ErrorDetail{
	fiber.StatusNotFound:              {Code: "not_found", Message: "There is nothing at this address."},
	fiber.StatusMethodNotAllowed:      {Code: "method_not_allowed", Message: "This address does not accept that method."},
	fiber.StatusRequestEntityTooLarge: {Code: "too_large", Message: "The request is too large."},
	fiber.StatusBadRequest:            {Code: "bad_request", Message: "The request could not be read."},
	fiber.StatusRequestTimeout:        {Code: "timeout", Message: "The request took too long to arrive."},
}

// ErrorHandler returns the Fiber error handler that writes every failure in the one error shape. Internal
// errors are logged with the request id and answered with a generic message.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		status, body := describe(err)
		if status >= 500 {
			log.Error("request failed", "err", err, "method", c.Method(), "path", c.Path(),
				"request_id", c.GetRespHeader(fiber.HeaderXRequestID))
		}
		if e, ok := apperr.As(err); ok && e.Kind == apperr.RateLimited && e.RetryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(status).JSON(body)
	}
}

func describe(err error) (int, ErrorBody) {
	if e, ok := apperr.As(err); ok {
		status, known := kindStatus[e.Kind]
		if !known || e.Kind == apperr.Internal {
			return fiber.StatusInternalServerError, internalBody()
		}
		return status, ErrorBody{Error: ErrorDetail{Code: e.Code, Message: e.Message, Fields: e.Fields}}
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if d, ok := fiberCodes[fe.Code]; ok {
			return fe.Code, ErrorBody{Error: d}
		}
		if fe.Code < 500 {
			return fe.Code, ErrorBody{Error: ErrorDetail{Code: "bad_request", Message: fe.Message}}
		}
	}
	return fiber.StatusInternalServerError, internalBody()
}

func internalBody() ErrorBody {
	return ErrorBody{Error: ErrorDetail{Code: "internal", Message: "Something went wrong on our side. Please try again in a moment."}}
}
