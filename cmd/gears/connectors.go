package main

import (
	"gears"
	"gears/bluesky"
	"gears/mastodon"
	"gears/store"
)

// defaultConnectors are the networks Gears reaches.
func defaultConnectors() store.Connectors {
	return store.Connectors{
		gears.Mastodon: mastodon.New(nil),
		gears.Bluesky:  bluesky.New(nil),
	}
}
