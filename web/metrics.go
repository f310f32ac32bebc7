package web

import (
	"net/http"
	"time"

	"gears"
	"gears/store"
)

// metricsRoutes returns the routes of metrics collection: per-post counts and follower counts.
func (s *Server) metricsRoutes() []Route {
	return []Route{
		apiRoute("GET", "/workspaces/{ws}/posts/{post}/metrics", Workspace, gears.ActionView, s.apiPostMetrics),
		apiRoute("GET", "/workspaces/{ws}/followers", Workspace, gears.ActionViewReports, s.apiFollowers),
		apiRoute("GET", "/workspaces/{ws}/reports/posts", Workspace, gears.ActionViewReports, s.apiTopPosts),
		apiRoute("GET", "/workspaces/{ws}/reports/posts.csv", Workspace, gears.ActionViewReports, s.topPostsCSV),
	}
}

// metricsService reads what the metrics jobs collected; reading needs no
// credentials.
func (s *Server) metricsService() *store.MetricsService { return store.NewMetricsService(s.db, nil) }

// apiPostMetrics answers the counts of each published delivery of a post.
func (s *Server) apiPostMetrics(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "post")
	if err != nil {
		return err
	}
	list, err := s.metricsService().PostMetrics(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"post_id": id, "deliveries": list})
	return nil
}

// defaultFollowerDays is the period of the follower series when none is
// given: the last 30 local days.
const defaultFollowerDays = 30

// apiFollowers answers the daily follower counts of the workspace's
// accounts and competitors over from..to (local dates, YYYY-MM-DD, both
// included; the last 30 days by default).
func (s *Server) apiFollowers(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	from, to, err := followerPeriod(r, ws.Location(), time.Now())
	if err != nil {
		return err
	}
	list, err := s.metricsService().Followers(r.Context(), ws.ID, from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"from": from.Format(dateLayout), "to": to.Format(dateLayout), "timezone": ws.Timezone, "series": list})
	return nil
}

// followerPeriod reads from and to as dates at midnight UTC (the store's
// day numbers); to defaults to today in loc, from to 29 days before to.
func followerPeriod(r *http.Request, loc *time.Location, now time.Time) (from, to time.Time, err error) {
	q := r.URL.Query()
	y, m, d := now.In(loc).Date()
	to = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if v := q.Get("to"); v != "" {
		if to, err = parseDate("to", v, time.UTC); err != nil {
			return from, to, err
		}
	}
	from = to.AddDate(0, 0, -(defaultFollowerDays - 1))
	if v := q.Get("from"); v != "" {
		if from, err = parseDate("from", v, time.UTC); err != nil {
			return from, to, err
		}
	}
	return from, to, gears.ValidatePeriod(from, to)
}

// postMetrics returns a post's counts for its page; a failure leaves them
// out (the page shows the post all the same) and is logged.
func (s *Server) postMetrics(r *http.Request, wsID, postID int64) []gears.DeliveryMetrics {
	list, err := s.metricsService().PostMetrics(r.Context(), wsID, postID)
	if err != nil {
		s.logger.Warn("post metrics", "post_id", postID, "err", err)
		return nil
	}
	return list
}
