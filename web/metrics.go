package web

// metricsRoutes returns the routes of metrics collection: per-post counts and follower counts.
func (s *Server) metricsRoutes() []Route {
	return nil
}
