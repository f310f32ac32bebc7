package main

import (
	"errors"

	"gears"
	"gears/locale"
)

// cliError turns a *gears.Error into its message for the terminal, in
// English; internal errors keep their cause, since the operator is the one
// who reads it.
func cliError(err error) error {
	e := gears.AsError(err)
	if e.Code == gears.EINTERNAL {
		return err
	}
	msg := locale.T("en", e.Key, e.Args...)
	if e.Field != "" {
		msg = "--" + e.Field + ": " + msg
	}
	return errors.New(msg)
}
