package live

import "github.com/teixit/teixit/media/recorder"

// SimulateCrash makes the next Close leave this node's room claims in the store as kill -9 would (they stay
// until their lease runs out), so tests can measure a takeover.
func (s *Service) SimulateCrash() { s.owners.crashed = true }

// SignRelay signs a relay token as another node would (tests of forged and replayed requests).
func (s *Service) SignRelay(day, node, op string) (string, error) {
	return s.relay.sign(relayClaims{Day: day, Node: node, Op: op})
}

// Node is this process's instance id as a room owner.
func (s *Service) Node() string { return s.self.Node }

// SegmentNumbers is the day's recorder.Numbering on this node.
func (s *Service) SegmentNumbers(day string) recorder.Numbering { return s.segmentNumbers(day) }
