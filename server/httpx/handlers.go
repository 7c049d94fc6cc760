package httpx

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// The shapes of a handler whose whole work is one service call: decode, call, answer. With them such a
// handler is one line that names its call; whatever does more (query parameters, headers, several calls)
// is written out. who is what the service is given as the caller (auth.From(c) for most: httpx does not
// import auth). Errors from Decode and from the call are returned unchanged, for the app's ErrorHandler.

// Body decodes the JSON body (Decode) and answers status with what call makes of it for who.
func Body[P, In, Out any](c *fiber.Ctx, status int, who P, call func(context.Context, P, In) (Out, error)) error {
	var in In
	if err := Decode(c, &in); err != nil {
		return err
	}
	out, err := call(c.UserContext(), who, in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// BodyOn decodes the JSON body and answers status with what call makes of it for who on the record named by
// the path's :id.
func BodyOn[P, In, Out any](c *fiber.Ctx, status int, who P, call func(context.Context, P, string, In) (Out, error)) error {
	var in In
	if err := Decode(c, &in); err != nil {
		return err
	}
	out, err := call(c.UserContext(), who, c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// On answers status with what call returns for who on the record named by the path's :id: a read, or an
// action whose answer is the record. The request body is not read.
func On[P, Out any](c *fiber.Ctx, status int, who P, call func(context.Context, P, string) (Out, error)) error {
	out, err := call(c.UserContext(), who, c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// ListOn answers 200 with the items call returns for who on the record named by the path's :id, as a List
// with no next page (lists short enough to be answered whole).
func ListOn[P, T any](c *fiber.Ctx, who P, call func(context.Context, P, string) ([]T, error)) error {
	items, err := call(c.UserContext(), who, c.Params("id"))
	if err != nil {
		return err
	}
	return OK(c, List[T]{Items: items})
}

// Page answers one page of a list: err when the service failed, else 200 with the items and the cursor of
// the next page ("" at the end). Handlers that parse their own filters end with it.
func Page[T any](c *fiber.Ctx, items []T, next string, err error) error {
	if err != nil {
		return err
	}
	return OK(c, List[T]{Items: items, NextCursor: next})
}

// DoOn runs call for who on the record named by the path's :id and answers 204 No Content.
func DoOn[P any](c *fiber.Ctx, who P, call func(context.Context, P, string) error) error {
	if err := call(c.UserContext(), who, c.Params("id")); err != nil {
		return err
	}
	return NoContent(c)
}

// DoBodyOn decodes the JSON body, runs call with it for who on the record named by the path's :id and
// answers 204 No Content.
func DoBodyOn[P, In any](c *fiber.Ctx, who P, call func(context.Context, P, string, In) error) error {
	var in In
	if err := Decode(c, &in); err != nil {
		return err
	}
	if err := call(c.UserContext(), who, c.Params("id"), in); err != nil {
		return err
	}
	return NoContent(c)
}
