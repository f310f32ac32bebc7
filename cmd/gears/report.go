package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"gears"
	"gears/locale"
	"gears/store"
	"gears/web"
)

const reportUsage = `Usage: gears report --email E --workspace ID [--from YYYY-MM-DD --to YYYY-MM-DD] [--format json|csv|pdf|posts] [--lang en|es] [--out FILE]

Writes a workspace's report of a period (both dates included; without them,
the last 30 days) as the API gives it: the summary as JSON or CSV, the
whole report as a PDF, or every post of the period with its counts and
clicks as CSV (posts, as GET …/reports/posts.csv). The report is read as the user with that e-mail sees
it: they must be a member allowed to view reports, and rates are shown only
to those who manage members.

`

// cmdReport writes a report to standard output or a file.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs, cfg, err := adminFlags("report", reportUsage, stderr, getenv)
	if err != nil {
		return err
	}
	var email, from, to, format, lang, out string
	var wsID int64
	fs.StringVar(&email, "email", "", "the e-mail of the user the report is read as (required)")
	fs.Int64Var(&wsID, "workspace", 0, "the workspace's ID (required)")
	fs.StringVar(&from, "from", "", "the first day, YYYY-MM-DD")
	fs.StringVar(&to, "to", "", "the last day, YYYY-MM-DD")
	fs.StringVar(&format, "format", "json", "json (the summary), csv (the summary), pdf (the whole report) or posts (every post, CSV)")
	fs.StringVar(&lang, "lang", "", "the PDF's language, en or es (default: the workspace's)")
	fs.StringVar(&out, "out", "", "write to this file instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case email == "" || wsID <= 0:
		fmt.Fprint(stderr, "--email and --workspace are required\n\n", reportUsage)
		return errUsage
	case format != "json" && format != "csv" && format != "pdf" && format != "posts":
		fmt.Fprintf(stderr, "--format %q: want json, csv, pdf or posts\n", format)
		return errUsage
	case lang != "" && !locale.Supported(lang):
		fmt.Fprintf(stderr, "--lang %q: want en or es\n", lang)
		return errUsage
	}
	return withDB(ctx, *cfg, func(db *store.DB) error {
		u, err := store.NewUserService(db).FindUserByEmail(ctx, email)
		if err != nil {
			if gears.ErrorCode(err) == gears.ENOTFOUND {
				return fmt.Errorf("no user with e-mail %q", email)
			}
			return cliError(err)
		}
		ctx := gears.NewContextWithUser(ctx, u)
		ws, err := store.NewWorkspaceService(db).FindWorkspace(ctx, wsID)
		if err != nil {
			return cliError(err)
		}
		p, err := gears.ParseReportPeriod(from, to, time.Now().In(ws.Location()))
		if err != nil {
			return cliError(err)
		}
		// The report is made in memory first, so a failure leaves no file.
		var buf bytes.Buffer
		reports := store.NewReportService(db)
		switch format {
		case "pdf":
			d, err := reports.Report(ctx, ws.ID, p)
			if err != nil {
				return cliError(err)
			}
			if lang == "" {
				lang = d.Language
			}
			if err := web.WriteReportPDF(&buf, lang, d); err != nil {
				return err
			}
		case "posts":
			list, err := reports.TopPosts(ctx, ws.ID, p, gears.SortEngagements, gears.MaxTopPosts)
			if err != nil {
				return cliError(err)
			}
			if err := web.WriteTopPostsCSV(&buf, list, ws.Location()); err != nil {
				return err
			}
		default:
			sum, err := reports.Summary(ctx, ws.ID, p)
			if err != nil {
				return cliError(err)
			}
			if format == "csv" {
				err = web.WriteSummaryCSV(&buf, p, sum)
			} else {
				enc := json.NewEncoder(&buf)
				enc.SetIndent("", "  ")
				err = enc.Encode(sum)
			}
			if err != nil {
				return err
			}
		}
		if out == "" {
			_, err = buf.WriteTo(stdout)
			return err
		}
		return os.WriteFile(out, buf.Bytes(), 0o644)
	})
}
