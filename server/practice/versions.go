package practice

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
)

// flatten turns a practice into named text fields for versions and diffs: the original's fields by name
// ("title", "steps", …) and each translation's prefixed by its language ("es.title"). Lists become one
// item per line so line diffs read naturally.
func flatten(p *practiceDoc) map[string]string {
	out := map[string]string{
		"language":    p.Language,
		"themes":      strings.Join(p.Themes, "\n"),
		"territory":   p.Territory,
		"contact":     p.Contact,
		"attachments": strings.Join(p.Attachments, "\n"),
	}
	var ind []string
	for _, i := range p.Indicators {
		ind = append(ind, i.Name+": "+i.Value)
	}
	out["evaluation.indicators"] = strings.Join(ind, "\n")
	flattenText(out, "", p.Text)
	for lang, t := range p.Translations {
		flattenText(out, lang+".", t)
	}
	for k, v := range out {
		if v == "" {
			delete(out, k)
		}
	}
	return out
}

func flattenText(out map[string]string, prefix string, t textDoc) {
	out[prefix+"title"] = t.Title
	out[prefix+"summary"] = t.Summary
	out[prefix+"problem"] = t.Problem
	out[prefix+"context.targetPopulation"] = t.TargetPopulation
	var steps []string
	for i, s := range t.Steps {
		steps = append(steps, fmt.Sprintf("%d. %s", i+1, s.Title))
		if s.Detail != "" {
			steps = append(steps, s.Detail)
		}
	}
	out[prefix+"steps"] = strings.Join(steps, "\n")
	out[prefix+"resources.people"] = t.Resources.People
	out[prefix+"resources.time"] = t.Resources.Time
	out[prefix+"resources.budget"] = t.Resources.Budget
	out[prefix+"results"] = t.Results
	out[prefix+"evidence"] = t.Evidence
	out[prefix+"evaluation.summary"] = t.EvaluationSummary
}

// diffFields compares two flattened versions field by field with difflib (Python's difflib in Go: a
// SequenceMatcher over lines, already in go.sum through FerretDB's test dependencies).
func diffFields(before, after map[string]string) []FieldDiff {
	names := map[string]bool{}
	for k := range before {
		names[k] = true
	}
	for k := range after {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		if before[k] != after[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]FieldDiff, 0, len(keys))
	for _, k := range keys {
		a, b := splitLines(before[k]), splitLines(after[k])
		fd := FieldDiff{Field: k, Lines: []DiffLine{}}
		m := difflib.NewMatcher(a, b)
		for _, op := range m.GetOpCodes() {
			switch op.Tag {
			case 'e':
				for _, l := range a[op.I1:op.I2] {
					fd.Lines = append(fd.Lines, DiffLine{"=", l})
				}
			case 'd', 'r', 'i':
				for _, l := range a[op.I1:op.I2] {
					fd.Lines = append(fd.Lines, DiffLine{"-", l})
				}
				for _, l := range b[op.J1:op.J2] {
					fd.Lines = append(fd.Lines, DiffLine{"+", l})
				}
			}
		}
		fd.Unified, _ = difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: addNewlines(a), B: addNewlines(b),
			FromFile: k, ToFile: k, Context: 2})
		out = append(out, fd)
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func addNewlines(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l + "\n"
	}
	return out
}

// Versions lists a practice's published versions, newest first (those the reader may see the practice).
func (s *Service) Versions(ctx context.Context, p *auth.Principal, id string) ([]Version, error) {
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(d.Versions))
	for i := len(d.Versions) - 1; i >= 0; i-- {
		v := d.Versions[i]
		out = append(out, Version{N: v.N, At: v.At, AuthorID: v.AuthorID})
	}
	return out, nil
}

// Diff returns the line diff per field between version n-1 and n.
func (s *Service) Diff(ctx context.Context, p *auth.Principal, id string, n int) (*Diff, error) {
	d, err := s.readable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > d.Version {
		return nil, apperr.NotFoundf("The version")
	}
	after, err := s.st.version(ctx, id, n)
	if err != nil {
		return nil, err
	}
	before := &versionDoc{}
	if n > 1 {
		if before, err = s.st.version(ctx, id, n-1); err != nil {
			return nil, err
		}
	}
	return &Diff{From: n - 1, To: n, Fields: diffFields(fieldMap(before.Fields), fieldMap(after.Fields))}, nil
}

// recordVersion stores the snapshot of the state about to be saved as version d.Version. It is written
// before the practice (replacing any leftover of a failed attempt), and only versions up to the practice's
// own Version are ever shown, so a crash in between leaves nothing visible half-written.
func (s *Service) recordVersion(ctx context.Context, d *practiceDoc, authorID string) error {
	return s.st.putVersion(ctx, &versionDoc{ID: versionID(d.ID, d.Version), PracticeID: d.ID, N: d.Version,
		AuthorID: authorID, At: d.UpdatedAt, Fields: fieldList(flatten(d))})
}

func fieldList(m map[string]string) []fieldDoc {
	out := make([]fieldDoc, 0, len(m))
	for k, v := range m {
		out = append(out, fieldDoc{Name: k, Text: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func fieldMap(l []fieldDoc) map[string]string {
	out := make(map[string]string, len(l))
	for _, f := range l {
		out[f.Name] = f.Text
	}
	return out
}

func versionID(practiceID string, n int) string { return fmt.Sprintf("%s:%d", practiceID, n) }
