package store_test

import (
	"context"
	"testing"
	"time"

	"gears"
	"gears/store"
	"gears/store/storetest"
)

// The tests in this file are the storage contract: each runs unchanged
// against SQLite and PostgreSQL.

func as(u *gears.User) context.Context {
	return gears.NewContextWithUser(context.Background(), u)
}

func mustUser(t *testing.T, db *store.DB, email string) *gears.User {
	t.Helper()
	u, err := store.NewUserService(db).CreateUser(context.Background(), gears.UserCreate{Email: email, Password: "correct horse battery"})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := gears.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		applied, err := db.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second migration applied %v, want nothing", applied)
		}
	})
}

func TestUsers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		users := store.NewUserService(db)
		u, err := users.CreateUser(ctx, gears.UserCreate{Email: "  Ana@Example.COM ", Name: "Ana", Password: "correct horse battery", Language: "es"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ana@example.com" || u.ID == 0 || u.Language != "es" {
			t.Errorf("created %+v", u)
		}
		_, err = users.CreateUser(ctx, gears.UserCreate{Email: "ana@example.com", Password: "another password"})
		wantCode(t, err, gears.ECONFLICT)
		_, err = users.CreateUser(ctx, gears.UserCreate{Email: "not an address", Password: "correct horse battery"})
		wantCode(t, err, gears.EINVALID)
		_, err = users.CreateUser(ctx, gears.UserCreate{Email: "b@example.com", Password: "short"})
		wantCode(t, err, gears.EINVALID)

		got, err := users.Authenticate(ctx, "ANA@example.com", "correct horse battery")
		if err != nil || got.ID != u.ID {
			t.Fatalf("authenticate = %v, %v", got, err)
		}
		_, err = users.Authenticate(ctx, "ana@example.com", "wrong password!")
		wantCode(t, err, gears.EUNAUTHORIZED)
		_, err = users.Authenticate(ctx, "nobody@example.com", "correct horse battery")
		wantCode(t, err, gears.EUNAUTHORIZED)

		lang, name := "en", "Ana María"
		_, err = users.UpdateUser(as(mustUser(t, db, "other@example.com")), u.ID, gears.UserUpdate{Language: &lang})
		wantCode(t, err, gears.ENOTFOUND)
		up, err := users.UpdateUser(as(u), u.ID, gears.UserUpdate{Language: &lang, Name: &name})
		if err != nil || up.Language != "en" || up.Name != name {
			t.Fatalf("update = %+v, %v", up, err)
		}
		bad := "fr"
		_, err = users.UpdateUser(as(u), u.ID, gears.UserUpdate{Language: &bad})
		wantCode(t, err, gears.EINVALID)
		if n, err := users.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("count = %d, %v", n, err)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		auth := store.NewAuthService(db)
		u := mustUser(t, db, "ana@example.com")
		secret, sess, err := auth.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, gu, err := auth.FindSession(ctx, secret)
		if err != nil || gu.ID != u.ID || got.CSRF != sess.CSRF || got.CSRF == "" {
			t.Fatalf("find session = %+v %+v %v", got, gu, err)
		}
		_, _, err = auth.FindSession(ctx, secret+"x")
		wantCode(t, err, gears.EUNAUTHORIZED)
		if err := auth.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		_, _, err = auth.FindSession(ctx, secret)
		wantCode(t, err, gears.EUNAUTHORIZED)

		expired, _, err := auth.CreateSession(ctx, u.ID, -time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = auth.FindSession(ctx, expired)
		wantCode(t, err, gears.EUNAUTHORIZED)

		tok, err := auth.CreateToken(ctx, u.ID, "ci")
		if err != nil || tok.Secret == "" {
			t.Fatalf("create token = %+v, %v", tok, err)
		}
		tu, err := auth.FindUserByToken(ctx, tok.Secret)
		if err != nil || tu.ID != u.ID {
			t.Fatalf("find by token = %+v, %v", tu, err)
		}
		list, err := auth.FindTokens(ctx, u.ID)
		if err != nil || len(list) != 1 || list[0].Secret != "" || list[0].LastUsedAt == nil {
			t.Fatalf("tokens = %+v, %v", list, err)
		}
		other := mustUser(t, db, "other@example.com")
		wantCode(t, auth.DeleteToken(ctx, other.ID, tok.ID), gears.ENOTFOUND)
		if err := auth.DeleteToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = auth.FindUserByToken(ctx, tok.Secret)
		wantCode(t, err, gears.EUNAUTHORIZED)
		_, err = auth.CreateToken(ctx, u.ID, "  ")
		wantCode(t, err, gears.EINVALID)
	})
}

func TestWorkspacesAreScoped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ws := store.NewWorkspaceService(db)
		ana, bob := mustUser(t, db, "ana@example.com"), mustUser(t, db, "bob@example.com")
		w, err := ws.CreateWorkspace(as(ana), gears.WorkspaceCreate{Name: " Café Aurora ", Timezone: "Europe/Madrid"})
		if err != nil {
			t.Fatal(err)
		}
		if w.Name != "Café Aurora" || w.Role != gears.RoleOwner {
			t.Errorf("created %+v", w)
		}
		_, err = ws.CreateWorkspace(as(ana), gears.WorkspaceCreate{Name: "X", Timezone: "Mars/Olympus"})
		wantCode(t, err, gears.EINVALID)
		_, err = ws.CreateWorkspace(context.Background(), gears.WorkspaceCreate{Name: "X"})
		wantCode(t, err, gears.EUNAUTHORIZED)

		// Bob is no member: the workspace does not exist for him.
		_, err = ws.FindWorkspace(as(bob), w.ID)
		wantCode(t, err, gears.ENOTFOUND)
		_, err = ws.FindMembers(as(bob), w.ID)
		wantCode(t, err, gears.ENOTFOUND)
		name := "Mine now"
		_, err = ws.UpdateWorkspace(as(bob), w.ID, gears.WorkspaceUpdate{Name: &name})
		wantCode(t, err, gears.ENOTFOUND)
		wantCode(t, ws.DeleteWorkspace(as(bob), w.ID), gears.ENOTFOUND)
		if list, err := ws.FindWorkspaces(as(bob)); err != nil || len(list) != 0 {
			t.Fatalf("bob's workspaces = %v, %v", list, err)
		}

		// As an editor he sees it but may not manage it.
		if _, err := ws.AddMember(as(ana), w.ID, gears.MemberAdd{Email: "BOB@example.com", Role: gears.RoleEditor}); err != nil {
			t.Fatal(err)
		}
		_, err = ws.AddMember(as(ana), w.ID, gears.MemberAdd{Email: "bob@example.com", Role: gears.RoleEditor})
		wantCode(t, err, gears.ECONFLICT)
		got, err := ws.FindWorkspace(as(bob), w.ID)
		if err != nil || got.Role != gears.RoleEditor {
			t.Fatalf("bob finds %+v, %v", got, err)
		}
		_, err = ws.UpdateWorkspace(as(bob), w.ID, gears.WorkspaceUpdate{Name: &name})
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = ws.AddMember(as(bob), w.ID, gears.MemberAdd{Email: "eve@example.com", Role: gears.RoleOwner})
		wantCode(t, err, gears.EFORBIDDEN)

		tz := "America/Bogota"
		up, err := ws.UpdateWorkspace(as(ana), w.ID, gears.WorkspaceUpdate{Name: &name, Timezone: &tz})
		if err != nil || up.Name != name || up.Timezone != tz {
			t.Fatalf("update = %+v, %v", up, err)
		}
		if err := ws.DeleteWorkspace(as(ana), w.ID); err != nil {
			t.Fatal(err)
		}
		_, err = ws.FindWorkspace(as(ana), w.ID)
		wantCode(t, err, gears.ENOTFOUND)
	})
}

func TestMembersAndOwners(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ws := store.NewWorkspaceService(db)
		ana, bob := mustUser(t, db, "ana@example.com"), mustUser(t, db, "bob@example.com")
		w, err := ws.CreateWorkspace(as(ana), gears.WorkspaceCreate{Name: "Aurora"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ws.AddMember(as(ana), w.ID, gears.MemberAdd{Email: bob.Email, Role: gears.RoleManager}); err != nil {
			t.Fatal(err)
		}
		// A manager may not make owners nor touch the owner.
		_, err = ws.SetMemberRole(as(bob), w.ID, ana.ID, gears.RoleEditor)
		wantCode(t, err, gears.EFORBIDDEN)
		_, err = ws.SetMemberRole(as(bob), w.ID, bob.ID, gears.RoleOwner)
		wantCode(t, err, gears.EFORBIDDEN)
		// The last owner stays.
		_, err = ws.SetMemberRole(as(ana), w.ID, ana.ID, gears.RoleEditor)
		wantCode(t, err, gears.ECONFLICT)
		wantCode(t, ws.RemoveMember(as(ana), w.ID, ana.ID), gears.ECONFLICT)
		_, err = ws.SetMemberRole(as(ana), w.ID, bob.ID, "emperor")
		wantCode(t, err, gears.EINVALID)
		m, err := ws.SetMemberRole(as(ana), w.ID, bob.ID, gears.RoleOwner)
		if err != nil || m.Role != gears.RoleOwner {
			t.Fatalf("promote = %+v, %v", m, err)
		}
		if err := ws.RemoveMember(as(ana), w.ID, ana.ID); err != nil {
			t.Fatalf("an owner leaves while another stays: %v", err)
		}
		members, err := ws.FindMembers(as(bob), w.ID)
		if err != nil || len(members) != 1 || members[0].UserID != bob.ID {
			t.Fatalf("members = %+v, %v", members, err)
		}
	})
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ws := store.NewWorkspaceService(db)
		ana := mustUser(t, db, "ana@example.com")
		w1, _ := ws.CreateWorkspace(as(ana), gears.WorkspaceCreate{Name: "One"})
		w2, _ := ws.CreateWorkspace(as(ana), gears.WorkspaceCreate{Name: "Two"})
		res, err := ws.AddMember(as(ana), w1.ID, gears.MemberAdd{Email: "new@example.com", Role: gears.RoleApprover})
		if err != nil || res.Invitation == nil || res.Invitation.Token == "" || res.Member != nil {
			t.Fatalf("invite = %+v, %v", res, err)
		}
		if _, err := ws.AddMember(as(ana), w2.ID, gears.MemberAdd{Email: "new@example.com", Role: gears.RoleAnalyst}); err != nil {
			t.Fatal(err)
		}
		if list, err := ws.FindInvitations(as(ana), w1.ID); err != nil || len(list) != 1 || list[0].Token != "" {
			t.Fatalf("invitations = %+v, %v", list, err)
		}
		info, err := ws.FindInvitation(ctx, res.Invitation.Token)
		if err != nil || info.WorkspaceName != "One" || info.Role != gears.RoleApprover {
			t.Fatalf("info = %+v, %v", info, err)
		}
		_, _, err = ws.AcceptInvitation(ctx, res.Invitation.Token, "New", "short", "")
		wantCode(t, err, gears.EINVALID)
		u, wsID, err := ws.AcceptInvitation(ctx, res.Invitation.Token, "New Person", "a good long password", "es")
		if err != nil || wsID != w1.ID || u.Email != "new@example.com" {
			t.Fatalf("accept = %+v %d %v", u, wsID, err)
		}
		list, err := ws.FindWorkspaces(as(u))
		if err != nil || len(list) != 2 || list[0].Role != gears.RoleApprover || list[1].Role != gears.RoleAnalyst {
			t.Fatalf("workspaces after accepting = %+v, %v", list, err)
		}
		_, _, err = ws.AcceptInvitation(ctx, res.Invitation.Token, "Again", "a good long password", "")
		wantCode(t, err, gears.ENOTFOUND)
	})
}

func TestSetup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		setup := store.NewSetupService(db)
		code, err := setup.SetupCode(ctx)
		if err != nil || len(code) != 14 {
			t.Fatalf("code = %q, %v", code, err)
		}
		if again, _ := setup.SetupCode(ctx); again != code {
			t.Errorf("the code changed from %q to %q", code, again)
		}
		uc := gears.UserCreate{Email: "owner@example.com", Password: "a good long password"}
		_, err = setup.CompleteSetup(ctx, "WRONG-CODE-0000", uc)
		wantCode(t, err, gears.EINVALID)
		u, err := setup.CompleteSetup(ctx, code, uc)
		if err != nil || !u.Admin {
			t.Fatalf("setup = %+v, %v", u, err)
		}
		_, err = setup.CompleteSetup(ctx, code, gears.UserCreate{Email: "thief@example.com", Password: "a good long password"})
		wantCode(t, err, gears.ECONFLICT)
		if code, _ := setup.SetupCode(ctx); code != "" {
			t.Errorf("code after setup = %q", code)
		}
	})
}
