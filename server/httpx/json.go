package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/clean"
)

// Decode reads the JSON request body into dst strictly: the body must be one JSON object, with no unknown
// fields, values of the right types and valid UTF-8. Each problem becomes an Invalid error that names the
// field when it can. Every string in dst then goes through the one input-hygiene rule (clean.Fields): names
// and titles lose control, bidirectional-override and zero-width characters, long text its control
// characters; fields tagged `clean:"-"` (passwords) stay exactly as sent.
func Decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.New(apperr.Invalid, "empty_body", "The request needs a JSON body.")
	}
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(strings.ToLower(ct), fiber.MIMEApplicationJSON) {
		return apperr.New(apperr.Unsupported, "unsupported_media_type", "Send the body as application/json.")
	}
	if !utf8.Valid(body) {
		return apperr.New(apperr.Invalid, "invalid_utf8", "The body is not valid UTF-8 text.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "malformed_json", "The body must hold a single JSON object.")
	}
	clean.Fields(dst)
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.New(apperr.Invalid, "malformed_json",
			fmt.Sprintf("The body is not valid JSON (near character %d).", syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apperr.New(apperr.Invalid, "malformed_json", "The body must be a JSON object.")
		}
		return apperr.Validation(apperr.Fields{field: apperr.WrongType(jsonKind(typ.Type.Kind().String()))})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Invalid, "malformed_json", "The body is not valid JSON (it ends too early).")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Validation(apperr.Fields{name: apperr.UnknownField()})
	default:
		return apperr.New(apperr.Invalid, "malformed_json", "The body could not be read as JSON.")
	}
}

// jsonKind names the JSON type a Go kind decodes from: string, boolean, number, list or object.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "number"
	case "slice", "array":
		return "list"
	default:
		return "object"
	}
}

// OK writes v as JSON with status 200.
func OK(c *fiber.Ctx, v any) error { return c.Status(fiber.StatusOK).JSON(v) }

// Created writes v as JSON with status 201.
func Created(c *fiber.Ctx, v any) error { return c.Status(fiber.StatusCreated).JSON(v) }

// NoContent answers 204.
func NoContent(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusNoContent) }

// List is the envelope of every list response: items plus the cursor of the next page ("" at the end).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor"`
}
