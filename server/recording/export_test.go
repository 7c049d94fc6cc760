package recording

import "context"

// MixFanIn runs the whole-session mix with a smaller fan-in, so that a test can make it mix in groups.
func (s *Service) MixFanIn(ctx context.Context, files []string, delays []int64, fanIn int) (string, error) {
	return s.mixFanIn(ctx, files, delays, fanIn)
}
