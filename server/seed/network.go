package seed

import (
	"context"
	"fmt"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/organisation"
)

type demoActor struct {
	org, name, kind, description, population string
	self                                     bool // the organisation itself (name = org)
	themes                                   []string
	lat, lon                                 float64
}

// The network of el Raval: the association and the services centre themselves, and actors that are not on
// Teixit. Nobody works on the digital divide, which the diagnosis raises: the network page names that hole.
var demoActors = []demoActor{
	{org: "Associació Veïnal del Raval Nord", self: true, kind: "association", themes: []string{"housing", "public_space", "coexistence"},
		population: "Veïns i veïnes del barri", lat: 41.3806, lon: 2.1672},
	{org: "Centre de Serveis Socials Ciutat Vella", self: true, kind: "social_services", themes: []string{"ageing_loneliness", "housing", "health"},
		population: "Persones i famílies de Ciutat Vella", lat: 41.3795, lon: 2.1701},
	{org: "Associació Veïnal del Raval Nord", name: "Escola Collaso i Gil", kind: "school", themes: []string{"childhood_youth"},
		description: "Escola pública d'infantil i primària.", population: "Infants de 3 a 12 anys i les seves famílies", lat: 41.3778, lon: 2.1664},
	{org: "Centre de Serveis Socials Ciutat Vella", name: "CAP Raval Nord", kind: "health_centre", themes: []string{"health", "ageing_loneliness"},
		description: "Centre d'atenció primària.", lat: 41.3822, lon: 2.1689},
	{org: "Associació Veïnal del Raval Nord", name: "Parròquia del Carme", kind: "parish", themes: []string{"ageing_loneliness"},
		description: "Rebost solidari i acompanyament a gent gran que viu sola.", lat: 41.3812, lon: 2.1683},
	{org: "Associació Veïnal del Raval Nord", name: "Grup de dones del Raval", kind: "informal_group", themes: []string{"coexistence", "culture"},
		description: "Es troben els dimecres a la biblioteca.", lat: 41.3799, lon: 2.1659},
}

type demoRelation struct{ from, to, typ, since, source string }

var demoRelations = []demoRelation{
	{"Associació Veïnal del Raval Nord", "Escola Collaso i Gil", network.TypeSharesSpace, "2022-09", "Conveni d'ús del pati els caps de setmana"},
	{"Centre de Serveis Socials Ciutat Vella", "CAP Raval Nord", network.TypeRefers, "2019", "Protocol de derivació sociosanitària"},
	{"Associació Veïnal del Raval Nord", "Parròquia del Carme", network.TypeCollaborates, "2023-01", "Taula de gent gran del barri"},
	{"Centre de Serveis Socials Ciutat Vella", "Associació Veïnal del Raval Nord", network.TypeCollaborates, "2021", "Pla comunitari del Raval"},
}

// loadNetwork adds the actors and relations of el Raval (once: skipped when the neighbourhood has actors).
func loadNetwork(ctx context.Context, a *app.App, ids map[string]string) error {
	raval, err := territoryNamed(ctx, a, "el Raval")
	if err != nil || raval == "" {
		return err
	}
	if have, _, err := a.Network.ListActors(ctx, nil, network.ActorList{Territory: raval, Limit: 1}); err != nil || len(have) > 0 {
		return err
	}
	orgs, _, err := a.Organisations.List(ctx, search.Reader{Admin: true}, organisation.ListInput{Limit: 100})
	if err != nil {
		return err
	}
	orgID := map[string]string{}
	for _, o := range orgs {
		orgID[o.Name] = o.ID
	}
	// Jordi is a professional of the association and the admin of the centre: he speaks for both.
	jordi := &auth.Principal{UserID: ids["jordi@example.org"]}
	actorID := map[string]string{}
	for _, d := range demoActors {
		in := network.ActorInput{Kind: &d.kind, Themes: &d.themes, Territories: &[]string{raval}, Self: d.self,
			Description: &d.description, Population: &d.population}
		oid := orgID[d.org]
		if oid == "" {
			return fmt.Errorf("seed: network: no organisation %q", d.org)
		}
		in.OrganisationID = &oid
		if !d.self {
			in.Name = &d.name
		}
		pt := &network.Point{Lat: d.lat, Lon: d.lon}
		in.Point = &pt
		got, err := a.Network.CreateActor(ctx, jordi, in)
		if err != nil {
			return fmt.Errorf("seed: actor %s%s: %w", d.name, d.org, err)
		}
		actorID[got.Name] = got.ID
	}
	for _, r := range demoRelations {
		if _, err := a.Network.ProposeRelation(ctx, jordi, network.RelationInput{FromActorID: actorID[r.from], ToActorID: actorID[r.to],
			Type: r.typ, Since: r.since, Source: r.source}); err != nil {
			return fmt.Errorf("seed: relation %s–%s: %w", r.from, r.to, err)
		}
	}
	return nil
}
