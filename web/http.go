package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"gears"
	"gears/locale"
)

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// secure reports whether cookies must be Secure: always when Gears is
// reached over HTTPS (directly, or per GEARS_BASE_URL behind a proxy).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	s.setCookie(w, r, name, "", -1)
}

// status maps an error code to its HTTP status.
func status(code string) int {
	switch code {
	case gears.EINVALID, gears.ETOOLARGE:
		return http.StatusBadRequest
	case gears.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case gears.EFORBIDDEN:
		return http.StatusForbidden
	case gears.ENOTFOUND:
		return http.StatusNotFound
	case gears.ECONFLICT:
		return http.StatusConflict
	case gears.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case gears.ERATELIMITED:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// message returns the translated, safe text of an error.
func message(lang string, e *gears.Error) string {
	return locale.T(lang, e.Key, e.Args...)
}

// renderError is the one renderer of errors: JSON for the API, a page for
// people. Internal causes are logged, never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		err = gears.Errorf(gears.ETOOLARGE, "request.too_large", maxErr.Limit/1024)
	}
	e := gears.AsError(err)
	code := status(e.Code)
	ri := info(r)
	if e.Code == gears.EINTERNAL {
		s.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if ri.api {
		writeJSON(w, code, map[string]any{"error": apiError{Code: e.Code, Message: message(ri.lang, e), Field: e.Field}})
		return
	}
	s.renderPage(w, r, code, "error", &errorPage{Status: code, Message: message(ri.lang, e)})
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type errorPage struct {
	Status  int
	Message string
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	ri := &request{lang: s.language(r, nil)}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, u, err := s.auth.FindSession(r.Context(), c.Value); err == nil {
			ri.user, ri.lang = u, s.language(r, u)
		}
	}
	r = r.WithContext(withRequest(r.Context(), ri))
	s.renderError(w, r, gears.ErrNotFound)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(withRequest(r.Context(), &request{api: true, lang: s.language(r, nil)}))
	s.renderError(w, r, gears.ErrNotFound)
}

// recoverer turns a panic into a logged internal error.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders makes every response inert to framing, sniffing and any
// script that did not come from Gears itself.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
