// Package demo fills an example workspace with realistic data, so that a
// newcomer sees Gears working at once (`gears serve --demo`, or the button
// on an empty instance). Each feature adds its part here.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"gears"
	"gears/store"
)

// WorkspaceName is the example workspace's name.
const WorkspaceName = "Aurora Coffee Roasters (demo)"

// team are the example workspace's people besides its owner. Their
// accounts get random passwords nobody knows: they exist to be seen.
var team = []struct {
	email, name string
	role        gears.Role
}{
	{"lucia.moreno@aurora-coffee.example", "Lucía Moreno", gears.RoleManager},
	{"diego.santos@aurora-coffee.example", "Diego Santos", gears.RoleEditor},
	{"amara.okafor@aurora-coffee.example", "Amara Okafor", gears.RoleEditor},
	{"tom.becker@aurora-coffee.example", "Tom Becker", gears.RoleAnalyst},
	{"carmen.vidal@client.example", "Carmen Vidal", gears.RoleApprover},
}

// Fill creates the example workspace for owner, or returns it when owner
// already has it.
func Fill(ctx context.Context, db *store.DB, owner *gears.User) (*gears.Workspace, error) {
	ctx = gears.NewContextWithUser(ctx, owner)
	wss := store.NewWorkspaceService(db)
	list, err := wss.FindWorkspaces(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range list {
		if w.Name == WorkspaceName {
			return w, nil
		}
	}
	ws, err := wss.CreateWorkspace(ctx, gears.WorkspaceCreate{Name: WorkspaceName, Timezone: "Europe/Madrid"})
	if err != nil {
		return nil, fmt.Errorf("demo workspace: %w", err)
	}
	users := store.NewUserService(db)
	for _, p := range team {
		if _, err := users.FindUserByEmail(ctx, p.email); gears.ErrorCode(err) == gears.ENOTFOUND {
			if _, err := users.CreateUser(ctx, gears.UserCreate{Email: p.email, Name: p.name, Password: randomPassword()}); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", p.email, err)
			}
		} else if err != nil {
			return nil, err
		}
		if _, err := wss.AddMember(ctx, ws.ID, gears.MemberAdd{Email: p.email, Role: p.role}); err != nil {
			return nil, fmt.Errorf("demo member %s: %w", p.email, err)
		}
	}
	if err := fillPlanner(ctx, db, ws, time.Now()); err != nil {
		return nil, fmt.Errorf("demo planner: %w", err)
	}
	if err := fillPosts(ctx, db, ws, time.Now()); err != nil {
		return nil, fmt.Errorf("demo posts: %w", err)
	}
	if err := fillInbox(ctx, db, ws, time.Now()); err != nil {
		return nil, fmt.Errorf("demo inbox: %w", err)
	}
	if err := fillResults(ctx, db, ws, time.Now()); err != nil {
		return nil, fmt.Errorf("demo results: %w", err)
	}
	return ws, nil
}

// Owner returns the demo owner account, creating it with a fresh password
// (returned, to be printed once) when the instance has no user at all.
func Owner(ctx context.Context, db *store.DB) (u *gears.User, password string, err error) {
	users := store.NewUserService(db)
	const email = "demo@gears.example"
	u, err = users.FindUserByEmail(ctx, email)
	if err == nil {
		return u, "", nil
	}
	if gears.ErrorCode(err) != gears.ENOTFOUND {
		return nil, "", err
	}
	password = randomPassword()
	u, err = users.CreateUser(ctx, gears.UserCreate{Email: email, Name: "Demo Owner", Password: password, Admin: true})
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

func randomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
