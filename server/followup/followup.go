// Package followup owns how something planned is followed over time: indicators (baseline, target) with
// dated measurements, their validation, the date order of measurements and the progress shown on
// dashboards. A diagnosis's actions and an evaluation's improvement measures both keep a list of these
// inside their own document and call this package, so the two are followed the same way.
package followup

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/store"
)

// Limits that keep the owning document bounded.
const (
	MaxIndicators   = 20  // per action or measure
	MaxMeasurements = 500 // per indicator
)

// MeasurementDoc is one stored dated value.
type MeasurementDoc struct {
	Date  string  `bson:"date"` // YYYY-MM-DD
	Value float64 `bson:"value"`
	Note  string  `bson:"note,omitempty"`
}

// IndicatorDoc is one stored indicator; measurements are objects in date order, never arrays of arrays.
type IndicatorDoc struct {
	ID           string           `bson:"id"`
	Name         string           `bson:"name"`
	Unit         string           `bson:"unit"`
	Baseline     float64          `bson:"baseline"`
	Target       float64          `bson:"target"`
	Measurements []MeasurementDoc `bson:"measurements"`
}

// Measurement is one dated value of an indicator (API view).
type Measurement struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
	Note  string  `json:"note,omitempty"`
}

// Indicator is the API view of an indicator.
type Indicator struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Unit         string        `json:"unit"`
	Baseline     float64       `json:"baseline"`
	Target       float64       `json:"target"`
	Measurements []Measurement `json:"measurements"`
}

// IndicatorInput defines an indicator; an id keeps an existing indicator (and its measurements), no id
// creates one.
type IndicatorInput struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Target   float64 `json:"target"`
}

// MeasurementInput is one dated value of an indicator.
type MeasurementInput struct {
	Date  string   `json:"date" api:"required"`
	Value *float64 `json:"value" api:"required"`
	Note  string   `json:"note"`
}

// Finite tells whether f is a usable number (not NaN or infinite).
func Finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// ValidDate tells whether s is a calendar date written YYYY-MM-DD.
func ValidDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// Apply replaces the definitions in old with in: indicators named by id keep their measurements, new ones
// get an id, the ones left out are dropped. Problems go into fields["indicators"]; the result is only
// meaningful when none was added.
func Apply(old []IndicatorDoc, in []IndicatorInput, fields apperr.Fields) []IndicatorDoc {
	if len(in) > MaxIndicators {
		fields["indicators"] = apperr.MaxItems(20)
	}
	prev := map[string]IndicatorDoc{}
	for _, ind := range old {
		prev[ind.ID] = ind
	}
	next := make([]IndicatorDoc, 0, len(in))
	for _, ii := range in {
		ind := IndicatorDoc{ID: ii.ID, Name: strings.TrimSpace(ii.Name), Unit: strings.TrimSpace(ii.Unit),
			Baseline: ii.Baseline, Target: ii.Target, Measurements: []MeasurementDoc{}}
		if ii.ID == "" {
			ind.ID = store.NewID()
		} else if p, ok := prev[ii.ID]; ok {
			ind.Measurements = p.Measurements
		} else {
			fields["indicators"] = apperr.UnknownRef()
		}
		if l := utf8.RuneCountInString(ind.Name); l < 2 || l > 200 || utf8.RuneCountInString(ind.Unit) > 50 {
			fields["indicators"] = apperr.Because("indicator_shape")
		}
		if !Finite(ii.Baseline) || !Finite(ii.Target) {
			fields["indicators"] = apperr.WrongType("number")
		}
		next = append(next, ind)
	}
	return next
}

// CheckMeasurement validates a measurement before any record is read (400 with the fields at fault). A
// measurement is of something that happened: its date may not be after now's date (a day of slack for the
// time zones east of UTC).
func CheckMeasurement(in MeasurementInput, now time.Time) error {
	fields := apperr.Fields{}
	if !ValidDate(in.Date) {
		fields["date"] = apperr.Date()
	} else if in.Date > now.UTC().Add(24*time.Hour).Format("2006-01-02") {
		fields["date"] = apperr.Because("future_date")
	}
	if in.Value == nil || !Finite(*in.Value) {
		fields["value"] = apperr.WrongType("number")
	}
	fields.MaxLength("note", in.Note, 500)
	return apperr.Validation(fields)
}

// Record inserts a checked measurement into the indicator with the id, keeping date order: 404 when the
// indicator is not in the list, 409 too_many_measurements when it is full.
func Record(inds []IndicatorDoc, indicatorID string, in MeasurementInput) error {
	for i := range inds {
		ind := &inds[i]
		if ind.ID != indicatorID {
			continue
		}
		if len(ind.Measurements) >= MaxMeasurements {
			return apperr.New(apperr.Conflict, "too_many_measurements", "This indicator already holds 500 measurements.")
		}
		m := MeasurementDoc{Date: in.Date, Value: *in.Value, Note: strings.TrimSpace(in.Note)}
		at := len(ind.Measurements)
		for at > 0 && ind.Measurements[at-1].Date > m.Date {
			at--
		}
		ind.Measurements = append(ind.Measurements[:at], append([]MeasurementDoc{m}, ind.Measurements[at:]...)...)
		return nil
	}
	return apperr.NotFoundf("The indicator")
}

// API converts stored indicators to their API views (never nil).
func API(docs []IndicatorDoc) []Indicator {
	out := make([]Indicator, 0, len(docs))
	for _, in := range docs {
		ind := Indicator{ID: in.ID, Name: in.Name, Unit: in.Unit, Baseline: in.Baseline, Target: in.Target,
			Measurements: make([]Measurement, 0, len(in.Measurements))}
		for _, m := range in.Measurements {
			ind.Measurements = append(ind.Measurements, Measurement(m))
		}
		out = append(out, ind)
	}
	return out
}

// Progress returns an indicator's latest value and how far it has gone from the baseline towards the
// target (nil when nothing was measured, or baseline equals target).
func Progress(ind Indicator) (latest, progress *float64) {
	n := len(ind.Measurements)
	if n == 0 {
		return nil, nil
	}
	l := ind.Measurements[n-1].Value
	latest = &l
	if ind.Target != ind.Baseline {
		p := (l - ind.Baseline) / (ind.Target - ind.Baseline)
		progress = &p
	}
	return latest, progress
}
