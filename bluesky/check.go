package bluesky

import (
	"slices"
	"strings"

	"github.com/rivo/uniseg"

	"gears"
)

// Limits are the rules Bluesky applies to a post.
type Limits struct {
	MaxGraphemes int      // app.bsky.feed.post text maxGraphemes
	MaxBytes     int      // app.bsky.feed.post text maxLength (UTF-8 bytes)
	MaxImages    int      // app.bsky.embed.images images maxLength
	MaxImageSize int64    // app.bsky.embed.images#image image maxSize, bytes
	MaxAltText   int      // graphemes of an image description (the app's limit)
	ImageTypes   []string // the types the app sends
}

// DefaultLimits returns Bluesky's limits as its lexicons and app state
// them: 300 graphemes and 3,000 bytes of text; up to 4 images of up to
// 2,000,000 bytes each (the lexicon's maxSize today; it was 1,000,000,
// and a PDS that still runs the older lexicon refuses larger images);
// descriptions up to 2,000 graphemes (the lexicon sets no limit, the app
// stops there); JPEG, PNG, WebP and GIF.
func DefaultLimits() Limits {
	return Limits{
		MaxGraphemes: 300,
		MaxBytes:     3000,
		MaxImages:    4,
		MaxImageSize: 2_000_000,
		MaxAltText:   2000,
		ImageTypes:   []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
	}
}

// withDefaults fills unset fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxGraphemes <= 0 {
		l.MaxGraphemes = d.MaxGraphemes
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxImages <= 0 {
		l.MaxImages = d.MaxImages
	}
	if l.MaxImageSize <= 0 {
		l.MaxImageSize = d.MaxImageSize
	}
	if l.MaxAltText <= 0 {
		l.MaxAltText = d.MaxAltText
	}
	if len(l.ImageTypes) == 0 {
		l.ImageTypes = d.ImageTypes
	}
	return l
}

// Graphemes counts text as Bluesky does: user-perceived characters
// (extended grapheme clusters), so an emoji with modifiers, a flag or a
// letter with combining marks is one.
func Graphemes(text string) int { return uniseg.GraphemeClusterCount(text) }

// Check counts text and media as Bluesky does and lists what breaks the
// connector's limits. Media are numbered from 1 in the problems.
func (cn *Connector) Check(text string, media []gears.MediaInfo) []gears.Problem {
	return CheckLimits(cn.Limits, text, media)
}

// CheckLimits is Check with the given limits.
func CheckLimits(l Limits, text string, media []gears.MediaInfo) []gears.Problem {
	l = l.withDefaults()
	var ps []gears.Problem
	if strings.TrimSpace(text) == "" && len(media) == 0 {
		ps = append(ps, gears.Problem{Key: "bluesky.empty"})
	}
	if n := Graphemes(text); n > l.MaxGraphemes {
		ps = append(ps, gears.Problem{Key: "bluesky.too_long", Args: []any{n, l.MaxGraphemes}})
	}
	if n := len(text); n > l.MaxBytes {
		ps = append(ps, gears.Problem{Key: "bluesky.too_many_bytes", Args: []any{n, l.MaxBytes}})
	}
	if len(media) > l.MaxImages {
		ps = append(ps, gears.Problem{Key: "bluesky.too_many_media", Args: []any{len(media), l.MaxImages}})
	}
	for i, m := range media {
		ct := mediaType(m.ContentType)
		if !slices.Contains(l.ImageTypes, ct) {
			ps = append(ps, gears.Problem{Key: "bluesky.media_type", Args: []any{i + 1, ct}})
		}
		if m.Size > l.MaxImageSize {
			ps = append(ps, gears.Problem{Key: "bluesky.media_too_large", Args: []any{i + 1, float64(m.Size) / 1e6, float64(l.MaxImageSize) / 1e6}})
		}
		if n := Graphemes(m.Alt); n > l.MaxAltText {
			ps = append(ps, gears.Problem{Key: "bluesky.alt_too_long", Args: []any{i + 1, n, l.MaxAltText}})
		}
	}
	return ps
}

// mediaType returns the bare, lower-case media type of a Content-Type.
func mediaType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(ct))
}
