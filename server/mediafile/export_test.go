package mediafile

// SetAfterCount makes a blob deletion call f once it has counted the blob's users (tests interleave an upload).
func (s *Service) SetAfterCount(f func()) { s.afterCount = f }
