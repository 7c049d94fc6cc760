package apperr

import "testing"

func TestChecks(t *testing.T) {
	f := Fields{}
	if !f.Length("title", "Dia", 3, 200) || f.Length("short", "ab", 3, 200) || f.Length("long", "àèìòù", 1, 4) {
		t.Fatal("Length must count characters, not bytes")
	}
	if !f.MaxLength("ok", "àèìò", 4) || f.MaxLength("desc", "abcde", 4) {
		t.Fatal("MaxLength")
	}
	if !f.Range("cap", 0, 0, 10) || f.Range("capacity", 11, 0, 10) {
		t.Fatal("Range")
	}
	if !f.OneOf("m", "open", "open", "members") || f.OneOf("mode", "x", "open", "members") {
		t.Fatal("OneOf")
	}
	if !f.Check("c", true, Required()) || f.Check("consent", false, Required()) {
		t.Fatal("Check")
	}
	want := map[string]string{"short": "length", "long": "length", "desc": "max_length", "capacity": "range",
		"mode": "one_of", "consent": "required"}
	if len(f) != len(want) {
		t.Fatalf("fields noted: %v", f)
	}
	for k, code := range want {
		if f[k].Code != code {
			t.Errorf("%s: %q, want %q", k, f[k].Code, code)
		}
	}
	if f["short"].Params["min"] != 3 || f["desc"].Params["max"] != 4 {
		t.Errorf("params: %+v %+v", f["short"], f["desc"])
	}
}
