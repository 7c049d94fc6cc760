package diagnosis

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// Announce tells the read model a record is about to change, then writes it (ReadModel.Changed's shape).
type Announce func(ctx context.Context, kind, id string, write func() error) error

// CountProblem is a counter that does not match the records it counts.
type CountProblem struct {
	Contribution, Diagnosis string
	What                    string // "supports", "reports" or "diagnosis supports"
	Counted, Records        int
}

// CheckCounts compares the support and report counts kept in contributions (and the supports kept in each
// diagnosis's stats) with the support and report records they count — one record per person and
// contribution, kept anonymised when an account is deleted, so the records are always the truth. A process
// that died between writing a record and moving its counter leaves them one apart; with repair, each wrong
// count is set to its records' number (through store.Update, announced to the read model). Meant for `teixit
// doctor`: it reads every contribution and record, a cold path. announce is how a change reaches the read
// model before it is written (ReadModel.Changed in a node; an outbox append in the doctor).
func CheckCounts(ctx context.Context, db *store.Store, announce Announce, repair bool) (problems []CountProblem, fixed int, err error) {
	st := NewStore(db)
	supports, err := st.recordsPerContribution(ctx, colSupports)
	if err != nil {
		return nil, 0, err
	}
	reports, err := st.recordsPerContribution(ctx, colReports)
	if err != nil {
		return nil, 0, err
	}
	contribs, err := st.contributionCounts(ctx)
	if err != nil {
		return nil, 0, err
	}
	perDiagnosis := map[string]int{}
	for _, c := range contribs {
		perDiagnosis[c.DiagnosisID] += supports[c.ID]
		set := bson.M{}
		if c.Supports != supports[c.ID] {
			problems = append(problems, CountProblem{Contribution: c.ID, Diagnosis: c.DiagnosisID, What: "supports", Counted: c.Supports, Records: supports[c.ID]})
			set["supports"] = supports[c.ID]
		}
		if c.Reports != reports[c.ID] {
			problems = append(problems, CountProblem{Contribution: c.ID, Diagnosis: c.DiagnosisID, What: "reports", Counted: c.Reports, Records: reports[c.ID]})
			set["reports"] = reports[c.ID]
		}
		if repair && len(set) > 0 {
			if err := announce(ctx, KindContribution, c.ID, func() error {
				return st.update(ctx, colContributions, c.ID, bson.M{"$set": set})
			}); err != nil && !store.IsNotFound(err) {
				return problems, fixed, err
			}
			fixed += len(set)
		}
	}
	for diag, n := range perDiagnosis {
		stats, err := st.stats(ctx, diag)
		if err != nil {
			return problems, fixed, err
		}
		if stats.Supports == n {
			continue
		}
		problems = append(problems, CountProblem{Diagnosis: diag, What: "diagnosis supports", Counted: stats.Supports, Records: n})
		if repair {
			err := announce(ctx, KindDiagnosis, diag, func() error { // the dashboard counts it
				return st.setStats(ctx, diag, bson.M{"supports": n})
			})
			if err != nil {
				return problems, fixed, store.Wrap("diagnosis: stats", err)
			}
			fixed++
		}
	}
	return problems, fixed, nil
}
