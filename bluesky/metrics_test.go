package bluesky

import (
	"testing"

	"gears"
)

// TestPostCountsHostile: a post view whose counts are negative, huge,
// fractional or text is unusable; missing counts are 0, as the lexicon
// makes them optional.
func TestPostCountsHostile(t *testing.T) {
	const uri = `"uri":"at://did:plc:abc/app.bsky.feed.post/3k"`
	for _, c := range []struct {
		json string
		want gears.PostCounts
		ok   bool
	}{
		{`{` + uri + `,"replyCount":1,"repostCount":2,"likeCount":3,"quoteCount":4}`, gears.PostCounts{Replies: 1, Reposts: 2, Likes: 3, Quotes: 4}, true},
		{`{` + uri + `,"likeCount":3}`, gears.PostCounts{Likes: 3}, true},
		{`{` + uri + `,"likeCount":null}`, gears.PostCounts{}, true},
		{`{` + uri + `,"likeCount":-3}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":1.5}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":"7"}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":1e3}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":100000000000000000000000000}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":2000000000000}`, gears.PostCounts{}, false},
		{`{` + uri + `,"likeCount":{}}`, gears.PostCounts{}, false},
		{`[1,2]`, gears.PostCounts{}, false},
	} {
		_, got, ok := postCounts([]byte(c.json))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%s: %+v %v, want %+v %v", c.json, got, ok, c.want, c.ok)
		}
	}
}
