package web

import (
	"io"
	"net/http"
	"strings"
	"time"

	"gears"
)

// The publishing API: accounts, media, posts, and the pause switch.

func (s *Server) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	list, err := s.accounts.FindAccounts(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Account{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": list})
	return nil
}

func (s *Server) apiConnectAccount(w http.ResponseWriter, r *http.Request) error {
	var in gears.AccountConnect
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.accounts.ConnectAccount(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiDisconnectAccount(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "account")
	if err != nil {
		return err
	}
	if err := s.accounts.DisconnectAccount(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readUpload reads the multipart "file" and "alt" of a media upload.
func readUpload(r *http.Request) (gears.MediaUpload, error) {
	var up gears.MediaUpload
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return up, gears.Errorf(gears.ETOOLARGE, "request.too_large", maxUpload/1024)
		}
		return up, gears.Invalid("file", "media.not_multipart")
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return up, gears.Invalid("file", "media.empty")
	}
	defer f.Close()
	up.Data, err = io.ReadAll(io.LimitReader(f, gears.MaxMediaSize+1))
	if err != nil {
		return up, gears.Invalid("file", "media.empty")
	}
	up.Filename, up.Alt = fh.Filename, r.FormValue("alt")
	return up, nil
}

// maxUpload bounds a media upload's request body.
const maxUpload = gears.MaxMediaSize + 1<<20

func (s *Server) apiUploadMedia(w http.ResponseWriter, r *http.Request) error {
	up, err := readUpload(r)
	if err != nil {
		return err
	}
	m, err := s.media.UploadMedia(r.Context(), info(r).workspace.ID, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) apiMediaList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.media.FindMedia(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Media{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"media": list})
	return nil
}

// serveMedia sends a library file to members (thumbnails in the composer).
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "media")
	if err != nil {
		return err
	}
	m, data, err := s.media.MediaData(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", m.ContentType)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
	return nil
}

func (s *Server) apiCreatePost(w http.ResponseWriter, r *http.Request) error {
	var in gears.PostInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	p, err := s.posts.CreatePost(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "post")
	if err != nil {
		return err
	}
	p, err := s.posts.FindPost(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// postPatch changes only the fields it carries.
type postPatch struct {
	Text        *string                   `json:"text"`
	AccountIDs  *[]int64                  `json:"account_ids"`
	ScheduledAt **time.Time               `json:"scheduled_at"`
	Variants    *map[string]gears.Variant `json:"variants"`
	MediaIDs    *[]int64                  `json:"media_ids"`
	ContentType *gears.ContentType        `json:"content_type"`
	Campaign    *string                   `json:"campaign"`
	Tags        *[]string                 `json:"tags"`
}

func (s *Server) apiUpdatePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "post")
	if err != nil {
		return err
	}
	var patch postPatch
	if err := decodeJSON(r, &patch); err != nil {
		return err
	}
	ws := info(r).workspace
	cur, err := s.posts.FindPost(r.Context(), ws.ID, id)
	if err != nil {
		return err
	}
	in := cur.Input()
	if patch.Text != nil {
		in.Text = *patch.Text
	}
	if patch.AccountIDs != nil {
		in.AccountIDs = *patch.AccountIDs
	}
	if patch.ScheduledAt != nil {
		in.ScheduledAt = *patch.ScheduledAt
	}
	if patch.Variants != nil {
		in.Variants = *patch.Variants
	}
	if patch.MediaIDs != nil {
		in.MediaIDs = *patch.MediaIDs
	}
	if patch.ContentType != nil {
		in.ContentType = *patch.ContentType
	}
	if patch.Campaign != nil {
		in.Campaign = *patch.Campaign
	}
	if patch.Tags != nil {
		in.Tags = *patch.Tags
	}
	p, err := s.posts.UpdatePost(r.Context(), ws.ID, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiDeletePost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "post")
	if err != nil {
		return err
	}
	if err := s.posts.DeletePost(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiPosts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := gears.PostFilter{Status: gears.PostStatus(q.Get("status")), Network: gears.Network(q.Get("network")),
		Campaign: q.Get("campaign"), ContentType: gears.ContentType(q.Get("content_type"))}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return gears.Invalid(name, "post.bad_time", v)
			}
			*dst = &t
		}
	}
	list, err := s.posts.FindPosts(r.Context(), info(r).workspace.ID, f)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Post{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": list})
	return nil
}

type sendBack struct {
	Comment string `json:"comment"`
}

// apiPostAction serves the approval and publishing actions on one post.
func (s *Server) apiPostAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "post")
		if err != nil {
			return err
		}
		ctx, ws := r.Context(), info(r).workspace.ID
		var p *gears.Post
		switch action {
		case "submit":
			p, err = s.posts.SubmitPost(ctx, ws, id)
		case "approve":
			p, err = s.posts.ApprovePost(ctx, ws, id)
		case "send-back":
			var in sendBack
			if err := decodeJSON(r, &in); err != nil {
				return err
			}
			p, err = s.posts.SendBack(ctx, ws, id, in.Comment)
		case "publish-now":
			p, err = s.posts.PublishNow(ctx, ws, id)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, p)
		return nil
	}
}

func (s *Server) apiPause(paused bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.posts.SetPaused(r.Context(), info(r).workspace.ID, paused); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]bool{"paused": paused})
		return nil
	}
}
