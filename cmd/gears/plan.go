package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"gears"
	"gears/locale"
	"gears/workload"
)

// planFlag is one flag of `gears plan` that sets a field of the Input.
type planFlag struct {
	name  string // flag name
	arg   string // how the usage shows its value
	field string // the Input field (its JSON name), for the usage text
	set   func(in *workload.Input, v string) error
}

// planFlags are the flags that describe the organisation, in usage order.
var planFlags = []planFlag{
	{"networks", "N", "networks", planIntFlag(func(in *workload.Input, v int) { in.Networks = v })},
	{"posts-per-week", "N", "posts_per_week", planFloatFlag(func(in *workload.Input, v float64) { in.PostsPerWeek = v })},
	{"mentions-per-week", "N", "mentions_per_week", planFloatFlag(func(in *workload.Input, v float64) { in.MentionsPerWeek = v })},
	{"blog-posts-per-month", "N", "blog_posts_per_month", planFloatFlag(func(in *workload.Input, v float64) { in.BlogPostsPerMonth = v })},
	{"campaigns-per-quarter", "N", "campaigns_per_quarter", planFloatFlag(func(in *workload.Input, v float64) { in.CampaignsPerQuarter = v })},
	{"contests-per-quarter", "N", "contests_per_quarter", planFloatFlag(func(in *workload.Input, v float64) { in.ContestsPerQuarter = v })},
	{"reports-per-month", "N", "reports_per_month", planFloatFlag(func(in *workload.Input, v float64) { in.ReportsPerMonth = v })},
	{"languages", "N", "languages", planIntFlag(func(in *workload.Input, v int) { in.Languages = v })},
	{"org-size", "micro|small|medium|large", "org_size", func(in *workload.Input, v string) error { in.OrgSize = workload.OrgSize(v); return nil }},
	{"audience", "b2c|b2b", "audience", func(in *workload.Input, v string) error { in.Audience = workload.AudienceKind(v); return nil }},
	{"crisis-risk", "low|medium|high", "crisis_risk", func(in *workload.Input, v string) error { in.CrisisRisk = workload.Risk(v); return nil }},
	{"hours-per-fte", "H", "hours_per_fte", planFloatFlag(func(in *workload.Input, v float64) { in.HoursPerFTE = v })},
	{"rate", "COST", "rate", planFloatFlag(func(in *workload.Input, v float64) { in.Rate = v })},
	{"plan-weeks", "W", "plan_weeks", planIntFlag(func(in *workload.Input, v int) { in.PlanWeeks = v })},
}

// planIntFlag returns a setter that parses an integer.
func planIntFlag(set func(*workload.Input, int)) func(*workload.Input, string) error {
	return func(in *workload.Input, s string) error {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return errors.New("not a whole number")
		}
		set(in, v)
		return nil
	}
}

// planFloatFlag returns a setter that parses a number.
func planFloatFlag(set func(*workload.Input, float64)) func(*workload.Input, string) error {
	return func(in *workload.Input, s string) error {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return errors.New("not a number")
		}
		set(in, v)
		return nil
	}
}

// planOptions are the parsed flags of `gears plan`.
type planOptions struct {
	lang  string
	input string
	json  bool
	svg   string
	sets  []func(*workload.Input) error // explicitly given flags, in order
}

// cmdPlan runs `gears plan`: it estimates the hours an organisation must
// dedicate to social media and prints them as a table per gear, or as JSON,
// optionally drawing the three gears as SVG. Bad input is explained on
// stderr, translated, and returned as an error that wraps errUsage (and the
// *gears.Error, code EINVALID, when there is one); --help returns
// flag.ErrHelp.
func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	lang := planScanLang(args)
	opts, err := parsePlanFlags(args, lang, stderr)
	if err != nil {
		return err
	}
	if !locale.Supported(opts.lang) {
		return planFail(stderr, locale.Default, gears.Invalid("lang", "planner.error.lang", opts.lang, strings.Join(locale.Languages, ", ")))
	}
	in, err := planInput(opts)
	if err != nil {
		return planFail(stderr, opts.lang, err)
	}
	res, err := workload.Estimate(in)
	if err != nil {
		return planFail(stderr, opts.lang, err)
	}
	res = res.Localize(func(k string) string { return locale.T(opts.lang, k) })
	if opts.svg != "" {
		if err := writePlanSVG(opts.svg, opts.lang, res); err != nil {
			return planFail(stderr, opts.lang, err)
		}
	}
	if opts.json {
		return writePlanJSON(stdout, res)
	}
	return writePlanTable(stdout, opts.lang, res)
}

// planScanLang finds --lang among args before parsing, so that the usage and
// parse errors can already speak the person's language.
func planScanLang(args []string) string {
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if hasValue {
			return value
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	return locale.Default
}

// parsePlanFlags parses the flags of `gears plan`.
func parsePlanFlags(args []string, lang string, stderr io.Writer) (planOptions, error) {
	if !locale.Supported(lang) {
		lang = locale.Default
	}
	opts := planOptions{}
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, f := range planFlags {
		fs.Func(f.name, locale.T(lang, "planner.flag."+f.field), func(v string) error {
			opts.sets = append(opts.sets, func(in *workload.Input) error { return f.set(in, v) })
			return f.set(&workload.Input{}, v) // report a malformed value now
		})
	}
	fs.StringVar(&opts.input, "input", "", locale.T(lang, "planner.flag.input"))
	fs.StringVar(&opts.lang, "lang", locale.Default, locale.T(lang, "planner.flag.lang"))
	fs.BoolVar(&opts.json, "json", false, locale.T(lang, "planner.flag.json"))
	fs.StringVar(&opts.svg, "svg", "", locale.T(lang, "planner.flag.svg"))
	fs.Usage = func() { printPlanUsage(fs, lang) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, err
		}
		return opts, fmt.Errorf("plan: %w", errUsage) // the flag package has said what is wrong
	}
	if fs.NArg() > 0 {
		return opts, planFail(stderr, lang, gears.Invalid("args", "planner.error.args", fs.Arg(0)))
	}
	return opts, nil
}

// printPlanUsage prints the usage of `gears plan` in lang.
func printPlanUsage(fs *flag.FlagSet, lang string) {
	w := fs.Output()
	fmt.Fprintln(w, locale.T(lang, "planner.cli.usage"))
	type entry struct{ name, arg string }
	var entries []entry
	for _, f := range planFlags {
		entries = append(entries, entry{f.name, f.arg})
	}
	entries = append(entries, entry{"input", "FILE"}, entry{"json", ""}, entry{"svg", "FILE"}, entry{"lang", "en|es"})
	for _, e := range entries {
		f := fs.Lookup(e.name)
		name := strings.TrimSpace("--" + e.name + " " + e.arg)
		fmt.Fprintf(w, "  %s\n    \t%s\n", name, f.Usage)
	}
}

// planInput builds the Input from --input, then the flags given explicitly.
func planInput(opts planOptions) (workload.Input, error) {
	var in workload.Input
	if opts.input != "" {
		var err error
		if in, err = readPlanInput(opts.input); err != nil {
			return in, err
		}
	}
	for _, set := range opts.sets {
		if err := set(&in); err != nil {
			return in, err // parsePlanFlags already checked every value
		}
	}
	return in, nil
}

// readPlanInput reads an Input from a JSON or YAML file: .json is JSON,
// .yaml and .yml are YAML, and anything else is JSON if it starts with "{".
// Unknown fields are errors, so a typo does not silently count as zero.
func readPlanInput(path string) (workload.Input, error) {
	var in workload.Input
	b, err := os.ReadFile(path)
	if err != nil {
		return in, planInputFileError(path, err)
	}
	ext := strings.ToLower(filepath.Ext(path))
	isJSON := ext == ".json" || (ext != ".yaml" && ext != ".yml" && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")))
	if isJSON {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&in)
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err = dec.Decode(&in); errors.Is(err, io.EOF) {
			err = nil // an empty file describes nothing
		}
	}
	if err != nil {
		return in, planInputFileError(path, err)
	}
	return in, nil
}

// planInputFileError explains a file that cannot be read or decoded.
func planInputFileError(path string, err error) error {
	detail := strings.Join(strings.Fields(err.Error()), " ") // one line, even for YAML's lists
	e := gears.Invalid("input", "planner.error.input_file", path, detail)
	e.Err = err
	return e
}

// planFail reports err. Bad input (a *gears.Error with code EINVALID) is
// explained on stderr in lang and returned joined with errUsage, so that
// main exits with status 2 without printing it again; errors.As still finds
// the *gears.Error. Any other error is returned for main to print.
func planFail(stderr io.Writer, lang string, err error) error {
	var e *gears.Error
	if errors.As(err, &e) && e.Code == gears.EINVALID {
		fmt.Fprintln(stderr, "gears plan: "+locale.T(lang, e.Key, e.Args...))
		return fmt.Errorf("plan: %w", errors.Join(errUsage, err))
	}
	return fmt.Errorf("plan: %w", err)
}

// writePlanJSON prints the result as indented JSON.
func writePlanJSON(w io.Writer, res workload.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("plan: write json: %w", err)
	}
	return nil
}

// writePlanSVG draws the three gears into the file at path.
func writePlanSVG(path, lang string, res workload.Result) error {
	// The labels hand their hours to locale.T, which writes them in lang.
	labels := res.Labels(func(k string, a ...any) string { return locale.T(lang, k, a...) })
	if err := os.WriteFile(path, workload.SVG(res, labels), 0o644); err != nil {
		e := gears.Invalid("svg", "planner.error.svg_file", path, err.Error())
		e.Err = err
		return e
	}
	return nil
}

// writePlanTable prints a table per gear, then the totals, FTE and cost.
func writePlanTable(w io.Writer, lang string, res workload.Result) error {
	t := func(k string, a ...any) string { return locale.T(lang, k, a...) }
	width := utf8.RuneCountInString(t("planner.cli.activity"))
	for _, g := range workload.Gears() {
		for _, l := range res.Lines(g) {
			width = max(width, utf8.RuneCountInString(l.Name))
		}
	}
	var b strings.Builder
	b.WriteString(t("planner.cli.title") + "\n")
	for _, g := range workload.Gears() {
		unit := t(g.Unit().NameKey())
		fmt.Fprintf(&b, "\n%s\n", t("planner.cli.gear."+string(g)))
		planRow(&b, width, t("planner.cli.activity"), t("planner.cli.hours"), t("planner.cli.unit"))
		for _, l := range res.Lines(g) {
			planRow(&b, width, l.Name, locale.Number(lang, l.Hours, 1), unit)
		}
		planRow(&b, width, t("planner.cli.total"), locale.Number(lang, res.Total(g), 1), unit)
		if g == workload.Strategy {
			fmt.Fprintf(&b, "  %s\n", t("planner.cli.strategy_weekly", res.PlanWeeks, locale.Number(lang, res.StrategyWeekly(), 1)))
		}
	}
	b.WriteString("\n")
	fmt.Fprintln(&b, t("planner.cli.weekly_hours", locale.Number(lang, res.WeeklyHours, 1)))
	fmt.Fprintln(&b, t("planner.cli.fte", locale.Number(lang, res.FTE, 2), locale.Number(lang, res.HoursPerFTE, -2)))
	fmt.Fprintln(&b, t("planner.cli.weekly_cost", locale.Number(lang, res.WeeklyCost, 2)))
	fmt.Fprintln(&b, t("planner.cli.strategy_cost", locale.Number(lang, res.StrategyCost, 2)))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("plan: write table: %w", err)
	}
	return nil
}

// planRow writes one table row: the name padded to width (in characters,
// so accented Spanish names line up), the hours right-aligned, the unit.
func planRow(b *strings.Builder, width int, name, hours, unit string) {
	pad := strings.Repeat(" ", width-utf8.RuneCountInString(name))
	fmt.Fprintf(b, "  %s%s  %8s  %s\n", name, pad, hours, unit)
}
