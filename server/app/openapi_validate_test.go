package app_test

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/teixit/teixit/server/testkit"
)

// TestOpenAPIValidates reads the served OpenAPI document as an integrator's tooling would: kin-openapi, a
// third-party OpenAPI 3 implementation, must load and validate it (schemas, parameters, enums, references).
func TestOpenAPIValidates(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	r := a.Do(nil, "GET", "/api/v1/openapi.json", nil)
	if r.Status != 200 {
		t.Fatalf("openapi.json: %d", r.Status)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the document: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	// The query parameters are there, with their allowed values.
	op := doc.Paths.Find("/api/v1/search").Get
	var sort *openapi3.Parameter
	for _, p := range op.Parameters {
		if p.Value.Name == "sort" && p.Value.In == "query" {
			sort = p.Value
		}
	}
	if sort == nil || len(sort.Schema.Value.Enum) != 2 {
		t.Errorf("GET /search: no ?sort= with its two values: %+v", op.Parameters)
	}
}
