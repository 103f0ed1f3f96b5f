package identity

import (
	"context"
	"errors"
	"strings"

	"github.com/yolkauth/yolk/store"
)

// Username is a user's username (UsernameResponseDto). A user has at most
// one; usernames are unique per environment, compared case-insensitively,
// and a user can sign in with it instead of an e-mail.
type Username struct {
	Username string `json:"username"`
	UserID   string `json:"userId"`
}

// MyUsername returns the acting user's username; ErrNotFound when it has
// none.
func (id *Identity) MyUsername(ctx context.Context, p *Principal) (*Username, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	u, err := id.store.GetUser(ctx, id.envID, userID)
	if err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	if u.Username == "" {
		return nil, notFound("user %s has no username", userID)
	}
	return &Username{Username: u.Username, UserID: u.ID}, nil
}

// SetMyUsername gives the acting user a username, replacing the one it
// had. Usernames have only letters, digits, '.', '_' and '-', at most 255
// of them; one taken by another user (in any case) is ErrConflict.
func (id *Identity) SetMyUsername(ctx context.Context, p *Principal, username string) (*Username, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	if username == "" {
		return nil, invalid("username", "username is required")
	}
	if err := checkUsername("username", username); err != nil {
		return nil, err
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		u, err := tx.GetUser(ctx, id.envID, userID)
		if err != nil {
			return storeErr(err, "user "+userID)
		}
		if u.Username == username {
			return nil
		}
		u.Username, u.UpdatedAt = username, id.now()
		if err := tx.UpdateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &Error{Kind: ErrConflict, Code: CodeConflict, Field: "username", Message: "username " + username + " is taken", Err: err}
			}
			return storeErr(err, "user "+userID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Username{Username: username, UserID: userID}, nil
}

// DeleteUsername removes a username. A user may remove its own; removing
// another user's needs the environment token, or membership in that user's
// tenant and fe.secure.write.updateUser. A user without an e-mail keeps its
// username: it is how that user signs in.
func (id *Identity) DeleteUsername(ctx context.Context, p *Principal, username string) error {
	if p == nil {
		return unauthorized("", "authentication required")
	}
	if username == "" {
		return invalid("username", "username is required")
	}
	u, err := id.store.GetUserByUsername(ctx, id.envID, username)
	if err != nil {
		return storeErr(err, "username "+username)
	}
	if err := id.actsOn(ctx, p, u.ID, PermUpdateUser); err != nil {
		if errors.Is(err, ErrNotFound) {
			return notFound("username %s not found", username)
		}
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		u, err := tx.GetUser(ctx, id.envID, u.ID)
		if err != nil {
			return storeErr(err, "user")
		}
		if !strings.EqualFold(u.Username, username) {
			return notFound("username %s not found", username)
		}
		if u.Email == "" {
			return conflict("", "user %s has no e-mail; its username is how it signs in and cannot be removed", u.ID)
		}
		u.Username, u.UpdatedAt = "", id.now()
		return tx.UpdateUser(ctx, u)
	})
}

// UsernameQuery selects a page of ListUsernames.
type UsernameQuery struct {
	PageQuery
	// Prefix keeps usernames starting with it (case-insensitive).
	Prefix string
	// UserIDs and Usernames, when non-empty, keep these users and these
	// usernames (case-insensitive).
	UserIDs   []string
	Usernames []string
}

// ListUsernames lists usernames, sortable by userId or username. The
// environment token sees the whole environment, or the tenant it names; a
// user sees the users of its tenant and needs fe.secure.read.users.
func (id *Identity) ListUsernames(ctx context.Context, p *Principal, q UsernameQuery) (*Page[Username], error) {
	pq, err := q.PageQuery.normalize("username", "userId")
	if err != nil {
		return nil, err
	}
	var want []string
	if len(q.UserIDs) > 0 {
		want = q.UserIDs
	}
	scope, err := id.listScope(ctx, p, PermReadUsers, want)
	if err != nil {
		return nil, err
	}
	f := store.UsernameFilter{Prefix: q.Prefix, UserIDs: scope}
	if len(q.Usernames) > 0 {
		f.Usernames = q.Usernames
	}
	us, err := id.store.ListUsersByUsername(ctx, id.envID, f)
	if err != nil {
		return nil, err
	}
	out := make([]Username, len(us))
	for i, u := range us {
		out[i] = Username{Username: u.Username, UserID: u.ID}
	}
	return sortPage(out, pq, map[string]func(*Username) string{
		"username": func(u *Username) string { return u.Username },
		"userId":   func(u *Username) string { return u.UserID },
	}), nil
}
