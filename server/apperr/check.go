package apperr

import "unicode/utf8"

// The checks below let a validation read as a list — one line per rule, each noting the field's reason when
// the rule fails — and then end with `return apperr.Validation(f)`. Each reports whether the value passed,
// for the rare rule that depends on an earlier one. Lengths count characters (runes), not bytes.

// Length notes field when s has fewer than min or more than max characters.
func (f Fields) Length(field, s string, min, max int) bool {
	if n := utf8.RuneCountInString(s); n < min || n > max {
		f[field] = Length(min, max)
		return false
	}
	return true
}

// MaxLength notes field when s has more than max characters.
func (f Fields) MaxLength(field, s string, max int) bool {
	if utf8.RuneCountInString(s) > max {
		f[field] = MaxLength(max)
		return false
	}
	return true
}

// Range notes field when n is outside [min, max].
func (f Fields) Range(field string, n, min, max int) bool {
	if n < min || n > max {
		f[field] = Range(min, max)
		return false
	}
	return true
}

// OneOf notes field when v is not one of values.
func (f Fields) OneOf(field, v string, values ...string) bool {
	for _, x := range values {
		if v == x {
			return true
		}
	}
	f[field] = OneOf(values...)
	return false
}

// Check notes field with the reason when ok is false: the rule that no other check says.
func (f Fields) Check(field string, ok bool, r Reason) bool {
	if !ok {
		f[field] = r
	}
	return ok
}
