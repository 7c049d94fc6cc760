package readmodel

import (
	"reflect"
	"testing"
)

func TestOnePerRecord(t *testing.T) {
	t.Parallel()
	orig := Hit{ID: "practice:p1", URL: "/practices/p1", Language: "it"}
	trCa := Hit{ID: "translation:practice:p1:ca", URL: "/practices/p1", Language: "ca", Via: "translation"}
	other := Hit{ID: "practice:p2", URL: "/practices/p2", Language: "ca"}
	noLink := Hit{ID: "x:1"}
	for _, tc := range []struct {
		name  string
		in    []Hit
		lang  string
		want  []Hit
		total uint64
	}{
		{"the reader's language wins, at the better place", []Hit{orig, other, trCa}, "ca", []Hit{trCa, other}, 2},
		{"else the better-ranked one", []Hit{orig, other, trCa}, "en", []Hit{orig, other}, 2},
		{"the original in the reader's language stays", []Hit{trCa, orig}, "it", []Hit{orig}, 1},
		{"hits without a page are all kept", []Hit{noLink, noLink}, "ca", []Hit{noLink, noLink}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total := onePerRecord(append([]Hit(nil), tc.in...), uint64(len(tc.in)), tc.lang)
			if !reflect.DeepEqual(got, tc.want) || total != tc.total {
				t.Errorf("got %v (total %d), want %v (total %d)", got, total, tc.want, tc.total)
			}
		})
	}
}
