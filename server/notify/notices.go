package notify

import "strings"

// Email text of notices, in each person's language. The in-app list shows the same notices through the
// frontend's catalogs (notifications.kind.<kind>); email needs its own words because it is written
// without a browser. Kinds without a sentence of their own get the generic one.
var noticeSubjects = map[string]map[string]string{
	"en": {
		"contribution_published": "Your contribution is published: {title}",
		"contribution_hidden":    "Your contribution was hidden: {title}",
		"contribution_cited":     "A finding cites your contribution: {title}",
		"diagnosis_phase":        "The diagnosis moved to a new phase: {title}",
		"action_changed":         "The action plan moved: {title}",
		"comment_reply":          "Someone answered your comment: {title}",
		"":                       "News on Teixit: {title}",
	},
	"ca": {
		"contribution_published": "La teva aportació s'ha publicat: {title}",
		"contribution_hidden":    "La teva aportació s'ha amagat: {title}",
		"contribution_cited":     "Una conclusió cita la teva aportació: {title}",
		"diagnosis_phase":        "La diagnosi ha passat a una nova fase: {title}",
		"action_changed":         "El pla d'acció s'ha mogut: {title}",
		"comment_reply":          "Algú ha respost el teu comentari: {title}",
		"":                       "Novetats a Teixit: {title}",
	},
	"es": {
		"contribution_published": "Tu aportación se ha publicado: {title}",
		"contribution_hidden":    "Tu aportación se ha ocultado: {title}",
		"contribution_cited":     "Una conclusión cita tu aportación: {title}",
		"diagnosis_phase":        "El diagnóstico ha pasado a una nueva fase: {title}",
		"action_changed":         "El plan de acción se ha movido: {title}",
		"comment_reply":          "Alguien ha respondido a tu comentario: {title}",
		"":                       "Novedades en Teixit: {title}",
	},
	"it": {
		"contribution_published": "Il tuo contributo è stato pubblicato: {title}",
		"contribution_hidden":    "Il tuo contributo è stato nascosto: {title}",
		"contribution_cited":     "Una conclusione cita il tuo contributo: {title}",
		"diagnosis_phase":        "La diagnosi è passata a una nuova fase: {title}",
		"action_changed":         "Il piano d'azione si è mosso: {title}",
		"comment_reply":          "Qualcuno ha risposto al tuo commento: {title}",
		"":                       "Novità su Teixit: {title}",
	},
}

var openLink = map[string]string{
	"en": "Open it on Teixit:",
	"ca": "Obre-ho a Teixit:",
	"es": "Ábrelo en Teixit:",
	"it": "Aprilo su Teixit:",
}

var footer = map[string]string{
	"en": "You get this email because you follow this on Teixit. Stop these emails with one click:",
	"ca": "Reps aquest correu perquè segueixes això a Teixit. Deixa de rebre'ls amb un clic:",
	"es": "Recibes este correo porque sigues esto en Teixit. Deja de recibirlos con un clic:",
	"it": "Ricevi questa email perché segui questo su Teixit. Smetti di riceverle con un clic:",
}

var digestSubject = map[string]string{
	"en": "Your news on Teixit",
	"ca": "Les teves novetats a Teixit",
	"es": "Tus novedades en Teixit",
	"it": "Le tue novità su Teixit",
}

var digestIntro = map[string]string{
	"en": "This is what happened in what you follow:",
	"ca": "Això és el que ha passat en el que segueixes:",
	"es": "Esto es lo que ha pasado en lo que sigues:",
	"it": "Ecco cosa è successo in ciò che segui:",
}

// textLang is the language of a person's emails: theirs when the texts have it, else Catalan (the
// platform's default language).
func textLang(l string) string {
	if _, ok := noticeSubjects[l]; ok {
		return l
	}
	return "ca"
}

// noticeText is a notice's email subject and body in lang; link may be empty (digest lines).
func noticeText(lang, kind, title, link string) (string, string) {
	lang = textLang(lang)
	tpl, ok := noticeSubjects[lang][kind]
	if !ok {
		tpl = noticeSubjects[lang][""]
	}
	subject := strings.ReplaceAll(tpl, "{title}", strings.ReplaceAll(title, "\n", " "))
	if link == "" {
		return subject, ""
	}
	return subject, subject + "\n\n" + openLink[lang] + "\n" + link
}
