package seed

import (
	"context"
	"fmt"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/organisation"
)

const demoDiagnosisTitle = "Diagnosi comunitària del Raval 2026"

type demoContribution struct {
	author, kind, theme, text string
	lat, lon                  float64 // 0 when not located
	assisted                  bool    // entered by the facilitator
	nickname                  string
	supporters                []string
}

var demoContributions = []demoContribution{
	{author: "pilar@example.org", kind: "need", theme: "housing", lat: 41.3801, lon: 2.1679,
		text:       "Al meu carrer cada mes tanquen un pis per fer-lo turístic. Els veïns de tota la vida marxen perquè no poden pagar el lloguer.",
		supporters: []string{"lucia@example.org", "giulia@example.org", "montse@example.org"}},
	{author: "lucia@example.org", kind: "need", theme: "ageing_loneliness",
		text:       "En mi escalera hay tres personas mayores que viven solas y casi no bajan a la calle. Nadie sabe si necesitan algo.",
		supporters: []string{"pilar@example.org"}},
	{author: "jordi@example.org", kind: "need", theme: "ageing_loneliness", assisted: true, lat: 41.3790, lon: 2.1690,
		text: "Visc sola en un quart pis sense ascensor. Des que em vaig trencar el maluc només surto quan ve la meva filla, un cop a la setmana."},
	{author: "giulia@example.org", kind: "asset", theme: "digital_divide",
		text:       "La biblioteca del quartiere offre ogni giovedì un laboratorio per imparare a usare il telefono: prenotare il medico, parlare in videochiamata con i nipoti.",
		supporters: []string{"pilar@example.org", "montse@example.org"}},
	{author: "montse@example.org", kind: "proposal", theme: "public_space", lat: 41.3806, lon: 2.1672,
		text:       "Posar bancs i ombra a la plaça perquè la gent gran hi pugui seure i xerrar. Ara només hi ha terrasses de bars.",
		supporters: []string{"lucia@example.org"}},
	{author: "giulia@example.org", kind: "need", theme: "digital_divide",
		text: "Molte famiglie hanno un solo telefono vecchio per tutti: i ragazzi fanno i compiti sul cellulare della madre e le pratiche online diventano impossibili."},
	{nickname: "Rosa del 3r", kind: "proposal", theme: "housing",
		text: "Un punt d'informació al barri on t'expliquin què fer quan et pugen el lloguer o no et renoven el contracte."},
}

// loadDiagnosis creates the demo diagnosis of el Raval (once: skipped when a diagnosis with its title exists
// there), organised by the neighbourhood association and the services centre, with contributions in
// Catalan, Spanish and Italian, supports and findings citing them. It stays in its gathering phase so that
// the demo can still take contributions.
func loadDiagnosis(ctx context.Context, a *app.App, ids map[string]string) error {
	raval, err := territoryNamed(ctx, a, "el Raval")
	if err != nil || raval == "" {
		return err
	}
	existing, _, err := a.Diagnoses.List(ctx, nil, diagnosis.ListInput{Territory: raval, Limit: 100})
	if err != nil {
		return err
	}
	for _, d := range existing {
		if d.Title == demoDiagnosisTitle {
			return nil
		}
	}
	orgs, _, err := a.Organisations.List(ctx, search.Reader{Admin: true}, organisation.ListInput{Limit: 100})
	if err != nil {
		return err
	}
	var assoc, centre string
	for _, o := range orgs {
		switch o.Name {
		case "Associació Veïnal del Raval Nord":
			assoc = o.ID
		case "Centre de Serveis Socials Ciutat Vella":
			centre = o.ID
		}
	}
	if assoc == "" || centre == "" {
		return fmt.Errorf("seed: diagnosis: the organising organisations are missing")
	}
	// As his own requests would carry him (organisations, staff roles): moderating a pending
	// contribution needs them since access checks read the principal's organisations.
	jordi, err := a.Accounts.PrincipalOf(ctx, ids["jordi@example.org"])
	if err != nil {
		return fmt.Errorf("seed: diagnosis: %w", err)
	}
	title, desc := demoDiagnosisTitle, "Volem conèixer què necessita el barri i què hi funciona ja: habitatge, "+
		"gent gran que viu sola, accés digital i espai públic. Escrivim-ho entre veïns, entitats i professionals."
	yes, votes := true, 5
	d, err := a.Diagnoses.Create(ctx, jordi, diagnosis.Input{Title: &title, Description: &desc, TerritoryID: &raval,
		OrganisationIDs: &[]string{assoc, centre},
		Themes:          &[]string{"housing", "ageing_loneliness", "digital_divide", "public_space"},
		Schedule: &[]diagnosis.PhaseDates{{Name: "gathering", Start: "2026-10-01", End: "2026-12-15"},
			{Name: "synthesis", Start: "2026-12-16", End: "2027-01-31"}, {Name: "prioritisation", Start: "2027-02-01", End: "2027-02-28"},
			{Name: "action_plan", Start: "2027-03-01", End: "2027-04-30"}, {Name: "follow_up", Start: "2027-05-01"}},
		Settings: &diagnosis.SettingsInput{AllowNicknames: &yes, VotesPerPerson: &votes}})
	if err != nil {
		return fmt.Errorf("seed: diagnosis: %w", err)
	}
	made := make([]string, len(demoContributions))
	for i, dc := range demoContributions {
		kind, theme, text := dc.kind, dc.theme, dc.text
		in := diagnosis.ContributionInput{Kind: &kind, Theme: &theme, Text: &text}
		if dc.lat != 0 {
			in.Point = &diagnosis.Point{Lat: dc.lat, Lon: dc.lon}
		}
		who := diagnosis.Caller{P: &auth.Principal{UserID: ids[dc.author]}, IP: "seed"}
		switch {
		case dc.nickname != "":
			who.P, in.Nickname = nil, &dc.nickname
		case dc.assisted:
			in.Assisted = &diagnosis.AssistedInput{Consent: true, Note: "Entrevista al casal de gent gran"}
		}
		c, err := a.Diagnoses.Contribute(ctx, who, d.ID, in)
		if err != nil {
			return fmt.Errorf("seed: contribution %d: %w", i, err)
		}
		if c.Status == diagnosis.StatusPending {
			if _, err := a.Diagnoses.Moderate(ctx, jordi, c.ID, diagnosis.ModerationInput{Action: "publish"}); err != nil {
				return fmt.Errorf("seed: publish contribution %d: %w", i, err)
			}
		}
		for _, email := range dc.supporters {
			if _, err := a.Diagnoses.Support(ctx, &auth.Principal{UserID: ids[email]}, c.ID); err != nil {
				return fmt.Errorf("seed: support %d: %w", i, err)
			}
		}
		made[i] = c.ID
	}
	for _, f := range []struct {
		swot, title, text string
		cites             []int
	}{
		{"threat", "Pressió turística sobre l'habitatge", "Els pisos turístics i les pujades de lloguer expulsen veïns de tota la vida.", []int{0, 6}},
		{"weakness", "Gent gran aïllada a casa", "Persones grans que viuen soles, sovint en pisos sense ascensor, surten poc i ningú no en sap les necessitats.", []int{1, 2}},
		{"strength", "Tallers digitals a la biblioteca", "Ja hi ha un espai de confiança on aprendre a fer servir el mòbil.", []int{3}},
	} {
		cites := []string{}
		for _, i := range f.cites {
			cites = append(cites, made[i])
		}
		swot, ft, text := f.swot, f.title, f.text
		if _, err := a.Diagnoses.CreateFinding(ctx, jordi, d.ID, diagnosis.FindingInput{SWOT: &swot, Title: &ft, Text: &text,
			ContributionIDs: &cites}); err != nil {
			return fmt.Errorf("seed: finding %q: %w", f.title, err)
		}
	}
	return nil
}

func territoryNamed(ctx context.Context, a *app.App, name string) (string, error) {
	ts, err := a.Territories.List(ctx, "", "neighbourhood")
	if err != nil {
		return "", err
	}
	for _, t := range ts {
		if t.Name == name {
			return t.ID, nil
		}
	}
	return "", nil
}
