// Package seed loads demo data: Barcelona's districts and neighbourhoods, organisations of each kind, demo accounts for each role, with content in
// Catalan, Spanish and Italian. Loading twice is harmless: what exists is kept.
package seed

import (
	"context"
	"fmt"

	"github.com/teixit/teixit/search"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/app"
	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/organisation"
)

// Account is a demo login the seed prints.
type Account struct {
	Role     string
	Email    string
	Password string
}

type person struct {
	role, email, name, lang, password string
	platformAdmin                     bool
}

var people = []person{
	{"platform admin", "admin@example.org", "Administració Teixit", "ca", "teixit-admin-demo-2026", true},
	{"org admin", "montse@example.org", "Montse Puig", "ca", "habitatge-digne-2026", false},
	{"professional", "jordi@example.org", "Jordi Vidal", "ca", "servei-social-prop-2026", false},
	{"professional", "lucia@example.org", "Lucía Martín", "es", "barrio-vivo-2026", false},
	{"professional", "giulia@example.org", "Giulia Rossi", "it", "welfare-di-prossimita-2026", false},
	{"resident", "pilar@example.org", "Pilar Soler", "ca", "veina-del-barri-2026", false},
}

type org struct {
	name, kind, description string
	admin                   string            // email of the admin who creates it
	members                 map[string]string // email → role
}

var orgs = []org{
	{"Associació Veïnal del Raval Nord", "association",
		"Associació de veïns i veïnes que organitza trobades mensuals sobre habitatge, convivència i espai públic al barri.",
		"montse@example.org", map[string]string{"pilar@example.org": organisation.RoleMember, "jordi@example.org": organisation.RoleProfessional}},
	{"Centre de Serveis Socials Ciutat Vella", "services_centre",
		"Centre de serveis socials de proximitat: acollida, orientació i acompanyament a persones i famílies.",
		"jordi@example.org", map[string]string{"montse@example.org": organisation.RoleMember}},
	{"Fundación Vivienda Social Barcelona", "housing_entity",
		"Entidad que gestiona viviendas de alquiler social y acompaña a los inquilinos en situación de vulnerabilidad.",
		"lucia@example.org", map[string]string{}},
	{"Ajuntament — Àrea de Drets Socials", "municipality",
		"Àrea municipal que coordina els serveis socials bàsics i els programes comunitaris de la ciutat.",
		"admin@example.org", map[string]string{"jordi@example.org": organisation.RoleProfessional}},
	{"Rete Welfare di Prossimità", "network",
		"Rete di enti del terzo settore che condivide pratiche di ascolto, orientamento e contrasto alla solitudine.",
		"giulia@example.org", map[string]string{"lucia@example.org": organisation.RoleMember}},
	{"Grup de suport mutu de gent gran", "other",
		"Grup informal de persones grans que es troben cada setmana per acompanyar-se i aprendre a fer servir el mòbil.",
		"pilar@example.org", map[string]string{}},
}

// Load creates the demo data on a migrated app and returns the demo accounts.
func Load(ctx context.Context, a *app.App) ([]Account, error) {
	ids := map[string]string{}
	var out []Account
	for _, p := range people {
		u, err := a.Accounts.Register(ctx, account.RegisterInput{Email: p.email, Password: p.password, Name: p.name, Language: p.lang})
		switch {
		case apperr.IsKind(err, apperr.Conflict):
			id, err := a.Accounts.UserIDByEmail(ctx, p.email)
			if err != nil {
				return nil, err
			}
			ids[p.email] = id
		case err != nil:
			return nil, fmt.Errorf("seed: account %s: %w", p.email, err)
		default:
			ids[p.email] = u.ID
		}
		if p.platformAdmin {
			if _, err := a.Accounts.GrantAdmin(ctx, p.email); err != nil {
				return nil, err
			}
		}
		out = append(out, Account{Role: p.role, Email: p.email, Password: p.password})
	}
	if err := loadTerritories(ctx, a.Territories, ids["admin@example.org"]); err != nil {
		return nil, err
	}
	existing, _, err := a.Organisations.List(ctx, search.Reader{Admin: true}, organisation.ListInput{Limit: 100})
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, o := range existing {
		have[o.Name] = true
	}
	for _, o := range orgs {
		if have[o.name] {
			continue
		}
		creator := &auth.Principal{UserID: ids[o.admin]}
		name, kind, desc := o.name, o.kind, o.description
		created, err := a.Organisations.Create(ctx, creator, organisation.Input{Name: &name, Kind: &kind, Description: &desc})
		if err != nil {
			return nil, fmt.Errorf("seed: organisation %s: %w", o.name, err)
		}
		for email, role := range o.members {
			if err := join(ctx, a, creator, created.ID, email, role); err != nil {
				return nil, fmt.Errorf("seed: member %s of %s: %w", email, o.name, err)
			}
		}
	}
	if err := loadDiagnosis(ctx, a, ids); err != nil {
		return nil, err
	}
	if err := loadNetwork(ctx, a, ids); err != nil {
		return nil, err
	}
	if err := loadPractice(ctx, a, ids); err != nil {
		return nil, err
	}
	if err := loadEvaluation(ctx, a, ids); err != nil {
		return nil, err
	}
	return out, nil
}

// join makes a demo person a member the way people join: the admin invites their address and they accept.
// Someone already a member is left as they are.
func join(ctx context.Context, a *app.App, admin *auth.Principal, orgID, email, role string) error {
	inv, err := a.Organisations.Invite(ctx, admin, orgID, organisation.InvitationInput{Email: email, Role: role})
	if apperr.IsKind(err, apperr.Conflict) {
		return nil
	}
	if err != nil {
		return err
	}
	uid, err := a.Accounts.UserIDByEmail(ctx, email)
	if err != nil {
		return err
	}
	_, err = a.Organisations.Accept(ctx, &auth.Principal{UserID: uid}, inv.ID)
	return err
}
