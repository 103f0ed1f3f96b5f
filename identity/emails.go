package identity

import (
	"context"
	"errors"
	"time"

	"github.com/yolkauth/yolk/store"
)

// UserEmail is one of a user's e-mail addresses (UserEmailResponseDto). A
// user has one primary address, the e-mail of its profile, and any number
// of additional ones; every address of the environment belongs to one user
// only. The primary address's ID is the user's id.
type UserEmail struct {
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	Email     string    `json:"email"`
	Verified  bool      `json:"verified"`
	IsPrimary bool      `json:"isPrimary"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func userEmailView(e *store.UserEmail) UserEmail {
	return UserEmail{ID: e.ID, UserID: e.UserID, Email: e.Email, Verified: e.Verified, IsPrimary: e.Primary,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func userEmailViews(es []store.UserEmail) []UserEmail {
	out := make([]UserEmail, len(es))
	for i := range es {
		out[i] = userEmailView(&es[i])
	}
	return out
}

// errEmailTaken is the conflict of an address held by someone else.
func errEmailTaken(err error) error {
	return &Error{Kind: ErrConflict, Code: CodeEmailTaken, Field: "email", Message: "this e-mail address is already in use", Err: err}
}

// MyEmails returns the acting user's e-mail addresses, the primary one
// first.
func (id *Identity) MyEmails(ctx context.Context, p *Principal) ([]UserEmail, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	es, err := id.store.ListUserEmails(ctx, id.envID, userID)
	if err != nil {
		return nil, err
	}
	return userEmailViews(es), nil
}

// AddMyEmail adds an unverified e-mail address to the acting user and
// e-mails it a verification code (see VerifyMyEmail). Adding an address the
// user already added but has not verified sends a new code. An address in
// use (by anyone, as primary or additional address) is ErrConflict.
func (id *Identity) AddMyEmail(ctx context.Context, p *Principal, email string) (*UserEmail, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	return id.addEmail(ctx, userID, tenantID, email, false)
}

// AddUserEmailInput adds an e-mail address to a user
// (CreateUserEmailVendorRequestDto).
type AddUserEmailInput struct {
	Email string `json:"email"`
	// IsVerified adds the address as verified; otherwise a verification
	// code is e-mailed to it.
	IsVerified bool `json:"isVerified"`
}

// AddUserEmail adds an e-mail address to a user, as the environment does:
// verified when in.IsVerified, else unverified with a verification code
// e-mailed to it.
func (id *Identity) AddUserEmail(ctx context.Context, userID string, in AddUserEmailInput) (*UserEmail, error) {
	return id.addEmail(ctx, userID, "", in.Email, in.IsVerified)
}

func (id *Identity) addEmail(ctx context.Context, userID, tenantID, email string, verified bool) (*UserEmail, error) {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	var (
		u    *store.User
		rec  *store.UserEmail
		code string
	)
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if u, err = tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		if lower(u.Email) == email {
			return conflict(CodeEmailTaken, "%s is already the user's primary e-mail", email)
		}
		now := id.now()
		rec, err = tx.GetUserEmailByAddress(ctx, id.envID, email)
		switch {
		case errors.Is(err, store.ErrNotFound):
			rec = &store.UserEmail{ID: id.newID(), EnvID: id.envID, UserID: userID, Email: email, Verified: verified, CreatedAt: now, UpdatedAt: now}
			if err := tx.AddUserEmail(ctx, rec); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return errEmailTaken(err)
				}
				return storeErr(err, "user "+userID)
			}
		case err != nil:
			return err
		case rec.UserID != userID:
			return errEmailTaken(nil)
		case rec.Verified:
			if !verified {
				return conflict(CodeConflict, "%s is already a verified e-mail of the user", email)
			}
			return nil
		case verified:
			rec.Verified, rec.UpdatedAt = true, now
			if err := tx.UpdateUserEmail(ctx, rec); err != nil {
				return err
			}
		}
		if rec.Verified {
			return id.retireVerificationCodes(ctx, tx, store.TokenEmailVerify, userID, sameEmail(purposeAddEmail, email))
		}
		_, code, err = id.newVerificationCode(ctx, tx, store.TokenEmailVerify, userID, tenantID,
			verificationCodeData{Purpose: purposeAddEmail, Email: email, EmailID: rec.ID}, sameEmail(purposeAddEmail, email))
		return err
	})
	if err != nil {
		return nil, err
	}
	if code != "" {
		id.sendEmail(ctx, emailVerificationEmail(u, email, code, VerificationCodeTTL))
	}
	v := userEmailView(rec)
	return &v, nil
}

// sameEmail matches verification codes of purpose for email.
func sameEmail(purpose, email string) func(verificationCodeData) bool {
	return func(d verificationCodeData) bool { return d.Purpose == purpose && d.Email == email }
}

// VerifyMyEmail verifies one of the acting user's additional e-mail
// addresses with the code e-mailed to it. Codes expire, work once and
// tolerate MaxCodeAttempts wrong guesses (then
// ErrTooManyAttempts). Verifying a verified address does nothing.
func (id *Identity) VerifyMyEmail(ctx context.Context, p *Principal, email, code string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if email, err = normalizeEmail("email", email); err != nil {
		return err
	}
	rec, err := id.store.GetUserEmailByAddress(ctx, id.envID, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.UserID != userID) {
		return notFound("%s is not an e-mail of the user", email)
	}
	if err != nil {
		return err
	}
	if rec.Verified {
		return nil
	}
	t, _, err := id.findVerificationCode(ctx, store.TokenEmailVerify, userID, sameEmail(purposeAddEmail, email))
	if err != nil {
		return err
	}
	if err := id.checkVerificationCode(ctx, t, code); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.consumeVerificationCode(ctx, tx, t); err != nil {
			return err
		}
		rec, err := tx.GetUserEmail(ctx, id.envID, rec.ID)
		if err != nil {
			return storeErr(err, "e-mail "+email)
		}
		rec.Verified, rec.UpdatedAt = true, id.now()
		return tx.UpdateUserEmail(ctx, rec)
	})
}

// DeleteMyEmail removes one of the acting user's additional e-mail
// addresses. The primary address cannot be removed: make another one
// primary first.
func (id *Identity) DeleteMyEmail(ctx context.Context, p *Principal, emailID string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	return id.deleteEmail(ctx, userID, emailID)
}

// DeleteUserEmail removes an additional e-mail address of a user, as the
// environment does.
func (id *Identity) DeleteUserEmail(ctx context.Context, userID, emailID string) error {
	return id.deleteEmail(ctx, userID, emailID)
}

func (id *Identity) deleteEmail(ctx context.Context, userID, emailID string) error {
	if emailID == "" {
		return invalid("emailId", "emailId is required")
	}
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return storeErr(err, "user "+userID)
	}
	if emailID == userID {
		return invalid("emailId", "the primary e-mail cannot be deleted; make another e-mail primary first")
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		rec, err := tx.GetUserEmail(ctx, id.envID, emailID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && rec.UserID != userID) {
			return notFound("e-mail %s not found", emailID)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteUserEmail(ctx, id.envID, emailID); err != nil {
			return storeErr(err, "e-mail "+emailID)
		}
		return id.retireVerificationCodes(ctx, tx, store.TokenEmailVerify, userID, sameEmail(purposeAddEmail, lower(rec.Email)))
	})
}

// SetMyPrimaryEmail makes one of the acting user's verified additional
// e-mail addresses its primary one; the former primary address stays as an
// additional one.
func (id *Identity) SetMyPrimaryEmail(ctx context.Context, p *Principal, email string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if err := id.checkEmailChangeAllowed(ctx); err != nil {
		return err
	}
	return id.setPrimaryEmail(ctx, userID, email)
}

// SetUserPrimaryEmail is SetMyPrimaryEmail for any user, as the
// environment does.
func (id *Identity) SetUserPrimaryEmail(ctx context.Context, userID, email string) error {
	return id.setPrimaryEmail(ctx, userID, email)
}

// setPrimaryEmail swaps the user's primary e-mail with its verified
// additional address email, in one transaction: the address is held by the
// same user throughout, so the uniqueness rule never breaks.
func (id *Identity) setPrimaryEmail(ctx context.Context, userID, email string) error {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		u, err := tx.GetUser(ctx, id.envID, userID)
		if err != nil {
			return storeErr(err, "user "+userID)
		}
		if lower(u.Email) == email {
			return nil
		}
		rec, err := tx.GetUserEmailByAddress(ctx, id.envID, email)
		if errors.Is(err, store.ErrNotFound) || (err == nil && rec.UserID != userID) {
			return notFound("%s is not an e-mail of the user", email)
		}
		if err != nil {
			return err
		}
		if !rec.Verified {
			return invalid("email", "only a verified e-mail can become primary; verify %s first", email)
		}
		if err := tx.DeleteUserEmail(ctx, id.envID, rec.ID); err != nil {
			return err
		}
		now := id.now()
		old, oldVerified := u.Email, u.Verified
		u.Email, u.Verified, u.UpdatedAt = rec.Email, true, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errEmailTaken(err)
			}
			return err
		}
		if old == "" {
			return nil
		}
		return tx.AddUserEmail(ctx, &store.UserEmail{ID: id.newID(), EnvID: id.envID, UserID: userID, Email: old,
			Verified: oldVerified, CreatedAt: now, UpdatedAt: now})
	})
}

// EmailQuery selects a page of ListEmails.
type EmailQuery struct {
	PageQuery
	// Email keeps one address (case-insensitive).
	Email string
	// UserIDs, when non-empty, keeps these users' addresses.
	UserIDs []string
}

// ListEmails lists e-mail addresses, primary and additional, sortable by
// userId or email. The environment token sees the whole environment, or
// the tenant it names; a user sees the users of its tenant and needs
// fe.secure.read.users.
func (id *Identity) ListEmails(ctx context.Context, p *Principal, q EmailQuery) (*Page[UserEmail], error) {
	pq, err := q.PageQuery.normalize("userId", "email")
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
	es, err := id.store.ListEmails(ctx, id.envID, store.EmailFilter{Email: lower(q.Email), UserIDs: scope})
	if err != nil {
		return nil, err
	}
	return sortPage(userEmailViews(es), pq, map[string]func(*UserEmail) string{
		"userId": func(e *UserEmail) string { return e.UserID },
		"email":  func(e *UserEmail) string { return e.Email },
	}), nil
}

// RequestMyEmailChange starts changing the acting user's primary e-mail
// address: it e-mails a code to the new address, which must not be in use
// by anyone else. The change happens on ConfirmMyEmailChange.
func (id *Identity) RequestMyEmailChange(ctx context.Context, p *Principal, email string) error {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return err
	}
	if err := id.checkEmailChangeAllowed(ctx); err != nil {
		return err
	}
	if email, err = normalizeEmail("email", email); err != nil {
		return err
	}
	var u *store.User
	var code string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if u, err = tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		if lower(u.Email) == email {
			return invalid("email", "%s is already the user's e-mail", email)
		}
		if err := id.checkEmailFree(ctx, tx, userID, email); err != nil {
			return err
		}
		_, code, err = id.newVerificationCode(ctx, tx, store.TokenEmailVerify, userID, tenantID,
			verificationCodeData{Purpose: purposeChangeEmail, Email: email},
			func(d verificationCodeData) bool { return d.Purpose == purposeChangeEmail })
		return err
	})
	if err != nil {
		return err
	}
	id.sendEmail(ctx, emailChangeEmail(u, email, code, VerificationCodeTTL))
	return nil
}

// checkEmailFree refuses an address held by a user other than userID.
func (id *Identity) checkEmailFree(ctx context.Context, st store.Store, userID, email string) error {
	owner, err := st.GetUserByEmail(ctx, id.envID, email)
	if err == nil && owner.ID != userID {
		return errEmailTaken(nil)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	rec, err := st.GetUserEmailByAddress(ctx, id.envID, email)
	if err == nil && rec.UserID != userID {
		return errEmailTaken(nil)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// ConfirmMyEmailChange completes RequestMyEmailChange with the code sent to
// the new address: the address becomes the user's (verified) primary
// e-mail, replacing the old one, which is told of the change.
func (id *Identity) ConfirmMyEmailChange(ctx context.Context, p *Principal, email, code string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if err := id.checkEmailChangeAllowed(ctx); err != nil {
		return err
	}
	if email, err = normalizeEmail("email", email); err != nil {
		return err
	}
	t, _, err := id.findVerificationCode(ctx, store.TokenEmailVerify, userID, sameEmail(purposeChangeEmail, email))
	if err != nil {
		return err
	}
	if err := id.checkVerificationCode(ctx, t, code); err != nil {
		return err
	}
	var u *store.User
	var old string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.consumeVerificationCode(ctx, tx, t); err != nil {
			return err
		}
		var err error
		if u, err = tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		old = u.Email
		return id.replacePrimaryEmail(ctx, tx, u, email, true)
	})
	if err != nil {
		return err
	}
	if old != "" {
		id.sendEmail(ctx, emailChangedEmail(u, old))
	}
	return nil
}

// replacePrimaryEmail makes email the primary address of u in tx; the old
// primary address goes. When email is an additional address of u, that
// entry goes too. verified sets u.Verified when true.
func (id *Identity) replacePrimaryEmail(ctx context.Context, tx store.Store, u *store.User, email string, verified bool) error {
	rec, err := tx.GetUserEmailByAddress(ctx, id.envID, email)
	switch {
	case err == nil && rec.UserID == u.ID:
		if err := tx.DeleteUserEmail(ctx, id.envID, rec.ID); err != nil {
			return err
		}
		verified = verified || rec.Verified
	case err == nil:
		return errEmailTaken(nil)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	u.Email, u.UpdatedAt = email, id.now()
	if verified {
		u.Verified = true
	}
	if err := tx.UpdateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return errEmailTaken(err)
		}
		return storeErr(err, "user "+u.ID)
	}
	return nil
}

// ChangeUserEmail sets a user's primary e-mail address, as the environment
// does: at once, without verification. The address must not be in use by
// another user.
func (id *Identity) ChangeUserEmail(ctx context.Context, userID, email string) (*User, error) {
	email, err := normalizeEmail("email", email)
	if err != nil {
		return nil, err
	}
	var rec *userRecord
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if rec, err = id.loadUser(ctx, tx, userID); err != nil {
			return err
		}
		if lower(rec.user.Email) == email {
			return nil
		}
		return id.replacePrimaryEmail(ctx, tx, rec.user, email, false)
	})
	if err != nil {
		return nil, err
	}
	return id.userView(ctx, id.store, rec, "")
}
