// Command gears is Gears, a self-hosted social media workflow system: the
// web interface, the JSON API and the background workers in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module's build information.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

const usage = `Gears: how much time social media takes, and the work itself.

Usage:
  gears serve [flags]          run the web interface, the API and the workers
  gears migrate [flags]        bring the database's tables up to date
  gears user create [flags]    create a user
  gears token create [flags]   create a personal API token (printed alone)
  gears plan [flags]           estimate the hours of every gear's activities
  gears report [flags]         write a workspace's report (JSON, CSV or PDF)
  gears version                print the version

Run "gears COMMAND --help" for a command's flags.
`

// errUsage marks a mistake in the command line: exit status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "gears:", err)
		os.Exit(1)
	}
}

// run dispatches a command line; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "user":
		if len(rest) == 0 || rest[0] != "create" {
			fmt.Fprint(stderr, "Usage: gears user create --email E --password P [--name N] [--admin]\n")
			return errUsage
		}
		return cmdUserCreate(ctx, rest[1:], stdout, stderr, getenv)
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			fmt.Fprint(stderr, "Usage: gears token create --email E [--name N]\n")
			return errUsage
		}
		return cmdTokenCreate(ctx, rest[1:], stdout, stderr, getenv)
	case "plan":
		return cmdPlan(ctx, rest, stdout, stderr)
	case "report":
		return cmdReport(ctx, rest, stdout, stderr, getenv)
	case "version", "--version":
		fmt.Fprintln(stdout, "gears", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "gears: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}

// parseFlags parses a command's flags, turning a bad command line into
// errUsage (the flag package has already said what is wrong).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		return errUsage
	}
	return nil
}
