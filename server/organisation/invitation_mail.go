package organisation

import (
	"strconv"
	"strings"
)

// invitationTexts are the words of the email inviting an address with no account yet (written without a
// browser, so not through the frontend's catalogs). {org}, {role}, {link} and {days} are filled in.
var invitationTexts = map[string]map[string]string{
	"en": {
		"subject":    "{org} invites you to join it on Teixit",
		"body":       "Hello,\n\n{org} invites you to join it on Teixit as {role}. Teixit is where social services, associations and neighbours work together.\n\nTo answer, create an account with this email address: you will find the invitation on your account page, and nothing happens until you accept it (it works for {days} days):\n{link}\n\nIf you do not know them, you can ignore this email.",
		"role.admin": "an administrator", "role.professional": "a professional", "role.member": "a member",
	},
	"ca": {
		"subject":    "{org} et convida a formar-ne part a Teixit",
		"body":       "Hola,\n\n{org} et convida a formar-ne part a Teixit com a {role}. Teixit és on serveis socials, entitats i veïnat treballen plegats.\n\nPer respondre, crea un compte amb aquesta adreça de correu: hi trobaràs la invitació a la pàgina del teu compte, i no passa res fins que l'acceptis (funciona durant {days} dies):\n{link}\n\nSi no els coneixes, pots ignorar aquest correu.",
		"role.admin": "administradora", "role.professional": "professional", "role.member": "membre",
	},
	"es": {
		"subject":    "{org} te invita a formar parte de ella en Teixit",
		"body":       "Hola:\n\n{org} te invita a formar parte de ella en Teixit como {role}. Teixit es donde servicios sociales, entidades y vecindario trabajan juntos.\n\nPara responder, crea una cuenta con esta dirección de correo: encontrarás la invitación en la página de tu cuenta, y no pasa nada hasta que la aceptes (funciona durante {days} días):\n{link}\n\nSi no los conoces, puedes ignorar este correo.",
		"role.admin": "administradora", "role.professional": "profesional", "role.member": "miembro",
	},
	"it": {
		"subject":    "{org} ti invita a farne parte su Teixit",
		"body":       "Buongiorno,\n\n{org} ti invita a farne parte su Teixit come {role}. Teixit è dove servizi sociali, associazioni e vicinato lavorano insieme.\n\nPer rispondere, crea un account con questo indirizzo email: troverai l'invito nella pagina del tuo account, e non succede nulla finché non lo accetti (vale per {days} giorni):\n{link}\n\nSe non li conosci, puoi ignorare questa email.",
		"role.admin": "amministratrice", "role.professional": "professionista", "role.member": "membro",
	},
}

// invitationEmail is the subject and plain-text body of an invitation to an address with no account.
func invitationEmail(lang, org, role, link string, days int) (string, string) {
	w, ok := invitationTexts[lang]
	if !ok {
		w = invitationTexts["ca"]
	}
	fill := strings.NewReplacer("{org}", org, "{role}", w["role."+role], "{link}", link, "{days}", strconv.Itoa(days)).Replace
	return fill(w["subject"]), fill(w["body"]) + "\n"
}
