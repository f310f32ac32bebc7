package web

import (
	"context"
	"net/http"
)

// The JSON API's shapes for the things a workspace holds, each done one
// way: the workspace comes from the request, an ID from the named path
// parameter (anything but a positive number is not found), bodies are
// decoded strictly with decodeJSON, and errors are returned for
// renderError to write.

// wsJSON writes what find returns for the workspace.
func wsJSON[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, int64) (T, error)) error {
	v, err := find(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listJSON writes what find returns for the workspace as {key: list}.
func listJSON[T any](w http.ResponseWriter, r *http.Request, key string, find func(context.Context, int64) (T, error)) error {
	list, err := find(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{key: list})
	return nil
}

// saveJSON decodes the body, saves it in the workspace and writes the
// result with status (201 for a thing created, 200 for one replaced).
func saveJSON[In, T any](w http.ResponseWriter, r *http.Request, status int, save func(context.Context, int64, In) (T, error)) error {
	var in In
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := save(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// findJSON writes the thing whose ID is in the path parameter name.
func findJSON[T any](w http.ResponseWriter, r *http.Request, name string, find func(context.Context, int64, int64) (T, error)) error {
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	v, err := find(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listUnderJSON writes what find returns for the thing whose ID is in the
// path parameter name, as {key: list}.
func listUnderJSON[T any](w http.ResponseWriter, r *http.Request, name, key string, find func(context.Context, int64, int64) (T, error)) error {
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	list, err := find(r.Context(), info(r).workspace.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{key: list})
	return nil
}

// addUnderJSON decodes the body and adds it to the thing whose ID is in
// the path parameter name; it writes what was added with 201.
func addUnderJSON[In, T any](w http.ResponseWriter, r *http.Request, name string, add func(context.Context, int64, int64, In) (T, error)) error {
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	var in In
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := add(r.Context(), info(r).workspace.ID, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// patchJSON updates the thing whose ID is in the path parameter name: it
// loads the thing as it is, turns it into an input with inputOf, decodes
// the body over that (fields left out keep their values), saves it with
// update and writes the result.
func patchJSON[In, T any](w http.ResponseWriter, r *http.Request, name string,
	find func(context.Context, int64, int64) (T, error), inputOf func(T) In,
	update func(context.Context, int64, int64, In) (T, error)) error {
	ctx, wsID := r.Context(), info(r).workspace.ID
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	cur, err := find(ctx, wsID, id)
	if err != nil {
		return err
	}
	in := inputOf(cur)
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := update(ctx, wsID, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// deleteJSON deletes the thing whose ID is in the path parameter name and
// answers 204.
func deleteJSON(w http.ResponseWriter, r *http.Request, name string, del func(context.Context, int64, int64) error) error {
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	if err := del(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// The pages' forms for the same things.

// saveByID creates the thing from in when id is 0 (a form for a new one)
// and otherwise updates the thing id.
func saveByID[In, T any](ctx context.Context, wsID, id int64, in In,
	create func(context.Context, int64, In) (T, error), update func(context.Context, int64, int64, In) (T, error)) (T, error) {
	if id == 0 {
		return create(ctx, wsID, in)
	}
	return update(ctx, wsID, id, in)
}

// deleteForm deletes the thing whose ID is in the path parameter name and
// sends the person to to, where flash says it is done.
func deleteForm(w http.ResponseWriter, r *http.Request, name string, del func(context.Context, int64, int64) error, to, flash string) error {
	id, err := pathID(r, name)
	if err != nil {
		return err
	}
	if err := del(r.Context(), info(r).workspace.ID, id); err != nil {
		return err
	}
	return redirect(w, r, to, flash)
}
