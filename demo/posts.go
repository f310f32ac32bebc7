package demo

import (
	"context"
	"strconv"
	"time"

	"gears"
	"gears/store"
)

// fillPosts gives the example workspace two example accounts and a
// fortnight of posts in every state a team meets. The accounts cannot
// publish (they need reconnecting), so nothing ever leaves the demo.
func fillPosts(ctx context.Context, db *store.DB, ws *gears.Workspace, now time.Time) error {
	accounts := store.NewAccountService(db, nil, nil)
	masto, err := accounts.AddExampleAccount(ctx, ws.ID, gears.Mastodon, "@aurora@mastodon.example", "Aurora Coffee Roasters")
	if err != nil {
		return err
	}
	bsky, err := accounts.AddExampleAccount(ctx, ws.ID, gears.Bluesky, "@aurora-coffee.example", "Aurora Coffee")
	if err != nil {
		return err
	}
	posts := store.NewPostService(db, nil)
	loc := ws.Location()
	day := func(d, hour, minute int) *time.Time {
		y, m, dd := now.In(loc).Date()
		t := time.Date(y, m, dd+d, hour, minute, 0, 0, loc)
		return &t
	}
	both := []int64{masto.ID, bsky.ID}
	for _, p := range []struct {
		in     gears.PostInput
		submit bool
	}{
		{gears.PostInput{Text: "Fresh from the roaster: our Huila, Colombia lot — notes of panela, red apple and cocoa. In the shop from Thursday.", AccountIDs: both, ScheduledAt: day(1, 9, 30), Campaign: "Autumn origins", Tags: []string{"coffee", "colombia"}}, false},
		{gears.PostInput{Text: "Brewing tip: 15 g of coffee, 250 g of water at 94 °C, four minutes. What's your ratio?", AccountIDs: both, ScheduledAt: day(2, 12, 0), Tags: []string{"brewing"},
			Variants: map[string]gears.Variant{strconv.FormatInt(bsky.ID, 10): {Text: "Brewing tip: 15 g coffee, 250 g water at 94 °C, 4 minutes. Your ratio? #coffee"}}}, false},
		{gears.PostInput{Text: "Win a month of coffee: tell us your favourite café moment by Sunday. Rules at aurora-coffee.example/contest", AccountIDs: both, ScheduledAt: day(3, 18, 0), ContentType: gears.ContentContest, Campaign: "Autumn origins"}, true},
		{gears.PostInput{Text: "Tasting evening at the Chamberí shop, Friday 19:00: three origins, one roaster, free.", AccountIDs: []int64{masto.ID}, ScheduledAt: day(6, 10, 0), ContentType: gears.ContentPromotion}, true},
		{gears.PostInput{Text: "New on the blog: why we roast lighter in autumn.", AccountIDs: both, ScheduledAt: day(8, 11, 0), ContentType: gears.ContentBlog}, false},
		{gears.PostInput{Text: "Draft: behind the scenes at the cupping table (photos from Tom).", AccountIDs: both}, false},
	} {
		created, err := posts.CreatePost(ctx, ws.ID, p.in)
		if err != nil {
			return err
		}
		if p.submit && created.Status == gears.PostScheduled {
			// Shown waiting for the client's approver: send it back to review.
			if _, err := posts.SendBack(ctx, ws.ID, created.ID, "Carmen, can you check the wording of the rules?"); err != nil {
				return err
			}
			if _, err := posts.SubmitPost(ctx, ws.ID, created.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
