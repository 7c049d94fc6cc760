package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/clean"
	"github.com/teixit/teixit/server/httpx"
)

// FuzzDecodeBodies drives the API's one JSON decoder (httpx.Decode, with its hygiene pass) into every type
// the route table names (schemaTypes: every request body, and the responses for good measure). Any input
// must end in a value that encodes again and is already clean, or in an Invalid/Unsupported error in the
// error shape — never a panic. The seeds (each type's zero value, plus hostile shapes) run in the normal
// suite; `go test -fuzz FuzzDecodeBodies ./server/app/` explores further. The signalling protocol's decoder
// has its own target (media/signal FuzzDecode).
func FuzzDecodeBodies(f *testing.F) {
	names := make([]string, 0, len(schemaTypes))
	for n := range schemaTypes {
		names = append(names, n)
	}
	slices.Sort(names)
	hostile := []string{`{}`, `[]`, `null`, `"x"`, `{"name":"\u0000\u202e\u200b"}`, `{"name":1e400}`,
		`{"a":` + string(bytes.Repeat([]byte("["), 200)) + `}`, `{"name":"x"} {"name":"y"}`, "\xff\xfe", `{"title":"\ud800"}`,
		`{"scopes":["read","write","read"]}`, `{"items":[{"title":"x\u0007"}]}`}
	for i, n := range names {
		zero, err := json.Marshal(reflect.New(reflect.TypeOf(schemaTypes[n])).Interface())
		if err != nil {
			f.Fatalf("%s: %v", n, err)
		}
		f.Add(uint16(i), zero)
		f.Add(uint16(i), []byte(hostile[i%len(hostile)]))
	}
	web := fiber.New()
	f.Fuzz(func(t *testing.T, which uint16, body []byte) {
		name := names[int(which)%len(names)]
		v := reflect.New(reflect.TypeOf(schemaTypes[name])).Interface()
		c := web.AcquireCtx(&fasthttp.RequestCtx{})
		defer web.ReleaseCtx(c)
		c.Request().Header.SetMethod(fiber.MethodPost)
		c.Request().Header.SetContentType(fiber.MIMEApplicationJSON)
		c.Request().SetBody(body)
		err := httpx.Decode(c, v)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || (ae.Kind != apperr.Invalid && ae.Kind != apperr.Unsupported) || ae.Code == "" {
				t.Fatalf("%s: %q → %v", name, body, err)
			}
			return
		}
		once, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: decoded value does not encode: %v", name, err)
		}
		clean.Fields(v)
		twice, _ := json.Marshal(v)
		if !bytes.Equal(once, twice) {
			t.Fatalf("%s: decoded text was not clean: %s → %s", name, once, twice)
		}
	})
}
