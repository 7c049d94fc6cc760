package exchange

import (
	"context"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/teixit/teixit/search"
)

// calendar renders days as an iCalendar (RFC 5545) document; baseURL makes absolute links.
func calendar(name, baseURL string, days []*dayDoc) string {
	cal := ics.NewCalendarFor("Teixit")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	for _, d := range days {
		ev := cal.AddEvent(d.ID + "@teixit")
		ev.SetDtStampTime(d.UpdatedAt)
		ev.SetModifiedAt(d.UpdatedAt)
		ev.SetSequence(d.Sequence)
		ev.SetStartAt(d.StartsAt)
		ev.SetEndAt(d.EndsAt)
		ev.SetSummary(d.Title)
		var b strings.Builder
		b.WriteString(d.Description)
		for i, q := range d.Agenda {
			b.WriteString("\n" + strconv.Itoa(i+1) + ". " + q.Text)
		}
		ev.SetDescription(strings.TrimSpace(b.String()))
		ev.SetURL(baseURL + Link(d.ID))
		ev.SetLocation(baseURL + Link(d.ID))
		if d.Status == StatusCancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize(ics.WithNewLineWindows) // RFC 5545 lines end with CRLF
}

// DayCalendar is one day as an .ics document.
func (s *Service) DayCalendar(ctx context.Context, id, baseURL string) (string, error) {
	d, err := s.load(ctx, id)
	if err != nil {
		return "", err
	}
	return calendar(d.Title, baseURL, []*dayDoc{d}), nil
}

// OrgCalendar is an organisation's days (the 100 latest) as one .ics feed.
func (s *Service) OrgCalendar(ctx context.Context, orgID, baseURL string) (string, error) {
	o, err := s.orgs.Get(ctx, nil, orgID)
	if err != nil {
		return "", err
	}
	res, err := s.rm.List(ctx, search.Reader{}, search.ListRequest{Kind: IndexKind, Filters: map[string][]string{"org": {orgID}},
		Sort: "-starts", PerPage: 100, IDsOnly: true})
	if err != nil {
		return "", err
	}
	var days []*dayDoc
	for _, it := range res.Items {
		_, id, _ := strings.Cut(it.ID, ":")
		if d, err := s.load(ctx, id); err == nil {
			days = append(days, d)
		}
	}
	return calendar(o.Name, baseURL, days), nil
}
