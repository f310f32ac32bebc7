package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gears"
	"gears/report/reporttest"
	"gears/store"
	"gears/workload"
)

// TestReportCommand writes a workspace's report from the command line in
// each format, with the API's numbers, and refuses what it must.
func TestReportCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	getenv := env("GEARS_DATA", dir)

	// A workspace with an hour and a half of work at 40.00 an hour and
	// conversions worth 75.00: cost 60.00, ROI 25 %.
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	owner, err := store.NewUserService(db).CreateUser(ctx, gears.UserCreate{Email: "owner@report.example", Name: "Owner", Password: "a good long password"})
	if err != nil {
		t.Fatal(err)
	}
	uctx := gears.NewContextWithUser(ctx, owner)
	ws, err := store.NewWorkspaceService(db).CreateWorkspace(uctx, gears.WorkspaceCreate{Name: "Report workspace", Timezone: "Europe/Madrid"})
	if err != nil {
		t.Fatal(err)
	}
	rate := int64(4000)
	if err := store.NewReportService(db).SetRate(uctx, ws.ID, owner.ID, &rate); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(ws.Location())
	if _, err := store.NewPlanService(db).AddTime(uctx, ws.ID, workload.TimeEntryCreate{ActivityKey: "metrics.roi", StartedAt: now.Add(-2 * time.Hour), Minutes: 90}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.NewLinkService(db).RecordConversion(uctx, ws.ID, gears.ConversionInput{Campaign: "Spring", Count: 3, Value: "75.00", ExternalID: "o-1", Source: gears.SourceManual}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	wsArg := []string{"--email", "owner@report.example", "--workspace", strconv.FormatInt(ws.ID, 10)}
	var out bytes.Buffer
	if err := run(ctx, append([]string{"report"}, wsArg...), &out, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Hours map[string]float64
		Cost  struct{ Amount int64 }
		ROI   *struct{ Percent float64 }
	}
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil || sum.Cost.Amount != 6000 || sum.ROI == nil || sum.ROI.Percent != 25 || sum.Hours["metrics"] != 1.5 {
		t.Fatalf("json summary %s: %v", out.String(), err)
	}

	out.Reset()
	if err := run(ctx, append([]string{"report", "--format", "csv"}, wsArg...), &out, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][10] != "cost" || rows[1][10] != "60.00" || rows[1][12] != "25.0" {
		t.Fatalf("csv summary %v: %v", rows, err)
	}

	// Every post of the period: none published here, so the header alone,
	// as the API's posts.csv has it.
	out.Reset()
	if err := run(ctx, append([]string{"report", "--format", "posts"}, wsArg...), &out, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	if rows, err := csv.NewReader(&out).ReadAll(); err != nil || len(rows) != 1 || rows[0][0] != "published_at" || rows[0][10] != "engagements" {
		t.Fatalf("posts csv %v: %v", rows, err)
	}

	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := run(ctx, append([]string{"report", "--format", "pdf", "--lang", "es", "--out", file}, wsArg...), io.Discard, io.Discard, getenv); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := reporttest.Read(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if text := pages[0].Joined(); !strings.Contains(text, "Report workspace") || !strings.Contains(text, "Coste 60,00 €") {
		t.Errorf("the Spanish PDF's first page says:\n%s", text)
	}

	// Refused: a missing workspace, a bad format, a bad date, someone who
	// is not a member.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--email", "owner@report.example"}, "usage"},
		{append([]string{"report", "--format", "docx"}, wsArg...), "usage"},
		{append([]string{"report", "--from", "2026-02-30", "--to", "2026-03-01"}, wsArg...), "--from"},
		{[]string{"report", "--email", "nobody@report.example", "--workspace", strconv.FormatInt(ws.ID, 10)}, "no user"},
	} {
		err := run(ctx, c.args, io.Discard, io.Discard, getenv)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q", c.args, err, c.want)
		}
	}
}
