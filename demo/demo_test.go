package demo_test

import (
	"context"
	"testing"

	"gears"
	"gears/demo"
	"gears/store"
	"gears/store/storetest"
)

func TestFillIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner, password, err := demo.Owner(ctx, db)
		if err != nil || password == "" || !owner.Admin {
			t.Fatalf("owner = %+v %q %v", owner, password, err)
		}
		if _, err := store.NewUserService(db).Authenticate(ctx, owner.Email, password); err != nil {
			t.Fatalf("the printed password does not sign in: %v", err)
		}
		ws, err := demo.Fill(ctx, db, owner)
		if err != nil {
			t.Fatal(err)
		}
		again, err := demo.Fill(ctx, db, owner)
		if err != nil || again.ID != ws.ID {
			t.Fatalf("second fill = %+v, %v", again, err)
		}
		members, err := store.NewWorkspaceService(db).FindMembers(gears.NewContextWithUser(ctx, owner), ws.ID)
		if err != nil || len(members) != 6 {
			t.Fatalf("members = %d, %v", len(members), err)
		}
		roles := map[gears.Role]int{}
		for _, m := range members {
			roles[m.Role]++
		}
		for _, r := range gears.Roles {
			if roles[r] == 0 {
				t.Errorf("the demo has no %s", r)
			}
		}
		if _, pw, err := demo.Owner(ctx, db); err != nil || pw != "" {
			t.Errorf("second Owner made a new password: %q %v", pw, err)
		}
	})
}
