// Package translation gives every piece of user content a machine translation into the platform's languages,
// made by a self-hosted Apertium APY server (no text leaves the platform): the engine client with computed
// pivots and Markdown kept intact (this file, route.go, markup.go), translations stored with their source
// version and engine, corrections by the original's editors, and a queue of jobs kept in the store that
// several nodes share (store.go, jobs.go). Domains register a Kind (kind.go). See README.md here.
package translation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Codes maps the platform's ISO 639-1 language codes to the ISO 639-3 codes Apertium names its pairs with.
var Codes = map[string]string{"ca": "cat", "es": "spa", "it": "ita", "en": "eng", "fr": "fra"}

// Languages are the platform's languages, in the order the interface lists them.
var Languages = []string{"ca", "es", "it", "en", "fr"}

// Pivots are the languages a missing pair is routed through, in order of preference.
var Pivots = []string{"ca", "es"}

// ErrEngine wraps every failure to reach the engine or to get a translation from it (down, slow, a 5xx):
// jobs retry these; readers see the original meanwhile.
var ErrEngine = errors.New("translation engine unavailable")

// Engine is an Apertium APY server.
type Engine struct {
	base    string
	client  *http.Client
	pairsMu sync.Mutex
	pairs   map[[2]string]bool
	pairsAt time.Time
	// PairsTTL is how long the engine's list of pairs is reused before asking again. Default 5 min.
	PairsTTL time.Duration
}

// NewEngine returns a client for the APY at base (e.g. http://127.0.0.1:2737). timeout bounds each request
// to the engine (default 30 s).
func NewEngine(base string, timeout time.Duration) (*Engine, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("translation: %q is not an http(s) URL of an Apertium APY server", base)
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Engine{base: u.String(), client: &http.Client{Timeout: timeout}, PairsTTL: 5 * time.Minute}, nil
}

type apyEnvelope struct {
	ResponseData    json.RawMessage `json:"responseData"`
	ResponseDetails any             `json:"responseDetails"`
	ResponseStatus  int             `json:"responseStatus"`
}

// call POSTs form to path and decodes responseData into out.
func (e *Engine) call(ctx context.Context, path string, form url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrEngine, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrEngine, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrEngine, err)
	}
	var env apyEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%w: %s answered %d with no APY response", ErrEngine, path, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK || env.ResponseStatus != http.StatusOK {
		return fmt.Errorf("%w: %s answered %d: %v", ErrEngine, path, resp.StatusCode, env.ResponseDetails)
	}
	if err := json.Unmarshal(env.ResponseData, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrEngine, path, err)
	}
	return nil
}

// Pairs returns the engine's direct pairs between platform languages, as [from, to] ISO 639-1 codes, asking
// the engine at most once per PairsTTL (variants such as cat_valencia are not platform languages).
func (e *Engine) Pairs(ctx context.Context) (map[[2]string]bool, error) {
	e.pairsMu.Lock()
	defer e.pairsMu.Unlock()
	if e.pairs != nil && time.Since(e.pairsAt) < e.PairsTTL {
		return e.pairs, nil
	}
	var list []struct {
		Source string `json:"sourceLanguage"`
		Target string `json:"targetLanguage"`
	}
	if err := e.call(ctx, "/listPairs", url.Values{}, &list); err != nil {
		return nil, err
	}
	back := map[string]string{}
	for iso1, iso3 := range Codes {
		back[iso3] = iso1
	}
	pairs := map[[2]string]bool{}
	for _, p := range list {
		from, ok1 := back[p.Source]
		to, ok2 := back[p.Target]
		if ok1 && ok2 {
			pairs[[2]string{from, to}] = true
		}
	}
	e.pairs, e.pairsAt = pairs, time.Now()
	return pairs, nil
}

// hop translates text (HTML: tags are kept in place as Apertium superblanks) over one direct pair.
func (e *Engine) hop(ctx context.Context, from, to, text string) (string, error) {
	var out struct {
		TranslatedText string `json:"translatedText"`
	}
	form := url.Values{"langpair": {Codes[from] + "|" + Codes[to]}, "q": {text}, "markUnknown": {"no"}}
	if err := e.call(ctx, "/translate", form, &out); err != nil {
		return "", err
	}
	return out.TranslatedText, nil
}
