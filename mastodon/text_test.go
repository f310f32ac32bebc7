package mastodon

import (
	"strings"
	"testing"
)

func TestInboundText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ html, want string }{
		{"<p>Hello <strong>world</strong></p>", "Hello world"},
		{"<p>one<br>two<br />three</p><p>four</p>", "one\ntwo\nthree\n\nfour"},
		{"<p>a</p>\n\n\n<p>b</p>", "a\n\nb"},
		{"line\nbreaks\tin   source", "line breaks in source"},
		{"&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"}, // the author's words, as text
		{"&amp;lt;b&amp;gt;", "&lt;b&gt;"},                                     // decoded once
		{"caf&eacute; &#233; &#xE9; &nbsp;x", "café é é x"},
		{"a<script type='x'>if (a<b) {}</script>b", "ab"},
		{"a<SCRIPT>x</SCRIPT >b<style>p{}</style>c", "abc"},
		{"a<!-- hidden <b>x</b> -->b<!-- unclosed", "ab"},
		{"a<!DOCTYPE html>b<?php x ?>c<![CDATA[d]]>e</ >f", "abcef"},
		{`<a href="x" title='1>2' data-x="it's">link</a>`, "link"},
		{"<img src=x onerror=alert(1)>", ""},
		{"1 < 2 and 3 <4 <<b>x</b>", "1 < 2 and 3 <4 <x"},
		{"unclosed <b class='x", "unclosed"},
		{"<ul><li>one</li><li>two</li></ul>after", "one\ntwo\n\nafter"},
		{"\u202etxt\u202c \u2066iso\u2069 \x07bell \ufeffbom", "txt iso bell bom"},
		{"bad \xff\xfe utf8", "bad utf8"},
		{"<p>   </p><p></p><p> x </p>", "x"},
	} {
		if got := inboundText("", tt.html); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.html, got, tt.want)
		}
	}
	if got := inboundText(" Spoilers ", "<p>body</p>"); got != "Spoilers\n\nbody" {
		t.Errorf("with a content warning: %q", got)
	}
	if got := plainText(strings.Repeat("é", 10), 4); got != "éééé…" {
		t.Errorf("cut: %q", got)
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"100", "99", 1}, {"110000000000000001", "109999999999999999", 1}, {"42", "42", 0},
		{"01HZX0000000000000000000AB", "01HZX0000000000000000000AA", 1}, // ULIDs
	} {
		if got := compareID(tt.a, tt.b); got != tt.want {
			t.Errorf("compareID(%s, %s) = %d", tt.a, tt.b, got)
		}
	}
	for id, ok := range map[string]bool{"123": true, "AbC9": true, "": false, "1/2": false, "1 2": false, "-1": false, strings.Repeat("1", 65): false} {
		if validID(id) != ok {
			t.Errorf("validID(%q) = %v", id, !ok)
		}
	}
}

func TestFieldChecks(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"en": "en", "pt-BR": "pt-BR", "zh_Hant": "zh_Hant", "e": "", "english": "",
		"en<script>": "", "en--x": "", "-en": "", "": ""} {
		if got := language(in); got != want {
			t.Errorf("language(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{
		"https://a.example/@x/1": "https://a.example/@x/1", "HTTP://a.example/": "http://a.example/",
		"javascript:alert(1)": "", "data:text/html,x": "", "//a.example/x": "", "/relative": "",
		"https://user:pw@a.example/": "", "https://a.example/\x00": "", "https://a.example/" + strings.Repeat("x", 600): "",
	} {
		if got := webURL(in); got != want {
			t.Errorf("webURL(%q) = %q", in, got)
		}
	}
	for tag, ok := range map[string]bool{"gears": true, "Café_2": true, "日本語": true, "a·b": true, "": false, "two words": false, "a/b": false, "a#b": false} {
		if validTag(tag) != ok {
			t.Errorf("validTag(%q) = %v", tag, !ok)
		}
	}
}
