package apperr

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Languages are the languages the catalogs hold, English first: the language of the source messages and
// the one used when a request names none of the others.
var Languages = []string{"en", "ca", "es", "it"}

// The catalogs: catalog/<lang>.json maps "code.<code>" and "reason.<reason>" to text with {param}
// placeholders. Every code and reason the server can raise has an entry in each (see catalog_test.go).
//
//go:embed catalog/*.json
var catalogFiles embed.FS

var catalogs = loadCatalogs()

func loadCatalogs() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := catalogFiles.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			panic("apperr: missing catalog " + lang) // a build defect, caught by every test
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("apperr: catalog " + lang + ": " + err.Error())
		}
		out[lang] = m
	}
	return out
}

// Catalog returns a copy of one language's catalog (nil for an unknown language), for tests and tools.
func Catalog(lang string) map[string]string {
	c, ok := catalogs[lang]
	if !ok {
		return nil
	}
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

var placeholder = regexp.MustCompile(`\{([a-zA-Z0-9_]+)\}`)

// Text is the catalog text of key in lang (English when lang lacks it) with its placeholders filled from
// params; "" when no catalog has the key.
func Text(lang, key string, params map[string]any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs["en"][key]; !ok {
			return ""
		}
	}
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, ok := params[m[1:len(m)-1]]
		if !ok {
			return m
		}
		switch x := v.(type) {
		case []string:
			return strings.Join(x, ", ")
		default:
			return fmt.Sprint(x)
		}
	})
}

// Localize returns e's message and per-field sentences in lang. English readers get the message written at
// the call site (it may say more than the catalog's); the others get the catalog's text for the code.
func Localize(e *Error, lang string) (string, map[string]string) {
	msg := e.Message
	if lang != "en" || msg == "" {
		if t := Text(lang, "code."+e.Code, e.Params); t != "" {
			msg = t
		}
	}
	var fields map[string]string
	if len(e.Fields) > 0 {
		fields = make(map[string]string, len(e.Fields))
		for f, r := range e.Fields {
			fields[f] = Text(lang, "reason."+r.Code, r.Params)
			if fields[f] == "" {
				fields[f] = r.Code
			}
		}
	}
	return msg, fields
}
