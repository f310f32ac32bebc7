package feeds

import (
	"net/url"
	"strings"

	"gears"
)

// maxURL is the longest feed URL accepted.
const maxURL = 2048

// ValidateURL checks a feed's address: absolute http:// or https:// (many
// feeds are still served over http), with a host and without user info.
// The error is a *gears.Error about the field "url".
func ValidateURL(raw string) error {
	if _, err := parseURL(raw); err != nil {
		e := gears.Invalid("url", "feeds.url_invalid")
		e.Err = err
		return e
	}
	return nil
}

type urlError string

func (e urlError) Error() string { return string(e) }

func parseURL(raw string) (*url.URL, error) {
	if raw == "" || len(raw) > maxURL || strings.TrimSpace(raw) != raw {
		return nil, urlError("empty, too long or padded with spaces")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if !u.IsAbs() || u.Opaque != "" || u.Hostname() == "" {
		return nil, urlError("not an absolute URL with a host")
	}
	if u.User != nil {
		return nil, urlError("user info in the URL")
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, urlError("not http or https")
	}
	return u, nil
}

// link returns raw resolved against base when it is a usable http(s)
// link for a person to open, "" otherwise (javascript:, data:, mailto:,
// user info, garbage).
func link(base *url.URL, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	s := u.String()
	if _, err := parseURL(s); err != nil {
		return ""
	}
	return s
}
