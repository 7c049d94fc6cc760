package account

import "time"

// SetClock lets tests move the account service's time (reset links expiring, tokens expiring).
func (s *Service) SetClock(now func() time.Time) { s.now = now }
