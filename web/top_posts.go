package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"gears"
	"gears/store"
)

// The posts of a period by how they did: the API's list, the CSV export,
// and the report page's top posts in another order than the report's own
// (by engagements, which the PDF and the e-mail show).

// defaultTopPosts is how many posts the API lists when no limit is given.
const defaultTopPosts = 50

// topPostsQuery reads from, to, sort and limit (default def).
func (s *Server) topPostsQuery(r *http.Request, def int) ([]gears.PostPerformance, gears.ReportPeriod, error) {
	p, err := apiPeriod(r)
	if err != nil {
		return nil, p, err
	}
	q := r.URL.Query()
	limit := def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, p, gears.Invalid("limit", "metrics.limit_range", gears.MaxTopPosts)
		}
		limit = n
	}
	list, err := s.reportService().TopPosts(r.Context(), info(r).workspace.ID, p, gears.PostSort(q.Get("sort")), limit)
	return list, p, err
}

// apiTopPosts answers GET /reports/posts?from=&to=&sort=&limit=.
func (s *Server) apiTopPosts(w http.ResponseWriter, r *http.Request) error {
	list, p, err := s.topPostsQuery(r, defaultTopPosts)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": p.From.Format(gears.DateLayout), "to": p.To.Format(gears.DateLayout), "posts": list})
	return nil
}

// topPostsCSV answers GET /reports/posts.csv: every post of the period (up
// to gears.MaxTopPosts), one line per network, times in the workspace's
// time zone. The text is the members' own, defused all the same.
func (s *Server) topPostsCSV(w http.ResponseWriter, r *http.Request) error {
	list, p, err := s.topPostsQuery(r, gears.MaxTopPosts)
	if err != nil {
		return err
	}
	ws := info(r).workspace
	header, rows := topPostsRecords(list, ws.Location())
	name := fmt.Sprintf("posts-%d-%s-%s.csv", ws.ID, p.From.Format(gears.DateLayout), p.To.Format(gears.DateLayout))
	return writeCSV(w, name, header, rows)
}

// topPostsRecords is posts as CSV, times in loc.
func topPostsRecords(list []gears.PostPerformance, loc *time.Location) (header []string, rows [][]string) {
	i := strconv.FormatInt
	rows = make([][]string, 0, len(list))
	for _, x := range list {
		rows = append(rows, []string{
			x.PublishedAt.In(loc).Format("2006-01-02 15:04"), string(x.Network), csvSafe(x.Handle), i(x.PostID, 10),
			csvSafe(x.Campaign), csvSafe(x.Text), i(x.Counts.Replies, 10), i(x.Counts.Reposts, 10), i(x.Counts.Likes, 10),
			i(x.Counts.Quotes, 10), i(x.Engagements, 10), i(x.Clicks, 10), csvSafe(x.RemoteURL),
		})
	}
	header = []string{"published_at", "network", "account", "post_id", "campaign", "text", "replies", "reposts", "likes",
		"quotes", "engagements", "clicks", "url"}
	return header, rows
}

// WriteTopPostsCSV writes posts as GET …/reports/posts.csv does (for the
// CLI), times in loc.
func WriteTopPostsCSV(w io.Writer, list []gears.PostPerformance, loc *time.Location) error {
	header, rows := topPostsRecords(list, loc)
	return encodeCSV(w, header, rows)
}

// topPostRow is one of a report's top posts as the page shows it.
type topPostRow struct {
	gears.PostPerformance
	Local time.Time // published, in the workspace's time zone
}

// TopPosts are the report's best posts, with their times in the
// workspace's time zone (templates call it).
func (p *reportPage) TopPosts() []topPostRow {
	if p.Data == nil {
		return nil
	}
	loc := p.Data.Location()
	rows := make([]topPostRow, 0, len(p.Data.TopPosts))
	for _, x := range p.Data.TopPosts {
		rows = append(rows, topPostRow{PostPerformance: x, Local: x.PublishedAt.In(loc)})
	}
	return rows
}

// sortTopPosts orders the report page's top posts as ?posts= asks (the
// report's own are by engagements); an order it does not know is ignored,
// as a link from elsewhere may carry one.
func (s *Server) sortTopPosts(r *http.Request, p *reportPage) error {
	order, err := gears.ValidatePostSort(gears.PostSort(r.URL.Query().Get("posts")))
	if err != nil || order == gears.SortEngagements {
		p.PostSort = gears.SortEngagements
		return nil
	}
	list, err := s.reportService().TopPosts(r.Context(), p.Data.WorkspaceID, p.Data.Period, order, store.ReportTopPosts)
	if err != nil {
		return err
	}
	p.Data.TopPosts, p.PostSort = list, order
	return nil
}
