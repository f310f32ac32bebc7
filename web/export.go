package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gears"
)

// writeCSV sends rows as an RFC 4180 CSV download. Text cells must have
// gone through csvSafe.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	if err := encodeCSV(&buf, header, rows); err != nil {
		return gears.Internal("csv %s: %w", filename, err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// encodeCSV writes a header and rows as CSV with CRLF line ends, as
// spreadsheets expect.
func encodeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(header)
	cw.WriteAll(rows)
	return cw.Error()
}

// calendarCSV exports the posts of a period (default: the coming 90 days)
// with their accounts, in the workspace's time zone.
func (s *Server) calendarCSV(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	loc := ws.Location()
	q := r.URL.Query()
	from := time.Now().In(loc).AddDate(0, 0, -1)
	to := from.AddDate(0, 0, 91)
	for name, dst := range map[string]*time.Time{"from": &from, "to": &to} {
		if v := q.Get(name); v != "" {
			t, err := time.ParseInLocation(dateLayout, v, loc)
			if err != nil {
				return gears.Invalid(name, "post.bad_time", v)
			}
			*dst = t
		}
	}
	posts, err := s.posts.FindPosts(r.Context(), ws.ID, gears.PostFilter{From: &from, To: &to})
	if err != nil {
		return err
	}
	accounts, err := s.accounts.FindAccounts(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	handle := map[int64]string{}
	for _, a := range accounts {
		handle[a.ID] = string(a.Network) + ":" + a.Handle
	}
	rows := make([][]string, 0, len(posts))
	for _, p := range posts {
		var accs []string
		for _, d := range p.Deliveries {
			accs = append(accs, handle[d.AccountID])
		}
		sort.Strings(accs)
		rows = append(rows, []string{
			strconv.FormatInt(p.ID, 10), p.ScheduledAt.In(loc).Format("2006-01-02"), p.ScheduledAt.In(loc).Format("15:04"),
			string(p.Status), string(p.ContentType), csvSafe(p.Campaign), csvSafe(strings.Join(p.Tags, ", ")),
			csvSafe(strings.Join(accs, " ")), csvSafe(p.Text),
		})
	}
	name := fmt.Sprintf("calendar-%d-%s.csv", ws.ID, from.Format(dateLayout))
	return writeCSV(w, name, []string{"id", "date", "time", "status", "content_type", "campaign", "tags", "accounts", "text"}, rows)
}

// icalFeed serves the calendar as iCalendar (RFC 5545) at its secret
// address, for calendar applications.
func (s *Server) icalFeed(w http.ResponseWriter, r *http.Request) error {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	ws, posts, err := s.posts.CalendarFeed(r.Context(), token, time.Now())
	if err != nil {
		return err
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICal(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Gears//Editorial calendar//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + icalText(ws.Name))
	line("X-WR-TIMEZONE:" + ws.Timezone)
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for _, p := range posts {
		summary := p.Text
		if n := 60; utf8.RuneCountInString(summary) > n {
			summary = string([]rune(summary)[:n-1]) + "…"
		}
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:post-%d-ws-%d@gears", p.ID, ws.ID))
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + p.ScheduledAt.UTC().Format("20060102T150405Z"))
		line("DURATION:PT15M")
		line("SUMMARY:" + icalText(summary))
		line("DESCRIPTION:" + icalText(p.Text+"\n\n"+string(p.Status)))
		if p.Campaign != "" {
			line("CATEGORIES:" + icalText(p.Campaign))
		}
		line("STATUS:" + map[bool]string{true: "CONFIRMED", false: "TENTATIVE"}[p.Status == gears.PostScheduled || p.Status == gears.PostPublished])
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Write([]byte(b.String()))
	return nil
}

// icalText escapes a TEXT value (RFC 5545, 3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// foldICal ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 character (RFC 5545, 3.1).
func foldICal(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		size := utf8.RuneLen(r)
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
	return b.String()
}

// resetFeed gives the calendar feed a new secret address.
func (s *Server) resetFeed(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	if err := s.posts.ResetCalendarFeed(r.Context(), ws.ID); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/calendar", "flash.feed_reset")
}
