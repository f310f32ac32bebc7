package gears

import (
	"crypto/rand"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Link is a tracked short link: Gears serves /l/{Code} by redirecting to
// the target with UTM tags that name the network, the campaign and,
// optionally, the content. Clicks are counted per link, hence per post,
// network and campaign; nothing about the visitor is stored.
type Link struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"workspace_id"`
	Code        string    `json:"code"`
	TargetURL   string    `json:"target_url"`
	Network     Network   `json:"network"`     // utm_source; "" for a link not tied to a network
	Campaign    string    `json:"campaign"`    // utm_campaign; may be ""
	UTMContent  string    `json:"utm_content"` // may be ""
	PostID      *int64    `json:"post_id"`
	Clicks      int64     `json:"clicks"` // flushed clicks: the last few seconds are not in yet
	CreatedAt   time.Time `json:"created_at"`
}

// Destination returns where the link sends visitors: its target with
// utm_source, utm_medium, utm_campaign and utm_content merged into the
// query (replacing the target's own values of those tags, keeping every
// other parameter in its order).
func (l *Link) Destination() string {
	return WithUTM(l.TargetURL, UTM{Source: string(l.Network), Medium: "social", Campaign: l.Campaign, Content: l.UTMContent})
}

// UTM are the tags a tracked link adds to its target.
type UTM struct {
	Source, Medium, Campaign, Content string
}

// WithUTM merges the non-empty tags of u into target's query. A target that
// does not parse is returned as it is (targets are validated on the way in).
func WithUTM(target string, u UTM) string {
	tags := [...][2]string{{"utm_source", u.Source}, {"utm_medium", u.Medium}, {"utm_campaign", u.Campaign}, {"utm_content", u.Content}}
	base, fragment, hasFragment := strings.Cut(target, "#")
	path, query, _ := strings.Cut(base, "?")
	var b strings.Builder
	b.Grow(len(target) + 96)
	b.WriteString(path)
	sep := byte('?')
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		key, _, _ := strings.Cut(kv, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			replaced := false
			for _, t := range tags {
				if t[1] != "" && k == t[0] {
					replaced = true
				}
			}
			if replaced {
				continue
			}
		}
		b.WriteByte(sep)
		b.WriteString(kv)
		sep = '&'
	}
	for _, t := range tags {
		if t[1] == "" {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(t[0])
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(t[1]))
		sep = '&'
	}
	if hasFragment {
		b.WriteByte('#')
		b.WriteString(fragment)
	}
	return b.String()
}

// Limits of links.
const (
	MaxLinkURL    = 2000
	MaxUTMContent = 100
	// LinkCodeLength characters of 62 give about 47.6 random bits: a
	// guesser at 10,000 requests a second finds one link of a million in
	// about two and a half days on average, and every guess is a 404.
	LinkCodeLength = 8
)

const codeAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewLinkCode returns a random code of LinkCodeLength characters from
// crypto/rand, without modulo bias.
func NewLinkCode() string {
	var out [LinkCodeLength]byte
	var buf [32]byte
	n := 0
	for n < len(out) {
		rand.Read(buf[:])
		for _, c := range buf {
			if c >= 248 { // 248 = 4 × 62: keep the draw uniform
				continue
			}
			out[n] = codeAlphabet[c%62]
			n++
			if n == len(out) {
				break
			}
		}
	}
	return string(out[:])
}

// ValidLinkCode reports whether s could be a link's code (the redirect
// answers 404 without a lookup otherwise).
func ValidLinkCode(s string) bool {
	if len(s) != LinkCodeLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// LinkCreate is what it takes to make a tracked link.
type LinkCreate struct {
	TargetURL  string  `json:"target_url"`
	Network    Network `json:"network"`
	Campaign   string  `json:"campaign"`
	UTMContent string  `json:"utm_content"`
	PostID     *int64  `json:"post_id"`
}

// Validate checks and normalises the link: an absolute http or https URL
// with a host and no user information, a known network or none, and
// bounded tags.
func (in *LinkCreate) Validate() error {
	target, err := ValidateTargetURL(in.TargetURL)
	if err != nil {
		return err
	}
	in.TargetURL = target
	if in.Network, err = CleanNetwork(in.Network); err != nil {
		return err
	}
	if in.Campaign, err = CleanCampaign(in.Campaign); err != nil {
		return err
	}
	in.UTMContent = strings.TrimSpace(in.UTMContent)
	if utf8.RuneCountInString(in.UTMContent) > MaxUTMContent {
		return Invalid("utm_content", "link.utm_content_too_long", MaxUTMContent)
	}
	if !printable(in.UTMContent) {
		return Invalid("utm_content", "link.bad_characters")
	}
	if in.PostID != nil && *in.PostID <= 0 {
		return Invalid("post_id", "link.post_unknown")
	}
	return nil
}

// ValidateTargetURL checks a link's target and returns it trimmed.
func ValidateTargetURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Invalid("target_url", "link.url_required")
	}
	if len(raw) > MaxLinkURL {
		return "", Invalid("target_url", "link.url_too_long", MaxLinkURL)
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f {
			return "", Invalid("target_url", "link.url_invalid")
		}
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return "", Invalid("target_url", "link.url_invalid")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", Invalid("target_url", "link.url_scheme")
	}
	if u.Host == "" || u.Opaque != "" {
		return "", Invalid("target_url", "link.url_invalid")
	}
	if u.User != nil {
		return "", Invalid("target_url", "link.url_credentials")
	}
	return raw, nil
}

// CleanCampaign trims the name of a campaign as a post, a link, a
// conversion or a time entry carries it, and checks it: "" (none), or at
// most MaxCampaign characters with no control characters.
func CleanCampaign(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxCampaign {
		return "", Invalid("campaign", "post.campaign_too_long", MaxCampaign)
	}
	if !printable(s) {
		return "", Invalid("campaign", "link.bad_characters")
	}
	return s, nil
}

// CleanNetwork normalises the network a link, a conversion or a time entry
// is tagged with: "" (none), mastodon or bluesky.
func CleanNetwork(n Network) (Network, error) {
	n = Network(strings.ToLower(strings.TrimSpace(string(n))))
	if n != "" && n != Mastodon && n != Bluesky {
		return "", Invalid("network", "link.network_unknown", string(n))
	}
	return n, nil
}

func printable(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// PutLink puts a short URL in a post's text: in place of the target
// wherever the text has it, else on a line of its own at the end.
func PutLink(text, target, short string) string {
	if strings.Contains(text, short) {
		return text
	}
	if target != "" && strings.Contains(text, target) {
		return strings.ReplaceAll(text, target, short)
	}
	text = strings.TrimRight(text, " \t\n")
	if text == "" {
		return short
	}
	return text + "\n" + short
}

// ConversionSource says how a conversion reached Gears.
type ConversionSource string

// Conversion sources.
const (
	SourceWebhook ConversionSource = "webhook"
	SourceCSV     ConversionSource = "csv"
	SourceManual  ConversionSource = "manual" // a form or the API
)

// Conversion is a result the organisation counts (a sale, a sign-up)
// credited to a campaign and, when known, a network and a tracked link.
type Conversion struct {
	ID          int64            `json:"id"`
	WorkspaceID int64            `json:"workspace_id"`
	Campaign    string           `json:"campaign"`
	Network     Network          `json:"network"`
	LinkID      *int64           `json:"link_id"`
	Count       int64            `json:"count"`
	ValueCents  *int64           `json:"value_cents"` // nil: no value given
	Currency    string           `json:"currency"`    // the workspace's
	OccurredAt  time.Time        `json:"occurred_at"`
	ExternalID  string           `json:"external_id"` // the sender's ID; a second conversion with it is a duplicate
	Source      ConversionSource `json:"source"`
	CreatedAt   time.Time        `json:"created_at"`
}

// ConversionInput is one conversion as a webhook, a CSV row, a form or the
// API gives it. Value is a decimal amount in the currency's units
// ("12.50"); Currency, when given, must be the workspace's. Link is a
// tracked link's code; its network and campaign fill those left empty.
type ConversionInput struct {
	Campaign   string
	Network    Network
	Link       string
	Count      int64 // 0 means 1
	Value      string
	Currency   string
	OccurredAt *time.Time
	ExternalID string
	Source     ConversionSource
	// ValueCents is Value parsed by Validate.
	ValueCents *int64
}

// Limits of conversions.
const (
	MaxConversionCount  = 1_000_000
	MaxConversionCents  = 1_000_000_000_00 // a billion in units
	MaxExternalID       = 200
	conversionFutureLag = 10 * time.Minute
)

// Validate checks and normalises a conversion; now bounds its time.
func (in *ConversionInput) Validate(now time.Time) error {
	var err error
	if in.Campaign, err = CleanCampaign(in.Campaign); err != nil {
		return err
	}
	in.Link = strings.TrimSpace(in.Link)
	if in.Link != "" && !ValidLinkCode(in.Link) {
		return Invalid("link", "conversion.link_unknown", in.Link)
	}
	if in.Campaign == "" && in.Link == "" {
		return Invalid("campaign", "conversion.campaign_required")
	}
	if in.Network, err = CleanNetwork(in.Network); err != nil {
		return err
	}
	if in.Count == 0 {
		in.Count = 1
	}
	if in.Count < 0 || in.Count > MaxConversionCount {
		return Invalid("count", "conversion.bad_count", MaxConversionCount)
	}
	in.ValueCents = nil
	if v := strings.TrimSpace(in.Value); v != "" {
		cents, err := ParseCents(v)
		if err != nil {
			return Invalid("value", "conversion.bad_value", v)
		}
		in.ValueCents = &cents
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency != "" && !validCurrency(in.Currency) {
		return Invalid("currency", "conversion.bad_currency", in.Currency)
	}
	if in.OccurredAt == nil {
		t := now
		in.OccurredAt = &t
	}
	if in.OccurredAt.After(now.Add(conversionFutureLag)) {
		return Invalid("occurred_at", "conversion.in_the_future")
	}
	t := in.OccurredAt.UTC().Truncate(time.Millisecond)
	in.OccurredAt = &t
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if len(in.ExternalID) > MaxExternalID || !printable(in.ExternalID) {
		return Invalid("id", "conversion.bad_id", MaxExternalID)
	}
	switch in.Source {
	case SourceWebhook, SourceCSV, SourceManual:
	case "":
		in.Source = SourceManual
	default:
		return Invalid("source", "conversion.bad_source")
	}
	return nil
}

func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// ParseCents reads a non-negative decimal amount with at most two decimals
// ("12", "12.5", "12.50", or "12,50" as Spanish writes it) as hundredths.
func ParseCents(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, errBadAmount
	}
	digits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return true
	}
	if !digits(whole) || !digits(frac) {
		return 0, errBadAmount
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errBadAmount
	}
	cents := w * 100
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
		cents += f
	}
	if cents > MaxConversionCents {
		return 0, errBadAmount
	}
	return cents, nil
}

var errBadAmount = Invalid("value", "conversion.bad_value")

// FormatCents writes hundredths as a decimal amount ("12.50").
func FormatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	frac := strconv.FormatInt(c%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(c/100, 10) + "." + frac
}
