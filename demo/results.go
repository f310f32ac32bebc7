package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gears"
	"gears/store"
	"gears/workload"
)

// The example strategy and results: the communication strategy, research
// and competitors, campaigns with spend, two months of published posts
// with their engagement, followers, tracked links with clicks,
// conversions, rates and objectives. Everything is dated from now in the
// workspace's time zone and drawn from a fixed seed, so two fills a day
// apart show the same shape.

// resultDays is how many days of published history the demo has;
// objectiveStart is the day the follower goal started.
const (
	resultDays     = 60
	objectiveStart = -30
)

// Campaigns of the example; the existing demo posts name autumnCampaign.
const (
	autumnCampaign = "Autumn origins"
	summerCampaign = "Summer cold brew"
)

// rates are the team's hourly rates, in cents.
var rates = map[string]int64{
	"lucia.moreno@aurora-coffee.example": 4500,
	"diego.santos@aurora-coffee.example": 3200,
	"amara.okafor@aurora-coffee.example": 2800,
	"tom.becker@aurora-coffee.example":   3800,
}

// exampleTexts are the published posts, in turn.
var exampleTexts = []struct {
	text string
	kind gears.ContentType
	tags []string
	link string // a tracked link's target, when the post has one
}{
	{"Monday cupping notes: our new Sidamo tastes of bergamot and apricot. Drop by the Chamberí shop for a sip.", gears.ContentMessage, []string{"coffee", "ethiopia"}, ""},
	{"Receta de la semana: V60 con 18 g de café, 300 g de agua a 93 °C. ¿Cuál es tu método favorito?", gears.ContentMessage, []string{"brewing"}, ""},
	{"Meet the farmers: the Ramírez family has grown our Huila lot for three generations. Their story on the blog.", gears.ContentBlog, []string{"origins", "colombia"}, "https://aurora-coffee.example/blog/ramirez-family"},
	{"Freshly roasted this morning: Brazil Cerrado, chocolate and hazelnut. Ideal for espresso.", gears.ContentMessage, []string{"coffee", "brazil"}, "https://aurora-coffee.example/shop/brazil-cerrado"},
	{"¿Sabías que el tueste claro conserva más los sabores del origen? Te lo contamos en el blog.", gears.ContentBlog, []string{"roasting"}, "https://aurora-coffee.example/blog/tueste-claro"},
	{"Weekend plan: our baristas pour latte art at the Malasaña shop, Saturday from 11:00.", gears.ContentPromotion, []string{"events"}, ""},
	{"Three ways to brew the same bean: espresso, filter and cold brew. Which wins? Vote below.", gears.ContentMessage, []string{"brewing"}, ""},
	{"Coffee subscription: two bags a month, roasted to order, free shipping in Spain.", gears.ContentPromotion, []string{"subscription"}, "https://aurora-coffee.example/subscribe"},
	{"Behind the roaster: Tom checks every batch on the cupping table before it leaves.", gears.ContentMessage, []string{"team"}, ""},
	{"Nuevo en la tienda: Guatemala Huehuetenango, notas de caramelo y ciruela.", gears.ContentMessage, []string{"coffee", "guatemala"}, "https://aurora-coffee.example/shop/huehuetenango"},
	{"Grinding matters: a burr grinder and a fresh bag will change your morning more than any machine.", gears.ContentMessage, []string{"brewing"}, ""},
	{"Thank you, Madrid! 1,000 cups at the Chamberí shop this week.", gears.ContentMessage, []string{"community"}, ""},
}

// seasonTexts are the campaigns' own posts, in turn.
var seasonTexts = map[string][]string{
	summerCampaign: {
		"Cold brew season: 12 hours, cold water, our Brazil Cerrado. Bottles in the shop from today.",
		"Cold brew en casa: 100 g de café molido grueso, 1 litro de agua fría, 12 horas en la nevera.",
		"Summer deal: a cold brew bottle free with every subscription this month.",
	},
	autumnCampaign: {
		"Autumn origins: this season we roast Huila, Sidamo and Huehuetenango. Which one first?",
		"Orígenes de otoño: catas gratuitas de nuestros tres cafés de temporada, todos los viernes.",
		"Autumn origins box: the three season coffees, 3 × 250 g, for the price of two.",
	},
}

func fillResults(ctx context.Context, db *store.DB, ws *gears.Workspace, now time.Time) error {
	loc := ws.Location()
	// date returns the local time on the day d days from today.
	y, m, dd := now.In(loc).Date()
	date := func(d, hour, minute int) time.Time { return time.Date(y, m, dd+d, hour, minute, 0, 0, loc) }
	day := func(d int) string { return date(d, 0, 0).Format(gears.DateLayout) }
	rng := rand.New(rand.NewPCG(6, 2026))

	accounts, err := store.NewAccountService(db, nil, nil).FindAccounts(ctx, ws.ID)
	if err != nil {
		return err
	}
	var masto, bsky *gears.Account
	for _, a := range accounts {
		switch a.Network {
		case gears.Mastodon:
			masto = a
		case gears.Bluesky:
			bsky = a
		}
	}
	if masto == nil || bsky == nil {
		return fmt.Errorf("the example accounts are missing")
	}

	// Money: euros, five cents an engagement, the team's rates.
	reports := store.NewReportService(db)
	five := int64(5)
	if err := reports.SetResultSettings(ctx, ws.ID, store.ResultSettings{Currency: "EUR", EngagementValueCents: &five}); err != nil {
		return fmt.Errorf("result settings: %w", err)
	}
	users := store.NewUserService(db)
	for email, cents := range rates {
		u, err := users.FindUserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if err := reports.SetRate(ctx, ws.ID, u.ID, &cents); err != nil {
			return fmt.Errorf("rate of %s: %w", email, err)
		}
	}

	strategy := store.NewStrategyService(db)
	if err := fillStrategy(ctx, strategy, ws, masto, bsky); err != nil {
		return err
	}

	// Campaigns and what was paid for them.
	campaigns := []struct {
		in       gears.CampaignInput
		spend    []gears.CampaignSpendInput
		from, to int // its days, from today
	}{
		{gears.CampaignInput{Name: summerCampaign, Description: "Cold brew bottles and the summer subscription offer.",
			StartsOn: day(-resultDays), EndsOn: day(-31)},
			[]gears.CampaignSpendInput{
				{AmountCents: 6000, Network: gears.Mastodon, Gear: "maintenance", SpentOn: day(-55), Note: "Boosted post: cold brew bottles"},
				{AmountCents: 4500, Gear: "maintenance", SpentOn: day(-50), Note: "Photo shoot, cold brew"},
			}, -resultDays, -31},
		{gears.CampaignInput{Name: autumnCampaign, Description: "Three season origins: tastings, the origins box and the farmers' stories.",
			Networks: []gears.Network{gears.Mastodon, gears.Bluesky}, StartsOn: day(-24), EndsOn: day(21)},
			[]gears.CampaignSpendInput{
				{AmountCents: 4000, Network: gears.Mastodon, Gear: "maintenance", SpentOn: day(-22), Note: "Boosted post: autumn origins"},
				{AmountCents: 2500, Network: gears.Bluesky, Gear: "maintenance", SpentOn: day(-15), Note: "Promoted tasting evening"},
				{AmountCents: 9000, Gear: "strategy", SpentOn: day(-24), Note: "Origins box design"},
			}, -24, 21},
	}
	lucia, err := users.FindUserByEmail(ctx, "lucia.moreno@aurora-coffee.example")
	if err != nil {
		return err
	}
	plans, asLucia := store.NewPlanService(db), gears.NewContextWithUser(ctx, lucia)
	history := workload.Weeks(now.In(loc), historyWeeks+1) // the finished weeks, and this one
	for _, c := range campaigns {
		made, err := strategy.CreateCampaign(ctx, ws.ID, c.in)
		if err != nil {
			return fmt.Errorf("campaign %s: %w", c.in.Name, err)
		}
		for _, s := range c.spend {
			if _, err := strategy.AddSpend(ctx, ws.ID, made.ID, s); err != nil {
				return fmt.Errorf("spend on %s: %w", c.in.Name, err)
			}
		}
		// An hour and a half a week of briefing and follow-up for the
		// campaign, so ROI by campaign costs hours as well as spend; in the
		// finished weeks the planner's history tracks, as the rest of the
		// demo's time.
		for d := c.from; d <= c.to; d += 7 {
			at := date(d, 10, 0)
			if at.Before(history[0]) || !at.Before(history[len(history)-1]) {
				continue
			}
			e := workload.TimeEntryCreate{ActivityKey: "strategy.campaigns", StartedAt: at, Minutes: 90,
				Note: "Campaign briefing", TimeTags: workload.TimeTags{Campaign: c.in.Name}}
			if _, err := plans.AddTime(asLucia, ws.ID, e); err != nil {
				return fmt.Errorf("time for %s: %w", c.in.Name, err)
			}
		}
	}

	// Published history: eight posts a week, each at its weekday's usual
	// time. Tuesday and Thursday mornings do best on both networks,
	// Saturday evenings on Bluesky.
	type slot struct{ hour, minute int }
	var posts []store.ExamplePost
	season := map[string]int{}
	for d := -resultDays; d <= -1; d++ {
		var slots []slot
		switch date(d, 12, 0).Weekday() {
		case time.Monday:
			slots = []slot{{13, 10 + rng.IntN(30)}}
		case time.Tuesday:
			slots = []slot{{9 + rng.IntN(3), rng.IntN(60)}, {19, 30}}
		case time.Wednesday:
			slots = []slot{{17, rng.IntN(60)}}
		case time.Thursday:
			slots = []slot{{9 + rng.IntN(3), rng.IntN(60)}}
		case time.Friday:
			slots = []slot{{13 + 6*rng.IntN(2), rng.IntN(60)}}
		case time.Saturday:
			slots = []slot{{18, rng.IntN(60)}}
		case time.Sunday:
			slots = []slot{{11, 30}}
		}
		for _, s := range slots {
			in := gears.PostInput{AccountIDs: []int64{masto.ID, bsky.ID}, ContentType: gears.ContentMessage}
			campaign := ""
			switch {
			case d <= -31 && len(posts)%3 == 0:
				campaign = summerCampaign
			case d >= -24 && len(posts)%2 == 0:
				campaign = autumnCampaign
			}
			if campaign != "" {
				texts := seasonTexts[campaign]
				in.Text, in.Campaign, in.Tags = texts[season[campaign]%len(texts)], campaign, []string{"coffee"}
				season[campaign]++
			} else {
				t := exampleTexts[len(posts)%len(exampleTexts)]
				in.Text, in.ContentType, in.Tags = t.text, t.kind, t.tags
			}
			if len(posts)%10 == 3 {
				in.AccountIDs = []int64{masto.ID} // now and then, Mastodon only
			}
			posts = append(posts, store.ExamplePost{Input: in, PublishedAt: date(d, s.hour, s.minute)})
		}
	}
	published, err := store.NewPostService(db, nil).AddExamplePublished(ctx, ws.ID, posts)
	if err != nil {
		return fmt.Errorf("published posts: %w", err)
	}

	// Their counts, read an hour, a day and a week after publication.
	var readings []store.PostReadingResult
	for _, dl := range published {
		t := dl.PublishedAt.In(loc)
		wd, h := t.Weekday(), t.Hour()
		factor := 1.0
		switch {
		case (wd == time.Tuesday || wd == time.Thursday) && h >= 9 && h < 12:
			factor = 2.3
		case wd == time.Saturday && dl.Network == gears.Bluesky:
			factor = 1.9
		case wd == time.Monday:
			factor = 0.75
		case wd == time.Wednesday || wd == time.Friday || wd == time.Sunday:
			factor = 0.85
		}
		base := 24.0
		if dl.Network == gears.Bluesky {
			base = 15
		}
		age := now.Sub(dl.PublishedAt).Hours() / 24
		growth := 1 + 0.35*(resultDays-age)/resultDays
		total := base * factor * growth * (0.75 + 0.5*rng.Float64())
		final := gears.PostCounts{Replies: int64(total * 0.12), Reposts: int64(total * 0.22), Quotes: int64(total * 0.04)}
		final.Likes = int64(math.Round(total)) - final.Replies - final.Reposts - final.Quotes
		for _, r := range []struct {
			after time.Duration
			share float64
		}{{time.Hour, 0.45}, {24 * time.Hour, 0.85}, {7 * 24 * time.Hour, 1}} {
			at := dl.PublishedAt.Add(r.after)
			if at.After(now) {
				break
			}
			part := func(n int64) int64 { return int64(float64(n) * r.share) }
			readings = append(readings, store.PostReadingResult{DeliveryID: dl.DeliveryID, ReadAt: at,
				Reading: gears.PostReading{Counts: gears.PostCounts{Replies: part(final.Replies), Reposts: part(final.Reposts),
					Likes: part(final.Likes), Quotes: part(final.Quotes)}}})
		}
	}
	metrics := store.NewMetricsService(db, nil)
	if err := metrics.RecordPostReadings(ctx, readings); err != nil {
		return fmt.Errorf("post readings: %w", err)
	}

	// Followers, read every morning, growing; and the competitors'.
	competitors, err := strategy.FindCompetitors(ctx, ws.ID)
	if err != nil {
		return err
	}
	type profile struct {
		account, competitor int64
		start, perDay       float64
		following, posts    int64
	}
	profiles := []profile{
		{account: masto.ID, start: 1840, perDay: 4.2, following: 310, posts: 1204},
		{account: bsky.ID, start: 905, perDay: 5.1, following: 180, posts: 640},
	}
	for i, c := range competitors {
		profiles = append(profiles, profile{competitor: c.ID, start: 2650 + 900*float64(i), perDay: 2.4 + 1.1*float64(i), following: 420, posts: 2100})
	}
	var mastoStart int64 // the Mastodon account's followers when its goal starts
	for _, p := range profiles {
		followers := p.start
		for d := -resultDays; d <= 0; d++ {
			followers += p.perDay * (0.4 + 1.2*rng.Float64())
			if p.account == masto.ID && d == objectiveStart {
				mastoStart = int64(followers)
			}
			at := date(d, 7, 30)
			if at.After(now) {
				at = now
			}
			r := store.ProfileReading{AccountID: p.account, CompetitorID: p.competitor, ReadAt: at,
				Counts: gears.ProfileCounts{Followers: int64(followers), Following: p.following + int64(d+resultDays)/10, Posts: p.posts + int64(d+resultDays)}}
			if err := metrics.RecordProfile(ctx, r); err != nil {
				return fmt.Errorf("follower count: %w", err)
			}
		}
	}

	// Tracked links on the posts that point to the shop or the blog, with
	// their clicks over the days after publication, written as the click
	// flusher writes them; and a dozen conversions from the shop.
	links := store.NewLinkService(db)
	networksOf := map[int64][]gears.Network{}
	for _, dl := range published {
		networksOf[dl.PostID] = append(networksOf[dl.PostID], dl.Network)
	}
	var clicks []store.Clicks
	var codes []string
	next := 0 // deliveries come in the posts' order: the index in posts of the next post
	for i, dl := range published {
		if i > 0 && published[i-1].PostID == dl.PostID {
			continue
		}
		p := posts[next]
		next++
		target := ""
		switch {
		case p.Input.Campaign == autumnCampaign:
			target = "https://aurora-coffee.example/autumn-origins"
		case p.Input.Campaign == summerCampaign:
			target = "https://aurora-coffee.example/cold-brew"
		default:
			for _, t := range exampleTexts {
				if t.text == p.Input.Text {
					target = t.link
				}
			}
		}
		if target == "" {
			continue
		}
		made, _, err := links.TrackPost(ctx, ws.ID, dl.PostID, p.Input.Campaign, store.TrackedLink{URL: target, UTMContent: "post"}, networksOf[dl.PostID])
		if err != nil {
			return fmt.Errorf("tracked link: %w", err)
		}
		for _, n := range networksOf[dl.PostID] {
			l := made[n]
			codes = append(codes, l.Code)
			peak := 6 + rng.Float64()*14
			if n == gears.Bluesky {
				peak *= 0.7
			}
			for k := 0; k < 6; k++ {
				at := dl.PublishedAt.Add(time.Duration(k) * 24 * time.Hour)
				if at.After(now) {
					break
				}
				if c := int64(peak * math.Pow(0.5, float64(k)) * (0.7 + 0.6*rng.Float64())); c > 0 {
					clicks = append(clicks, store.Clicks{LinkID: l.ID, Day: store.LocalDay(at, loc), Count: c})
				}
			}
		}
	}
	if err := links.AddClicks(ctx, clicks); err != nil {
		return fmt.Errorf("clicks: %w", err)
	}
	// Orders: subscriptions and origin boxes from the shop (a day's
	// orders of one kind in one line), and wholesale contracts with cafés
	// and offices; most came through a tracked link.
	orders := []struct {
		value string
		count int64
	}{
		{"34.50", 1}, {"1180.00", 1}, {"207.00", 6}, {"3200.00", 1}, {"89.70", 3}, {"1450.00", 1},
		{"119.00", 2}, {"1800.00", 1}, {"310.00", 1}, {"58.80", 2}, {"620.00", 1}, {"145.00", 5},
	}
	for i, o := range orders {
		in := gears.ConversionInput{Value: o.value, Count: o.count, Currency: "EUR", ExternalID: fmt.Sprintf("demo-order-%d", 1040+i), Source: gears.SourceManual}
		at := date(-1-i*3, 10+i%9, 15)
		in.OccurredAt = &at
		if i%4 != 3 && len(codes) > 0 {
			in.Link = codes[(len(codes)-1-i*2+len(codes)*4)%len(codes)]
		} else if at.After(date(-24, 0, 0)) {
			in.Campaign = autumnCampaign
		} else {
			in.Campaign = summerCampaign
		}
		if _, _, err := links.RecordConversion(ctx, ws.ID, in); err != nil {
			return fmt.Errorf("conversion: %w", err)
		}
	}

	return fillObjectives(ctx, strategy, ws, masto, mastoStart, day)
}

// fillStrategy writes the communication strategy, research notes,
// competitors and the set-up checklist, partly done.
func fillStrategy(ctx context.Context, strategy *store.StrategyService, ws *gears.Workspace, masto, bsky *gears.Account) error {
	if _, err := strategy.SaveStrategy(ctx, ws.ID, gears.StrategyInput{
		Audiences: "Home brewers in Madrid, 25–45, who buy specialty coffee for the taste and the story behind it.\n" +
			"Cafés and offices in Spain that could serve our coffee (wholesale).\n" +
			"English-speaking visitors and expats who find the shops on a walk.",
		Tone: "Warm and knowledgeable, never snobbish: we explain, we do not lecture. " +
			"Spanish first, English for every post that concerns visitors. Farmers and baristas by name; no stock photos.",
		Channels: []gears.ChannelRole{
			{Network: gears.Mastodon, Role: "Community: brewing tips, questions from home brewers, the roastery's day to day. Answer within the day."},
			{Network: gears.Bluesky, Role: "Reach: new origins, events and offers, for people who do not know us yet."},
		},
	}); err != nil {
		return fmt.Errorf("strategy: %w", err)
	}
	for _, n := range []gears.ResearchNoteInput{
		{Title: "What our customers ask on social media",
			Body: "Read 200 replies and messages from the last quarter. Most frequent: brewing ratios (31%), delivery times (22%), decaf (9%). " +
				"Posts that answer a question people asked get twice the replies of announcements.",
			SourceURL: ""},
		{Title: "Specialty coffee market in Spain, 2026",
			Body: "Consumption of specialty coffee at home keeps growing; subscriptions are the channel that grows fastest. " +
				"Buyers discover roasters through friends and social media more than through search.",
			SourceURL: "https://research.example/specialty-coffee-spain-2026"},
	} {
		if _, err := strategy.CreateResearchNote(ctx, ws.ID, n); err != nil {
			return fmt.Errorf("research note: %w", err)
		}
	}
	for _, c := range []gears.CompetitorInput{
		{Name: "Tostadores del Sur", Network: gears.Mastodon, Handle: "tostadores@mastodon.example",
			ProfileURL: "https://mastodon.example/@tostadores", Notes: "Seville roaster, strong on brewing guides; posts daily at 8:00."},
		{Name: "Bean & Barrel", Network: gears.Bluesky, Handle: "beanandbarrel.example",
			ProfileURL: "https://bsky.app/profile/beanandbarrel.example", Notes: "Barcelona café chain; lots of giveaways."},
	} {
		if _, err := strategy.CreateCompetitor(ctx, ws.ID, c); err != nil {
			return fmt.Errorf("competitor %s: %w", c.Name, err)
		}
	}
	for account, items := range map[int64][]string{
		masto.ID: {"profile", "bio", "avatar", "links"},
		bsky.ID:  {"profile", "bio"},
	} {
		for _, item := range items {
			if err := strategy.SetSetupItem(ctx, ws.ID, account, item, true); err != nil {
				return fmt.Errorf("set-up checklist: %w", err)
			}
		}
	}
	return nil
}

// fillObjectives sets a follower goal for the Mastodon account, an
// engagement goal for the autumn campaign and a custom KPI with readings.
func fillObjectives(ctx context.Context, strategy *store.StrategyService, ws *gears.Workspace, masto *gears.Account, followers int64, day func(int) string) error {
	objectives := []gears.ObjectiveInput{
		{Title: "Grow the Mastodon community to 2,300 followers", KPI: gears.KPIFollowers, AccountID: &masto.ID,
			Baseline: float64(followers), Target: 2300, StartsOn: day(objectiveStart), DueOn: day(60)},
		{Title: "1,000 engagements during Autumn origins", KPI: gears.KPIEngagements, Campaign: autumnCampaign,
			Baseline: 0, Target: 1000, StartsOn: day(-24), DueOn: day(21)},
		{Title: "Newsletter sign-ups from social media", KPI: gears.KPICustom,
			Baseline: 120, Target: 300, StartsOn: day(-45), DueOn: day(45)},
	}
	for i, in := range objectives {
		o, err := strategy.CreateObjective(ctx, ws.ID, in)
		if err != nil {
			return fmt.Errorf("objective %q: %w", in.Title, err)
		}
		if i != 2 {
			continue
		}
		for _, r := range []gears.KPIReadingInput{
			{Day: day(-38), Value: 134, Note: "From the newsletter tool's report"},
			{Day: day(-21), Value: 171, Note: "The cold brew offer helped"},
			{Day: day(-4), Value: 203},
		} {
			if _, err := strategy.AddReading(ctx, ws.ID, o.ID, r); err != nil {
				return fmt.Errorf("objective reading: %w", err)
			}
		}
	}
	return nil
}
