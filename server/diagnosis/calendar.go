package diagnosis

import (
	"context"
	"time"

	ics "github.com/arran4/golang-ical"
)

// phaseNames are the phases' names in a calendar (written without a browser, so not through the frontend's
// catalogs), in each language a reader's calendar may ask for.
var phaseNames = map[string]map[string]string{
	"ca": {PhaseGathering: "Recollim idees", PhaseSynthesis: "Ho posem en comú", PhasePrioritisation: "Triem prioritats",
		PhaseActionPlan: "Pla d'acció", PhaseFollowUp: "Seguiment"},
	"es": {PhaseGathering: "Recogemos ideas", PhaseSynthesis: "Lo ponemos en común", PhasePrioritisation: "Elegimos prioridades",
		PhaseActionPlan: "Plan de acción", PhaseFollowUp: "Seguimiento"},
	"it": {PhaseGathering: "Raccogliamo idee", PhaseSynthesis: "Mettiamo insieme", PhasePrioritisation: "Scegliamo le priorità",
		PhaseActionPlan: "Piano d'azione", PhaseFollowUp: "Verifica"},
	"en": {PhaseGathering: "Gathering ideas", PhaseSynthesis: "Putting it together", PhasePrioritisation: "Choosing priorities",
		PhaseActionPlan: "Action plan", PhaseFollowUp: "Follow-up"},
}

// Calendar is the diagnosis's planned phases as an iCalendar (RFC 5545) document: one all-day event per
// phase with dates, named in lang, linking to the diagnosis (baseURL makes the link absolute). Diagnoses are
// public, so is their plan.
func (s *Service) Calendar(ctx context.Context, id, lang, baseURL string) (string, error) {
	d, err := s.diagnosis(ctx, id)
	if err != nil {
		return "", err
	}
	names, ok := phaseNames[lang]
	if !ok {
		names = phaseNames["en"]
	}
	cal := ics.NewCalendarFor("Teixit")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(d.Title)
	cal.SetXWRCalName(d.Title)
	for _, ph := range d.Schedule {
		start, err := time.Parse(time.DateOnly, ph.Start)
		if err != nil {
			continue // a phase without dates is not in the calendar
		}
		end, err := time.Parse(time.DateOnly, ph.End)
		if err != nil || end.Before(start) {
			end = start
		}
		ev := cal.AddEvent(d.ID + "-" + ph.Name + "@teixit")
		ev.SetDtStampTime(d.UpdatedAt)
		ev.SetModifiedAt(d.UpdatedAt)
		ev.SetAllDayStartAt(start)
		ev.SetAllDayEndAt(end.AddDate(0, 0, 1)) // DTEND of an all-day event is the day after the last
		ev.SetSummary(d.Title + ": " + names[ph.Name])
		ev.SetDescription(d.Description)
		ev.SetURL(baseURL + diagnosisLink(d.ID))
	}
	return cal.Serialize(ics.WithNewLineWindows), nil
}
