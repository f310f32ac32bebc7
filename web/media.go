package web

import (
	"net/http"

	"gears"
)

type mediaPage struct {
	Media []*gears.Media
	Err   *formError
}

func (s *Server) mediaPage(w http.ResponseWriter, r *http.Request) error {
	list, err := s.media.FindMedia(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, "media", "media", &mediaPage{Media: list})
}

func (s *Server) uploadMediaForm(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	up, err := readUpload(r)
	if err == nil {
		_, err = s.media.UploadMedia(r.Context(), ws.ID, up)
	}
	if err != nil {
		list, lerr := s.media.FindMedia(r.Context(), ws.ID)
		if lerr != nil {
			return lerr
		}
		p := &mediaPage{Media: list}
		return s.formFailed(w, r, err, "media", "media", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/media", "flash.media_uploaded")
}

func (s *Server) mediaAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ws := info(r).workspace
		id, err := pathID(r, "media")
		if err != nil {
			return err
		}
		switch action {
		case "alt":
			_, err = s.media.SetAlt(r.Context(), ws.ID, id, r.PostFormValue("alt"))
		case "delete":
			err = s.media.DeleteMedia(r.Context(), ws.ID, id)
		}
		if err != nil {
			list, lerr := s.media.FindMedia(r.Context(), ws.ID)
			if lerr != nil {
				return lerr
			}
			p := &mediaPage{Media: list}
			return s.formFailed(w, r, err, "media", "media", p, &p.Err)
		}
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/media", "flash.saved")
	}
}
