package mastodon_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gears"
	"gears/locale"
	"gears/mastodon"
)

func TestCount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"https://example.com", 23},
		{"https://example.com/a/very/long/path/well/over/twenty/three/characters", 23},
		{"see http://example.com/x.", 4 + 23 + 1},                 // the full stop is not part of the URL
		{"(https://en.wikipedia.org/wiki/Go_(game))", 1 + 23 + 1}, // balanced parentheses are
		{"https://localhost/path", 22},                            // no dotted host: not a link to Mastodon
		{"xhttps://example.com", 20},                              // not at a word boundary
		{"@bob", 4},
		{"@bob@mastodon.social", 4},
		{"hi @bob@mastodon.social!", 3 + 4 + 1},
		{"mail me: bob@example.com", 24}, // an e-mail address is not a mention
		{"@bob@a.example @carol", 4 + 1 + 6},
		{"é", 1},                  // precomposed
		{"e\u0301", 1},            // e + combining acute: one grapheme
		{"👍", 1},                  // astral code point
		{"👍🏽", 1},                 // with a skin-tone modifier
		{"👨\u200d👩\u200d👧", 1},    // family: a ZWJ sequence
		{"❤\ufe0f", 1},            // with a variation selector
		{"🇪🇸🇫🇷", 2},               // two flags
		{"🇪🇸🇫", 2},                // a flag and a lone indicator
		{"한국어", 3},                // precomposed Hangul
		{"\u1100\u1161\u11a8", 1}, // Hangul jamo L V T
		{"a\r\nb", 3},
		{"#hashtag", 8},
	} {
		if got := mastodon.Count(tt.text); got != tt.want {
			t.Errorf("Count(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	c := mastodon.New(nil)
	img := func(size int64) gears.MediaInfo {
		return gears.MediaInfo{ContentType: "image/png", Size: size, Alt: "alt"}
	}
	url := "https://example.com/" + strings.Repeat("x", 100)
	for _, tt := range []struct {
		name  string
		text  string
		media []gears.MediaInfo
		want  []gears.Problem
	}{
		{"exactly 500", strings.Repeat("a", 500), nil, nil},
		{"501", strings.Repeat("a", 501), nil, []gears.Problem{{Key: "mastodon.too_long", Args: []any{501, 500}}}},
		{"URL counts 23", strings.Repeat("a", 476) + " " + url, nil, nil},
		{"URL counts 23, one over", strings.Repeat("a", 477) + " " + url, nil, []gears.Problem{{Key: "mastodon.too_long", Args: []any{501, 500}}}},
		{"remote mention counts its username", strings.Repeat("a", 495) + " @bob@very.long.example.social", nil, nil},
		{"emoji count one each", strings.Repeat("👨\u200d👩\u200d👧", 500), nil, nil},
		{"combining marks count with their letter", strings.Repeat("e\u0301", 501), nil, []gears.Problem{{Key: "mastodon.too_long", Args: []any{501, 500}}}},
		{"empty", " \n", nil, []gears.Problem{{Key: "mastodon.empty"}}},
		{"media only", "", []gears.MediaInfo{img(1)}, nil},
		{"four images", "x", []gears.MediaInfo{img(1), img(1), img(1), img(1)}, nil},
		{"five images", "x", []gears.MediaInfo{img(1), img(1), img(1), img(1), img(1)}, []gears.Problem{{Key: "mastodon.too_many_media", Args: []any{5, 4}}}},
		{"type", "x", []gears.MediaInfo{{ContentType: "image/bmp", Size: 1}}, []gears.Problem{{Key: "mastodon.media_type", Args: []any{1, "image/bmp"}}}},
		{"type with parameters", "x", []gears.MediaInfo{{ContentType: "IMAGE/JPEG; q=1", Size: 1}}, nil},
		{"image at 16 MB", "x", []gears.MediaInfo{img(16 << 20)}, nil},
		{"image over 16 MB", "x", []gears.MediaInfo{img(17 << 20)}, []gears.Problem{{Key: "mastodon.media_too_large", Args: []any{1, "17", "16"}}}},
		{"video 50 MB", "x", []gears.MediaInfo{{ContentType: "video/mp4", Size: 50 << 20}}, nil},
		{"video with an image", "x", []gears.MediaInfo{{ContentType: "video/mp4", Size: 1}, img(1)}, []gears.Problem{{Key: "mastodon.media_mixed"}}},
		{"alt at 1500", "x", []gears.MediaInfo{{ContentType: "image/png", Alt: strings.Repeat("ñ", 1500)}}, nil},
		{"alt over 1500", "x", []gears.MediaInfo{img(1), {ContentType: "image/png", Alt: strings.Repeat("ñ", 1501)}}, []gears.Problem{{Key: "mastodon.alt_too_long", Args: []any{2, 1501, 1500}}}},
	} {
		got := c.Check(tt.text, tt.media)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: problems %+v, want %+v", tt.name, got, tt.want)
		}
		for _, p := range got {
			if !locale.Has(p.Key) {
				t.Errorf("%s: key %q is not in the catalogue", tt.name, p.Key)
			}
			for _, lang := range locale.Languages {
				if s := locale.T(lang, p.Key, p.Args...); strings.Contains(s, "%!") {
					t.Errorf("%s: %s text %q", tt.name, lang, s)
				}
			}
		}
	}
	// Older servers: 10 MB images.
	l := mastodon.DefaultLimits()
	l.ImageSizeLimit = 10 << 20
	if ps := mastodon.CheckLimits(l, "x", []gears.MediaInfo{img(11 << 20)}); len(ps) != 1 || ps[0].Key != "mastodon.media_too_large" {
		t.Errorf("problems = %+v", ps)
	}
}

func TestNormalizeServer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"mastodon.social", "https://mastodon.social"},
		{" https://Mastodon.Social/ ", "https://mastodon.social"},
		{"https://mastodon.social:443", "https://mastodon.social"},
		{"https://example.com:8443", "https://example.com:8443"},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000"},
		{"http://localhost:3000/", "http://localhost:3000"},
		{"http://[::1]:3000", "http://[::1]:3000"},
		{"http://mastodon.social", ""},
		{"ftp://mastodon.social", ""},
		{"https://mastodon.social/@alice", ""},
		{"https://user:pw@mastodon.social", ""},
		{"https://mastodon.social?x=1", ""},
		{"", ""},
	} {
		got, err := mastodon.NormalizeServer(tt.in)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("NormalizeServer(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err != nil {
			remote(t, err, gears.RemoteRejected)
			if e := gears.AsError(err); e.Code != gears.EINVALID || e.Key != "mastodon.server_invalid" || e.Field != "server" {
				t.Errorf("%q: gears error %+v", tt.in, e)
			}
		}
	}
}

func ExampleCount() {
	fmt.Println(mastodon.Count("Read https://example.com/a/long/article/about/gears, @bob@example.social 👍🏽"))
	// Output: 36
}
