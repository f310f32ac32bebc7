package web

import (
	"net/http"

	"gears"
)

type accountsPage struct {
	Accounts []*gears.Account
	Form     gears.AccountConnect
	Err      *formError
}

func (s *Server) accountsData(r *http.Request) (*accountsPage, error) {
	list, err := s.accounts.FindAccounts(r.Context(), info(r).workspace.ID)
	if err != nil {
		return nil, err
	}
	return &accountsPage{Accounts: list, Form: gears.AccountConnect{Network: gears.Bluesky, Server: "https://bsky.social"}}, nil
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.accountsData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "accounts", "accounts", p)
}

func (s *Server) connectAccount(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	in := gears.AccountConnect{
		Network: gears.Network(r.PostFormValue("network")), Server: r.PostFormValue("server"), Handle: r.PostFormValue("handle"),
		AppPassword: r.PostFormValue("app_password"), AccessToken: r.PostFormValue("access_token"),
	}
	if _, err := s.accounts.ConnectAccount(r.Context(), ws.ID, in); err != nil {
		p, lerr := s.accountsData(r)
		if lerr != nil {
			return lerr
		}
		in.AppPassword, in.AccessToken = "", "" // never echoed back into the page
		p.Form = in
		return s.formFailed(w, r, err, "accounts", "accounts", p, &p.Err)
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/accounts", "flash.account_connected")
}

func (s *Server) disconnectAccount(w http.ResponseWriter, r *http.Request) error {
	ws := info(r).workspace
	id, err := pathID(r, "account")
	if err != nil {
		return err
	}
	if err := s.accounts.DisconnectAccount(r.Context(), ws.ID, id); err != nil {
		return err
	}
	return redirect(w, r, "/w/"+itoa(ws.ID)+"/accounts", "flash.account_disconnected")
}
