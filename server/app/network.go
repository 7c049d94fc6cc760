package app

import (
	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
)

// buildNetwork wires network work: actors, relations and the network page (two read-model kinds).
func (a *App) buildNetwork() {
	a.Network = network.NewService(network.Deps{Store: network.NewStore(a.Store), Orgs: practice.OrgsFrom(a.Organisations),
		Territories: a.Territories, ReadModel: a.ReadModel, Notify: a.Notify, Themes: diagnosis.Themes, BaseURL: a.Config.BaseURL})
	for kind, load := range map[string]search.Loader{network.KindActor: a.Network.LoadActors, network.KindRelation: a.Network.LoadRelations} {
		link := network.RelationLink
		if kind == network.KindActor {
			link = network.ActorLink
		}
		a.ReadModel.Register(kind, readmodel.Kind{Load: load, All: a.Network.AllOf(kind), Count: a.Network.CountOf(kind), Link: link})
	}
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
		{"GET", "/territories/:id/network", public, nw.Network, "A territory's network: actors (?theme=&kind=), relations, uncovered themes and isolated actors", "", "NetworkGraph"},
	}
}
