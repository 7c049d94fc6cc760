package search

import "testing"

func TestDetect(t *testing.T) {
	t.Parallel()
	d := NewDetector()
	cases := []struct{ text, want string }{
		{"El projecte d'habitatge del barri ha millorat la participació dels veïns i les veïnes amb les entitats.", Catalan},
		{"El proyecto de vivienda del barrio ha mejorado la participación de los vecinos con las asociaciones.", Spanish},
		{"Il progetto abitativo del quartiere ha migliorato la partecipazione degli abitanti con le associazioni.", Italian},
		{"The neighbourhood housing project improved the participation of residents with the associations.", English},
		{"Le projet de logement du quartier a amélioré la participation des habitants avec les associations.", French},
		{"Una trobada oberta per als joves que volen participar en la vida del barri", Catalan},
		{"Una reunión abierta para los jóvenes que quieren participar en la vida del barrio", Spanish},
		{"", Catalan},
		{"12345", Catalan},
	}
	for _, c := range cases {
		if got := d.Detect(c.text, Catalan); got != c.want {
			t.Errorf("Detect(%q) = %s, want %s", c.text, got, c.want)
		}
	}
}
