package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gears"
)

// importRow is one row of an import as the preview shows it.
type importRow struct {
	Row      int
	When     string
	Text     string
	Accounts string
	Error    string
	err      *gears.Error // found while reading the row
}

type importPage struct {
	CSV   string // the file as sent, kept for the real import after the preview
	Rows  []importRow
	OK    int
	Done  int
	Err   *formError
	Ready bool
}

// maxImport bounds an imported file.
const maxImport = 1 << 20

// importColumns are the columns an import reads; id and status, which an
// export writes, are accepted and ignored so an export can come back.
var importColumns = map[string]bool{"date": true, "time": true, "text": true, "accounts": true, "content_type": true,
	"campaign": true, "tags": true, "id": false, "status": false}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "calendar_import", "calendar", &importPage{})
}

// importCalendar reads a CSV of posts. By default it is a dry run that
// shows what each row would do; "import" writes them, all or none.
func (s *Server) importCalendar(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	ws := ri.workspace
	p := &importPage{}
	var data []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(maxImport); err != nil {
			return s.formFailed(w, r, gears.Invalid("file", "import.no_file"), "calendar_import", "calendar", p, &p.Err)
		}
		defer r.MultipartForm.RemoveAll()
		if f, _, err := r.FormFile("file"); err == nil {
			data, _ = io.ReadAll(io.LimitReader(f, maxImport+1))
			f.Close()
		}
	}
	if len(data) == 0 {
		data = []byte(r.FormValue("csv"))
	}
	if len(data) == 0 || len(data) > maxImport {
		return s.formFailed(w, r, gears.Invalid("file", "import.no_file"), "calendar_import", "calendar", p, &p.Err)
	}
	p.CSV = string(data)
	accounts, err := s.accounts.FindAccounts(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	inputs, rows, err := parseImport(data, accounts, ws.Location())
	if err != nil {
		return s.formFailed(w, r, err, "calendar_import", "calendar", p, &p.Err)
	}
	p.Rows = rows
	dryRun := r.FormValue("import") != "1"
	results, err := s.posts.ImportPosts(r.Context(), ws.ID, inputs, dryRun)
	if err != nil && gears.ErrorCode(err) != gears.EINVALID {
		return err
	}
	for i := range p.Rows {
		switch {
		case p.Rows[i].err != nil:
			p.Rows[i].Error = message(ri.lang, p.Rows[i].err)
		case i < len(results) && results[i].Err != nil:
			p.Rows[i].Error = message(ri.lang, results[i].Err)
		}
	}
	for _, row := range p.Rows {
		if row.Error == "" {
			p.OK++
		}
	}
	p.Ready = p.OK == len(p.Rows) && len(p.Rows) > 0
	if !dryRun && err == nil {
		return redirect(w, r, "/w/"+itoa(ws.ID)+"/calendar?view=list", "flash.imported")
	}
	status := http.StatusOK
	if !p.Ready {
		status = http.StatusBadRequest
	}
	s.renderPage(w, r, status, "calendar_import", p, "calendar")
	return nil
}

// parseImport reads the CSV into post inputs, one per row, and the rows as
// the preview shows them; a row that cannot be read gets its error there
// and an input that the store will refuse too (so the import stops).
func parseImport(data []byte, accounts []*gears.Account, loc *time.Location) ([]gears.PostInput, []importRow, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, gears.Invalid("file", "import.bad_csv", 1)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, known := importColumns[h]; !known {
			return nil, nil, gears.Invalid("file", "import.unknown_column", h)
		}
		col[h] = i
	}
	for _, need := range []string{"date", "text", "accounts"} {
		if _, ok := col[need]; !ok {
			return nil, nil, gears.Invalid("file", "import.missing_column", need)
		}
	}
	byName := map[string]int64{}
	for _, a := range accounts {
		h := strings.ToLower(strings.TrimPrefix(a.Handle, "@"))
		byName[h] = a.ID
		byName[string(a.Network)+":"+h] = a.ID
		byName[strconv.FormatInt(a.ID, 10)] = a.ID
	}
	var inputs []gears.PostInput
	var rows []importRow
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, gears.Invalid("file", "import.bad_csv", n+1)
		}
		if n > 1000 {
			return nil, nil, gears.Invalid("file", "import.too_many", 1000)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := importRow{Row: n, When: strings.TrimSpace(get("date") + " " + get("time")), Text: get("text"), Accounts: get("accounts")}
		in := gears.PostInput{Text: get("text"), ContentType: gears.ContentType(get("content_type")), Campaign: get("campaign")}
		for _, t := range strings.Split(get("tags"), ",") {
			in.Tags = append(in.Tags, t)
		}
		for _, name := range strings.Fields(get("accounts")) {
			id, ok := byName[strings.ToLower(strings.Replace(name, ":@", ":", 1))]
			if !ok {
				id, ok = byName[strings.ToLower(strings.TrimPrefix(name, "@"))]
			}
			if !ok {
				row.err = gears.Invalid("accounts", "import.account_unknown", name)
				id = -1 // the store refuses it too
			}
			in.AccountIDs = append(in.AccountIDs, id)
		}
		if d := get("date"); d != "" {
			clock := get("time")
			if clock == "" {
				clock = "09:00"
			}
			at, err := time.ParseInLocation("2006-01-02 15:04", d+" "+clock, loc)
			if err != nil {
				row.err = gears.Invalid("date", "post.bad_time", d+" "+clock)
				past := time.Unix(0, 0)
				at = past // the store refuses a time in the past
			}
			in.ScheduledAt = &at
		}
		inputs = append(inputs, in)
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil, gears.Invalid("file", "import.empty")
	}
	return inputs, rows, nil
}
