package web

import (
	"net/http"

	"gears"
)

// The JSON API under /api/v1. Its shapes are documented in api/openapi.yaml.

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	writeJSON(w, http.StatusOK, u)
	return nil
}

type meUpdate struct {
	Name     *string `json:"name"`
	Language *string `json:"language"`
}

func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) error {
	var in meUpdate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, err := s.users.UpdateUser(r.Context(), info(r).user.ID, gears.UserUpdate{Name: in.Name, Language: in.Language})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiWorkspaces(w http.ResponseWriter, r *http.Request) error {
	list, err := s.workspaces.FindWorkspaces(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Workspace{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"workspaces": list})
	return nil
}

func (s *Server) apiCreateWorkspace(w http.ResponseWriter, r *http.Request) error {
	var in gears.WorkspaceCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ws, err := s.workspaces.CreateWorkspace(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ws)
	return nil
}

func (s *Server) apiWorkspace(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, info(r).workspace)
	return nil
}

func (s *Server) apiUpdateWorkspace(w http.ResponseWriter, r *http.Request) error {
	var in gears.WorkspaceUpdate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ws, err := s.workspaces.UpdateWorkspace(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

func (s *Server) apiDeleteWorkspace(w http.ResponseWriter, r *http.Request) error {
	if err := s.workspaces.DeleteWorkspace(r.Context(), info(r).workspace.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.workspaces.FindMembers(r.Context(), info(r).workspace.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": list})
	return nil
}

func (s *Server) apiAddMember(w http.ResponseWriter, r *http.Request) error {
	var in gears.MemberAdd
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := s.workspaces.AddMember(r.Context(), info(r).workspace.ID, in)
	if err != nil {
		return err
	}
	if res.Invitation != nil {
		res.Invitation.URL = s.absURL(r, "/invite/"+res.Invitation.Token)
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

type roleUpdate struct {
	Role gears.Role `json:"role"`
}

func (s *Server) apiSetMemberRole(w http.ResponseWriter, r *http.Request) error {
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var in roleUpdate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := s.workspaces.SetMemberRole(r.Context(), info(r).workspace.ID, uid, in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiRemoveMember(w http.ResponseWriter, r *http.Request) error {
	uid, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if err := s.workspaces.RemoveMember(r.Context(), info(r).workspace.ID, uid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := s.auth.FindTokens(r.Context(), info(r).user.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []*gears.Token{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": list})
	return nil
}

type tokenCreate struct {
	Name string `json:"name"`
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenCreate
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.auth.CreateToken(r.Context(), info(r).user.ID, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiDeleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.DeleteToken(r.Context(), info(r).user.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
