package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/store"
)

// composerPage is the composer: a new post, or one being edited, with its
// deliveries, comments and the actions the person may take.
type composerPage struct {
	Post     *gears.Post // nil for a new post
	Accounts []*gears.Account
	Media    []*gears.Media
	Comments []store.Comment
	// The form as typed.
	Text, Date, Time, Campaign, Tags string
	ContentType                      gears.ContentType
	Selected                         map[int64]bool
	Variants                         map[int64]string
	MediaSel                         map[int64]bool
	Err                              *formError
	// OpenedAt is when the composer was opened (Unix ms): the time spent
	// writing is logged to the editorial calendar activity on saving.
	OpenedAt int64
	// Curated is the newest items of the workspace's feeds, to share.
	Curated []curatedItem
	// A tracked link to add (links.go), and the post's tracked links.
	LinkURL, LinkContent string
	Links                []linkJSON
	// The counts of each published delivery (metrics.go).
	Metrics []gears.DeliveryMetrics
	// The workspace's campaigns, offered for the campaign field.
	Campaigns []*gears.Campaign
}

// AccountName returns an account's handle for the deliveries list.
func (p *composerPage) AccountName(id int64) string {
	for _, a := range p.Accounts {
		if a.ID == id {
			return a.Handle
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (s *Server) composerData(r *http.Request, post *gears.Post) (*composerPage, error) {
	ri := info(r)
	ctx, ws := r.Context(), ri.workspace
	p := &composerPage{Post: post, ContentType: gears.ContentMessage, Selected: map[int64]bool{}, Variants: map[int64]string{}, MediaSel: map[int64]bool{},
		OpenedAt: time.Now().UnixMilli()}
	var err error
	if p.Accounts, err = s.accounts.FindAccounts(ctx, ws.ID); err != nil {
		return nil, err
	}
	if p.Media, err = s.media.FindMedia(ctx, ws.ID); err != nil {
		return nil, err
	}
	if p.Campaigns, err = s.strategy().FindCampaigns(ctx, ws.ID); err != nil {
		return nil, err
	}
	if post == nil {
		p.Curated = s.curated(r)
		p.Date = r.URL.Query().Get("date")
		for _, a := range p.Accounts {
			p.Selected[a.ID] = true
		}
		return p, nil
	}
	if p.Comments, err = s.posts.FindComments(ctx, ws.ID, post.ID); err != nil {
		return nil, err
	}
	p.Links = s.postLinks(r, ws.ID, post.ID)
	p.Metrics = s.postMetrics(r, ws.ID, post.ID)
	p.Text, p.Campaign, p.Tags, p.ContentType = post.Text, post.Campaign, strings.Join(post.Tags, ", "), post.ContentType
	if post.ScheduledAt != nil {
		local := post.ScheduledAt.In(ws.Location())
		p.Date, p.Time = local.Format("2006-01-02"), local.Format("15:04")
	}
	for _, d := range post.Deliveries {
		p.Selected[d.AccountID] = true
	}
	for id, v := range post.Variants {
		p.Variants[id] = v
	}
	for _, id := range post.MediaIDs {
		p.MediaSel[id] = true
	}
	return p, nil
}

// readComposer reads the composer's form into the page (to show again) and
// into a post input. A date without a time means 09:00.
func readComposer(r *http.Request, p *composerPage, loc *time.Location) (gears.PostInput, error) {
	if err := r.ParseForm(); err != nil {
		return gears.PostInput{}, gears.Errorf(gears.EINVALID, "request.bad_form")
	}
	f := r.PostForm
	p.Text, p.Date, p.Time, p.Campaign, p.Tags = f.Get("text"), f.Get("date"), f.Get("time"), f.Get("campaign"), f.Get("tags")
	p.ContentType = gears.ContentType(f.Get("content_type"))
	p.LinkURL, p.LinkContent = f.Get("link_url"), f.Get("link_content")
	if opened, err := strconv.ParseInt(f.Get("opened_at"), 10, 64); err == nil {
		p.OpenedAt = opened // shown again after an error: the writing time goes on
	}
	p.Selected, p.Variants, p.MediaSel = map[int64]bool{}, map[int64]string{}, map[int64]bool{}
	in := gears.PostInput{Text: p.Text, ContentType: p.ContentType, Campaign: p.Campaign, Variants: map[string]gears.Variant{}}
	for _, t := range strings.Split(p.Tags, ",") {
		in.Tags = append(in.Tags, t)
	}
	for _, v := range f["account"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, gears.Invalid("account_ids", "post.account_unknown", 0)
		}
		p.Selected[id] = true
		in.AccountIDs = append(in.AccountIDs, id)
		if text := f.Get("variant_" + v); strings.TrimSpace(text) != "" {
			p.Variants[id] = text
			in.Variants[v] = gears.Variant{Text: text}
		}
	}
	for _, v := range f["media"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, gears.Invalid("media_ids", "post.media_unknown", 0)
		}
		p.MediaSel[id] = true
		in.MediaIDs = append(in.MediaIDs, id)
	}
	if f.Get("action") == "draft" || strings.TrimSpace(p.Date) == "" {
		return in, nil
	}
	clock := strings.TrimSpace(p.Time)
	if clock == "" {
		clock = "09:00"
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(p.Date)+" "+clock, loc)
	if err != nil {
		return in, gears.Invalid("scheduled_at", "post.bad_time", p.Date+" "+clock)
	}
	in.ScheduledAt = &at
	return in, nil
}

func (s *Server) newPostPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.composerData(r, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, "composer", "calendar", p)
}

func (s *Server) postPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "post")
	if err != nil {
		return err
	}
	post, err := s.posts.FindPost(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	p, err := s.composerData(r, post)
	if err != nil {
		return err
	}
	return s.render(w, r, "composer", "calendar", p)
}

// savePost creates (no {post} in the path) or updates a post from the composer.
func (s *Server) savePost(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	var post *gears.Post
	var err error
	id, hasID := int64(0), r.PathValue("post") != ""
	if hasID {
		if id, err = pathID(r, "post"); err != nil {
			return err
		}
		if post, err = s.posts.FindPost(r.Context(), ws.ID, id); err != nil {
			return err
		}
	}
	p, err := s.composerData(r, post)
	if err != nil {
		return err
	}
	in, err := readComposer(r, p, ws.Location())
	var tracked []int64 // tracked links made for this save (links.go)
	if err == nil {
		tracked, err = s.trackLinks(r, ws.ID, id, &in, p.Accounts, p.LinkURL, p.LinkContent)
	}
	if err == nil {
		if hasID {
			post, err = s.posts.UpdatePost(r.Context(), ws.ID, id, in)
		} else {
			post, err = s.posts.CreatePost(r.Context(), ws.ID, in)
		}
	}
	s.settleLinks(r, ws.ID, post, tracked, err)
	if err != nil {
		return s.formFailed(w, r, err, "composer", "calendar", p, &p.Err)
	}
	s.captureTime(r, ws, composingActivity, "post", post.ID)
	if r.PostFormValue("action") == "submit" && post.Status == gears.PostDraft {
		if post, err = s.posts.SubmitPost(r.Context(), ws.ID, post.ID); err != nil {
			return err
		}
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/posts/"+itoa(post.ID), "flash.post_"+string(post.Status))
}

// postAction serves the buttons of the composer.
func (s *Server) postAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ws := info(r).workspace
		id, err := pathID(r, "post")
		if err != nil {
			return err
		}
		ctx := r.Context()
		back := "/w/" + itoa(ws.ID) + "/posts/" + itoa(id)
		var post *gears.Post
		switch action {
		case "submit":
			post, err = s.posts.SubmitPost(ctx, ws.ID, id)
		case "approve":
			post, err = s.posts.ApprovePost(ctx, ws.ID, id)
		case "send-back":
			post, err = s.posts.SendBack(ctx, ws.ID, id, r.PostFormValue("comment"))
		case "publish-now":
			post, err = s.posts.PublishNow(ctx, ws.ID, id)
		case "comment":
			err = s.posts.AddComment(ctx, ws.ID, id, r.PostFormValue("comment"))
		case "delete":
			if err = s.posts.DeletePost(ctx, ws.ID, id); err == nil {
				return redirect(w, r, "/w/"+itoa(ws.ID)+"/calendar", "flash.post_deleted")
			}
		case "reschedule":
			var at time.Time
			at, err = time.ParseInLocation("2006-01-02 15:04", r.PostFormValue("date")+" "+r.PostFormValue("time"), ws.Location())
			if err != nil {
				err = gears.Invalid("scheduled_at", "post.bad_time", r.PostFormValue("date"))
				break
			}
			if post, err = s.posts.Reschedule(ctx, ws.ID, id, at); err == nil && r.Header.Get("X-Requested-With") == "fetch" {
				writeJSON(w, http.StatusOK, post)
				return nil
			}
		}
		if err != nil {
			e := gears.AsError(err)
			if e.Code == gears.EINTERNAL || e.Code == gears.ENOTFOUND || e.Code == gears.EFORBIDDEN {
				return err
			}
			cur, ferr := s.posts.FindPost(ctx, ws.ID, id)
			if ferr != nil {
				return ferr
			}
			p, ferr := s.composerData(r, cur)
			if ferr != nil {
				return ferr
			}
			return s.formFailed(w, r, err, "composer", "calendar", p, &p.Err)
		}
		flash := "flash.saved"
		switch {
		case action == "publish-now":
			flash = "flash.post_publishing"
		case post != nil:
			flash = "flash.post_" + string(post.Status)
		}
		return redirect(w, r, back, flash)
	}
}

// composingActivity is the activity writing a post counts toward.
const composingActivity = "maintenance.calendar"
