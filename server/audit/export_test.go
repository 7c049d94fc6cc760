package audit

import "time"

// SetClock lets tests move the log's time (retention).
func (l *Log) SetClock(now func() time.Time) { l.now = now }
