package opendata_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/teixit/teixit/server/opendata"
)

func TestCSV(t *testing.T) {
	c := opendata.NewCSV("name", "lat", "note")
	c.Row("Associació Veïnal", "-3.7038", `=HYPERLINK("http://x","clic")`)
	c.Row("@sum", "41.38", "línia 1\nlínia 2, amb \"cometes\"")
	b := c.Bytes()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"name", "lat", "note"}, {"Associació Veïnal", "-3.7038", `'=HYPERLINK("http://x","clic")`},
		{"'@sum", "41.38", "línia 1\nlínia 2, amb \"cometes\""}}
	if len(rows) != len(want) {
		t.Fatalf("rows: %q", rows)
	}
	for i := range want {
		for j := range want[i] {
			if rows[i][j] != want[i][j] {
				t.Errorf("row %d cell %d = %q, want %q", i, j, rows[i][j], want[i][j])
			}
		}
	}
}
