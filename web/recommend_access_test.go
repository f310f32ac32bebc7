package web_test

// The access case of the recommendations API, added to accessCases (which
// TestAccess walks): whoever views reports may read them.
func init() {
	cases := map[string]accessCase{
		"GET /api/v1/workspaces/{ws}/reports/recommendations": inAPIWS("/reports/recommendations?from=2026-01-05&to=2026-03-29", ""),
	}
	for k, v := range cases {
		if _, dup := accessCases[k]; dup {
			panic("access case written twice: " + k)
		}
		accessCases[k] = v
	}
}
