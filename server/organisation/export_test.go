package organisation

import "errors"

// InMemory reports whether the organisation is in this node's memory (read without the store).
func (s *Service) InMemory(id string) bool {
	docs, err := s.cache.GetMany([]string{id}, func([]string) ([]*orgDoc, error) { return nil, errors.New("not kept") })
	return err == nil && docs[0] != nil
}
