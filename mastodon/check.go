package mastodon

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gears"
)

// Limits are the rules a Mastodon server applies to a new status. The zero
// value of a field means "unknown": DefaultLimits fills it in.
type Limits struct {
	MaxCharacters      int      // configuration.statuses.max_characters
	CharactersPerURL   int      // configuration.statuses.characters_reserved_per_url
	MaxMedia           int      // configuration.statuses.max_media_attachments
	ImageSizeLimit     int64    // configuration.media_attachments.image_size_limit, bytes
	VideoSizeLimit     int64    // configuration.media_attachments.video_size_limit, bytes
	DescriptionLimit   int      // configuration.media_attachments.description_limit (4.4+), characters
	SupportedMIMETypes []string // configuration.media_attachments.supported_mime_types
}

// DefaultLimits returns the limits of a stock Mastodon 4.x server: 500
// characters, URLs counted as 23, 4 attachments, images up to 16 MB
// (older versions allowed 10 MB: use the instance's value when known),
// videos up to 99 MB, descriptions up to 1,500 characters.
func DefaultLimits() Limits {
	return Limits{
		MaxCharacters:    500,
		CharactersPerURL: 23,
		MaxMedia:         4,
		ImageSizeLimit:   16 * 1024 * 1024,
		VideoSizeLimit:   99 * 1024 * 1024,
		DescriptionLimit: 1500,
		SupportedMIMETypes: []string{
			"image/jpeg", "image/png", "image/gif", "image/heic", "image/heif", "image/webp", "image/avif",
			"video/webm", "video/mp4", "video/quicktime", "video/ogg",
			"audio/wave", "audio/wav", "audio/x-wav", "audio/x-pn-wave", "audio/vnd.wave", "audio/ogg",
			"audio/vorbis", "audio/mpeg", "audio/mp3", "audio/webm", "audio/flac", "audio/aac",
			"audio/m4a", "audio/x-m4a", "audio/mp4", "audio/3gpp", "video/x-ms-asf",
		},
	}
}

// withDefaults fills unknown fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxCharacters <= 0 {
		l.MaxCharacters = d.MaxCharacters
	}
	if l.CharactersPerURL <= 0 {
		l.CharactersPerURL = d.CharactersPerURL
	}
	if l.MaxMedia <= 0 {
		l.MaxMedia = d.MaxMedia
	}
	if l.ImageSizeLimit <= 0 {
		l.ImageSizeLimit = d.ImageSizeLimit
	}
	if l.VideoSizeLimit <= 0 {
		l.VideoSizeLimit = d.VideoSizeLimit
	}
	if l.DescriptionLimit <= 0 {
		l.DescriptionLimit = d.DescriptionLimit
	}
	if len(l.SupportedMIMETypes) == 0 {
		l.SupportedMIMETypes = d.SupportedMIMETypes
	}
	return l
}

// instance is the part of GET /api/v2/instance (and, before 4.0, of
// GET /api/v1/instance) that carries the limits.
type instance struct {
	Configuration struct {
		Statuses struct {
			MaxCharacters            int `json:"max_characters"`
			MaxMediaAttachments      int `json:"max_media_attachments"`
			CharactersReservedPerURL int `json:"characters_reserved_per_url"`
		} `json:"statuses"`
		MediaAttachments struct {
			SupportedMIMETypes []string `json:"supported_mime_types"`
			DescriptionLimit   int      `json:"description_limit"`
			ImageSizeLimit     int64    `json:"image_size_limit"`
			VideoSizeLimit     int64    `json:"video_size_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
}

// Limits reads the server's limits from GET /api/v2/instance (falling
// back to /api/v1/instance on servers older than 4.0). Fields the server
// does not state keep their DefaultLimits values.
func (c *Connector) Limits(ctx context.Context, server string) (Limits, error) {
	base, err := NormalizeServer(server)
	if err != nil {
		return Limits{}, err
	}
	var in instance
	resp, err := c.send(ctx, base, request{method: http.MethodGet, path: "/api/v2/instance"})
	var re *gears.RemoteError
	if errors.As(err, &re) && re.Status == http.StatusNotFound {
		resp, err = c.send(ctx, base, request{method: http.MethodGet, path: "/api/v1/instance"})
	}
	if err != nil {
		return Limits{}, err
	}
	if err := resp.decode(&in); err != nil {
		return Limits{}, err
	}
	st, ma := in.Configuration.Statuses, in.Configuration.MediaAttachments
	l := Limits{
		MaxCharacters:      st.MaxCharacters,
		CharactersPerURL:   st.CharactersReservedPerURL,
		MaxMedia:           st.MaxMediaAttachments,
		ImageSizeLimit:     ma.ImageSizeLimit,
		VideoSizeLimit:     ma.VideoSizeLimit,
		DescriptionLimit:   ma.DescriptionLimit,
		SupportedMIMETypes: ma.SupportedMIMETypes,
	}
	return l.withDefaults(), nil
}

// Check counts text and media with the connector's Defaults limits (see
// CheckLimits).
func (c *Connector) Check(text string, media []gears.MediaInfo) []gears.Problem {
	return CheckLimits(c.Defaults, text, media)
}

// CheckLimits counts text and media as a Mastodon server with limits l
// does, and lists what breaks them. Problems carry keys of the
// "mastodon." namespace of the message catalogue.
func CheckLimits(l Limits, text string, media []gears.MediaInfo) []gears.Problem {
	l = l.withDefaults()
	var ps []gears.Problem
	if strings.TrimSpace(text) == "" && len(media) == 0 {
		ps = append(ps, gears.Problem{Key: "mastodon.empty"})
	}
	if n := CountLimits(l, text); n > l.MaxCharacters {
		ps = append(ps, gears.Problem{Key: "mastodon.too_long", Args: []any{n, l.MaxCharacters}})
	}
	if len(media) > l.MaxMedia {
		ps = append(ps, gears.Problem{Key: "mastodon.too_many_media", Args: []any{len(media), l.MaxMedia}})
	}
	avs := 0
	for i, m := range media {
		typ := mediaType(m.ContentType)
		if !slices.Contains(l.SupportedMIMETypes, typ) {
			ps = append(ps, gears.Problem{Key: "mastodon.media_type", Args: []any{i + 1, typ}})
		}
		limit := l.ImageSizeLimit
		if isAudioVideo(typ) {
			limit = l.VideoSizeLimit
			avs++
		}
		if m.Size > limit {
			ps = append(ps, gears.Problem{Key: "mastodon.media_too_large", Args: []any{i + 1, megabytes(m.Size), megabytes(limit)}})
		}
		if n := utf8.RuneCountInString(m.Alt); n > l.DescriptionLimit {
			ps = append(ps, gears.Problem{Key: "mastodon.alt_too_long", Args: []any{i + 1, n, l.DescriptionLimit}})
		}
	}
	if avs > 0 && len(media) > 1 {
		ps = append(ps, gears.Problem{Key: "mastodon.media_mixed"})
	}
	return ps
}

// megabytes writes a size in MiB with at most one decimal, for messages.
func megabytes(n int64) string {
	return strconv.FormatFloat(math.Round(float64(n)/(1024*1024)*10)/10, 'f', -1, 64)
}

// mediaType returns the bare, lower-case MIME type of a Content-Type.
func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

func isAudioVideo(typ string) bool {
	return strings.HasPrefix(typ, "video/") || strings.HasPrefix(typ, "audio/")
}

// Count returns the length of text as a stock Mastodon server counts it
// (see CountLimits).
func Count(text string) int { return CountLimits(DefaultLimits(), text) }

// CountLimits returns the length of text as Mastodon's
// StatusLengthValidator counts it: every http(s) URL counts as
// l.CharactersPerURL, a mention of a remote account (@user@domain) counts
// as its local part (@user), and the rest is counted in grapheme clusters
// (what a person sees as one character: "é" written with a combining
// accent, a flag or a family emoji each count 1).
func CountLimits(l Limits, text string) int {
	l = l.withDefaults()
	n := 0
	for _, seg := range segments(text) {
		switch seg.kind {
		case segURL:
			n += l.CharactersPerURL
		case segMention:
			n += graphemes(seg.text) // already reduced to @user
		default:
			n += graphemes(seg.text)
		}
	}
	return n
}

type segKind int

const (
	segText segKind = iota
	segURL
	segMention
)

type segment struct {
	kind segKind
	text string
}

// segments splits text into plain runs, URLs and mentions (a mention's
// text is reduced to "@user"). It follows Mastodon's extractor closely
// enough for counting: URLs need an http:// or https:// scheme and a host
// with a dot; trailing punctuation and unbalanced closing parentheses are
// not part of a URL; a mention is "@" not preceded by a letter, digit,
// "_", "=" or "/", then a username, then optionally "@" and a domain.
func segments(text string) []segment {
	var out []segment
	plain := 0 // start of the pending plain run
	flush := func(end int) {
		if end > plain {
			out = append(out, segment{segText, text[plain:end]})
		}
	}
	for i := 0; i < len(text); {
		if end := urlAt(text, i); end > i {
			flush(i)
			out = append(out, segment{segURL, text[i:end]})
			i, plain = end, end
			continue
		}
		if end, local := mentionAt(text, i); end > i {
			flush(i)
			out = append(out, segment{segMention, "@" + local})
			i, plain = end, end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	flush(len(text))
	return out
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// urlAt returns the end of a URL starting at i, or i.
func urlAt(s string, i int) int {
	rest := s[i:]
	var scheme int
	switch {
	case hasPrefixFold(rest, "https://"):
		scheme = len("https://")
	case hasPrefixFold(rest, "http://"):
		scheme = len("http://")
	default:
		return i
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if isWord(r) || r == '@' || r == '$' || r == '#' || r == '/' {
			return i
		}
	}
	end := i + scheme
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r == utf8.RuneError {
			break
		}
		end += size
	}
	// Trailing punctuation and unbalanced ")" end a sentence, not a URL.
	for end > i+scheme {
		last := s[end-1]
		if strings.IndexByte(".,:;!?'*", last) >= 0 {
			end--
			continue
		}
		if last == ')' && strings.Count(s[i:end], "(") < strings.Count(s[i:end], ")") {
			end--
			continue
		}
		break
	}
	host := s[i+scheme : end]
	if j := strings.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	if k := strings.LastIndexByte(host, '@'); k >= 0 {
		host = host[k+1:]
	}
	host, _, _ = strings.Cut(host, ":")
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return i
	}
	tld := host[dot+1:]
	if !strings.HasPrefix(tld, "xn--") {
		for _, r := range tld {
			if !unicode.IsLetter(r) {
				return i
			}
		}
		if utf8.RuneCountInString(tld) < 2 {
			return i
		}
	}
	return end
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// mentionAt returns the end of a mention starting at i and its username,
// or i. Mastodon's pattern: (?<![=/[:word:]])@(user)(?:@domain)? with
// user = [a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)? and
// domain = [[:word:]]+([.-]+[[:word:]]+)*.
func mentionAt(s string, i int) (int, string) {
	if s[i] != '@' {
		return i, ""
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if isWord(r) || r == '=' || r == '/' {
			return i, ""
		}
	}
	userEnd := scanUsername(s, i+1)
	if userEnd == i+1 {
		return i, ""
	}
	end := userEnd
	if end < len(s) && s[end] == '@' {
		if d := scanDomain(s, end+1); d > end+1 {
			end = d
		}
	}
	return end, s[i+1 : userEnd]
}

func isUserByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// scanUsername matches [a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)? from i.
func scanUsername(s string, i int) int {
	end := i
	for j := i; j < len(s); j++ {
		b := s[j]
		if isUserByte(b) {
			end = j + 1
			continue
		}
		if (b == '.' || b == '-') && end > i {
			continue
		}
		break
	}
	return end
}

// scanDomain matches [[:word:]]+([.-]+[[:word:]]+)* from i.
func scanDomain(s string, i int) int {
	end := i
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isWord(r) {
			j += size
			end = j
			continue
		}
		if (r == '.' || r == '-') && end > i {
			j += size
			continue
		}
		break
	}
	return end
}

// graphemes counts extended grapheme clusters (Unicode UAX #29) closely
// enough for status lengths: CR LF, combining and spacing marks, variation
// selectors, emoji modifiers and tags extend the cluster before them; a
// zero-width joiner joins the next pictograph; regional indicators pair
// into flags; Hangul jamo join into syllables. Prepend characters are not
// handled (they would be counted apart, so the count errs long, never
// short).
func graphemes(s string) int {
	n := 0
	var prev rune = -1
	ri := 0 // regional indicators in a row
	for _, r := range s {
		join := false
		switch {
		case prev < 0:
		case prev == '\r' && r == '\n':
			join = true
		case prev == '\r' || prev == '\n' || r == '\r' || r == '\n':
		case isExtend(r):
			join = true
		case prev == 0x200D && isPictographic(r):
			join = true
		case isRegional(r) && isRegional(prev) && ri%2 == 1:
			join = true
		case hangulJoins(prev, r):
			join = true
		}
		if isRegional(r) {
			if join {
				ri++
			} else {
				ri = 1
			}
		} else if !join {
			ri = 0
		}
		if !join {
			n++
		}
		prev = r
	}
	return n
}

func isExtend(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
		r == 0x200D || r == 0x200C ||
		r >= 0x1F3FB && r <= 0x1F3FF || // emoji modifiers
		r >= 0xE0020 && r <= 0xE007F || // tags
		r >= 0xFE00 && r <= 0xFE0F
}

func isPictographic(r rune) bool {
	return unicode.Is(unicode.So, r) || r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

type hangul int

const (
	hNone hangul = iota
	hL
	hV
	hT
	hLV
	hLVT
)

func hangulType(r rune) hangul {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0xA960 && r <= 0xA97C:
		return hL
	case r >= 0x1160 && r <= 0x11A7, r >= 0xD7B0 && r <= 0xD7C6:
		return hV
	case r >= 0x11A8 && r <= 0x11FF, r >= 0xD7CB && r <= 0xD7FB:
		return hT
	case r >= 0xAC00 && r <= 0xD7A3:
		if (r-0xAC00)%28 == 0 {
			return hLV
		}
		return hLVT
	}
	return hNone
}

func hangulJoins(prev, r rune) bool {
	p, c := hangulType(prev), hangulType(r)
	switch p {
	case hL:
		return c == hL || c == hV || c == hLV || c == hLVT
	case hLV, hV:
		return c == hV || c == hT
	case hLVT, hT:
		return c == hT
	}
	return false
}
