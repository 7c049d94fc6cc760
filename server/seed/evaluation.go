package seed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/followup"
	"github.com/teixit/teixit/server/organisation"
)

const demoEvaluationTitle = "Jornada d'avaluació del Centre de Serveis Socials Ciutat Vella"

// The centre's team for the demo evaluation day: accounts nobody logs in with (random passwords, never
// printed), so that the groups reach the anonymity threshold.
var demoTeam = []string{"Núria Camps", "Pau Ferrer", "Marta Ribas", "Aleix Serra", "Carme Vila", "Joan Pujol",
	"Laia Mas", "Oriol Font", "Rosa Prats", "Sergi Roca", "Anna Bosch", "Iván Gómez"}

// What the groups said, per area (0 attention, 1 coordination, 2 paperwork, 3 working conditions).
var demoItems = []struct {
	group, area int
	kind, text  string
}{
	{0, 0, "strength", "L'acollida és propera: la gent ens diu que se sent escoltada"},
	{0, 2, "weakness", "Massa paperassa per tramitar els ajuts d'urgència"},
	{0, 1, "weakness", "Ens assabentem tard dels casos que ja porta l'escola"},
	{1, 2, "weakness", "La paperassa dels ajuts ens treu temps d'atenció"},
	{1, 3, "weakness", "Les baixes no es cobreixen i l'equip va al límit"},
	{1, 0, "strength", "Bon treball en equip entre educadores i treballadores socials"},
	{2, 1, "strength", "La coordinació amb el CAP del barri funciona bé"},
	{2, 2, "weakness", "Cada ajut demana documents que ja tenim"},
	{2, 3, "weakness", "Falten espais per atendre amb intimitat"},
}

// loadEvaluation runs the centre's first evaluation day through the real service: its team in groups,
// strengths and weaknesses, the plenary's merged points, votes, a measure with an indicator, a public
// report, and the next edition started (in preparation, ready to review the measure). Skipped when the
// evaluation exists.
func loadEvaluation(ctx context.Context, a *app.App, ids map[string]string) error {
	orgs, _, err := a.Organisations.List(ctx, search.Reader{Admin: true}, organisation.ListInput{Limit: 100})
	if err != nil {
		return err
	}
	var centre string
	for _, o := range orgs {
		if o.Name == "Centre de Serveis Socials Ciutat Vella" {
			centre = o.ID
		}
	}
	if centre == "" {
		return fmt.Errorf("seed: evaluation: the services centre is missing")
	}
	jordi := &auth.Principal{UserID: ids["jordi@example.org"]}
	have, _, err := a.Evaluations.List(ctx, &auth.Principal{UserID: jordi.UserID, PlatformAdmin: true}, evaluation.ListInput{Org: centre})
	if err != nil {
		return err
	}
	for _, e := range have {
		if e.Title == demoEvaluationTitle {
			return nil
		}
	}
	team := map[string]*auth.Principal{}
	for i, name := range demoTeam {
		email := fmt.Sprintf("equip%02d@serveis-socials.example.org", i+1)
		u, err := a.Accounts.Register(ctx, account.RegisterInput{Email: email, Password: randomPassword(), Name: name, Language: "ca"})
		var id string
		switch {
		case apperr.IsKind(err, apperr.Conflict):
			if id, err = a.Accounts.UserIDByEmail(ctx, email); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("seed: team account: %w", err)
		default:
			id = u.ID
		}
		team[id] = &auth.Principal{UserID: id, Name: name}
		if err := join(ctx, a, jordi, centre, email, organisation.RoleProfessional); err != nil {
			return fmt.Errorf("seed: team member: %w", err)
		}
	}
	team[ids["montse@example.org"]] = &auth.Principal{UserID: ids["montse@example.org"]}

	s := a.Evaluations
	areas := []evaluation.Area{{Name: "Atenció a les persones", Question: "Com atenem les persones que arriben?"},
		{Name: "Coordinació", Question: "Com ens coordinem amb altres serveis?"}, {Name: "Tràmits"}, {Name: "Condicions de treball"}}
	size, threshold := 6, 3
	created, err := s.Create(ctx, jordi, evaluation.Input{Title: sp(demoEvaluationTitle),
		Description:     sp("Cada any, tot l'equip del centre posa sobre la taula què funciona i què no, en grups petits."),
		OrganisationIDs: &[]string{centre}, Subject: &evaluation.Subject{Kind: evaluation.SubjectOrganisation},
		Edition: &evaluation.EditionInput{Title: sp("2026"), Dates: &[]string{"2026-03-11"}, Mode: sp("both"), Areas: &areas,
			Roles: &[]string{organisation.RoleProfessional, organisation.RoleMember}, GroupSize: &size, Threshold: &threshold}})
	if err != nil {
		return fmt.Errorf("seed: evaluation: %w", err)
	}
	ed := created.Edition
	phase := func(p string) error {
		_, err := s.UpdateEdition(ctx, jordi, ed.ID, evaluation.EditionInput{Phase: &p})
		return err
	}
	if _, err := s.InviteMembers(ctx, jordi, ed.ID); err != nil {
		return fmt.Errorf("seed: evaluation participants: %w", err)
	}
	groups, err := s.FormGroups(ctx, jordi, ed.ID)
	if err != nil {
		return fmt.Errorf("seed: evaluation groups: %w", err)
	}
	if err := phase(evaluation.PhaseGroups); err != nil {
		return err
	}
	items := map[string][]string{} // "<area>/<kind>" → item ids
	for i, it := range demoItems {
		g := groups[it.group%len(groups)]
		who := team[g.Members[i%len(g.Members)].UserID]
		if who == nil {
			who = &auth.Principal{UserID: g.Members[i%len(g.Members)].UserID}
		}
		area := ed.Areas[it.area].ID
		added, err := s.AddItem(ctx, who, g.ID, evaluation.ItemInput{AreaID: area, Kind: it.kind, Text: it.text})
		if err != nil {
			return fmt.Errorf("seed: evaluation item: %w", err)
		}
		items[area+"/"+it.kind] = append(items[area+"/"+it.kind], added.ID)
	}
	if err := phase(evaluation.PhaseSynthesis); err != nil {
		return err
	}
	texts := map[string]string{ed.Areas[2].ID + "/weakness": "Massa paperassa per als ajuts: demanem documents que ja tenim",
		ed.Areas[3].ID + "/weakness": "L'equip va al límit: baixes sense cobrir i pocs espais"}
	var paperwork string
	for _, it := range demoItems { // one point per area and kind, in the order the groups said them
		key := ed.Areas[it.area].ID + "/" + it.kind
		if items[key] == nil {
			continue
		}
		text := texts[key]
		if text == "" {
			text = it.text
		}
		pt, err := s.Merge(ctx, jordi, ed.ID, evaluation.PointInput{Kind: it.kind, AreaID: ed.Areas[it.area].ID, Text: text, ItemIDs: items[key]})
		if err != nil {
			return fmt.Errorf("seed: evaluation point: %w", err)
		}
		if it.area == 2 {
			paperwork = pt.ID
		}
		delete(items, key)
	}
	if err := phase(evaluation.PhasePrioritisation); err != nil {
		return err
	}
	n := 0
	for _, who := range team {
		if n++; n > 8 {
			break
		}
		if _, err := s.Vote(ctx, who, ed.ID, evaluation.BallotInput{PointIDs: []string{paperwork}}); err != nil {
			return fmt.Errorf("seed: evaluation vote: %w", err)
		}
	}
	if err := phase(evaluation.PhaseFollowUp); err != nil {
		return err
	}
	m, err := s.CreateMeasure(ctx, jordi, ed.ID, evaluation.MeasureInput{Title: sp("Un sol formulari per als ajuts d'urgència"),
		Description:     sp("Els documents que ja tenim no es tornen a demanar; l'administració omple el formulari amb la persona."),
		ResponsibleTeam: sp("Equip d'administració"), Due: sp("2026-12-31"), PointIDs: &[]string{paperwork},
		Indicators: &[]followup.IndicatorInput{{Name: "Minuts de tràmit per ajut", Unit: "min", Baseline: 45, Target: 15}}})
	if err != nil {
		return fmt.Errorf("seed: evaluation measure: %w", err)
	}
	v := 30.0
	if _, err := s.AddMeasurement(ctx, jordi, m.ID, m.Indicators[0].ID, followup.MeasurementInput{Date: "2026-09-30", Value: &v,
		Note: "Primer trimestre amb el formulari únic"}); err != nil {
		return fmt.Errorf("seed: evaluation measurement: %w", err)
	}
	if _, err := s.PublishReport(ctx, jordi, ed.ID, evaluation.ReportInput{Visibility: "public",
		Summary: "Tres grups de l'equip van parlar de l'atenció, la coordinació, els tràmits i les condicions de treball. La paperassa dels ajuts va sortir a tots els grups i és la mesura prioritària."}); err != nil {
		return fmt.Errorf("seed: evaluation report: %w", err)
	}
	if _, err := s.NewEdition(ctx, jordi, created.Evaluation.ID, evaluation.EditionInput{Title: sp("2027"), Dates: &[]string{"2027-03-10"}}); err != nil {
		return fmt.Errorf("seed: evaluation second edition: %w", err)
	}
	return nil
}

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
