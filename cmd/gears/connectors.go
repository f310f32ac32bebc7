package main

import (
	"gears"
	"gears/mastodon"
	"gears/store"
)

// defaultConnectors are the networks Gears reaches.
func defaultConnectors() store.Connectors {
	return store.Connectors{
		gears.Mastodon: mastodon.New(nil),
	}
}
