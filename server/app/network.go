package app

import (
	"context"
	"slices"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/theme"
)

// buildNetwork wires network work: actors, relations, the network page (two read-model kinds) and the
// need → practice links between diagnoses and practices.
func (a *App) buildNetwork() {
	a.Network = network.NewService(network.Deps{Store: network.NewStore(a.Store), Orgs: organisation.DirectoryOf(a.Organisations),
		Territories: a.Territories, ReadModel: a.ReadModel, Notify: a.Notify, Themes: theme.All, BaseURL: a.Config.BaseURL,
		Search: a.ReadModel.Index, Sources: needSources{a}, Practices: practiceSources{a}, Mail: a.Mail, Diagnoses: invitedDiagnoses{a}})
	for kind, load := range map[string]search.Loader{network.KindActor: a.Network.LoadActors, network.KindRelation: a.Network.LoadRelations} {
		link := network.RelationLink
		if kind == network.KindActor {
			link = network.ActorLink
		}
		a.ReadModel.Register(kind, readmodel.Kind{Load: load, All: a.Network.AllOf(kind), Stream: a.Network.StreamOf(kind),
			Count: a.Network.CountOf(kind), Link: link})
	}
}

// needSources reads contributions, findings and actions as needs, with the reader's rights.
type needSources struct{ a *App }

func (n needSources) Need(ctx context.Context, p *auth.Principal, kind, id string) (*network.NeedSource, error) {
	d := n.a.Diagnoses
	out := &network.NeedSource{}
	var diagID string
	var findingIDs []string
	switch kind {
	case network.NeedContribution:
		c, err := d.GetContribution(ctx, p, id)
		if err != nil {
			return nil, err
		}
		diagID, out.Text, out.Themes = c.DiagnosisID, c.Text, []string{c.Theme}
	case network.NeedFinding:
		f, err := d.GetFinding(ctx, id)
		if err != nil {
			return nil, err
		}
		diagID, out.Text = f.DiagnosisID, f.Title+"\n"+f.Text
		out.Themes = n.themesOf(ctx, p, f.ContributionIDs)
	case network.NeedAction:
		ac, err := d.GetAction(ctx, id)
		if err != nil {
			return nil, err
		}
		diagID, out.Text, findingIDs = ac.DiagnosisID, ac.Title+"\n"+ac.Description, ac.FindingIDs
		for _, fid := range findingIDs {
			if f, err := d.GetFinding(ctx, fid); err == nil {
				out.Text += "\n" + f.Title + "\n" + f.Text
				out.Themes = append(out.Themes, n.themesOf(ctx, p, f.ContributionIDs)...)
			}
		}
	}
	dg, err := d.Get(ctx, p, diagID)
	if err != nil {
		return nil, err
	}
	out.DiagnosisID, out.TerritoryID = dg.ID, dg.TerritoryID
	if len(out.Themes) == 0 { // a finding citing nothing yet: its diagnosis's themes
		out.Themes = dg.Themes
	}
	return out, nil
}

// themesOf are the themes of the contributions a finding cites (the first 20).
func (n needSources) themesOf(ctx context.Context, p *auth.Principal, ids []string) []string {
	var out []string
	for i, id := range ids {
		if i >= 20 {
			break
		}
		if c, err := n.a.Diagnoses.GetContribution(ctx, p, id); err == nil && !slices.Contains(out, c.Theme) {
			out = append(out, c.Theme)
		}
	}
	return out
}

// practiceSources reads a practice's text (title, summary, problem, target population) as the reader may.
type practiceSources struct{ a *App }

func (s practiceSources) Practice(ctx context.Context, p *auth.Principal, id string) (*network.PracticeSource, error) {
	pr, err := s.a.Practices.Get(ctx, p, id, "")
	if err != nil {
		return nil, err
	}
	text := strings.Join([]string{pr.Title, pr.Summary.Markdown, pr.Problem.Markdown, pr.Context.TargetPopulation}, "\n")
	return &network.PracticeSource{Text: text, Themes: pr.Themes}, nil
}

// practiceTransfers lets a diagnosis action adopt a practice through server/practice's transfers.
type practiceTransfers struct{ a *App }

func (t practiceTransfers) Adopt(ctx context.Context, p *auth.Principal, practiceID, orgID string, via diagnosis.TransferVia) (string, error) {
	tr, err := t.a.Practices.AdoptFor(ctx, p, practiceID, practice.TransferInput{OrganisationID: orgID},
		practice.Via{DiagnosisID: via.DiagnosisID, ActionID: via.ActionID, TerritoryID: via.TerritoryID})
	if err != nil {
		return "", err
	}
	return tr.ID, nil
}

func (t practiceTransfers) Stage(ctx context.Context, p *auth.Principal, transferID string) (string, string, error) {
	tr, err := t.a.Practices.GetTransfer(ctx, p, transferID)
	if err != nil {
		return "", "", err
	}
	sum, err := t.a.Practices.Summarise(ctx, p, tr.PracticeID)
	if err != nil {
		return tr.Status, "", nil
	}
	return tr.Status, sum.Title, nil
}

// invitedDiagnoses resolves the diagnoses actors are invited to.
type invitedDiagnoses struct{ a *App }

func (d invitedDiagnoses) Brief(ctx context.Context, id string) (*network.DiagnosisBrief, error) {
	dx, err := d.a.Diagnoses.Get(ctx, nil, id)
	if err != nil {
		return nil, err
	}
	return &network.DiagnosisBrief{Title: dx.Title, TerritoryID: dx.TerritoryID, OrgIDs: dx.OrganisationIDs}, nil
}

func (d invitedDiagnoses) AddOrganiser(ctx context.Context, diagnosisID, orgID string) error {
	return d.a.Diagnoses.AddOrganiser(ctx, diagnosisID, orgID)
}
