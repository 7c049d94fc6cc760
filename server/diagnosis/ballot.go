package diagnosis

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/teixit/teixit/server/apperr"
	"github.com/teixit/teixit/server/auth"
	"github.com/teixit/teixit/server/store"
)

// BallotInput spreads a person's votes over findings and published needs: {"votes": {"targetId": count}}.
// A facilitator casting a ballot for a person without an account adds assisted (with consent).
type BallotInput struct {
	Votes    map[string]int `json:"votes"`
	Assisted *AssistedInput `json:"assisted"`
}

// Ballot is the API view of a cast ballot (it never names the voter).
type Ballot struct {
	ID          string         `json:"id,omitempty"` // only in the person's own data export
	DiagnosisID string         `json:"diagnosisId"`
	Assisted    bool           `json:"assisted"`
	Votes       map[string]int `json:"votes"`
}

// Vote casts p's ballot while prioritising: one per account (id "diagnosis:user"; a second one is 409
// already_voted — ballots are final, which keeps the tally a pure `$inc`), or, for a facilitator with the
// person's consent, one per assisted person under a fresh pseudonymous key.
func (s *Service) Vote(ctx context.Context, p *auth.Principal, diagID string, in BallotInput) (*Ballot, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	if d.Phase != PhasePrioritisation {
		return nil, wrongPhase(d.Phase, "votes are only cast while prioritising")
	}
	b := &ballotDoc{ID: d.ID + ":" + p.UserID, DiagnosisID: d.ID, VoterID: p.UserID, CreatedAt: s.now().UTC()}
	if in.Assisted != nil {
		if err := s.requireOrganiser(ctx, p, d, "Only professionals of the organising organisations vote on someone's behalf."); err != nil {
			return nil, err
		}
		if !in.Assisted.Consent {
			return nil, apperr.Validation(apperr.Fields{"assisted.consent": apperr.Because("consent_required")})
		}
		note := strings.TrimSpace(in.Assisted.Note)
		if utf8.RuneCountInString(note) > 500 {
			return nil, apperr.Validation(apperr.Fields{"assisted.note": apperr.MaxLength(500)})
		}
		b.ID = d.ID + ":assisted:" + store.NewID()
		b.VoterID, b.FacilitatorID, b.Assisted, b.Note = "", p.UserID, true, note
	}
	total := 0
	for _, n := range in.Votes {
		if n < 1 {
			return nil, apperr.Validation(apperr.Fields{"votes": apperr.MinNumber(1)})
		}
		total += n
	}
	if total == 0 {
		return nil, apperr.Validation(apperr.Fields{"votes": apperr.Required()})
	}
	if total > d.Settings.VotesPerPerson {
		return nil, &apperr.Error{Kind: apperr.Invalid, Code: "too_many_votes",
			Message: fmt.Sprintf("You can give at most %d votes in this diagnosis.", d.Settings.VotesPerPerson),
			Fields:  apperr.Fields{"votes": apperr.MaxItems(d.Settings.VotesPerPerson)}}
	}
	targets := make([]string, 0, len(in.Votes))
	for t := range in.Votes {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	for _, t := range targets {
		if _, _, err := s.target(ctx, d.ID, t); err != nil {
			return nil, err
		}
		b.Votes = append(b.Votes, voteDoc{Target: t, Count: in.Votes[t]})
	}
	if !b.Assisted {
		var existing ballotDoc
		if err := s.st.Get(ctx, colBallots, b.ID, &existing); err == nil {
			return nil, errAlreadyVoted
		} else if !store.IsNotFound(err) {
			return nil, err
		}
	}
	inc := bson.M{"ballots": 1}
	for _, v := range b.Votes {
		inc["votes."+v.Target] = v.Count
	}
	// announced under the diagnosis: its dashboard and priorities count the ballots
	err = s.rm.Changed(ctx, KindDiagnosis, d.ID, func() error {
		if err := s.st.Insert(ctx, colBallots, b); err != nil {
			return err
		}
		return s.st.incStats(ctx, d.ID, inc)
	})
	if store.IsDuplicate(err) {
		return nil, errAlreadyVoted
	} else if err != nil {
		return nil, err
	}
	return &Ballot{DiagnosisID: d.ID, Assisted: b.Assisted, Votes: in.Votes}, nil
}

var errAlreadyVoted = apperr.New(apperr.Conflict, "already_voted", "You have already voted in this diagnosis: ballots are final.")

// target resolves a vote target: a finding of the diagnosis, or one of its published needs. It returns the
// target's type ("finding" or "need") and title.
func (s *Service) target(ctx context.Context, diagID, id string) (string, string, error) {
	bad := apperr.Validation(apperr.Fields{"votes": apperr.Because("not_votable", "id", excerpt(id, 40))})
	if !store.ValidID(id) {
		return "", "", bad
	}
	var f findingDoc
	err := s.st.Get(ctx, colFindings, id, &f)
	if err == nil && f.DiagnosisID == diagID {
		return "finding", f.Title, nil
	}
	if err != nil && !store.IsNotFound(err) {
		return "", "", err
	}
	var c contribDoc
	err = s.st.Get(ctx, colContributions, id, &c)
	if err == nil && c.DiagnosisID == diagID && c.Kind == "need" && c.Status == StatusPublished {
		return "need", excerpt(c.Text, 120), nil
	}
	if err != nil && !store.IsNotFound(err) {
		return "", "", err
	}
	return "", "", bad
}

// Priority is one ranked target.
type Priority struct {
	Rank     int    `json:"rank"`
	TargetID string `json:"targetId"`
	Type     string `json:"type"` // finding | need
	Title    string `json:"title"`
	Votes    int    `json:"votes"`
}

// Priorities is the ranking of a diagnosis.
type Priorities struct {
	Ballots int        `json:"ballots"`
	Items   []Priority `json:"items"`
}

// Priorities ranks the targets by votes, read from the diagnosis's counters in one `_id` lookup and
// ordered in Go (most votes first, then title). Targets gone since (a hidden need) are left out.
func (s *Service) Priorities(ctx context.Context, diagID string) (*Priorities, error) {
	d, err := s.diagnosis(ctx, diagID)
	if err != nil {
		return nil, err
	}
	st, err := s.st.stats(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := &Priorities{Ballots: st.Ballots, Items: []Priority{}}
	for id, n := range st.Votes {
		if n <= 0 {
			continue
		}
		typ, title, err := s.target(ctx, d.ID, id)
		if apperr.IsKind(err, apperr.Invalid) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, Priority{TargetID: id, Type: typ, Title: title, Votes: n})
	}
	sort.Slice(out.Items, func(i, j int) bool {
		a, b := out.Items[i], out.Items[j]
		if a.Votes != b.Votes {
			return a.Votes > b.Votes
		}
		return a.Title < b.Title
	})
	for i := range out.Items {
		out.Items[i].Rank = i + 1
	}
	return out, nil
}
