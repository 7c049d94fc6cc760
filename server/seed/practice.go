package seed

import (
	"context"
	"fmt"
	"slices"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
)

const demoPracticeTitle = "Sessions grupals de benvinguda per a persones que arriben als serveis socials"

func sp(s string) *string { return &s }

// loadPractice publishes the demo practice of the services centre (Catalan original, Spanish and Italian
// translations), has the housing foundation adopt it up to "implementing" and adds two comments. Each
// step is skipped when already done, so loading twice changes nothing.
func loadPractice(ctx context.Context, a *app.App, ids map[string]string) error {
	orgs, _, err := a.Organisations.List(ctx, search.Reader{Admin: true}, organisation.ListInput{Limit: 100})
	if err != nil {
		return err
	}
	var centre, housing string
	for _, o := range orgs {
		switch o.Name {
		case "Centre de Serveis Socials Ciutat Vella":
			centre = o.ID
		case "Fundación Vivienda Social Barcelona":
			housing = o.ID
		}
	}
	if centre == "" || housing == "" {
		return fmt.Errorf("seed: practice: the organisations are missing")
	}
	jordi := &auth.Principal{UserID: ids["jordi@example.org"]}
	lucia := &auth.Principal{UserID: ids["lucia@example.org"]}
	id, err := demoPractice(ctx, a, jordi, centre)
	if err != nil {
		return err
	}
	tr, err := a.Practices.CreateTransfer(ctx, lucia, id, practice.TransferInput{OrganisationID: housing,
		Note: "Ho adaptem a les persones que entren als nostres pisos de lloguer social: una sessió per a cada nova promoció."})
	if apperr.IsKind(err, apperr.Conflict) {
		tr, err = a.Practices.GetTransfer(ctx, lucia, id+"-"+housing)
	}
	if err != nil {
		return fmt.Errorf("seed: transfer: %w", err)
	}
	for _, next := range []string{practice.StagePlanning, practice.StageImplementing} {
		if !slices.Contains(tr.AllowedNext, next) {
			continue
		}
		if tr, err = a.Practices.PatchTransfer(ctx, lucia, tr.ID, practice.TransferPatch{Status: sp(next)}); err != nil {
			return fmt.Errorf("seed: transfer stage: %w", err)
		}
	}
	existing, _, err := a.Comments.List(ctx, nil, practice.IndexKind, id, comment.ListQuery{Limit: 5})
	if err != nil || len(existing) > 0 {
		return err
	}
	giulia := &auth.Principal{UserID: ids["giulia@example.org"]}
	first, err := a.Comments.Create(ctx, giulia, practice.IndexKind, id, comment.Input{
		Text: "Da noi a Bologna facciamo qualcosa di simile con i mediatori culturali: la sessione in gruppo toglie molta ansia a chi arriva."})
	if err != nil {
		return fmt.Errorf("seed: comment: %w", err)
	}
	_, err = a.Comments.Create(ctx, jordi, practice.IndexKind, id, comment.Input{ParentCommentID: first.ID,
		Text: "Gràcies, Giulia! Ens agradaria saber com organitzeu la traducció durant la sessió."})
	return err
}

// demoPractice returns the id of the demo practice, writing, translating and publishing it if needed.
func demoPractice(ctx context.Context, a *app.App, jordi *auth.Principal, centre string) (string, error) {
	admin := &auth.Principal{PlatformAdmin: true}
	for _, status := range []string{practice.StatusPublished, practice.StatusDraft} {
		list, _, err := a.Practices.List(ctx, admin, practice.ListInput{Org: centre, Status: status, Limit: 100})
		if err != nil {
			return "", err
		}
		for _, p := range list {
			if p.Title == demoPracticeTitle {
				if p.Status == practice.StatusDraft {
					_, err = a.Practices.Publish(ctx, jordi, p.ID)
				}
				return p.ID, err
			}
		}
	}
	steps := []practice.Step{
		{Title: "Cita col·lectiva en lloc d'entrevista individual", Detail: "Qui demana una primera cita rep, en pocs dies, una invitació a la sessió del dijous al matí."},
		{Title: "Benvinguda i explicació del circuit", Detail: "Dues professionals expliquen què fa el centre, quins ajuts existeixen i com es demanen, amb suport visual i en llenguatge planer."},
		{Title: "Torn de preguntes i tria de necessitats", Detail: "Cada persona marca en una fitxa senzilla què necessita; qui ho vol, en parla en privat al final."},
		{Title: "Derivació i seguiment", Detail: "Les situacions urgents reben cita individual la mateixa setmana; la resta, segons la fitxa."},
	}
	territory, _ := territoryNamed(ctx, a, "el Raval")
	in := practice.Input{
		Title:   sp(demoPracticeTitle),
		Summary: sp("Una sessió setmanal en grup que substitueix la primera entrevista individual per a la majoria de persones nouvingudes al centre. **Redueix l'espera** i dona informació comuna a tothom."),
		Problem: sp("Les persones esperaven fins a sis setmanes per a una primera entrevista, sovint només per rebre informació general que es repetia cada vegada."),
		Context: &practice.ContextInput{OrganisationID: sp(centre), Territory: sp(territory),
			TargetPopulation: sp("Persones i famílies que demanen cita per primera vegada, moltes amb poc domini del català o del castellà.")},
		Themes:    &[]string{"coexistence", "digital_divide"},
		Steps:     &steps,
		Resources: &practice.Resources{People: "Dues professionals i, quan cal, una persona mediadora", Time: "Dues hores setmanals i una de preparació", Budget: "Sense cost afegit: sala del centre"},
		Results:   sp("L'espera per a la primera atenció ha baixat de sis a dues setmanes i les entrevistes individuals comencen amb la documentació a punt."),
		Evidence:  sp("Registre de cites del centre durant dos semestres i una enquesta breu al final de cada sessió."),
		Evaluation: &practice.EvaluationInput{Summary: sp("Valoració semestral amb l'equip i amb les persones participants."),
			Indicators: &[]practice.Indicator{{Name: "Dies d'espera fins a la primera atenció", Value: "14"}, {Name: "Persones ateses per sessió", Value: "12"}}},
		Contact:  sp("acollida.ciutatvella@example.org"),
		Language: sp("ca"),
	}
	p, err := a.Practices.Create(ctx, jordi, in)
	if err != nil {
		return "", fmt.Errorf("seed: practice: %w", err)
	}
	es := practice.TranslationInput{
		Title:             "Sesiones grupales de bienvenida para personas que llegan a los servicios sociales",
		Summary:           "Una sesión semanal en grupo que sustituye la primera entrevista individual para la mayoría de personas recién llegadas al centro. **Reduce la espera** y da a todo el mundo la misma información básica.",
		Problem:           "La gente esperaba hasta seis semanas una primera entrevista, a menudo solo para recibir información general que se repetía cada vez.",
		TargetPopulation:  "Personas y familias que piden cita por primera vez, muchas con poco dominio del catalán o del castellano.",
		Steps:             []practice.Step{{Title: "Cita colectiva en vez de entrevista individual"}, {Title: "Bienvenida y explicación del circuito"}, {Title: "Preguntas y elección de necesidades"}, {Title: "Derivación y seguimiento"}},
		Results:           "La espera para la primera atención bajó de seis a dos semanas.",
		EvaluationSummary: "Valoración semestral con el equipo y con las personas participantes.",
	}
	it := practice.TranslationInput{
		Title:             "Sessioni di accoglienza di gruppo per chi arriva ai servizi sociali",
		Summary:           "Un incontro settimanale di gruppo che sostituisce il primo colloquio individuale per la maggior parte delle persone che arrivano al centro. **Riduce l'attesa** e offre a tutti le stesse informazioni di base.",
		Problem:           "Le persone aspettavano fino a sei settimane un primo colloquio, spesso solo per ricevere informazioni generali ripetute ogni volta.",
		TargetPopulation:  "Persone e famiglie che chiedono un appuntamento per la prima volta, molte con poca conoscenza del catalano o dello spagnolo.",
		Steps:             []practice.Step{{Title: "Appuntamento collettivo invece del colloquio individuale"}, {Title: "Accoglienza e spiegazione del percorso"}, {Title: "Domande e scelta dei bisogni"}, {Title: "Invio e accompagnamento"}},
		Results:           "L'attesa per la prima presa in carico è scesa da sei a due settimane.",
		EvaluationSummary: "Valutazione semestrale con l'équipe e con i partecipanti.",
	}
	for lang, t := range map[string]practice.TranslationInput{"es": es, "it": it} {
		if _, err := a.Practices.PutTranslation(ctx, jordi, p.ID, lang, t); err != nil {
			return "", fmt.Errorf("seed: translation %s: %w", lang, err)
		}
	}
	if _, err := a.Practices.Publish(ctx, jordi, p.ID); err != nil {
		return "", fmt.Errorf("seed: publish: %w", err)
	}
	return p.ID, nil
}
