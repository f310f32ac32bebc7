package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
	"gears/locale"
)

// Access says who may reach a route.
type Access int

// Kinds of access.
const (
	Public    Access = iota // anyone, signed in or not
	SignedIn                // any signed-in user
	Workspace               // a member of the {ws} in the path, whose role grants the route's Action
)

// Route is one page, form action or API endpoint.
type Route struct {
	Method  string
	Pattern string // net/http ServeMux pattern, without the method
	API     bool   // JSON in and out, bearer tokens accepted
	Access  Access
	Action  gears.Action // for Workspace routes
	MaxBody int64        // request body limit; 0 means defaultMaxBody
	handle  handlerFunc
}

// request is what the middleware learns about a request, kept in its
// context for handlers and templates.
type request struct {
	user      *gears.User
	csrf      string // the token forms must carry
	lang      string
	workspace *gears.Workspace // for Workspace routes
	api       bool
	viaToken  bool
}

type requestKey struct{}

func info(r *http.Request) *request {
	if ri, ok := r.Context().Value(requestKey{}).(*request); ok {
		return ri
	}
	return &request{lang: locale.Default}
}

// defaultMaxBody bounds request bodies: forms and JSON are small.
const defaultMaxBody = 1 << 20

const (
	sessionCookie = "gears_session"
	csrfCookie    = "gears_csrf"
	langCookie    = "gears_lang"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

// wrap turns a route into a handler: it identifies the user, chooses the
// language, checks CSRF and access, loads the workspace, then calls the
// route's handler and renders any error it returns.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		ri := &request{api: rt.API}
		limit := rt.MaxBody
		if limit == 0 {
			limit = defaultMaxBody
		}
		r.Body = http.MaxBytesReader(sw, r.Body, limit)
		r = r.WithContext(withRequest(r.Context(), ri))
		err := s.serveRoute(sw, r, rt, ri)
		if err != nil {
			s.renderError(sw, r, err)
		}
		s.metrics.observe(rt.Method+" "+rt.Pattern, sw.status, time.Since(start))
	})
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt Route, ri *request) error {
	if err := s.identify(w, r, ri); err != nil {
		return err
	}
	ri.lang = s.language(r, ri.user)
	// Forms always carry a CSRF token; the API needs one only when a
	// browser's session cookie is what authenticates it.
	if unsafeMethod(r.Method) && !ri.viaToken && (!ri.api || ri.user != nil) {
		if err := checkCSRF(r, ri); err != nil {
			return err
		}
	}
	if rt.Access != Public && ri.user == nil {
		if !rt.API && r.Method == http.MethodGet {
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		return gears.Errorf(gears.EUNAUTHORIZED, "auth.required")
	}
	if rt.Access == Workspace {
		id, err := pathID(r, "ws")
		if err != nil {
			return err
		}
		ctx := gears.NewContextWithUser(r.Context(), ri.user)
		ws, err := s.workspaces.FindWorkspace(ctx, id)
		if err != nil {
			return err
		}
		if !ws.Role.Can(rt.Action) {
			return gears.Errorf(gears.EFORBIDDEN, "error.forbidden")
		}
		ri.workspace = ws
	}
	if ri.user != nil {
		r = r.WithContext(gears.NewContextWithUser(r.Context(), ri.user))
	}
	return rt.handle(w, r)
}

// identify finds the signed-in user: a bearer token (API only) or the
// session cookie. A bad token is an error; a bad cookie is just nobody.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, ri *request) error {
	if h := r.Header.Get("Authorization"); h != "" && ri.api {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return gears.Errorf(gears.EUNAUTHORIZED, "auth.bad_token")
		}
		u, err := s.auth.FindUserByToken(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			return err
		}
		ri.user, ri.viaToken = u, true
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		sess, u, err := s.auth.FindSession(r.Context(), c.Value)
		if err == nil {
			ri.user, ri.csrf = u, sess.CSRF
			return nil
		}
		if gears.ErrorCode(err) != gears.EUNAUTHORIZED {
			return err
		}
		s.clearCookie(w, r, sessionCookie)
	}
	// Nobody: forms before sign-in carry a double-submit token instead.
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		ri.csrf = c.Value
	} else if !ri.api {
		ri.csrf = newToken()
		s.setCookie(w, r, csrfCookie, ri.csrf, 0)
	}
	return nil
}

func checkCSRF(r *http.Request, ri *request) error {
	got := r.Header.Get(csrfHeader)
	if got == "" && !ri.api {
		got = r.PostFormValue(csrfField)
	}
	if ri.csrf == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ri.csrf)) != 1 {
		return gears.Errorf(gears.EFORBIDDEN, "error.csrf")
	}
	return nil
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// language chooses: the user's preference, then the language cookie, then
// the browser's Accept-Language.
func (s *Server) language(r *http.Request, u *gears.User) string {
	if u != nil && locale.Supported(u.Language) {
		return u.Language
	}
	if c, err := r.Cookie(langCookie); err == nil && locale.Supported(c.Value) {
		return c.Value
	}
	return locale.Match(r.Header.Get("Accept-Language"))
}

// pathID parses a numeric path parameter; anything else is not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, gears.ErrNotFound
	}
	return id, nil
}

// statusWriter remembers the status for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func withRequest(ctx context.Context, ri *request) context.Context {
	return context.WithValue(ctx, requestKey{}, ri)
}

// handlerFunc is a handler that returns its error for the one renderer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error
