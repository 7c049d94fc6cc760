package app

import (
	"encoding/json"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/teixit/teixit/media/turnserver"
	"github.com/teixit/teixit/server/account"
	"github.com/teixit/teixit/server/comment"
	"github.com/teixit/teixit/server/diagnosis"
	"github.com/teixit/teixit/server/evaluation"
	"github.com/teixit/teixit/server/exchange"
	"github.com/teixit/teixit/server/httpx"
	"github.com/teixit/teixit/server/live"
	"github.com/teixit/teixit/server/mediafile"
	"github.com/teixit/teixit/server/network"
	"github.com/teixit/teixit/server/notify"
	"github.com/teixit/teixit/server/organisation"
	"github.com/teixit/teixit/server/practice"
	"github.com/teixit/teixit/server/readmodel"
	"github.com/teixit/teixit/server/recording"
	"github.com/teixit/teixit/server/territory"
	"github.com/teixit/teixit/server/translation"
)

// schemaTypes maps the schema names used in the route table to the Go types that are encoded or decoded,
// so the OpenAPI document is derived from the code and cannot drift from it.
var schemaTypes = map[string]any{
	"RegisterInput": account.RegisterInput{},
	"LoginInput":    struct{ Email, Password string }{},
	"Session": struct {
		User        *account.User           `json:"user"`
		CSRFToken   string                  `json:"csrfToken"`
		Memberships []account.MembershipRef `json:"memberships"`
	}{},
	"User":                      account.User{},
	"UpdateMeInput":             account.UpdateInput{},
	"TokenInput":                account.TokenInput{},
	"Token":                     account.Token{},
	"TokenList":                 httpx.List[account.Token]{},
	"ChangePasswordInput":       account.ChangePasswordInput{},
	"SessionList":               httpx.List[account.SessionInfo]{},
	"EmailInput":                account.EmailInput{},
	"CompleteResetInput":        account.CompleteResetInput{},
	"AdminReset":                account.AdminReset{},
	"AuditList":                 httpx.List[auditView]{},
	"Organisation":              organisation.Organisation{},
	"OrganisationInput":         organisation.Input{},
	"OrganisationList":          httpx.List[organisation.Organisation]{},
	"Member":                    organisation.Member{},
	"MembershipInvitationInput": organisation.InvitationInput{},
	"MembershipInvitation":      organisation.Invitation{},
	"MembershipInvitationList":  httpx.List[organisation.Invitation]{},
	"RoleInput":                 organisation.RoleInput{},
	"MemberList":                httpx.List[organisation.Member]{},
	"ClientConfig":              ClientConfig{},
	"Territory":                 territory.Territory{},
	"TerritoryInput":            territory.Input{},
	"TerritoryList":             httpx.List[territory.Territory]{},
	"Surroundings":              territory.Surroundings{},
	"SearchResults":             readmodel.Results{},
	"SuggestionList":            httpx.List[readmodel.Suggestion]{},
	"ReindexStatus":             readmodel.ReindexStatus{},
	"MediaAsset":                mediafile.Asset{},
	"Practice":                  practice.Practice{},
	"PracticeInput":             practice.Input{},
	"PracticeList":              httpx.List[practice.Practice]{},
	"TranslationInput":          practice.TranslationInput{},
	"TranslationView":           translation.View{},
	"ShownTranslationList":      httpx.List[translation.Shown]{},
	"TranslationCorrection":     translation.CorrectionInput{},
	"VersionList":               httpx.List[practice.Version]{},
	"Diff":                      practice.Diff{},
	"Transfer":                  practice.Transfer{},
	"TransferInput":             practice.TransferInput{},
	"TransferPatch":             practice.TransferPatch{},
	"TransferList":              httpx.List[practice.Transfer]{},
	"Update":                    practice.Update{},
	"UpdateInput":               practice.UpdateInput{},
	"UpdateList":                httpx.List[practice.Update]{},
	"Comment":                   comment.Comment{},
	"CommentInput":              comment.Input{},
	"CommentEdit":               comment.EditInput{},
	"CommentList":               httpx.List[comment.Comment]{},
	"ReportInput":               comment.ReportInput{},
	"ModerationInput":           comment.ModerationInput{},
	"Follow":                    notify.Follow{},
	"FollowInput":               notify.FollowInput{},
	"FollowList":                httpx.List[notify.Follow]{},
	"NotificationPage":          notify.Page{},
	"NotificationSettings":      notify.Settings{},
	"NotificationSettingsInput": notify.SettingsInput{},
	"ExchangeDay":               exchange.Day{},
	"ExchangeDayInput":          exchange.Input{},
	"ExchangeDayList":           httpx.List[exchange.Day]{},
	"ExchangeRegisterInput":     exchange.RegisterInput{},
	"ICEServers": struct {
		ICEServers []turnserver.ICEServer `json:"iceServers"`
	}{},
	"RecordingState":         live.RecordingState{},
	"LiveStatus":             live.Status{},
	"Recording":              recording.Recording{},
	"RecordingLinkInput":     recording.LinkInput{},
	"RecordingLink":          recording.Link{},
	"RedactionInput":         recording.RedactionInput{},
	"Redaction":              recording.Redaction{},
	"RedactionList":          httpx.List[recording.Redaction]{},
	"RapporteurInput":        recording.RapporteurInput{},
	"Rapporteur":             recording.Rapporteur{},
	"KeyPointInput":          recording.KeyPointInput{},
	"KeyPoint":               recording.KeyPoint{},
	"KeyPointList":           httpx.List[recording.KeyPoint]{},
	"Summary":                recording.Summary{},
	"SummaryInput":           recording.SummaryInput{},
	"Error":                  httpx.ErrorBody{},
	"Object":                 map[string]any{},
	"Diagnosis":              diagnosis.Diagnosis{},
	"DiagnosisInput":         diagnosis.Input{},
	"DiagnosisList":          httpx.List[diagnosis.Diagnosis]{},
	"Contribution":           diagnosis.Contribution{},
	"ContributionInput":      diagnosis.ContributionInput{},
	"ContributionList":       httpx.List[diagnosis.Contribution]{},
	"ContributionReport":     diagnosis.ReportInput{},
	"ContributionModeration": diagnosis.ModerationInput{},
	"Finding":                diagnosis.Finding{},
	"FindingInput":           diagnosis.FindingInput{},
	"FindingList":            httpx.List[diagnosis.Finding]{},
	"BallotInput":            diagnosis.BallotInput{},
	"Ballot":                 diagnosis.Ballot{},
	"Priorities":             diagnosis.Priorities{},
	"Action":                 diagnosis.Action{},
	"ActionInput":            diagnosis.ActionInput{},
	"ActionList":             httpx.List[diagnosis.Action]{},
	"MeasurementInput":       diagnosis.MeasurementInput{},
	"Dashboard":              diagnosis.Dashboard{},
	"OpenData":               diagnosis.OpenData{},
	"PracticeOpenData": struct {
		Practices []practice.OpenPractice `json:"practices"`
	}{},
	"CSVText":            "",
	"Actor":              network.Actor{},
	"ActorInput":         network.ActorInput{},
	"ActorList":          httpx.List[network.Actor]{},
	"ActorModeration":    network.ModerationInput{},
	"ActorClaimInput":    network.ClaimInput{},
	"ActorClaimDecision": network.ClaimDecision{},
	"Relation":           network.Relation{},
	"RelationInput":      network.RelationInput{},
	"RelationList":       httpx.List[network.Relation]{},
	"NetworkGraph":       network.Graph{},
	"PracticeMatchList":  httpx.List[network.PracticeMatch]{},
	"NeedMatchList":      httpx.List[network.NeedMatch]{},
	"Invitation":         network.Invitation{},
	"InvitationInput":    network.InvitationInput{},
	"InvitationList":     httpx.List[network.Invitation]{},
	"InvitationKey":      network.InvitationKey{},
	"InvitationAnswer":   network.InvitationAnswer{},

	// evaluations (server/evaluation)
	"Evaluation":              evaluation.Evaluation{},
	"EvaluationInput":         evaluation.Input{},
	"EvaluationList":          httpx.List[evaluation.Evaluation]{},
	"EvaluationCreated":       evaluation.Created{},
	"EvaluationOverview":      evaluation.Overview{},
	"Edition":                 evaluation.Edition{},
	"EditionInput":            evaluation.EditionInput{},
	"PersonList":              httpx.List[evaluation.Person]{},
	"Person":                  evaluation.Person{},
	"EvaluationAdded":         evaluation.Added{},
	"EvaluationJoinInput":     evaluation.JoinInput{},
	"EvaluationPlaceInput":    evaluation.PlaceInput{},
	"Group":                   evaluation.Group{},
	"GroupList":               httpx.List[evaluation.Group]{},
	"GroupView":               evaluation.GroupView{},
	"EvaluationGroupInput":    evaluation.GroupInput{},
	"EvaluationNewGroupInput": evaluation.NewGroupInput{},
	"Item":                    evaluation.Item{},
	"ItemList":                httpx.List[evaluation.Item]{},
	"EvaluationItemInput":     evaluation.ItemInput{},
	"SuggestionsList":         httpx.List[evaluation.Suggestion]{},
	"Synthesis":               evaluation.Synthesis{},
	"EvaluationPointInput":    evaluation.PointInput{},
	"Point":                   evaluation.Point{},
	"EvaluationBallotInput":   evaluation.BallotInput{},
	"EditionMe":               evaluation.Me{},
	"MeasureInput":            evaluation.MeasureInput{},
	"Measure":                 evaluation.Measure{},
	"EvaluationDashboard":     evaluation.Dashboard{},
	"ReviewList":              httpx.List[evaluation.Reviewed]{},
	"ReviewInput":             evaluation.ReviewInput{},
	"Reviewed":                evaluation.Reviewed{},
	"Comparison":              evaluation.Comparison{},
	"EvaluationReportInput":   evaluation.ReportInput{},
	"EvaluationReport":        evaluation.ReportView{},
}

var pathParam = regexp.MustCompile(`:([A-Za-z]+)`)

// queryParam finds the query parameters a route's summary names, "?name=" or "&name=", with their allowed
// values when listed as "name=a|b|c" (a single value is an example, not a rule).
var queryParam = regexp.MustCompile(`[?&]([A-Za-z][A-Za-z0-9]*)=([^&\s),;]*)`)

// QueryParams are the query parameters a summary documents, in order, each with its allowed values (none:
// any value).
func QueryParams(summary string) (names []string, enums map[string][]string) {
	enums = map[string][]string{}
	for _, m := range queryParam.FindAllStringSubmatch(summary, -1) {
		if slices.Contains(names, m[1]) {
			continue
		}
		names = append(names, m[1])
		if vals := strings.Split(m[2], "|"); len(vals) > 1 {
			enums[m[1]] = vals
		}
	}
	return names, enums
}

// RouteHandlers names each route's handler function ("GET /practices" → its Go function), for the test
// that checks the query parameters a handler reads are the ones its summary documents.
func (a *App) RouteHandlers() map[string]string {
	out := make(map[string]string, len(a.routes))
	for _, r := range a.routes {
		out[r.Method+" "+r.Path] = runtime.FuncForPC(reflect.ValueOf(r.Handler).Pointer()).Name()
	}
	return out
}

// OpenAPI builds the OpenAPI 3 document from the route table.
func (a *App) OpenAPI() map[string]any {
	schemas := map[string]any{}
	for name, v := range schemaTypes {
		schemas[name] = schemaOf(reflect.TypeOf(v), false)
	}
	paths := map[string]map[string]any{}
	for _, r := range a.routes {
		p := pathParam.ReplaceAllString(APIPrefix+r.Path, "{$1}")
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", "-", "_").Replace(r.Path),
			"tags":        []string{strings.Split(strings.TrimPrefix(r.Path, "/"), "/")[0]},
			"x-access":    r.Access.name,
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		names, enums := QueryParams(r.Summary)
		for _, n := range names {
			schema := map[string]any{"type": "string"}
			if vals := enums[n]; vals != nil {
				schema["enum"] = vals
			}
			params = append(params, map[string]any{"name": n, "in": "query", "required": false, "schema": schema})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.Access.name != public.name && r.Access.name != record.name {
			op["security"] = []map[string][]string{{"cookie": {}}, {"bearer": {}}}
		}
		if body := r.Body; body != "" {
			// A PATCH leaves alone the fields it does not send (nil pointers): they are not required there.
			if r.Method == "PATCH" {
				if changes := schemaOf(reflect.TypeOf(schemaTypes[body]), true); !reflect.DeepEqual(changes, schemas[body]) {
					body += "Changes"
					schemas[body] = changes
				}
			}
			op["requestBody"] = map[string]any{"required": true, "content": jsonContent(body)}
		}
		responses := map[string]any{
			"default": map[string]any{"description": "An error in the one error shape", "content": jsonContent("Error")},
		}
		switch {
		case r.Resp == "":
			responses["204"] = map[string]any{"description": "Done"}
		case r.Method == "POST" && r.Path != "/auth/login":
			responses["201"] = map[string]any{"description": "Created", "content": jsonContent(r.Resp)}
		default:
			responses["200"] = map[string]any{"description": "OK", "content": jsonContent(r.Resp)}
		}
		op["responses"] = responses
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Teixit API", "version": "1",
			"description": "Participatory diagnoses, good-practice exchange and exchange days. Errors always have the shape " +
				`{"error":{"code","message","fields","params","reasons"}}: code and reasons ({field: {code, params}}) are data; ` +
				`message and fields are sentences in the request's language (Accept-Language, then the account's, then English). ` +
				`Browser sessions send X-CSRF-Token on writes; integrations use a bearer token.`},
		"paths": paths,
		// Each operation's x-access names one rule of this vocabulary (routes.go).
		"x-access-rules": accessRules,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"cookie": map[string]string{"type": "apiKey", "in": "cookie", "name": "teixit_session"},
				"bearer": map[string]string{"type": "http", "scheme": "bearer"},
			},
		},
	}
}

func nillable(t reflect.Type) bool {
	k := t.Kind()
	return k == reflect.Pointer || k == reflect.Slice || k == reflect.Map
}

func jsonContent(schema string) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": map[string]string{"$ref": "#/components/schemas/" + schema}}}
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
)

// enumerated is an input type that names the allowed values of its choice fields, from the vocabularies
// its validation checks against.
type enumerated interface{ Enums() map[string][]string }

var enumeratedType = reflect.TypeOf((*enumerated)(nil)).Elem()

// schemaOf derives a JSON schema from a Go type: properties from its json tags, required fields from
// api:"required" tags, allowed values from its Enums method. For a change (patch), a required field that
// may be left out (a pointer, list or map: nil leaves it alone) is not required.
func schemaOf(t reflect.Type, patch bool) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawJSONType {
		return map[string]any{"description": "any JSON value"}
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), patch)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), patch)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		var enums map[string][]string
		if t.Implements(enumeratedType) {
			enums = reflect.Zero(t).Interface().(enumerated).Enums()
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if tag := f.Tag.Get("json"); tag != "" {
				if tag == "-" {
					continue
				}
				if n := strings.Split(tag, ",")[0]; n != "" {
					name = n
				}
			} else {
				name = strings.ToLower(name[:1]) + name[1:]
			}
			p := schemaOf(f.Type, patch)
			if vals := enums[name]; vals != nil {
				if items, ok := p["items"].(map[string]any); ok { // a list of choices
					items["enum"] = vals
				} else {
					p["enum"] = vals
				}
			}
			props[name] = p
			if slices.Contains(strings.Split(f.Tag.Get("api"), ","), "required") && !(patch && nillable(f.Type)) {
				required = append(required, name)
			}
		}
		out := map[string]any{"type": "object", "properties": props}
		if required != nil {
			out["required"] = required
		}
		return out
	}
	return map[string]any{}
}

func (a *App) openAPIHandler(c *fiber.Ctx) error {
	return c.JSON(a.OpenAPI())
}
