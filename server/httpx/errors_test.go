package httpx_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/httpx"
)

// TestErrorsInTheRequestLanguage: the message and field sentences follow Accept-Language, then the
// account's language, then English; codes and reasons are the same data in every language.
func TestErrorsInTheRequestLanguage(t *testing.T) {
	account := ""
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(*fiber.Ctx) string { return account })})
	app.Post("/x", func(c *fiber.Ctx) error {
		return apperr.Validation(apperr.Fields{"title": apperr.Length(3, 200)})
	})
	app.Get("/conflict", func(c *fiber.Ctx) error {
		return apperr.New(apperr.Conflict, "too_many_follows", "You follow too many things. Unfollow some first.")
	})
	cases := []struct {
		name, path, accept, account string
		status                      int
		message, field              string
	}{
		{"catalan header", "/x", "ca-ES,ca;q=0.9,en;q=0.5", "", 400, "Cal revisar alguns camps.", "ha de tenir entre 3 i 200 caràcters"},
		{"spanish over account", "/x", "es", "it", 400, "Hay que revisar algunos campos.", "debe tener entre 3 y 200 caracteres"},
		{"account language without header", "/x", "", "it", 400, "Alcuni campi vanno controllati.", "deve avere tra 3 e 200 caratteri"},
		{"unknown language falls to account", "/x", "de", "ca", 400, "Cal revisar alguns camps.", ""},
		{"nothing: English", "/x", "", "", 400, "Some fields need attention.", "must have between 3 and 200 characters"},
		{"English keeps the call site's words", "/conflict", "en-GB", "ca", 409, "You follow too many things. Unfollow some first.", ""},
		{"Italian conflict", "/conflict", "it", "", 409, "Segui troppe cose. Prima smetti di seguirne alcune.", ""},
		{"framework 404", "/nowhere", "es", "", 404, "No se ha encontrado: quizá se ha borrado o la dirección no es correcta.", ""},
		{"garbage header", "/x", ";;;q=x,", "", 400, "Some fields need attention.", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			account = tc.account
			method := "POST"
			if tc.path != "/x" {
				method = "GET"
			}
			req := httptest.NewRequest(method, tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Error struct {
					Code    string                   `json:"code"`
					Message string                   `json:"message"`
					Fields  map[string]string        `json:"fields"`
					Reasons map[string]apperr.Reason `json:"reasons"`
				} `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || body.Error.Message != tc.message {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body.Error.Message, tc.status, tc.message)
			}
			if tc.field != "" && body.Error.Fields["title"] != tc.field {
				t.Errorf("field = %q, want %q", body.Error.Fields["title"], tc.field)
			}
			if tc.path == "/x" {
				r := body.Error.Reasons["title"]
				if r.Code != "length" || r.Params["min"] != float64(3) || r.Params["max"] != float64(200) {
					t.Errorf("reason = %+v", r)
				}
			}
			if resp.Header.Get("Content-Language") == "" {
				t.Error("no Content-Language")
			}
		})
	}
}
