package app

import (
	"context"
	"strings"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/theme"
)

// buildNetwork wires network work: actors, relations, the network page (two read-model kinds) and the
// need → practice links between diagnoses and practices.
func (a *App) buildNetwork() {
	a.Network = network.NewService(network.Deps{Store: network.NewStore(a.Store), Orgs: practice.OrgsFrom(a.Organisations),
		Territories: a.Territories, ReadModel: a.ReadModel, Notify: a.Notify, Themes: theme.All, BaseURL: a.Config.BaseURL,
		Search: a.ReadModel.Index, Sources: needSources{a}, Practices: practiceSources{a}, Mail: a.Mail, Diagnoses: invitedDiagnoses{a}})
	for kind, load := range map[string]search.Loader{network.KindActor: a.Network.LoadActors, network.KindRelation: a.Network.LoadRelations} {
		link := network.RelationLink
		if kind == network.KindActor {
			link = network.ActorLink
		}
		a.ReadModel.Register(kind, readmodel.Kind{Load: load, All: a.Network.AllOf(kind), Count: a.Network.CountOf(kind), Link: link})
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
		if c, err := n.a.Diagnoses.GetContribution(ctx, p, id); err == nil && !contains(out, c.Theme) {
			out = append(out, c.Theme)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
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

// networkRoutes are the routes of network work.
func (a *App) networkRoutes() []route {
	nw := network.NewHandlers(a.Network)
	return []route{
		{"GET", "/actors", public, nw.ListActors, "Actors (?territory=&theme=&kind=&status=pending for moderators and suggesters&cursor=), from the read model", "", "ActorList"},
		{"POST", "/actors", user, nw.CreateActor, "Add an actor for your organisation (its professionals and admins; self=true adds the organisation itself), or suggest one (anyone signed in; moderated)", "ActorInput", "Actor"},
		{"GET", "/actors/:id", public, nw.GetActor, "An actor (suggestions: their moderators and who suggested them)", "", "Actor"},
		{"PATCH", "/actors/:id", user, nw.UpdateActor, "Change an actor (staff of the organisation that speaks for it)", "ActorInput", "Actor"},
		{"POST", "/actors/:id/moderation", user, nw.Moderate, "Publish or hide a suggested actor (organisations mapping or diagnosing its territory; hiding needs a reason)", "ActorModeration", "Actor"},
		{"POST", "/actors/:id/claim", user, nw.Claim, "Claim an actor as your organisation on Teixit (its admins; the actor's steward accepts)", "ActorClaimInput", "Actor"},
		{"POST", "/actors/:id/claim/decision", user, nw.DecideClaim, "Accept or decline a claim (staff of the actor's steward)", "ActorClaimDecision", "Actor"},
		{"GET", "/actors/:id/relations", public, nw.ActorRelations, "An actor's relations (proposed ones: the two organisations only)", "", "RelationList"},
		{"POST", "/relations", user, nw.ProposeRelation, "Propose a relation from an actor your organisation speaks for (confirmed by the other side when it is on Teixit)", "RelationInput", "Relation"},
		{"GET", "/relations/:id", public, nw.GetRelation, "A relation", "", "Relation"},
		{"POST", "/relations/:id/confirm", user, nw.ConfirmRelation, "Confirm a proposed relation (staff of the other side's organisation)", "", "Relation"},
		{"DELETE", "/relations/:id", user, nw.RemoveRelation, "Withdraw or decline a relation (staff of either side)", "", ""},
		{"GET", "/actors/:id/invitations", user, nw.ActorInvitations, "The actor's invitations your organisations sent, with their state (sent, opened, accepted, declined, withdrawn, expired)", "", "InvitationList"},
		{"POST", "/actors/:id/invitations", user, nw.Invite, "Invite an actor's contact to join Teixit (staff of the organisation that keeps the actor) or a diagnosis (its organisers); emailed when mail is set up, and the link is in the answer", "InvitationInput", "Invitation"},
		{"POST", "/actor-invitations/:id/open", public, nw.OpenInvitation, "Read an invitation with the key of its link (records that it was opened)", "InvitationKey", "Invitation"},
		{"POST", "/actor-invitations/:id/accept", user, nw.AcceptInvitation, "Accept an invitation as an organisation (its admins; staff when the actor is already that organisation)", "InvitationAnswer", "Invitation"},
		{"POST", "/actor-invitations/:id/decline", public, nw.DeclineInvitation, "Decline an invitation with the key of its link (no account needed), with an optional reason", "InvitationAnswer", "Invitation"},
		{"POST", "/actor-invitations/:id/withdraw", user, nw.WithdrawInvitation, "Withdraw an open invitation (staff of the inviting organisation)", "", "Invitation"},
		{"GET", "/territories/:id/network", public, nw.Network, "A territory's network: actors (?theme=&kind=), relations, uncovered themes and isolated actors", "", "NetworkGraph"},
		{"GET", "/territories/:id/network.geojson", public, nw.NetworkGeoJSON, "Open data: the territory's public actors as a GeoJSON FeatureCollection, their relations as properties", "", "Object"},
		{"GET", "/territories/:id/network.csv", public, nw.NetworkCSV, "Open data: the territory's public actors and relations as CSV (UTF-8 with BOM)", "", "CSVText"},
		{"GET", "/contributions/:id/practices", public, nw.PracticesFor(network.NeedContribution), "Practices that addressed this need elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/findings/:id/practices", public, nw.PracticesFor(network.NeedFinding), "Practices that addressed this finding elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/actions/:id/practices", public, nw.PracticesFor(network.NeedAction), "Practices that addressed this action's needs elsewhere (theme and text similarity, explained)", "", "PracticeMatchList"},
		{"GET", "/practices/:id/needs", public, nw.NeedsFor, "Where the need a practice addresses is raised now: needs and findings of diagnoses, explained", "", "NeedMatchList"},
	}
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
