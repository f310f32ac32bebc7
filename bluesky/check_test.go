package bluesky

import (
	"strings"
	"testing"

	"gears"
	"gears/locale"
)

func TestGraphemes(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int{
		"":        0,
		"abc":     3,
		"e\u0301": 1, // combining mark
		"👋🏽":      1, // skin tone
		"👨‍👩‍👧":   1, // zero-width joiners
		"🇪🇸🇲🇽":    2, // flags
		"日本語":     3,
		"\r\n":    1,
		"ก\u0e33": 1, // Thai sara am
	} {
		if got := Graphemes(text); got != want {
			t.Errorf("Graphemes(%q) = %d, want %d", text, got, want)
		}
	}
}

func keys(ps []gears.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	return out
}

func TestCheck(t *testing.T) {
	t.Parallel()
	img := func(ct string, size int64, alt string) gears.MediaInfo {
		return gears.MediaInfo{ContentType: ct, Size: size, Alt: alt}
	}
	cases := []struct {
		name  string
		text  string
		media []gears.MediaInfo
		want  string
	}{
		{"fine", "Hola", nil, ""},
		{"empty", " \n", nil, "bluesky.empty"},
		{"only an image", "", []gears.MediaInfo{img("image/png", 10, "")}, ""},
		{"300 letters", strings.Repeat("a", 300), nil, ""},
		{"301 letters", strings.Repeat("a", 301), nil, "bluesky.too_long"},
		{"300 combined letters", strings.Repeat("e\u0301", 300), nil, ""},
		{"300 CJK", strings.Repeat("語", 300), nil, ""},
		{"300 families: 5,400 bytes", strings.Repeat("👨‍👩‍👧", 300), nil, "bluesky.too_many_bytes"},
		{"301 emoji", strings.Repeat("👋🏽", 301), nil, "bluesky.too_long"},
		{"5 images", "x", []gears.MediaInfo{img("image/png", 1, ""), img("image/png", 1, ""), img("image/png", 1, ""), img("image/png", 1, ""), img("image/png", 1, "")}, "bluesky.too_many_media"},
		{"4 images of every type", "x", []gears.MediaInfo{img("image/jpeg", 1, ""), img("image/png", 1, ""), img("image/webp", 1, ""), img("IMAGE/GIF; x=y", 1, "")}, ""},
		{"a video", "x", []gears.MediaInfo{img("video/mp4", 1, "")}, "bluesky.media_type"},
		{"largest image", "x", []gears.MediaInfo{img("image/jpeg", 2_000_000, "")}, ""},
		{"too large image", "x", []gears.MediaInfo{img("image/jpeg", 2_000_001, "")}, "bluesky.media_too_large"},
		{"longest alt", "x", []gears.MediaInfo{img("image/jpeg", 1, strings.Repeat("ñ", 2000))}, ""},
		{"too long alt", "x", []gears.MediaInfo{img("image/jpeg", 1, strings.Repeat("ñ", 2001))}, "bluesky.alt_too_long"},
	}
	cn := New(nil)
	for _, tc := range cases {
		ps := cn.Check(tc.text, tc.media)
		if got := strings.Join(keys(ps), ","); got != tc.want {
			t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
		}
		for _, p := range ps {
			for _, lang := range locale.Languages {
				msg := locale.T(lang, p.Key, p.Args...)
				if !locale.Has(p.Key) || strings.Contains(msg, "%!") {
					t.Errorf("%s: %s in %s: %q", tc.name, p.Key, lang, msg)
				}
			}
		}
	}
}

func TestMessagesTranslated(t *testing.T) {
	t.Parallel()
	for _, key := range locale.Keys() {
		if !strings.HasPrefix(key, "bluesky.") {
			continue
		}
		for _, lang := range locale.Languages {
			if msg := locale.T(lang, key, 1, 2, 3); msg == key || msg == "" {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
	}
}
