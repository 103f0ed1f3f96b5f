package identity

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

// SuperUserInput sets a user's super-user mode (UpdateUserSuperuserDto).
type SuperUserInput struct {
	SuperUser *bool `json:"superUser"`
}

// InvisibleInput sets a user's invisible mode (UpdateUserInvisibleDto).
type InvisibleInput struct {
	Invisible *bool `json:"invisible"`
}

// SetUserSuperUser makes a user a super-user or a regular user. The mode
// shows in the user's profile and, from its next token on, in the
// superUser claim.
func (id *Identity) SetUserSuperUser(ctx context.Context, userID string, in SuperUserInput) (*User, error) {
	if in.SuperUser == nil {
		return nil, invalid("superUser", "superUser is required")
	}
	return id.setUserFlag(ctx, userID, func(u *store.User) { u.SuperUser = *in.SuperUser })
}

// SetUserInvisible makes a user invisible or visible: an invisible user
// stays in its tenants but is left out of their user listings.
func (id *Identity) SetUserInvisible(ctx context.Context, userID string, in InvisibleInput) (*User, error) {
	if in.Invisible == nil {
		return nil, invalid("invisible", "invisible is required")
	}
	return id.setUserFlag(ctx, userID, func(u *store.User) { u.Invisible = *in.Invisible })
}

func (id *Identity) setUserFlag(ctx context.Context, userID string, set func(*store.User)) (*User, error) {
	var rec *userRecord
	err := id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		set(rec.user)
		rec.user.UpdatedAt = id.now()
		return tx.UpdateUser(ctx, rec.user)
	})
	if err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	return id.userView(ctx, id.store, rec, "")
}
