package web

import (
	"net/http"

	"gears"
)

type profilePage struct {
	Name, Language string
	Tokens         []*gears.Token
	NewToken       *gears.Token
	Err            *formError
}

func (s *Server) profileData(r *http.Request) (*profilePage, error) {
	u := info(r).user
	tokens, err := s.auth.FindTokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	return &profilePage{Name: u.Name, Language: u.Language, Tokens: tokens}, nil
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.profileData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "profile", "profile", p)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	name, lang := r.PostFormValue("name"), r.PostFormValue("language")
	if _, err := s.users.UpdateUser(r.Context(), u.ID, gears.UserUpdate{Name: &name, Language: &lang}); err != nil {
		p, lerr := s.profileData(r)
		if lerr != nil {
			return lerr
		}
		p.Name, p.Language = name, lang
		return s.formFailed(w, r, err, "profile", "profile", p, &p.Err)
	}
	if lang != "" {
		s.setCookie(w, r, langCookie, lang, 365*24*3600)
	}
	return redirect(w, r, "/settings/profile", "flash.saved")
}

func (s *Server) createTokenForm(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	t, err := s.auth.CreateToken(r.Context(), u.ID, r.PostFormValue("name"))
	p, lerr := s.profileData(r)
	if lerr != nil {
		return lerr
	}
	if err != nil {
		return s.formFailed(w, r, err, "profile", "profile", p, &p.Err)
	}
	p.NewToken = t // shown once
	return s.render(w, r, "profile", "profile", p)
}

func (s *Server) deleteTokenForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.DeleteToken(r.Context(), info(r).user.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/settings/profile", "flash.token_revoked")
}
