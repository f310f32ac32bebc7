package main

import (
	"gears"
	"gears/bluesky"
	"gears/mastodon"
	"gears/store"
)

// defaultConnectors are the networks Gears reaches. appView is the
// Bluesky AppView that reads notifications and searches ("" is Bluesky's
// own).
func defaultConnectors(appView string) store.Connectors {
	bsky := bluesky.New(nil)
	bsky.AppView = appView
	return store.Connectors{
		gears.Mastodon: mastodon.New(nil),
		gears.Bluesky:  bsky,
	}
}
