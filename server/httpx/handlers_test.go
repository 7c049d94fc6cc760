package httpx_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/httpx"
)

type note struct {
	Title string `json:"title"`
}

type ctxKey struct{}

// notes is a service in the shape the handler shapes call: the request's context, the caller, the :id and
// the decoded body. Its answers say what it was given; "missing" and "taken" are its refusals.
type notes struct{}

func (notes) check(ctx context.Context, id, title string) error {
	if ctx.Value(ctxKey{}) != "user context" {
		return errors.New("not the request's user context")
	}
	if id == "missing" {
		return apperr.NotFoundf("The note")
	}
	if title == "taken" {
		return apperr.New(apperr.Conflict, "title_taken", "That title is taken.")
	}
	return nil
}

func (s notes) create(ctx context.Context, who string, in note) (note, error) {
	return note{Title: who + " made " + in.Title}, s.check(ctx, "", in.Title)
}

func (s notes) update(ctx context.Context, who, id string, in note) (*note, error) {
	if err := s.check(ctx, id, in.Title); err != nil {
		return nil, err
	}
	return &note{Title: who + " renamed " + id + " " + in.Title}, nil
}

func (s notes) get(ctx context.Context, who, id string) (note, error) {
	return note{Title: who + " read " + id}, s.check(ctx, id, "")
}

func (s notes) versions(ctx context.Context, who, id string) ([]note, error) {
	if id == "new" {
		return nil, s.check(ctx, id, "")
	}
	return []note{{Title: who + " read " + id + " v1"}, {Title: "v2"}}, s.check(ctx, id, "")
}

func (s notes) remove(ctx context.Context, who, id string) error { return s.check(ctx, id, "") }

func (s notes) report(ctx context.Context, who, id string, in note) error {
	return s.check(ctx, id, in.Title)
}

// TestHandlerShapes drives each shape through a real app and its real error handler: the status asked for,
// the service's result as JSON, Decode's refusals and the service's errors answered in the one error shape.
func TestHandlerShapes(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)})
	app.Use(func(c *fiber.Ctx) error {
		c.SetUserContext(context.WithValue(c.UserContext(), ctxKey{}, "user context"))
		return c.Next()
	})
	var s notes
	who := func(c *fiber.Ctx) string { return c.Get("X-Who") }
	app.Post("/notes", func(c *fiber.Ctx) error { return httpx.Body(c, fiber.StatusCreated, who(c), s.create) })
	app.Patch("/notes/:id", func(c *fiber.Ctx) error { return httpx.BodyOn(c, fiber.StatusOK, who(c), s.update) })
	app.Get("/notes/:id", func(c *fiber.Ctx) error { return httpx.On(c, fiber.StatusOK, who(c), s.get) })
	app.Post("/notes/:id/copies", func(c *fiber.Ctx) error { return httpx.On(c, fiber.StatusCreated, who(c), s.get) })
	app.Get("/notes/:id/versions", func(c *fiber.Ctx) error { return httpx.ListOn(c, who(c), s.versions) })
	app.Delete("/notes/:id", func(c *fiber.Ctx) error { return httpx.DoOn(c, who(c), s.remove) })
	app.Post("/notes/:id/report", func(c *fiber.Ctx) error { return httpx.DoBodyOn(c, who(c), s.report) })
	app.Get("/notes", func(c *fiber.Ctx) error { // a list that parses its own filters, then answers a page
		items, err := s.versions(c.UserContext(), who(c), c.Query("of"))
		next := ""
		if len(items) > 0 {
			next = "after-" + items[len(items)-1].Title
		}
		return httpx.Page(c, items, next, err)
	})

	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string // the whole answer, or a fragment of an error answer
	}{
		{"body: created", "POST", "/notes", `{"title":"hello"}`, 201, `{"title":"ana made hello"}`},
		{"body: malformed", "POST", "/notes", `{"title":`, 400, `"code":"malformed_json"`},
		{"body: unknown field", "POST", "/notes", `{"name":"x"}`, 400, `"reasons":{"name":{"code":"unknown_field"`},
		{"body: wrong type", "POST", "/notes", `{"title":3}`, 400, `"reasons":{"title":{"code":"wrong_type"`},
		{"body: empty", "POST", "/notes", ``, 400, `"code":"empty_body"`},
		{"body: two objects", "POST", "/notes", `{"title":"a"}{"title":"b"}`, 400, `"code":"malformed_json"`},
		{"body: refused by the service", "POST", "/notes", `{"title":"taken"}`, 409, `"code":"title_taken"`},
		{"body on: ok", "PATCH", "/notes/n1", `{"title":"bye"}`, 200, `{"title":"ana renamed n1 bye"}`},
		{"body on: bad body", "PATCH", "/notes/n1", `[1]`, 400, `"code":"malformed_json"`},
		{"body on: not found", "PATCH", "/notes/missing", `{"title":"bye"}`, 404, `"code":"not_found"`},
		{"on: read", "GET", "/notes/n1", ``, 200, `{"title":"ana read n1"}`},
		{"on: its status", "POST", "/notes/n1/copies", ``, 201, `{"title":"ana read n1"}`},
		{"on: body not read", "POST", "/notes/n1/copies", `not json`, 201, `{"title":"ana read n1"}`},
		{"on: not found", "GET", "/notes/missing", ``, 404, `"message":"The note was not found."`},
		{"list on: items", "GET", "/notes/n1/versions", ``, 200, `{"items":[{"title":"ana read n1 v1"},{"title":"v2"}],"nextCursor":""}`},
		{"list on: none", "GET", "/notes/new/versions", ``, 200, `{"items":null,"nextCursor":""}`},
		{"list on: not found", "GET", "/notes/missing/versions", ``, 404, `"code":"not_found"`},
		{"page: items and next", "GET", "/notes?of=n1", ``, 200, `{"items":[{"title":"ana read n1 v1"},{"title":"v2"}],"nextCursor":"after-v2"}`},
		{"page: the last", "GET", "/notes?of=new", ``, 200, `{"items":null,"nextCursor":""}`},
		{"page: service error", "GET", "/notes?of=missing", ``, 404, `"code":"not_found"`},
		{"do on: no content", "DELETE", "/notes/n1", ``, 204, ``},
		{"do on: not found", "DELETE", "/notes/missing", ``, 404, `"code":"not_found"`},
		{"do body on: no content", "POST", "/notes/n1/report", `{"title":"spam"}`, 204, ``},
		{"do body on: bad body", "POST", "/notes/n1/report", `{"title":"spam","x":1}`, 400, `"reasons":{"x":{"code":"unknown_field"`},
		{"do body on: refused", "POST", "/notes/n1/report", `{"title":"taken"}`, 409, `"code":"title_taken"`},
		{"do body on: not found", "POST", "/notes/missing/report", `{"title":"spam"}`, 404, `"code":"not_found"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Who", "ana")
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, got)
			}
			switch {
			case tc.status < 300 && got != tc.want:
				t.Fatalf("answer %s, want %s", got, tc.want)
			case tc.status >= 400 && !strings.Contains(got, tc.want):
				t.Fatalf("answer %s, want it to hold %s", got, tc.want)
			}
		})
	}
}

// TestHandlerShapesContentType: a body in another media type is Decode's 415, before the service is called.
func TestHandlerShapesContentType(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)})
	called := false
	app.Post("/notes", func(c *fiber.Ctx) error {
		return httpx.Body(c, fiber.StatusCreated, "ana", func(context.Context, string, note) (note, error) {
			called = true
			return note{}, nil
		})
	})
	req := httptest.NewRequest("POST", "/notes", strings.NewReader(`title=hello`))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 415 || !strings.Contains(string(b), `"code":"unsupported_media_type"`) || called {
		t.Fatalf("got %d %s, service called: %v", resp.StatusCode, b, called)
	}
}
