package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gears"
	"gears/locale"
	"gears/workload"
)

//go:embed templates
var templateFS embed.FS

// pages holds one parsed template per page, each with the layout.
type pages struct{ byName map[string]*template.Template }

var funcs = template.FuncMap{
	"list":         func(xs ...string) []string { return xs },
	"contentTypes": func() []gears.ContentType { return gears.ContentTypes },
	"kib":          func(n int64) float64 { return float64(n) / 1024 },
	"chipOf":       func(v *view, p calPost) map[string]any { return map[string]any{"View": v, "Post": p} },
	"truncate": func(s string, n int) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		r := []rune(s)
		return string(r[:n-1]) + "…"
	},
	"roles":       func() []gears.Role { return gears.Roles },
	"langs":       func() []string { return locale.Languages },
	"add":         func(a, b int) int { return a + b },
	"join":        strings.Join,
	"deref":       func(p *int64) int64 { return *p },
	"weekChoices": func() []int { return []int{4, 8, 12, 26, 52} },
	"workSelect": func(v *view, id, selected string) map[string]any {
		return map[string]any{"V": v, "ID": id, "Selected": selected}
	},
	"timeTags": func(v *view, id string, tags workload.TimeTags, err *formError) map[string]any {
		return map[string]any{"V": v, "ID": id, "Tags": tags, "Err": err}
	},
	"hm":                 fmtMinutes,
	"duration":           duration,
	"firstResponseClass": firstResponseClass,
	"expandReply":        expandReply,
	"lines":              lines,
	"trimDash":           func(s string) string { return strings.TrimPrefix(s, "-") },
	// signed writes a difference of hours for programs (data-*
	// attributes): "+2.5". What people read is {{$.Signed 1 .X}}.
	"signed": signed,
	"date":   func(t time.Time) string { return t.Format(dateLayout) },
	"initial": func(s string) string {
		for _, r := range s {
			return string(unicode.ToUpper(r))
		}
		return "?"
	},
}

// The pages are parsed once per process and shared by every Server: they
// are embedded, so they cannot differ, and a parsed page set is safe for
// concurrent use.
var mustParsePages = sync.OnceValue(parsePages)

func parsePages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		panic(err)
	}
	// The layout and partials are parsed once; each page is added to a
	// copy of them (parsing them again for every page took most of the
	// server's start-up).
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html"))
	for _, name := range names {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, name))
		p.byName[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return p
}

// view is what every page template receives.
type view struct {
	Lang       string
	User       *gears.User
	CSRF       string
	Workspace  *gears.Workspace
	Workspaces []*gears.Workspace
	Active     string // the navigation entry to highlight
	Title      string
	Flash      string
	Version    string
	Path       string
	Timer      *workload.TimeEntry // the user's running timer in this workspace
	Data       any
}

// T translates a catalogue key in the page's language.
func (v *view) T(key string, args ...any) string { return locale.T(v.Lang, key, args...) }

// Num writes a number in the page's language (locale.Number): {{$.Num 1
// .Hours}} is "23.8" in English, "23,8" in Spanish. decimals < 0 keeps at
// most -decimals places, without trailing zeros. The values of inputs and
// attributes a program reads keep Go's formatting instead.
func (v *view) Num(decimals int, x float64) string { return locale.Number(v.Lang, x, decimals) }

// Signed writes a difference in the page's language with its sign: "+2.5",
// "-1.0", and "0.0" for none.
func (v *view) Signed(decimals int, x float64) string { return signedNumber(v.Lang, x, decimals) }

// Count writes a count grouped in thousands as the language groups its
// amounts, as the PDF report writes its counts: "1,937" or "1.937".
func (v *view) Count(n int64) string { return locale.Number(v.Lang, float64(n), 0) }

// KPI writes the value of an objective's KPI: a whole number (most are
// counts) as Go writes it, without grouping (1060), as the objective pages
// always have; any other with at most two decimals, as Num writes it
// (1,234.5 or 1.234,5).
func (v *view) KPI(x float64) string {
	if r := math.Round(x); math.Abs(x-r) < 0.005 && math.Abs(r) < 1e15 {
		if r == 0 {
			r = 0 // not -0
		}
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return locale.Number(v.Lang, x, -2)
}

// Cents writes an amount in cents as a number of the page's language with
// two decimals: "1,234.50" or "1.234,50".
func (v *view) Cents(c int64) string { return locale.Number(v.Lang, float64(c)/100, 2) }

// Can reports whether the user's role in the current workspace grants an action.
func (v *view) Can(action string) bool {
	return v.Workspace != nil && v.Workspace.Role.Can(gears.Action(action))
}

// WSPath returns a path inside the current workspace.
func (v *view) WSPath(p string) string {
	if v.Workspace == nil {
		return "/"
	}
	return "/w/" + itoa(v.Workspace.ID) + p
}

// render writes a page with status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, active string, data any) error {
	s.renderPage(w, r, http.StatusOK, name, data, active)
	return nil
}

// renderPage writes a page. The page is rendered to a buffer first, so a
// template failure becomes a clean error page and never half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any, active ...string) {
	ri := info(r)
	v := &view{Lang: ri.lang, User: ri.user, CSRF: ri.csrf, Workspace: ri.workspace, Version: s.cfg.Version, Path: r.URL.RequestURI(), Data: data}
	if len(active) > 0 {
		v.Active = active[0]
	}
	if key := r.URL.Query().Get("ok"); strings.HasPrefix(key, "flash.") && locale.Has(key) {
		v.Flash = key
	}
	if ri.user != nil {
		ctx := gears.NewContextWithUser(r.Context(), ri.user)
		v.Workspaces, _ = s.workspaces.FindWorkspaces(ctx)
		if ri.workspace != nil && ri.workspace.Role.Can(gears.ActionTrackTime) {
			// The header's "timer running" mark is a convenience: without
			// a timer (ENOTFOUND), or if the lookup fails, it is not shown.
			v.Timer, _ = s.plans.RunningTimer(ctx, ri.workspace.ID)
		}
	}
	t := mustParsePages().byName[name]
	var buf bytes.Buffer
	if t == nil {
		s.logger.Error("no such page template", "page", name)
		status, t = http.StatusInternalServerError, mustParsePages().byName["error"]
		v.Data = &errorPage{Status: status, Message: locale.T(v.Lang, "error.internal")}
	}
	if err := t.Execute(&buf, v); err != nil {
		s.logger.Error("render page", "page", name, "err", err)
		buf.Reset()
		status = http.StatusInternalServerError
		v.Data = &errorPage{Status: status, Message: locale.T(v.Lang, "error.internal")}
		if err := mustParsePages().byName["error"].Execute(&buf, v); err != nil {
			http.Error(w, "internal error", status)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fragment renders one named template of a page alone (for live updates).
func (s *Server) fragment(w http.ResponseWriter, r *http.Request, page, block string, data any) error {
	ri := info(r)
	v := &view{Lang: ri.lang, User: ri.user, CSRF: ri.csrf, Workspace: ri.workspace, Data: data}
	var buf bytes.Buffer
	if err := mustParsePages().byName[page].ExecuteTemplate(&buf, block, v); err != nil {
		return gears.Internal("render %s/%s: %w", page, block, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// redirect sends the browser on after a successful form, with an optional
// flash message key.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		// The message goes in the query, before any #fragment.
		path, fragment, hasFragment := strings.Cut(to, "#")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		to = path + sep + "ok=" + flash
		if hasFragment {
			to += "#" + fragment
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// formError is a form's failure shown beside its fields, with the input kept.
type formError struct {
	Message string
	Field   string
}

// asFormError turns a user-facing error into a form error; internal and
// permission errors are returned for the error page instead.
func asFormError(lang string, err error) (*formError, error) {
	e := gears.AsError(err)
	switch e.Code {
	case gears.EINVALID, gears.ECONFLICT, gears.EUNAUTHORIZED, gears.ERATELIMITED, gears.EUNPROCESSABLE, gears.ETOOLARGE:
		return &formError{Message: message(lang, e), Field: e.Field}, nil
	}
	return nil, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
