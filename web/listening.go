package web

import (
	"net/http"

	"gears"
	"gears/feeds"
)

// Listening: saved searches (keywords, hashtags, feeds) and saved
// replies, on one page; feeds also give the composer curated content.

type listeningPage struct {
	Searches []*gears.SavedSearch
	Replies  []*gears.SavedReply
	Input    gears.SavedSearch
	Reply    gears.SavedReply
	Err      *formError
	ReplyErr *formError
}

func (s *Server) loadListening(r *http.Request, p *listeningPage) error {
	ws := info(r).workspace
	var err error
	if p.Searches, err = s.listening.FindSearches(r.Context(), ws.ID); err != nil {
		return err
	}
	p.Replies, err = s.inbox.FindSavedReplies(r.Context(), ws.ID)
	return err
}

func (s *Server) listeningPage(w http.ResponseWriter, r *http.Request) error {
	p := &listeningPage{Input: gears.SavedSearch{Kind: gears.SearchKeyword}}
	if err := s.loadListening(r, p); err != nil {
		return err
	}
	return s.render(w, r, "listening", "listening", p)
}

// checkSearch validates what only the web side knows: a feed's address.
func checkSearch(in *gears.SavedSearch) error {
	if in.Kind == gears.SearchFeed {
		return asField(feeds.ValidateURL(in.Query), "query")
	}
	return nil
}

// asField names the request's field in a validation error from a package
// that does not know the request's names.
func asField(err error, field string) error {
	if e, ok := err.(*gears.Error); ok && e.Code == gears.EINVALID {
		copied := *e
		copied.Field = field
		return &copied
	}
	return err
}

// createSearch saves a search and asks for its first poll at once.
func (s *Server) createSearch(r *http.Request, in gears.SavedSearch) (*gears.SavedSearch, error) {
	return s.listening.CreateSearch(r.Context(), info(r).workspace.ID, in, checkSearch)
}

func (s *Server) createSearchForm(w http.ResponseWriter, r *http.Request) error {
	in := gears.SavedSearch{Name: r.PostFormValue("name"), Kind: gears.SearchKind(r.PostFormValue("kind")), Query: r.PostFormValue("query")}
	if _, err := s.createSearch(r, in); err != nil {
		p := &listeningPage{Input: in}
		if lerr := s.loadListening(r, p); lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "listening", "listening", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(info(r).workspace.ID)+"/listening", "flash.search_saved")
}

func (s *Server) searchAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ws := info(r).workspace
		id, err := pathID(r, "search")
		if err != nil {
			return err
		}
		switch action {
		case "pause":
			err = s.listening.SetSearchPaused(r.Context(), ws.ID, id, r.PostFormValue("paused") != "0")
		case "delete":
			err = s.listening.DeleteSearch(r.Context(), ws.ID, id)
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/listening", "flash.saved")
	}
}

func (s *Server) createReplyForm(w http.ResponseWriter, r *http.Request) error {
	in := gears.SavedReply{Name: r.PostFormValue("name"), Text: r.PostFormValue("text")}
	if _, err := s.inbox.CreateSavedReply(r.Context(), info(r).workspace.ID, in); err != nil {
		p := &listeningPage{Reply: in, Input: gears.SavedSearch{Kind: gears.SearchKeyword}}
		if lerr := s.loadListening(r, p); lerr != nil {
			return lerr
		}
		return s.formFailed(w, r, err, "listening", "listening", p, &p.ReplyErr)
	}
	return redirect(w, r, "/w/"+itoa(info(r).workspace.ID)+"/listening?ok=flash.saved#replies", "")
}

func (s *Server) deleteReplyForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "reply")
	if err != nil {
		return err
	}
	if err := s.inbox.DeleteSavedReply(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/listening?ok=flash.saved#replies", "")
}

// curatedItem is a feed's newest items, offered to share from the composer.
type curatedItem struct {
	Feed  string
	Items []feeds.Item
}

// curated lists the newest items the workspace's feeds brought to the
// inbox (read from the database: the composer never waits on a feed).
func (s *Server) curated(r *http.Request) []curatedItem {
	searches, err := s.listening.FindSearches(r.Context(), info(r).workspace.ID)
	if err != nil {
		return nil
	}
	var out []curatedItem
	for _, sr := range searches {
		if sr.Kind != gears.SearchFeed || sr.Paused {
			continue
		}
		list, err := s.inbox.FindConversations(r.Context(), info(r).workspace.ID, gears.ConversationFilter{SearchID: &sr.ID, Limit: 5})
		if err != nil {
			continue
		}
		c := curatedItem{Feed: sr.Name}
		for _, conv := range list {
			if len(conv.Messages) == 0 {
				continue
			}
			m := conv.Messages[0]
			title, summary, _ := cutTitle(m.Text)
			c.Items = append(c.Items, feeds.Item{Title: title, Link: m.URL, Summary: summary, Published: m.CreatedAt})
		}
		if len(c.Items) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// cutTitle splits a feed message's text into its title and summary.
func cutTitle(text string) (title, summary string, ok bool) {
	for i := 0; i+1 < len(text); i++ {
		if text[i] == '\n' && text[i+1] == '\n' {
			return text[:i], text[i+2:], true
		}
	}
	return text, "", false
}

// The listening API.

func (s *Server) apiSearches(w http.ResponseWriter, r *http.Request) error {
	list, err := s.listening.FindSearches(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.SavedSearch{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved_searches": list})
	return nil
}

func (s *Server) apiCreateSearch(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name  string           `json:"name"`
		Kind  gears.SearchKind `json:"kind"`
		Query string           `json:"query"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sr, err := s.createSearch(r, gears.SavedSearch{Name: in.Name, Kind: in.Kind, Query: in.Query})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sr)
	return nil
}

func (s *Server) apiDeleteSearch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "search")
	if err != nil {
		return err
	}
	if err := s.listening.DeleteSearch(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSavedReplies(w http.ResponseWriter, r *http.Request) error {
	list, err := s.inbox.FindSavedReplies(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.SavedReply{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved_replies": list})
	return nil
}

func (s *Server) apiCreateSavedReply(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sr, err := s.inbox.CreateSavedReply(r.Context(), info(r).workspace.ID, gears.SavedReply{Name: in.Name, Text: in.Text})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sr)
	return nil
}

func (s *Server) apiDeleteSavedReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "reply")
	if err != nil {
		return err
	}
	if err := s.inbox.DeleteSavedReply(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
