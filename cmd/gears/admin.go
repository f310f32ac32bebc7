package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"gears"
	"gears/store"
)

// withDB opens and migrates the configured database for an admin command.
func withDB(ctx context.Context, cfg Config, fn func(db *store.DB) error) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	return fn(db)
}

func adminFlags(name, usage string, stderr io.Writer, getenv func(string) string) (*flag.FlagSet, *Config, error) {
	cfg := DefaultConfig()
	if err := cfg.FromEnv(getenv); err != nil {
		return nil, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	cfg.databaseFlags(fs)
	return fs, &cfg, nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs, cfg, err := adminFlags("migrate", "Usage: gears migrate [flags]\n\nApplies the database migrations that have not run yet (gears serve does too).\n\n", stderr, getenv)
	if err != nil {
		return err
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	db, err := openDB(ctx, *cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "the database is up to date")
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	return nil
}

func cmdUserCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs, cfg, err := adminFlags("user create", "Usage: gears user create --email E --password P [--name N] [--admin]\n\nCreates a user who can then sign in and create workspaces.\n\n", stderr, getenv)
	if err != nil {
		return err
	}
	var uc gears.UserCreate
	fs.StringVar(&uc.Email, "email", "", "e-mail address (required)")
	fs.StringVar(&uc.Password, "password", "", "password, at least 10 characters (required)")
	fs.StringVar(&uc.Name, "name", "", "name (default: the e-mail's local part)")
	fs.StringVar(&uc.Language, "lang", "", "language: en or es (default: follow the browser)")
	fs.BoolVar(&uc.Admin, "admin", false, "make the user an administrator of this instance")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withDB(ctx, *cfg, func(db *store.DB) error {
		u, err := store.NewUserService(db).CreateUser(ctx, uc)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(stdout, "created user %d <%s>\n", u.ID, u.Email)
		return nil
	})
}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs, cfg, err := adminFlags("token create", "Usage: gears token create --email E [--name N]\n\nCreates a personal API token for a user and prints it alone on standard output.\n\n", stderr, getenv)
	if err != nil {
		return err
	}
	var email, name string
	fs.StringVar(&email, "email", "", "the user's e-mail address (required)")
	fs.StringVar(&name, "name", "cli", "a name to recognise the token by")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withDB(ctx, *cfg, func(db *store.DB) error {
		u, err := store.NewUserService(db).FindUserByEmail(ctx, email)
		if err != nil {
			if gears.ErrorCode(err) == gears.ENOTFOUND {
				return fmt.Errorf("no user with e-mail %q", email)
			}
			return cliError(err)
		}
		t, err := store.NewAuthService(db).CreateToken(ctx, u.ID, name)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintln(stdout, t.Secret)
		return nil
	})
}
