package gears

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in the web layer and to one
// kind of failure a caller can act on.
const (
	EINVALID       = "invalid"       // the input is wrong; the message says how
	ENOTFOUND      = "not_found"     // no such thing, or not yours to see
	ECONFLICT      = "conflict"      // the thing exists or changed meanwhile
	EFORBIDDEN     = "forbidden"     // you see it, but your role may not do this
	EUNAUTHORIZED  = "unauthorized"  // who you are is unknown
	ETOOLARGE      = "too_large"     // the request body is too big
	ERATELIMITED   = "rate_limited"  // too many attempts; wait
	EUNPROCESSABLE = "unprocessable" // well-formed, but a remote party refused it
	EINTERNAL      = "internal"      // our fault; the cause is logged, never shown
)

// Error is the one error type of Gears. Code says what kind of failure it
// is; Key names the message in the catalogue (package locale) that explains
// it to a person, formatted with Args; Field, when set, names the input
// field at fault. Err is the private cause: it is logged, never shown.
type Error struct {
	Code  string
	Key   string
	Args  []any
	Field string
	Err   error
}

// Error implements the error interface with text for logs, not for people.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the private cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and message key; args fill
// the message's verbs.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Field: field}
}

// Internal wraps an unexpected failure: the cause is kept for the log and
// the person sees only that something went wrong.
func Internal(format string, args ...any) *Error {
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: fmt.Errorf(format, args...)}
}

// ErrNotFound is returned when a thing does not exist or the actor may not
// know that it exists.
var ErrNotFound = &Error{Code: ENOTFOUND, Key: "error.not_found"}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, EINTERNAL for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns the first *Error in err's chain, or an internal error
// that wraps err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "error.internal", Err: err}
}
