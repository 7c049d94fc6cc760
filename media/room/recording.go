package room

import "github.com/teixit/teixit/media/signal"

// MaxKeyPoints bounds the key points a room keeps for late joiners; the
// oldest are dropped first (the full list lives in the server's store).
const MaxKeyPoints = 500

// ErrAlwaysRecorded answers a consent message from a host or moderator, whose
// tracks are recorded whenever recording is on.
var ErrAlwaysRecorded = &signal.Error{Code: signal.CodeConflict, Message: "hosts and moderators are recorded whenever the recording is on"}

// ErrNoFloor answers a consent message from someone not holding the floor:
// the question is asked, and answered, for a turn.
var ErrNoFloor = &signal.Error{Code: signal.CodeConflict, Message: "you can answer this when you have the floor"}

// SetRecording records whether the session is being recorded and reports
// whether that changed. Only the server calls it (the host starts and stops
// the recording through the API, which also drives the recorder).
func (r *Room) SetRecording(on bool) bool {
	if r.ended || r.rec == on {
		return false
	}
	r.rec = on
	return true
}

// Recording reports whether the session is being recorded.
func (r *Room) Recording() bool { return r.rec }

// SetConsent records id's answer to "may your turn be recorded?". Only the
// floor holder answers, and never a host or moderator (ErrAlwaysRecorded).
// The answer holds until the floor is granted to id again.
func (r *Room) SetConsent(id string, agreed bool) error {
	if r.ended {
		return ErrEnded
	}
	p, err := r.target(id)
	if err != nil {
		return err
	}
	if p.Role.Moderates() {
		return ErrAlwaysRecorded
	}
	if r.floor != id {
		return ErrNoFloor
	}
	p.Consent = signal.ConsentDeclined
	if agreed {
		p.Consent = signal.ConsentAgreed
	}
	return nil
}

// AddKeyPoint keeps kp for participants who join later; a key point with the
// same ID replaces the earlier one (an edit). It reports false once ended.
func (r *Room) AddKeyPoint(kp signal.KeyPoint) bool {
	if r.ended {
		return false
	}
	for i, k := range r.keyPts {
		if k.ID == kp.ID {
			r.keyPts[i] = kp
			return true
		}
	}
	if len(r.keyPts) >= MaxKeyPoints {
		copy(r.keyPts, r.keyPts[1:])
		r.keyPts = r.keyPts[:len(r.keyPts)-1]
	}
	r.keyPts = append(r.keyPts, kp)
	return true
}

// RemoveKeyPoint forgets key point id and reports whether the room is still
// open (removing an unknown ID is announced anyway: a client may hold it from
// the REST list).
func (r *Room) RemoveKeyPoint(id string) bool {
	if r.ended {
		return false
	}
	for i, k := range r.keyPts {
		if k.ID == id {
			r.keyPts = append(r.keyPts[:i], r.keyPts[i+1:]...)
			break
		}
	}
	return true
}
