package network

import "strings"

// invitationTexts are the invitation email's words in each language (written without a browser, so not
// through the frontend's catalogs). {inviter}, {actor}, {diagnosis}, {link}, {days} are filled in.
var invitationTexts = map[string]map[string]string{
	"en": {
		"subject.teixit":    "{inviter} invites {actor} to Teixit",
		"subject.diagnosis": "{inviter} invites {actor} to the diagnosis {diagnosis}",
		"greeting":          "Hello{name},",
		"body.teixit":       "{inviter} works with {actor} in the neighbourhood and has added it to the map of who works on what on Teixit. Join Teixit as an organisation: you will keep your own details up to date, confirm the relations others record with you, and find practices from other places.",
		"body.diagnosis":    "{inviter} invites {actor} to organise the participatory diagnosis \"{diagnosis}\" together: gather the neighbourhood's needs, assets and proposals, and decide what to do.",
		"message":           "Their message:",
		"answer":            "Open the invitation to accept or decline it (it works for {days} days):",
		"ignore":            "If you do not know them, you can ignore this email: nothing happens unless you answer.",
	},
	"ca": {
		"subject.teixit":    "{inviter} convida {actor} a Teixit",
		"subject.diagnosis": "{inviter} convida {actor} a la diagnosi {diagnosis}",
		"greeting":          "Hola{name},",
		"body.teixit":       "{inviter} treballa amb {actor} al barri i l'ha afegit al mapa de qui treballa en què a Teixit. Entreu a Teixit com a organització: mantindreu les vostres dades al dia, confirmareu les relacions que altres registren amb vosaltres i trobareu pràctiques d'altres llocs.",
		"body.diagnosis":    "{inviter} convida {actor} a organitzar plegats la diagnosi participativa \"{diagnosis}\": recollir les necessitats, els recursos i les propostes del barri, i decidir què fer.",
		"message":           "El seu missatge:",
		"answer":            "Obriu la invitació per acceptar-la o declinar-la (funciona durant {days} dies):",
		"ignore":            "Si no els coneixeu, podeu ignorar aquest correu: no passa res si no responeu.",
	},
	"es": {
		"subject.teixit":    "{inviter} invita a {actor} a Teixit",
		"subject.diagnosis": "{inviter} invita a {actor} al diagnóstico {diagnosis}",
		"greeting":          "Hola{name}:",
		"body.teixit":       "{inviter} trabaja con {actor} en el barrio y lo ha añadido al mapa de quién trabaja en qué en Teixit. Entrad en Teixit como organización: mantendréis vuestros datos al día, confirmaréis las relaciones que otros registran con vosotros y encontraréis prácticas de otros lugares.",
		"body.diagnosis":    "{inviter} invita a {actor} a organizar juntos el diagnóstico participativo \"{diagnosis}\": recoger las necesidades, los recursos y las propuestas del barrio, y decidir qué hacer.",
		"message":           "Su mensaje:",
		"answer":            "Abrid la invitación para aceptarla o rechazarla (funciona durante {days} días):",
		"ignore":            "Si no los conocéis, podéis ignorar este correo: no pasa nada si no respondéis.",
	},
	"it": {
		"subject.teixit":    "{inviter} invita {actor} su Teixit",
		"subject.diagnosis": "{inviter} invita {actor} alla diagnosi {diagnosis}",
		"greeting":          "Buongiorno{name},",
		"body.teixit":       "{inviter} lavora con {actor} nel quartiere e l'ha aggiunto alla mappa di chi lavora su cosa su Teixit. Entrate su Teixit come organizzazione: terrete aggiornati i vostri dati, confermerete le relazioni che altri registrano con voi e troverete pratiche di altri luoghi.",
		"body.diagnosis":    "{inviter} invita {actor} a organizzare insieme la diagnosi partecipata \"{diagnosis}\": raccogliere i bisogni, le risorse e le proposte del quartiere, e decidere cosa fare.",
		"message":           "Il loro messaggio:",
		"answer":            "Aprite l'invito per accettarlo o rifiutarlo (vale per {days} giorni):",
		"ignore":            "Se non li conoscete, potete ignorare questa email: non succede nulla se non rispondete.",
	},
}

// invitationEmail is the subject and plain-text body of an invitation in its language.
func invitationEmail(d *inviteDoc, link string) (string, string) {
	w, ok := invitationTexts[d.Language]
	if !ok {
		w = invitationTexts["ca"]
	}
	name := ""
	if d.Name != "" {
		name = " " + d.Name
	}
	fill := strings.NewReplacer("{inviter}", d.InviterName, "{actor}", d.ActorName, "{diagnosis}", d.DiagnosisTitle,
		"{link}", link, "{days}", "30", "{name}", name).Replace
	var b strings.Builder
	b.WriteString(fill(w["greeting"]) + "\n\n" + fill(w["body."+d.Purpose]) + "\n\n")
	if d.Message != "" {
		b.WriteString(fill(w["message"]) + "\n\n" + d.Message + "\n\n")
	}
	b.WriteString(fill(w["answer"]) + "\n" + link + "\n\n" + fill(w["ignore"]) + "\n")
	return fill(w["subject."+d.Purpose]), b.String()
}
