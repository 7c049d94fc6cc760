package translation

import (
	"context"
	"slices"
	"strings"

	"github.com/teixit/teixit/server/apperr"
)

// Route is how a text gets from one language to another: the languages it passes through, first and last
// included (two for a direct pair, three through a pivot).
type Route []string

// Engine names the route as stored with a translation, e.g. "apertium:it>ca>en".
func (r Route) Engine() string { return "apertium:" + strings.Join(r, ">") }

// CheckLanguage is the input check for a language code: one of the platform's languages, else a 400.
func CheckLanguage(field, lang string) error {
	if !slices.Contains(Languages, lang) {
		return (&apperr.Error{Kind: apperr.Invalid, Code: "unsupported_language",
			Message: "This language is not one Teixit translates into: use ca, es, it, en or fr.",
			Fields:  apperr.Fields{field: apperr.OneOf(Languages...)}}).With("lang", lang)
	}
	return nil
}

// errNoRoute says the engine has neither the pair nor a pivot for it.
func errNoRoute(from, to string) error {
	return apperr.New(apperr.Invalid, "no_translation_route",
		"The translation engine cannot translate from "+from+" into "+to+".").With("from", from, "to", to)
}

// RouteFor finds the shortest way from → to with the engine's pairs: direct, else through a pivot (Catalan,
// then Spanish). Unknown languages and missing routes are 400s; an unreachable engine is ErrEngine.
func (e *Engine) RouteFor(ctx context.Context, from, to string) (Route, error) {
	if err := CheckLanguage("from", from); err != nil {
		return nil, err
	}
	if err := CheckLanguage("lang", to); err != nil {
		return nil, err
	}
	if from == to {
		return Route{from}, nil
	}
	pairs, err := e.Pairs(ctx)
	if err != nil {
		return nil, err
	}
	if pairs[[2]string{from, to}] {
		return Route{from, to}, nil
	}
	for _, p := range Pivots {
		if p != from && p != to && pairs[[2]string{from, p}] && pairs[[2]string{p, to}] {
			return Route{from, p, to}, nil
		}
	}
	return nil, errNoRoute(from, to)
}

// Targets lists the languages from can be translated into (direct or through a pivot).
func (e *Engine) Targets(ctx context.Context, from string) ([]string, error) {
	var out []string
	for _, to := range Languages {
		if to == from {
			continue
		}
		if _, err := e.RouteFor(ctx, from, to); err == nil {
			out = append(out, to)
		} else if !apperr.IsKind(err, apperr.Invalid) {
			return nil, err
		}
	}
	return out, nil
}
