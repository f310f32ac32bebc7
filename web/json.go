package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"gears"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// decodeJSON reads one JSON object into v, strictly: unknown fields, wrong
// types, trailing data and oversized bodies are errors that say what is
// wrong, and nothing has been written when they happen.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return gears.Errorf(gears.EINVALID, "request.not_json")
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return gears.Errorf(gears.ETOOLARGE, "request.too_large", maxErr.Limit/1024)
		}
		return gears.Errorf(gears.EINVALID, "request.bad_json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.Is(err, io.EOF):
			return gears.Errorf(gears.EINVALID, "request.empty")
		case errors.As(err, &typeErr):
			return &gears.Error{Code: gears.EINVALID, Key: "request.bad_type", Args: []any{typeErr.Field}, Field: typeErr.Field}
		case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
			return gears.Errorf(gears.EINVALID, "request.bad_json")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &gears.Error{Code: gears.EINVALID, Key: "request.unknown_field", Args: []any{field}, Field: field}
		default:
			return gears.Errorf(gears.EINVALID, "request.bad_json")
		}
	}
	if dec.More() {
		return gears.Errorf(gears.EINVALID, "request.trailing_data")
	}
	return nil
}
