package mastodontest

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The server's own reading of a status text, kept apart from the
// connector's so the two check each other. URLs need a scheme and a
// dotted host; mentions follow Mastodon's Account::MENTION_RE (the
// look-behind is checked by hand); hashtags are #word.
var (
	urlRE     = regexp.MustCompile(`(?i)https?://[^\s<>"]+`)
	mentionRE = regexp.MustCompile(`(?i)@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\pL\pN_]+(?:[.-]+[\pL\pN_]+)*))?`)
	hashtagRE = regexp.MustCompile(`#([\pL\pN_]+)`)
)

type entity struct {
	start, end int
	kind       byte // 'u' URL, 'm' mention, 'h' hashtag
	user       string
	domain     string
}

// entities finds URLs, mentions and hashtags, earlier ones winning
// overlaps.
func entities(text string) []entity {
	var es []entity
	for _, m := range urlRE.FindAllStringIndex(text, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,:;!?'*", rune(text[end-1])) {
			end--
		}
		for end > m[0] && text[end-1] == ')' && strings.Count(text[m[0]:end], "(") < strings.Count(text[m[0]:end], ")") {
			end--
		}
		if m[0] > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:m[0]])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_@$#/", r) {
				continue
			}
		}
		host := strings.SplitN(text[m[0]:end], "/", 4)
		if len(host) < 3 || !strings.Contains(host[2], ".") {
			continue
		}
		es = append(es, entity{start: m[0], end: end, kind: 'u'})
	}
	for _, m := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:m[0]])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '=' || r == '/' {
				continue
			}
		}
		e := entity{start: m[0], end: m[1], kind: 'm', user: text[m[2]:m[3]]}
		if m[4] >= 0 {
			e.domain = text[m[4]:m[5]]
		}
		es = append(es, e)
	}
	for _, m := range hashtagRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:m[0]])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '&' || r == '/' {
				continue
			}
		}
		es = append(es, entity{start: m[0], end: m[1], kind: 'h', user: text[m[2]:m[3]]})
	}
	// Sort by start, then drop overlaps.
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].start < es[j-1].start; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	var out []entity
	last := 0
	for _, e := range es {
		if e.start >= last {
			out = append(out, e)
			last = e.end
		}
	}
	return out
}

// countLength counts as Mastodon's StatusLengthValidator: URLs are 23,
// mentions "@user", the rest in grapheme clusters (here: a character
// plus the marks, joiners, variation selectors and modifiers after it;
// regional indicators by pairs).
func countLength(text string) int {
	var b strings.Builder
	last := 0
	n := 0
	for _, e := range entities(text) {
		b.WriteString(text[last:e.start])
		switch e.kind {
		case 'u':
			n += 23
		case 'm':
			b.WriteString("@" + e.user)
		default:
			b.WriteString(text[e.start:e.end])
		}
		last = e.end
	}
	b.WriteString(text[last:])
	prevZWJ, riOdd, started := false, false, false
	for _, r := range b.String() {
		extend := unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) || r == '\u200d' ||
			(r >= 0xFE00 && r <= 0xFE0F) || (r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
		pict := r >= 0x1F000 && r <= 0x1FAFF || unicode.Is(unicode.So, r)
		ri := r >= 0x1F1E6 && r <= 0x1F1FF
		pair := ri && riOdd
		join := started && (extend || prevZWJ && pict || pair)
		if !join {
			n++
		}
		switch {
		case ri:
			riOdd = !pair
		case !join:
			riOdd = false
		}
		prevZWJ = r == '\u200d'
		started = true
	}
	return n
}

// render turns a status text into HTML as Mastodon's TextFormatter does.
// Must be called with s.mu held.
func (s *Server) render(text string) string {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	var out strings.Builder
	for _, para := range regexp.MustCompile(`\n\n+`).Split(text, -1) {
		out.WriteString("<p>")
		es := entities(para)
		last := 0
		var b strings.Builder
		for _, e := range es {
			b.WriteString(html.EscapeString(para[last:e.start]))
			raw := para[e.start:e.end]
			switch e.kind {
			case 'u':
				b.WriteString(linkHTML(raw))
			case 'm':
				if a := s.byName[strings.ToLower(e.user)]; a != nil && e.domain == "" {
					b.WriteString(`<span class="h-card" translate="no"><a href="` + s.URL + "/@" + a.Username +
						`" class="u-url mention">@<span>` + html.EscapeString(a.Username) + `</span></a></span>`)
				} else if e.domain != "" {
					b.WriteString(`<span class="h-card" translate="no"><a href="https://` + html.EscapeString(e.domain) + "/@" +
						html.EscapeString(e.user) + `" class="u-url mention">@<span>` + html.EscapeString(e.user) + `</span></a></span>`)
				} else {
					b.WriteString(html.EscapeString(raw))
				}
			case 'h':
				b.WriteString(`<a href="` + s.URL + "/tags/" + strings.ToLower(e.user) + `" class="mention hashtag" rel="tag">#<span>` +
					html.EscapeString(e.user) + `</span></a>`)
			}
			last = e.end
		}
		b.WriteString(html.EscapeString(para[last:]))
		out.WriteString(strings.ReplaceAll(b.String(), "\n", "<br />"))
		out.WriteString("</p>")
	}
	return out.String()
}

// linkHTML shortens a link the way Mastodon does: the scheme (and www.)
// invisible, 30 characters shown, the rest invisible behind an ellipsis.
func linkHTML(u string) string {
	prefix := regexp.MustCompile(`(?i)^https?://(www\.)?`).FindString(u)
	rest := []rune(u[len(prefix):])
	shown, hidden, class := string(rest), "", ""
	if len(rest) > 30 {
		shown, hidden, class = string(rest[:30]), string(rest[30:]), "ellipsis"
	}
	return `<a href="` + html.EscapeString(u) + `" target="_blank" rel="nofollow noopener" translate="no">` +
		`<span class="invisible">` + html.EscapeString(prefix) + `</span><span class="` + class + `">` +
		html.EscapeString(shown) + `</span><span class="invisible">` + html.EscapeString(hidden) + `</span></a>`
}
