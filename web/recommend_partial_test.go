package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/recommend"
)

// renderRecommendations renders the partial as any page includes it.
func renderRecommendations(t *testing.T, b *recommendationsBlock) string {
	t.Helper()
	var buf bytes.Buffer
	if err := mustParsePages().byName["workload"].ExecuteTemplate(&buf, "recommendations", b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestRecommendationsPartial renders the block in both languages: grouped
// by kind, evidence under each, a note for too little data, the link to
// calibration for an estimate mismatch, and a handle from a network shown
// as text, never as markup.
func TestRecommendationsPartial(t *testing.T) {
	t.Parallel()
	p := gears.ReportPeriod{From: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	w := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	in := recommend.Inputs{
		From: p.From, To: p.To.AddDate(0, 0, 1),
		Weeks: []time.Time{w, w.AddDate(0, 0, 7), w.AddDate(0, 0, 14)},
		Channels: []recommend.Channel{
			{Network: "mastodon", AccountID: 1, Handle: "aurora@example.social", Posts: 20, Engagements: 200},
			{Network: "bluesky", AccountID: 2, Handle: `<script>alert("x")</script>`, Posts: 20, Engagements: 10,
				Followers: &recommend.FollowerChange{Start: 100, End: 100, Days: 40}},
		},
		Activities: []recommend.Activity{{Key: "maintenance.engagement", Planned: []float64{2, 2, 2}, Tracked: []float64{4, 4, 4}}},
	}
	for i := range 5 {
		in.Posts = append(in.Posts, recommend.Post{Network: "bluesky", At: w.AddDate(0, 0, i), Engagements: 1})
	}
	recs, err := recommend.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"en": {"Recommendations", "From 2026-10-05 to 2026-11-22", "Best times to post", "Not enough data", "Weak channels",
			"Plan against the work", `href="/w/7/calibration"`, "Open calibration", "Evidence", "Tracked hours: 4, 4, 4",
			"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; on Bluesky engages far less"},
		"es": {"Recomendaciones", "Del 2026-10-05 al 2026-11-22", "Mejores horas para publicar", "Datos insuficientes", "Canales débiles",
			"Abrir la calibración", "Datos", "Horas registradas: 4; 4; 4", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; en Bluesky genera muchas menos"},
	} {
		html := renderRecommendations(t, newRecommendationsBlock(lang, "/w/7/calibration", p, recs))
		for _, s := range want {
			if !strings.Contains(html, s) {
				t.Errorf("%s: the block lacks %q:\n%s", lang, s, html)
			}
		}
		if strings.Contains(html, "<script>") {
			t.Errorf("%s: a handle became markup:\n%s", lang, html)
		}
		// Kinds in their order: best times, weak channels, the plan.
		if a, b, c := strings.Index(html, `data-kind="best_time"`), strings.Index(html, `data-kind="weak_channel"`), strings.Index(html, `data-kind="estimate_mismatch"`); !(a >= 0 && a < b && b < c) {
			t.Errorf("%s: kinds out of order (%d, %d, %d)", lang, a, b, c)
		}
	}
	// Nothing to say: said so.
	empty := renderRecommendations(t, newRecommendationsBlock("en", "", p, nil))
	if !strings.Contains(empty, "Nothing stands out in this period") || strings.Contains(empty, "<h3") {
		t.Errorf("empty block:\n%s", empty)
	}
	// A nil block renders nothing (a page without recommendations).
	if got := strings.TrimSpace(renderRecommendations(t, nil)); got != "" {
		t.Errorf("nil block = %q", got)
	}
}
