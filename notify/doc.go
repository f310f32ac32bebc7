// Package notify sends real-time alerts out of Gears: signed webhooks
// (a JSON Event POSTed to a URL the workspace chose) and e-mail through an
// SMTP server the administrator configured.
//
// Every failure is a *gears.RemoteError whose Kind tells the job that
// sends the alert what to do: gears.RemoteTemporary (timeouts, dropped
// connections, HTTP 5xx and 408, HTTP 429 with RetryAfter, SMTP 4xx) is
// retried with backoff; gears.RemoteRejected (other HTTP 4xx, redirects,
// SMTP 5xx, invalid input or configuration) is not. Input errors wrap a
// *gears.Error with a message key, so gears.AsError finds the text to show.
//
// Webhook requests are signed as Stripe signs its own: the
// X-Gears-Signature header is "t=<unix seconds>,v1=<hex HMAC-SHA256>" of
// "<unix seconds>.<body>", so a receiver can check both who sent the
// request and that it is recent (Verify does both).
package notify

import "gears"

// Networks named in the errors of this package.
const (
	NetworkWebhook gears.Network = "webhook"
	NetworkEmail   gears.Network = "email"
)
