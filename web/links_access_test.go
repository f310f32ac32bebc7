package web_test

import (
	"context"
	"fmt"
	"time"

	"gears"
	"gears/store"
)

// The access cases of tracked links and conversions, added to accessCases
// (which TestAccess walks). The redirect /l/{code} is not in the route
// table (it skips the middleware); TestLinkRedirect covers it for every
// actor.
func init() {
	// ownerLink makes a link in the fixture's workspace, as its owner.
	ownerLink := func(f *fixture) *gears.Link {
		ctx := gears.NewContextWithUser(context.Background(), f.actors["owner"].user)
		l, err := store.NewLinkService(f.db).CreateLink(ctx, f.ws.ID, gears.LinkCreate{TargetURL: "https://aurora.example/beans", Network: gears.Mastodon})
		if err != nil {
			panic(err)
		}
		return l
	}
	today := time.Now().Format("2006-01-02")
	cases := map[string]accessCase{
		"GET /w/{ws}/links":  inWS("/links", ""),
		"POST /w/{ws}/links": inWS("/links", form("target_url", "https://aurora.example/", "network", "bluesky", "campaign", "Spring")),
		"POST /w/{ws}/links/{link}": func(f *fixture, _ string) (string, string) {
			return inWSPath(f, fmt.Sprintf("/links/%d", ownerLink(f).ID)), form("target_url", "https://aurora.example/moved")
		},
		"GET /w/{ws}/conversions":                  inWS("/conversions", ""),
		"GET /w/{ws}/conversions.csv":              inWS("/conversions.csv", ""),
		"POST /w/{ws}/conversions":                 inWS("/conversions", form("campaign", "Spring", "value", "12.50", "occurred_at", today)),
		"POST /w/{ws}/conversions/import":          inWS("/conversions/import", form("csv", "campaign,value\nSpring,3\n")),
		"POST /w/{ws}/conversions/hook":            inWS("/conversions/hook", ""),
		"GET /api/v1/workspaces/{ws}/links":        inAPIWS("/links?limit=10", ""),
		"POST /api/v1/workspaces/{ws}/links":       inAPIWS("/links", `{"target_url":"https://aurora.example/","network":"mastodon","campaign":"Spring"}`),
		"GET /api/v1/workspaces/{ws}/conversions":  inAPIWS("/conversions", ""),
		"POST /api/v1/workspaces/{ws}/conversions": inAPIWS("/conversions", `{"campaign":"Spring","value":12.5,"id":"order-1"}`),
		// Public: an unknown token is not found, for everyone.
		"POST /hooks/conversions/{token}": fixed("/hooks/conversions/gcv_not-a-real-token", `{"campaign":"Spring"}`),
	}
	for k, v := range cases {
		if _, dup := accessCases[k]; dup {
			panic("access case written twice: " + k)
		}
		accessCases[k] = v
	}
}
