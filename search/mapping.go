package search

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
)

// Index field names. Text is indexed per language: a document's title and
// body go to title_<lang> and body_<lang> only, analysed with that
// language's analyzer, so queries search every language field each with its
// own analyzer. Keyword fields hold exact values (one term per value) with
// doc values for sorting and facets. Nothing goes to _all.
const (
	fKind       = "kind"
	fSearchKind = "skind" // the kind full-text search filters and facets on: Document.SearchKind, else Kind
	fLang       = "lang"
	fTheme      = "theme"
	fTerritory  = "territory"
	fOrg        = "org"
	fParent     = "parent"
	fStatus     = "status"
	fVisibility = "visibility"
	fYear       = "year"
	fTitleKey   = "title_key" // folded lowercase title, for sorting by title
	fUID        = "uid"       // the document id as a doc-valued keyword: a cheap sort tiebreak
	fSuggest    = "suggest"   // title words, unstemmed, for prefix completion
	fCreated    = "created"
	fUpdated    = "updated"
	fGeo        = "geo"
	fMeta       = "meta" // stored only: JSON of everything but the body
	fKeywordPfx = "x."   // extra keyword fields: x.<name>
	fNumberPfx  = "n."   // extra numeric fields: n.<name>
)

func titleField(lang string) string { return "title_" + lang }
func bodyField(lang string) string  { return "body_" + lang }

// statusPublished is the status of documents indexed without one.
const statusPublished = "published"

// newMapping builds the index mapping: one document type, explicit fields,
// dynamic mapping only below x. (keywords) and n. (numbers).
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = keywordAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = true
	im.DocValuesDynamic = true

	dm := mapping.NewDocumentStaticMapping()
	keyword := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, false, false, true
		return f
	}
	for _, name := range []string{fKind, fSearchKind, fLang, fTheme, fTerritory, fOrg, fParent, fStatus, fVisibility, fYear, fTitleKey, fUID} {
		dm.AddFieldMappingsAt(name, keyword())
	}
	sug := mapping.NewTextFieldMapping()
	sug.Analyzer, sug.Store, sug.IncludeInAll, sug.IncludeTermVectors, sug.DocValues = simpleAnalyzer, false, false, false, false
	dm.AddFieldMappingsAt(fSuggest, sug)
	for _, lang := range Languages {
		for _, name := range []string{titleField(lang), bodyField(lang)} {
			f := mapping.NewTextFieldMapping()
			// stored with term vectors: the highlighter needs both; no doc
			// values on long text.
			f.Analyzer, f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = analyzerFor(lang), true, false, true, false
			dm.AddFieldMappingsAt(name, f)
		}
	}
	for _, name := range []string{fCreated, fUpdated} {
		f := mapping.NewDateTimeFieldMapping()
		f.Store, f.IncludeInAll, f.DocValues = false, false, true
		dm.AddFieldMappingsAt(name, f)
	}
	geo := mapping.NewGeoPointFieldMapping()
	geo.Store, geo.IncludeInAll = false, false
	dm.AddFieldMappingsAt(fGeo, geo)
	meta := mapping.NewTextFieldMapping()
	meta.Index, meta.Store, meta.IncludeInAll, meta.DocValues = false, true, false, false
	dm.AddFieldMappingsAt(fMeta, meta)

	x := mapping.NewDocumentMapping()
	x.Dynamic, x.DefaultAnalyzer = true, keywordAnalyzer
	dm.AddSubDocumentMapping(strings.TrimSuffix(fKeywordPfx, "."), x)
	n := mapping.NewDocumentMapping()
	n.Dynamic = true
	dm.AddSubDocumentMapping(strings.TrimSuffix(fNumberPfx, "."), n)
	all := mapping.NewDocumentDisabledMapping()
	dm.AddSubDocumentMapping("_all", all)

	im.AddDocumentMapping(docType, dm)
	im.DefaultMapping = mapping.NewDocumentDisabledMapping()
	im.DefaultType = docType
	return im, nil
}

// bleveDoc is the flattened projection of a Document that the index maps.
type bleveDoc map[string]interface{}

// BleveType selects the "doc" mapping.
func (bleveDoc) BleveType() string { return docType }

// meta is the stored form of a Document, without the body (stored in its
// language field) to keep stored data small.
type meta struct {
	Kind         string             `json:"k"`
	SearchKind   string             `json:"sk,omitempty"` // only when it differs from Kind
	Title        string             `json:"t"`
	Language     string             `json:"l"`
	Themes       []string           `json:"th,omitempty"`
	Territory    []string           `json:"te,omitempty"`
	Organisation string             `json:"o,omitempty"`
	Parent       string             `json:"p,omitempty"`
	Status       string             `json:"s"`
	Visibility   []string           `json:"v"`
	Created      time.Time          `json:"c"`
	Updated      time.Time          `json:"u"`
	Geo          *GeoPoint          `json:"g,omitempty"`
	Keywords     map[string]string  `json:"x,omitempty"`
	Numbers      map[string]float64 `json:"n,omitempty"`
}

// titleKeyLen bounds the sort key of titles.
const titleKeyLen = 48

// project turns a normalised Document into the indexed map.
func project(d *Document) (bleveDoc, error) {
	m := meta{
		Kind: d.Kind, SearchKind: d.SearchKind, Title: d.Title, Language: d.Language, Themes: d.Themes, Territory: d.Territory,
		Organisation: d.Organisation, Parent: d.Parent, Status: d.Status, Visibility: d.Visibility,
		Created: d.Created, Updated: d.Updated, Geo: d.Geo, Keywords: d.Keywords, Numbers: d.Numbers,
	}
	raw, err := json.Marshal(&m)
	if err != nil {
		return nil, err
	}
	key := Fold(strings.ToLower(d.Title))
	if r := []rune(key); len(r) > titleKeyLen {
		key = string(r[:titleKeyLen])
	}
	skind := d.SearchKind
	if skind == "" {
		skind = d.Kind
	}
	b := bleveDoc{
		fKind:                  d.Kind,
		fSearchKind:            skind,
		fLang:                  d.Language,
		fStatus:                d.Status,
		fVisibility:            d.Visibility,
		fTitleKey:              key,
		fUID:                   d.ID,
		fSuggest:               d.Title,
		fMeta:                  string(raw),
		titleField(d.Language): d.Title,
		bodyField(d.Language):  PlainText(d.Body),
	}
	if len(d.Themes) > 0 {
		b[fTheme] = d.Themes
	}
	if len(d.Territory) > 0 {
		b[fTerritory] = d.Territory
	}
	if d.Organisation != "" {
		b[fOrg] = d.Organisation
	}
	if d.Parent != "" {
		b[fParent] = d.Parent
	}
	if !d.Created.IsZero() {
		b[fCreated] = d.Created
		b[fYear] = strconv.Itoa(d.Created.Year())
	}
	if !d.Updated.IsZero() {
		b[fUpdated] = d.Updated
	}
	if d.Geo != nil {
		b[fGeo] = map[string]interface{}{"lat": d.Geo.Lat, "lon": d.Geo.Lon}
	}
	if len(d.Keywords) > 0 {
		x := make(map[string]interface{}, len(d.Keywords))
		for k, v := range d.Keywords {
			x[k] = v
		}
		b[strings.TrimSuffix(fKeywordPfx, ".")] = x
	}
	if len(d.Numbers) > 0 {
		n := make(map[string]interface{}, len(d.Numbers))
		for k, v := range d.Numbers {
			n[k] = v
		}
		b[strings.TrimSuffix(fNumberPfx, ".")] = n
	}
	return b, nil
}

// fromStored rebuilds a Document from its stored meta and text fields.
func fromStored(id string, fields map[string]interface{}) (Document, error) {
	raw, _ := fields[fMeta].(string)
	var m meta
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return Document{}, err
	}
	body, _ := fields[bodyField(m.Language)].(string)
	return Document{
		ID: id, Kind: m.Kind, SearchKind: m.SearchKind, Title: m.Title, Body: body, Language: m.Language, Themes: m.Themes,
		Territory: m.Territory, Organisation: m.Organisation, Parent: m.Parent, Status: m.Status,
		Visibility: m.Visibility, Created: m.Created, Updated: m.Updated, Geo: m.Geo,
		Keywords: m.Keywords, Numbers: m.Numbers,
	}, nil
}
