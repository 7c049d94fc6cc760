package diagnosis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/store"
)

// MyData is what the diagnosis domain holds about a person (their data export).
type MyData struct {
	Contributions   []Contribution `json:"contributions"`
	EnteredOnBehalf []Contribution `json:"enteredOnBehalf"`
	Supported       []string       `json:"supportedContributions"`
	Reported        []string       `json:"reportedContributions"`
	Ballots         []Ballot       `json:"ballots"`
	Findings        []Finding      `json:"findings"`
}

// ExportFor implements account.Hook: what the person wrote or did in diagnoses. These queries on
// non-`_id` fields are a cold path with their own indexes.
func (s *Service) ExportFor(ctx context.Context, userID string) (string, any, error) {
	out := MyData{Contributions: []Contribution{}, EnteredOnBehalf: []Contribution{}, Supported: []string{},
		Reported: []string{}, Ballots: []Ballot{}, Findings: []Finding{}}
	for _, q := range []struct {
		read func(context.Context, string) ([]contribDoc, error)
		into *[]Contribution
	}{{s.st.contributionsBy, &out.Contributions}, {s.st.contributionsEnteredBy, &out.EnteredOnBehalf}} {
		docs, err := q.read(ctx, userID)
		if err != nil {
			return "", nil, err
		}
		for i := range docs {
			*q.into = append(*q.into, docs[i].api(userID, false))
		}
	}
	sup, err := s.st.supportsBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, d := range sup {
		out.Supported = append(out.Supported, d.ContributionID)
	}
	rep, err := s.st.reportsBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, d := range rep {
		out.Reported = append(out.Reported, d.ContributionID)
	}
	bal, err := s.st.ballotsOf(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for _, b := range bal {
		votes := map[string]int{}
		for _, v := range b.Votes {
			votes[v.Target] = v.Count
		}
		out.Ballots = append(out.Ballots, Ballot{ID: b.ID, DiagnosisID: b.DiagnosisID, Assisted: b.Assisted, Votes: votes})
	}
	fs, err := s.st.findingsBy(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	for i := range fs {
		out.Findings = append(out.Findings, fs[i].api())
	}
	return "diagnoses", out, nil
}

// BeforeDelete implements account.Hook: contributions, findings and counts stay, anonymised — the
// person's id is removed from every document; their support and report records (whose ids hold the
// person's id) are replaced by anonymous ones (anonymise), so the counts they moved can still be recounted
// from the records (CheckCounts); ballot records are deleted while the counts they moved stay.
func (s *Service) BeforeDelete(ctx context.Context, userID string) error {
	ids, err := s.st.collect(ctx, colContributions, bson.M{"authorId": userID})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.rm.Changed(ctx, KindContribution, id, func() error {
			return s.st.update(ctx, colContributions, id, bson.M{"$unset": bson.M{"authorId": ""}})
		}); err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	if ids, err = s.st.collect(ctx, colContributions, bson.M{"assisted.facilitatorId": userID}); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.rm.Changed(ctx, KindContribution, id, func() error {
			return s.st.update(ctx, colContributions, id, bson.M{"$unset": bson.M{"assisted.facilitatorId": ""}})
		}); err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	for _, col := range []string{colSupports, colReports} {
		if err := s.anonymise(ctx, col, userID); err != nil {
			return err
		}
	}
	return s.st.forgetUser(ctx, userID)
}

// anonymise replaces a person's support or report records by anonymous ones: the same contribution and date,
// no person, no report reason, and an id that no longer holds the person's id (a hash of it, so that running
// the deletion again after a crash writes the same record, not a second one). The anonymous record is written
// before the person's is deleted: a crash between them leaves one record too many for CheckCounts to see,
// never a count without its record.
func (s *Service) anonymise(ctx context.Context, col, userID string) error {
	recs, err := s.st.recordsBy(ctx, col, userID)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(userID))
	gone := "gone-" + hex.EncodeToString(sum[:8])
	for _, r := range recs {
		anon := bson.M{"_id": r.ContributionID + ":" + gone, "contributionId": r.ContributionID, "userId": "", "createdAt": r.CreatedAt}
		if err := s.st.Insert(ctx, col, anon); err != nil && !store.IsDuplicate(err) {
			return err
		}
		if err := s.st.Delete(ctx, col, r.ID); err != nil && !store.IsNotFound(err) {
			return err
		}
	}
	return nil
}
