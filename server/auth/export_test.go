package auth

import "time"

// SetClock lets tests move time (external test package: testkit imports the app, which imports auth).
func (l *Limits) SetClock(now func() time.Time) { l.now = now }

// ColLimits is the collection rate-limit slots live in.
const ColLimits = colLimits
