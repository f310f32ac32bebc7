// Package crisis finds spikes in a workspace's inbound messages, to switch
// on crisis mode, and holds the pure helpers of incidents: severities,
// playbooks (checklist templates) and the post-mortem summary.
//
// # Detection
//
// A Detector reads one Minute at a time (messages received, and how many
// were negative) and keeps everything it learns in a Baseline, a plain
// value the store saves as one JSON document per workspace between runs:
//
//	d := &crisis.Detector{Sensitivity: crisis.SensitivityMedium, Location: loc}
//	for _, a := range d.Observe(&baseline, crisis.Minute{Start: t, Total: 42, Negative: 3}) {
//		// open crisis mode; locale.T(lang, a.MessageKey(), a.MessageArgs()...)
//		// explains it: "3.4× the usual volume for a Tuesday 10:00, 61 % negative".
//	}
//
// Observe is O(1): under a microsecond and no allocation per minute.
//
// The method:
//
//   - The baseline is a rate of messages per minute (and of negative ones)
//     for each of the 168 hours of the week, in the workspace's time zone.
//     An hour is learnt when it ends, once a week, as an exponentially
//     weighted mean: a plain mean of the first weeks, then the latest week
//     weighs 0.25 (a half-life of about 2½ weeks). Learning at the end of
//     the hour keeps the hour in progress out of its own expectation. An
//     overall rate, learnt every minute, stands in for an hour that has not
//     seen two weeks yet ("cold").
//   - The window is the last 5 minutes. Its expected count E sums the
//     rates of its minutes' hours. E is then raised by the level of the 45
//     minutes from an hour to a quarter of an hour ago (observed against
//     usual, smoothed by 10 messages, from 1 to 1.5): a busy day is not a
//     spike; the quarter-hour gap keeps a spike from raising its own bar.
//   - Its deviation is the workspace's spread: counts vary as
//     E + cv²·E²·(1+1/n), Poisson noise plus a level that wanders from day
//     to day (cv², estimated by moments over all windows against the
//     hours' rates, which have learnt n weeks), plus the error of a mean of
//     n weeks. The z-score is the Wilson–Hilferty approximation of the
//     Poisson tail of the counts scaled by that overdispersion, sound even
//     for a quiet hour expecting one message, where (S−E)/√E would alert
//     on three. A window with a cold hour uses the spread around the
//     overall rate instead, which counts the whole daily shape as noise,
//     so a cold hour alerts only on the largest spikes.
//   - A volume alert needs the count, the ratio to E and the z-score all
//     over the sensitivity's thresholds. A negative alert needs enough
//     negative messages, a share well above the hours' usual share (by
//     points and by ratio) and the Poisson z-score of the negative count
//     against usual share × count.
//   - An alert stays open until its window has been normal (count under
//     half the minimum, ratio under half-way to the minimum, z under half
//     the threshold, or the share back under half the points) for 10
//     minutes in a row: a long spike raises one alert, the next spike
//     another. While an alert is open, for up to 6 hours, nothing is
//     learnt, so a spike does not become the norm; a change that lasts
//     longer is learnt. Minutes are learnt winsorised at 3 deviations, an
//     hour mostly spent in an alert (less than 30 minutes learnt) is left
//     out, and windows more than 3 deviations high do not teach the spread.
//   - Nothing alerts before the baseline has seen 14 days.
//
// The thresholds per sensitivity (window of 5 minutes):
//
//	                 volume                      negative share
//	sensitivity   z    ratio  messages    z    negatives  points  × usual
//	low          5.5   4      25          5.5  25         +35     4
//	medium       4.5   2      10          4.5   8         +15     3
//	high         4     1.5     8          4     5         +10     2
//
// On a synthetic workspace (busy weekdays 9–18 at 6 messages a minute,
// quiet nights at 0.3, weekends at 45 %, a level wandering ±12 % by day and
// ±8 % by hour, ~5 % negative), trained four weeks, medium raised no alert
// in 150 normal weeks and one in 300 more (3 and 7 in the weeks 3–4 still
// in training), low none and high about one every nine weeks. Medium
// caught a 3–5× volume spike in office hours within 5 minutes 148 times in
// 150 (median delay 2 minutes), a spike of 50–70 % negative messages at
// 1.5× the volume within 4 minutes every time, and a 10× spike at night
// (3 messages a minute) always, within 5 minutes 131 times in 150 (257 in
// the 300 more). BenchmarkLongRun measures these.
//
// Limits:
//
//   - Minutes must come in order; a minute missing between two calls is
//     taken as a minute without messages, and a call after a gap costs as
//     many steps as the gap has minutes (a week at most: only the last week
//     of a longer gap is filled). A collector that was down must therefore
//     not leave a gap, or the baseline learns the silence.
//   - At a quiet hour the score, not the minimum count, decides: against
//     the 1.5 messages usual in 5 minutes at 0.3 a minute, medium needs
//     about 11. A spike of a few messages a minute there is caught within
//     5 minutes only when its first minutes stand out from what quiet
//     nights hold anyway: more than half of the late ones in BenchmarkLongRun
//     are no more unusual than the strongest stretch of the nights of one
//     normal week in thirty or more, so no count of messages could catch
//     them sooner without false alarms.
//   - A slow build-up over hours is learnt as a new level rather than
//     alerted on.
//   - The level's lift is capped at 1.5: on a day far busier than usual,
//     spikes of about twice the usual volume still alert.
//   - The negative share is only as good as the classifier that labels
//     messages; the detector trusts the counts it is given.
//   - Hours follow the wall clock of Location: on the days the clocks
//     change, one hour is missing or doubled for a week's learning.
//   - Changing Sensitivity needs no relearning; changing Location shifts
//     every hour of the week and does.
//
// # Incidents
//
// Playbooks returns the built-in checklists (general, service outage,
// viral complaint, data or security incident), each step a message key.
// Summarise turns an incident's timeline of events into the figures of its
// post-mortem: duration, time to first action, checklist completion, time
// with scheduled posts paused. None of it touches storage.
package crisis
