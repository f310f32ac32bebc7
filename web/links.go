package web

// linkRoutes returns the routes of tracked short links (/l/{code}) and conversions.
func (s *Server) linkRoutes() []Route {
	return nil
}
