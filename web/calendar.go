package web

import (
	"net/http"
	"net/url"
	"sort"
	"time"

	"gears"
	"gears/workload"
)

type calPost struct {
	*gears.Post
	Time     string // local HH:MM
	Networks []gears.Network
}

type calDay struct {
	Date    time.Time
	Key     string // YYYY-MM-DD
	InMonth bool
	Today   bool
	Posts   []calPost
}

type calendarPage struct {
	View         string // month, week or list
	Title        time.Time
	Prev, Next   string // query strings
	Today        string
	Weeks        [][]calDay
	Days         []calDay
	List         []calPost
	Drafts       []calPost
	Filter       gears.PostFilter
	Query        url.Values
	Paused       bool
	Disconnected []*gears.Account // accounts that need reconnecting: their posts wait
	Approval     bool
	Statuses     []gears.PostStatus
	Networks     []gears.Network
	ContentList  []gears.ContentType
	FeedURL      string
}

// FilterQuery returns the query of the current filters with view and date
// replaced, for links that keep the filters.
func (p *calendarPage) FilterQuery(view, date string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	if view != "" {
		q.Set("view", view)
	}
	if date != "" {
		q.Set("date", date)
	}
	return q.Encode()
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	loc := ws.Location()
	q := r.URL.Query()
	p := &calendarPage{View: q.Get("view"), Query: url.Values{},
		Statuses: []gears.PostStatus{gears.PostDraft, gears.PostInReview, gears.PostApproved, gears.PostScheduled, gears.PostPublished, gears.PostFailed, gears.PostUnknown},
		Networks: []gears.Network{gears.Mastodon, gears.Bluesky}, ContentList: gears.ContentTypes}
	if p.View != "week" && p.View != "list" {
		p.View = "month"
	}
	for _, k := range []string{"network", "status", "content_type", "campaign"} {
		if v := q.Get(k); v != "" {
			p.Query.Set(k, v)
		}
	}
	p.Filter = gears.PostFilter{Network: gears.Network(q.Get("network")), Status: gears.PostStatus(q.Get("status")),
		ContentType: gears.ContentType(q.Get("content_type")), Campaign: q.Get("campaign")}
	now := time.Now().In(loc)
	p.Today = now.Format("2006-01-02")
	anchor := now
	if d, err := time.ParseInLocation("2006-01-02", q.Get("date"), loc); err == nil {
		anchor = d
	}
	var from, to time.Time
	switch p.View {
	case "month":
		first := time.Date(anchor.Year(), anchor.Month(), 1, 0, 0, 0, 0, loc)
		from = workload.WeekStart(first)
		to = workload.WeekStart(first.AddDate(0, 1, 0).AddDate(0, 0, -1)).AddDate(0, 0, 7)
		p.Title = first
		p.Prev, p.Next = p.FilterQuery("", first.AddDate(0, -1, 0).Format("2006-01-02")), p.FilterQuery("", first.AddDate(0, 1, 0).Format("2006-01-02"))
	case "week":
		from = workload.WeekStart(anchor)
		to = from.AddDate(0, 0, 7)
		p.Title = from
		p.Prev, p.Next = p.FilterQuery("", from.AddDate(0, 0, -7).Format("2006-01-02")), p.FilterQuery("", to.Format("2006-01-02"))
	case "list":
		from = time.Date(anchor.Year(), anchor.Month(), anchor.Day(), 0, 0, 0, 0, loc)
		to = from.AddDate(0, 0, 30)
		p.Title = from
		p.Prev, p.Next = p.FilterQuery("", from.AddDate(0, 0, -30).Format("2006-01-02")), p.FilterQuery("", to.Format("2006-01-02"))
	}
	f := p.Filter
	f.From, f.To = &from, &to
	posts, err := s.posts.FindPosts(r.Context(), ws.ID, f)
	if err != nil {
		return err
	}
	accounts, err := s.accounts.FindAccounts(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	network := map[int64]gears.Network{}
	for _, a := range accounts {
		network[a.ID] = a.Network
		if a.Status == gears.AccountNeedsReconnect {
			p.Disconnected = append(p.Disconnected, a)
		}
	}
	wrap := func(post *gears.Post) calPost {
		cp := calPost{Post: post}
		if post.ScheduledAt != nil {
			cp.Time = post.ScheduledAt.In(loc).Format("15:04")
		}
		seen := map[gears.Network]bool{}
		for _, d := range post.Deliveries {
			if n := network[d.AccountID]; n != "" && !seen[n] {
				seen[n] = true
				cp.Networks = append(cp.Networks, n)
			}
		}
		sort.Slice(cp.Networks, func(i, j int) bool { return cp.Networks[i] < cp.Networks[j] })
		return cp
	}
	byDay := map[string][]calPost{}
	for _, post := range posts {
		cp := wrap(post)
		day := post.ScheduledAt.In(loc).Format("2006-01-02")
		byDay[day] = append(byDay[day], cp)
		p.List = append(p.List, cp)
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		day := calDay{Date: d, Key: key, InMonth: d.Month() == p.Title.Month(), Today: key == p.Today, Posts: byDay[key]}
		if p.View == "month" {
			if d.Weekday() == time.Monday {
				p.Weeks = append(p.Weeks, nil)
			}
			p.Weeks[len(p.Weeks)-1] = append(p.Weeks[len(p.Weeks)-1], day)
		} else if p.View == "week" {
			p.Days = append(p.Days, day)
		}
	}
	// Drafts without a time, whatever the dates shown.
	df := p.Filter
	df.Limit = 50
	all, err := s.posts.FindPosts(r.Context(), ws.ID, df)
	if err != nil {
		return err
	}
	for _, post := range all {
		if post.ScheduledAt == nil {
			p.Drafts = append(p.Drafts, wrap(post))
		}
	}
	if p.Approval, p.Paused, err = s.posts.PublishingSettings(r.Context(), ws.ID); err != nil {
		return err
	}
	token, err := s.posts.CalendarFeedToken(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	p.FeedURL = s.absURL(r, "/ical/"+token+".ics")
	return s.render(w, r, "calendar", "calendar", p)
}

func (s *Server) setPaused(paused bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ws := info(r).workspace
		if err := s.posts.SetPaused(r.Context(), ws.ID, paused); err != nil {
			return err
		}
		flash := "flash.publishing_resumed"
		if paused {
			flash = "flash.publishing_paused"
		}
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/calendar", flash)
	}
}

func (s *Server) setApproval(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if err := s.posts.SetApprovalRequired(r.Context(), ws.ID, r.PostFormValue("required") == "1"); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/calendar", "flash.saved")
}
