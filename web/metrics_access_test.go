package web_test

// The access cases of metrics collection's routes, added to accessCases
// (which TestAccess walks).
func init() {
	cases := map[string]accessCase{
		"GET /api/v1/workspaces/{ws}/posts/{post}/metrics": func(f *fixture, _ string) (string, string) {
			return f.apiPostPath(f.planned, "/metrics"), ""
		},
		"GET /api/v1/workspaces/{ws}/followers":         inAPIWS("/followers?from=2026-01-01&to=2026-01-31", ""),
		"GET /api/v1/workspaces/{ws}/reports/posts":     inAPIWS("/reports/posts?from=2026-01-01&to=2026-01-31", ""),
		"GET /api/v1/workspaces/{ws}/reports/posts.csv": inAPIWS("/reports/posts.csv?sort=clicks", ""),
	}
	for k, v := range cases {
		accessCases[k] = v
	}
}
