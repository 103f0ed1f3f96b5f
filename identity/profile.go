package identity

import (
	"context"

	"github.com/yolkauth/yolk/store"
)

// UpdateProfileInput changes the acting user's own profile
// (UpdateUserDto); nil fields are kept.
type UpdateProfileInput struct {
	PhoneNumber       *string `json:"phoneNumber"`
	ProfilePictureURL *string `json:"profilePictureUrl"`
	Metadata          *string `json:"metadata"`
	Name              *string `json:"name"`
}

// UpdateMe applies the non-nil fields of in to the acting user and returns
// the profile as seen from the tenant the principal acts in.
func (id *Identity) UpdateMe(ctx context.Context, p *Principal, in UpdateProfileInput) (*User, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	upd := UpdateUserInput{Name: in.Name, PhoneNumber: in.PhoneNumber, ProfilePictureURL: in.ProfilePictureURL, Metadata: in.Metadata}
	if err := upd.validate(); err != nil {
		return nil, err
	}
	var rec *userRecord
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		if tenantID != "" && rec.membership(tenantID) == nil {
			return forbidden("", "user is not a member of tenant %s", tenantID)
		}
		u := rec.user
		setStr(&u.Name, upd.Name)
		setStr(&u.PhoneNumber, upd.PhoneNumber)
		setStr(&u.ProfilePictureURL, upd.ProfilePictureURL)
		setStr(&u.Metadata, upd.Metadata)
		u.UpdatedAt = id.now()
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return id.userView(ctx, id.store, rec, tenantID)
}
