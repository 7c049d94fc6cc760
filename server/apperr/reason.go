package apperr

// Reason says why one field was refused: a code from the reason vocabulary below (or one named with
// Because) and its parameters. Clients get both, plus the sentence in the request's language.
type Reason struct {
	Code   string         `json:"code"`
	Params map[string]any `json:"params,omitempty"`
}

// Fields maps a field's name (dotted for nested fields, e.g. "assisted.consent") to why it was refused.
type Fields map[string]Reason

// Because is a reason with a code (a string literal, so the catalog test sees it) and key, value parameters.
func Because(code string, kv ...any) Reason {
	r := Reason{Code: code}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			if r.Params == nil {
				r.Params = map[string]any{}
			}
			r.Params[k] = kv[i+1]
		}
	}
	return r
}

// The common reasons. Numbers are sent as numbers; lists of allowed values as a list.

// Required: the field is missing or empty.
func Required() Reason { return Because("required") }

// Length: required text of min to max characters.
func Length(min, max int) Reason { return Because("length", "min", min, "max", max) }

// MaxLength: optional text of at most max characters.
func MaxLength(max int) Reason { return Because("max_length", "max", max) }

// TooLong: text or a list longer than allowed, when the limit is not one number.
func TooLong() Reason { return Because("too_long") }

// OneOf: the value must be one of values.
func OneOf(values ...string) Reason {
	return Because("one_of", "values", values)
}

// Range: a number from min to max.
func Range(min, max int) Reason { return Because("range", "min", min, "max", max) }

// MinNumber: a whole number of at least min.
func MinNumber(min int) Reason { return Because("min_number", "min", min) }

// MaxItems: a list of at most max items.
func MaxItems(max int) Reason { return Because("max_items", "max", max) }

// ItemsBetween: a list of min to max items.
func ItemsBetween(min, max int) Reason { return Because("items_between", "min", min, "max", max) }

// Date: a calendar date such as 2026-03-31.
func Date() Reason { return Because("date") }

// DateTime: a date and time with its offset, such as 2026-12-10T17:00:00+01:00.
func DateTime() Reason { return Because("date_time") }

// Immutable: the field is fixed once created.
func Immutable() Reason { return Because("immutable") }

// UnknownRef: the id names nothing that exists (or nothing the reader may use here).
func UnknownRef() Reason { return Because("unknown_ref") }

// UnknownField: the body holds a field the endpoint does not take.
func UnknownField() Reason { return Because("unknown_field") }

// WrongType: the JSON value has the wrong type; want is string, boolean, number, list or object.
func WrongType(want string) Reason { return Because("wrong_type", "type", want) }
