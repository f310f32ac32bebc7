package feeds_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"gears/feeds"
)

func TestPlainText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"  lots \n\t of   space  ", "lots of space"},
		{"Tom &amp; Jerry &lt;3 &eacute;t&eacute; &#8212; &#x1F600; &nbsp;x", "Tom & Jerry <3 été — 😀 x"},
		{"<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"line<br>break<br/>again", "line\nbreak\nagain"},
		{"<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"},
		{"<h1>Title</h1>body", "Title\n\nbody"},
		{"<b>bold</b><i>italic</i> <a href=\"javascript:x()\">link</a>", "bolditalic link"},
		{"a<script>alert('x')</script>b", "ab"},
		{"a<script src=x></script>b<style>p{color:red}</style>c", "abc"},
		{"a<SCRIPT>document.write('<p>x</p>')</SCRIPT>b", "ab"},
		{"a<noscript><p>no</p></noscript>b<template><p>t</p></template>c", "abc"},
		{"a<svg><svg><text>x</text></svg><text>y</text></svg>b", "ab"},
		{"a<iframe src=x>inside</iframe>b", "ab"},
		{"a<img src=x onerror=alert(1)>b", "a b"},
		{"a<!-- comment <p>x</p> -->b", "ab"},
		{"<td>1</td><td>2</td>", "1 2"},
		{"unclosed <b>bold", "unclosed bold"},
		{"broken < tag and 1 < 2 > 0", "broken < tag and 1 < 2 > 0"},
		{"a<script>never closed", "a"},
		{"bad \xff\xfe utf8", "bad utf8"},
		{"ctrl\x00\x01\x1b[31mred", "ctrl [31mred"},
		{"<p>   </p><p>\n</p>x", "x"},
		{"<div><div><p>deep</p></div></div>", "deep"},
	} {
		if got := feeds.PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	huge := strings.Repeat("<p>párrafo &amp; <b>negrita</b></p>", 100000)
	if got := feeds.PlainText(huge); !utf8.ValidString(got) || !strings.HasPrefix(got, "párrafo & negrita\n\npárrafo") {
		t.Errorf("huge: %q…", got[:50])
	}
}

func ExamplePlainText() {
	fmt.Printf("%q\n", feeds.PlainText(`<p>Hola&nbsp;<b>mundo</b> &amp; más</p><script>alert(1)</script><p>Adiós<br>amigos</p>`))
	// Output: "Hola mundo & más\n\nAdiós\namigos"
}
