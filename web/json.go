package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"

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
			field := jsonPath(typeErr.Field)
			return &gears.Error{Code: gears.EINVALID, Key: "request.bad_type", Args: []any{field}, Field: field}
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

// jsonPath is the path of a JSON field as the body names it: encoding/json
// puts the Go names of embedded structs in it ("TimeTags.network"), and
// the API's keys are all lower-case.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" || !unicode.IsUpper([]rune(p)[0]) {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}
