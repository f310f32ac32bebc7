package web

import (
	"net/http"
	"strings"

	"gears"
)

type loginForm struct {
	Email string
	Next  string
	Err   *formError
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if info(r).user != nil {
		return redirect(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	if needs, err := s.setup.NeedsSetup(r.Context()); err != nil {
		return err
	} else if needs {
		return redirect(w, r, "/setup", "")
	}
	return s.render(w, r, "login", "", &loginForm{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	f := &loginForm{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	ip := clientIP(r)
	var u *gears.User
	err := s.limiter.allow(ip, f.Email)
	if err == nil {
		u, err = s.users.Authenticate(r.Context(), f.Email, r.PostFormValue("password"))
		if err != nil {
			s.limiter.fail(ip, f.Email)
		}
	}
	if err != nil {
		e := gears.AsError(err)
		if f.Err, err = asFormError(ri.lang, err); err != nil {
			return err
		}
		s.renderPage(w, r, status(e.Code), "login", f)
		return nil
	}
	s.limiter.succeed(ip, f.Email)
	if err := s.signIn(w, r, u); err != nil {
		return err
	}
	return redirect(w, r, f.Next, "")
}

// signIn starts a session for u.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u *gears.User) error {
	secret, _, err := s.auth.CreateSession(r.Context(), u.ID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, int(s.cfg.SessionTTL.Seconds()))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.auth.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.clearCookie(w, r, sessionCookie)
	return redirect(w, r, "/login", "flash.signed_out")
}

type setupForm struct {
	Email, Name, Language string
	Err                   *formError
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	if needs, err := s.setup.NeedsSetup(r.Context()); err != nil {
		return err
	} else if !needs {
		return redirect(w, r, "/login", "")
	}
	return s.render(w, r, "setup", "", &setupForm{Language: info(r).lang})
}

func (s *Server) completeSetup(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	f := &setupForm{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Language: r.PostFormValue("language")}
	ip := clientIP(r)
	err := s.limiter.allow(ip, "setup")
	var u *gears.User
	if err == nil {
		u, err = s.setup.CompleteSetup(r.Context(), r.PostFormValue("code"), gears.UserCreate{
			Email: f.Email, Name: f.Name, Password: r.PostFormValue("password"), Language: f.Language})
		if gears.ErrorCode(err) == gears.EINVALID {
			s.limiter.fail(ip, "setup")
		}
	}
	if err != nil {
		e := gears.AsError(err)
		if f.Err, err = asFormError(ri.lang, err); err != nil {
			return err
		}
		s.renderPage(w, r, status(e.Code), "setup", f)
		return nil
	}
	if err := s.signIn(w, r, u); err != nil {
		return err
	}
	return redirect(w, r, "/", "flash.welcome")
}

type inviteForm struct {
	Token     string
	Email     string
	Workspace string
	Role      gears.Role
	Name      string
	Err       *formError
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	inv, err := s.workspaces.FindInvitation(r.Context(), token)
	if err != nil {
		return err
	}
	return s.render(w, r, "invite", "", &inviteForm{Token: token, Email: inv.Email, Workspace: inv.WorkspaceName, Role: inv.Role})
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	token := r.PathValue("token")
	inv, err := s.workspaces.FindInvitation(r.Context(), token)
	if err != nil {
		return err
	}
	f := &inviteForm{Token: token, Email: inv.Email, Workspace: inv.WorkspaceName, Role: inv.Role, Name: r.PostFormValue("name")}
	u, wsID, err := s.workspaces.AcceptInvitation(r.Context(), token, f.Name, r.PostFormValue("password"), ri.lang)
	if err != nil {
		e := gears.AsError(err)
		if f.Err, err = asFormError(ri.lang, err); err != nil {
			return err
		}
		s.renderPage(w, r, status(e.Code), "invite", f)
		return nil
	}
	if err := s.signIn(w, r, u); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(wsID)+"/", "flash.welcome")
}

// setLanguage stores the chosen language: on the user when signed in, and
// in a cookie either way (so the sign-in page speaks it too).
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	lang := r.PostFormValue("language")
	if err := gears.ValidateLanguage(lang); err != nil || lang == "" {
		return gears.Invalid("language", "user.language_invalid")
	}
	if ri.user != nil {
		if _, err := s.users.UpdateUser(r.Context(), ri.user.ID, gears.UserUpdate{Language: &lang}); err != nil {
			return err
		}
	}
	s.setCookie(w, r, langCookie, lang, 365*24*3600)
	return redirect(w, r, safeNext(r.PostFormValue("next")), "")
}
