package gears_test

import (
	"testing"
	"time"

	"gears"
)

func TestWithUTMMergesIntoTheQuery(t *testing.T) {
	t.Parallel()
	u := gears.UTM{Source: "mastodon", Medium: "social", Campaign: "Spring sale", Content: "a&b"}
	for _, c := range []struct{ target, want string }{
		{"https://a.example", "https://a.example?utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=a%26b"},
		{"https://a.example/p?x=1&y=2", "https://a.example/p?x=1&y=2&utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=a%26b"},
		// The target's own tags give way; its other parameters keep their order.
		{"https://a.example/?utm_source=old&z=9&utm_medium=email#frag", "https://a.example/?z=9&utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=a%26b#frag"},
		{"https://a.example/?", "https://a.example/?utm_source=mastodon&utm_medium=social&utm_campaign=Spring+sale&utm_content=a%26b"},
	} {
		if got := gears.WithUTM(c.target, u); got != c.want {
			t.Errorf("WithUTM(%q)\n got %s\nwant %s", c.target, got, c.want)
		}
	}
	// Empty tags are left out, and leave the target's own values alone.
	if got := gears.WithUTM("https://a.example/?utm_content=mine", gears.UTM{Medium: "social"}); got != "https://a.example/?utm_content=mine&utm_medium=social" {
		t.Errorf("partial tags: %s", got)
	}
}

func TestLinkCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := gears.NewLinkCode()
		if !gears.ValidLinkCode(c) {
			t.Fatalf("invalid code %q", c)
		}
		if seen[c] {
			t.Fatalf("code %q twice", c)
		}
		seen[c] = true
	}
	for _, bad := range []string{"", "abc", "abcdefg!", "abcdefghi", "abcdéfgh"} {
		if gears.ValidLinkCode(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLinkCreateValidate(t *testing.T) {
	t.Parallel()
	ok := gears.LinkCreate{TargetURL: " http://a.example/x ", Network: " Bluesky ", Campaign: " Spring ", UTMContent: " hero "}
	if err := ok.Validate(); err != nil || ok.TargetURL != "http://a.example/x" || ok.Network != gears.Bluesky || ok.Campaign != "Spring" || ok.UTMContent != "hero" {
		t.Fatalf("%+v %v", ok, err)
	}
	long := make([]byte, 101)
	for i := range long {
		long[i] = 'x'
	}
	zero := int64(0)
	for field, in := range map[string]gears.LinkCreate{
		"target_url":  {TargetURL: "data:text/html,hi"},
		"network":     {TargetURL: "https://a.example", Network: "myspace"},
		"utm_content": {TargetURL: "https://a.example", UTMContent: string(long)},
		"campaign":    {TargetURL: "https://a.example", Campaign: "a\x00b"},
		"post_id":     {TargetURL: "https://a.example", PostID: &zero},
	} {
		if err := in.Validate(); gears.AsError(err).Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}

func TestParseCents(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "12": 1200, "12.5": 1250, "12.05": 1205, "12,50": 1250, " 7 ": 700} {
		if got, err := gears.ParseCents(in); err != nil || got != want {
			t.Errorf("ParseCents(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.234", "1,2,3", "1.", ".5", "1e3", "abc", "1 000", "9999999999999"} {
		if _, err := gears.ParseCents(bad); err == nil {
			t.Errorf("ParseCents(%q) accepted", bad)
		}
	}
	if gears.FormatCents(1205) != "12.05" || gears.FormatCents(0) != "0.00" {
		t.Error("FormatCents")
	}
}

func TestPutLink(t *testing.T) {
	t.Parallel()
	short := "https://g.example/l/AbCdEfGh"
	for _, c := range []struct{ text, want string }{
		{"New beans: https://shop.example/huila today", "New beans: " + short + " today"},
		{"New beans!  \n", "New beans!\n" + short},
		{"", short},
		{"Already " + short, "Already " + short},
	} {
		if got := gears.PutLink(c.text, "https://shop.example/huila", short); got != c.want {
			t.Errorf("PutLink(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestConversionInputValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	in := gears.ConversionInput{Campaign: " Spring ", Network: "MASTODON", Value: "3.5", Currency: "eur", ExternalID: " x1 "}
	if err := in.Validate(now); err != nil || in.Count != 1 || *in.ValueCents != 350 || in.Currency != "EUR" || !in.OccurredAt.Equal(now) ||
		in.Source != gears.SourceManual || in.ExternalID != "x1" || in.Network != gears.Mastodon || in.Campaign != "Spring" {
		t.Fatalf("%+v %v", in, err)
	}
	soon := now.Add(5 * time.Minute)
	if in := (gears.ConversionInput{Campaign: "x", OccurredAt: &soon}); in.Validate(now) != nil {
		t.Error("a clock a little ahead is refused")
	}
}
