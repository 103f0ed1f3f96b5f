package identity

import (
	"context"
	"errors"
	"time"

	"github.com/yolkauth/yolk/store"
)

// PhoneNumber is a phone number of a user's profile
// (UserPhoneNumberResponseDto). These are not MFA devices: they are the
// numbers a user proved it owns by an SMS code.
type PhoneNumber struct {
	ID          string    `json:"id"`
	UserID      string    `json:"userId"`
	PhoneNumber string    `json:"phoneNumber"`
	Verified    bool      `json:"verified"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func phoneView(p *store.UserPhoneNumber) PhoneNumber {
	return PhoneNumber{ID: p.ID, UserID: p.UserID, PhoneNumber: p.PhoneNumber, Verified: p.Verified,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func phoneViews(ps []store.UserPhoneNumber) []PhoneNumber {
	out := make([]PhoneNumber, len(ps))
	for i := range ps {
		out[i] = phoneView(&ps[i])
	}
	return out
}

// PhoneNumberCreated answers adding or pre-verifying a phone number
// (UserPhoneNumberCreatedResponseDto): the number's id when one was saved,
// and the token to send back with the texted code when one was sent.
type PhoneNumberCreated struct {
	ID       string `json:"id,omitempty"`
	OTCToken string `json:"otcToken,omitempty"`
}

// PhoneNumberDeletion answers a request to delete a phone number
// (UserPhoneNumberDeleteCodeResponseDto). OTCToken is empty when the number
// was unverified and so deleted at once.
type PhoneNumberDeletion struct {
	PhoneID  string `json:"phoneId"`
	OTCToken string `json:"otcToken,omitempty"`
}

// samePhone matches verification codes of purpose for phone.
func samePhone(purpose, phone string) func(verificationCodeData) bool {
	return func(d verificationCodeData) bool { return d.Purpose == purpose && d.Phone == phone }
}

// userPhone returns the number of userID with id, or ErrNotFound.
func (id *Identity) userPhone(ctx context.Context, st store.Store, userID, phoneID string) (*store.UserPhoneNumber, error) {
	if phoneID == "" {
		return nil, invalid("id", "phone number id is required")
	}
	p, err := st.GetPhoneNumber(ctx, id.envID, phoneID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.UserID != userID) {
		return nil, notFound("phone number %s not found", phoneID)
	}
	return p, err
}

// userPhoneByNumber returns userID's entry of number, or nil.
func (id *Identity) userPhoneByNumber(ctx context.Context, st store.Store, userID, number string) (*store.UserPhoneNumber, error) {
	ps, err := st.ListUserPhoneNumbers(ctx, id.envID, userID)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].PhoneNumber == number {
			return &ps[i], nil
		}
	}
	return nil, nil
}

// MyPhoneNumbers returns the acting user's phone numbers, oldest first.
func (id *Identity) MyPhoneNumbers(ctx context.Context, p *Principal) ([]PhoneNumber, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	if _, err := id.store.GetUser(ctx, id.envID, userID); err != nil {
		return nil, storeErr(err, "user "+userID)
	}
	ps, err := id.store.ListUserPhoneNumbers(ctx, id.envID, userID)
	if err != nil {
		return nil, err
	}
	return phoneViews(ps), nil
}

// AddPhoneNumberInput adds a phone number (CreateUserPhoneNumberRequestDto).
type AddPhoneNumberInput struct {
	PhoneNumber string `json:"phoneNumber"`
	// Verify sends an SMS code to the number (the default); false saves the
	// number unverified without sending one.
	Verify *bool `json:"verify"`
}

// AddMyPhoneNumber saves an unverified phone number for the acting user and,
// unless in.Verify is false, texts it a code to verify with
// VerifyMyPhoneNumber. Adding an unverified number again sends a new code;
// a number the user already verified is ErrConflict.
func (id *Identity) AddMyPhoneNumber(ctx context.Context, p *Principal, in AddPhoneNumberInput) (*PhoneNumberCreated, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	number, err := normalizePhone("phoneNumber", in.PhoneNumber)
	if err != nil {
		return nil, err
	}
	verify := in.Verify == nil || *in.Verify
	out := &PhoneNumberCreated{}
	var code string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		ph, err := id.userPhoneByNumber(ctx, tx, userID, number)
		if err != nil {
			return err
		}
		switch {
		case ph == nil:
			now := id.now()
			ph = &store.UserPhoneNumber{ID: id.newID(), EnvID: id.envID, UserID: userID, PhoneNumber: number, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePhoneNumber(ctx, ph); err != nil {
				return storeErr(err, "phone number")
			}
		case ph.Verified:
			return conflict("", "%s is already a verified phone number of the user", number)
		}
		out.ID = ph.ID
		if !verify {
			return nil
		}
		out.OTCToken, code, err = id.newVerificationCode(ctx, tx, store.TokenPhoneVerify, userID, tenantID,
			verificationCodeData{Purpose: purposeAddPhone, Phone: number, PhoneID: ph.ID}, samePhone(purposeAddPhone, number))
		return err
	})
	if err != nil {
		return nil, err
	}
	if code != "" {
		id.sendPhoneSMS(ctx, phoneCodeSMS(number, code, false, VerificationCodeTTL))
	}
	return out, nil
}

// PreVerifyMyPhoneNumber texts a code to a phone number the acting user
// wants to add; VerifyMyPhoneNumber with the returned OTCToken and the
// code adds it, verified. Nothing is saved before that.
func (id *Identity) PreVerifyMyPhoneNumber(ctx context.Context, p *Principal, phoneNumber string) (*PhoneNumberCreated, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	number, err := normalizePhone("phoneNumber", phoneNumber)
	if err != nil {
		return nil, err
	}
	out := &PhoneNumberCreated{}
	var code string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		ph, err := id.userPhoneByNumber(ctx, tx, userID, number)
		if err != nil {
			return err
		}
		if ph != nil && ph.Verified {
			return conflict("", "%s is already a verified phone number of the user", number)
		}
		data := verificationCodeData{Purpose: purposeAddPhone, Phone: number}
		if ph != nil {
			data.PhoneID = ph.ID
		}
		out.OTCToken, code, err = id.newVerificationCode(ctx, tx, store.TokenPhoneVerify, userID, tenantID,
			data, samePhone(purposeAddPhone, number))
		return err
	})
	if err != nil {
		return nil, err
	}
	id.sendPhoneSMS(ctx, phoneCodeSMS(number, code, false, VerificationCodeTTL))
	return out, nil
}

// phoneCode returns the acting user's unused phone code of purpose whose
// handle is otcToken, or an invalid-token error.
func (id *Identity) phoneCode(ctx context.Context, userID, otcToken, purpose string) (*store.OneTimeToken, verificationCodeData, error) {
	bad := invalid("otcToken", "invalid or expired otcToken")
	if otcToken == "" {
		return nil, verificationCodeData{}, invalid("otcToken", "otcToken is required")
	}
	t, err := id.store.GetOneTimeToken(ctx, otcToken)
	if errors.Is(err, store.ErrNotFound) {
		return nil, verificationCodeData{}, bad
	}
	if err != nil {
		return nil, verificationCodeData{}, err
	}
	d := decodeVerificationCodeData(t)
	if t.Kind != store.TokenPhoneVerify || t.EnvID != id.envID || t.UserID != userID || d.Purpose != purpose {
		return nil, verificationCodeData{}, bad
	}
	return t, d, nil
}

// VerifyMyPhoneNumber proves a phone number with the texted code: the
// number becomes a verified number of the acting user (saved now if it was
// only pre-verified). Codes expire, work once and tolerate
// MaxCodeAttempts wrong guesses.
func (id *Identity) VerifyMyPhoneNumber(ctx context.Context, p *Principal, otcToken, code string) (*PhoneNumber, error) {
	userID, _, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	t, d, err := id.phoneCode(ctx, userID, otcToken, purposeAddPhone)
	if err != nil {
		return nil, err
	}
	if err := id.checkVerificationCode(ctx, t, code); err != nil {
		return nil, err
	}
	var ph *store.UserPhoneNumber
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.consumeVerificationCode(ctx, tx, t); err != nil {
			return err
		}
		var err error
		if ph, err = id.userPhoneByNumber(ctx, tx, userID, d.Phone); err != nil {
			return err
		}
		now := id.now()
		if ph == nil {
			ph = &store.UserPhoneNumber{ID: id.newID(), EnvID: id.envID, UserID: userID, PhoneNumber: d.Phone,
				Verified: true, CreatedAt: now, UpdatedAt: now}
			return storeErr(tx.CreatePhoneNumber(ctx, ph), "phone number")
		}
		if ph.Verified {
			return nil
		}
		ph.Verified, ph.UpdatedAt = true, now
		return tx.UpdatePhoneNumber(ctx, ph)
	})
	if err != nil {
		return nil, err
	}
	v := phoneView(ph)
	return &v, nil
}

// DeleteMyPhoneNumber starts removing one of the acting user's phone
// numbers: a verified number gets an SMS code, and goes on
// VerifyDeleteMyPhoneNumber; an unverified one goes at once.
func (id *Identity) DeleteMyPhoneNumber(ctx context.Context, p *Principal, phoneID string) (*PhoneNumberDeletion, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, err
	}
	out := &PhoneNumberDeletion{PhoneID: phoneID}
	var number, code string
	err = id.store.InTx(ctx, func(tx store.Store) error {
		ph, err := id.userPhone(ctx, tx, userID, phoneID)
		if err != nil {
			return err
		}
		number = ph.PhoneNumber
		if !ph.Verified {
			if err := tx.DeletePhoneNumber(ctx, id.envID, ph.ID); err != nil {
				return err
			}
			return id.retireVerificationCodes(ctx, tx, store.TokenPhoneVerify, userID, samePhone(purposeAddPhone, number))
		}
		out.OTCToken, code, err = id.newVerificationCode(ctx, tx, store.TokenPhoneVerify, userID, tenantID,
			verificationCodeData{Purpose: purposeDeletePhone, Phone: number, PhoneID: ph.ID},
			func(d verificationCodeData) bool { return d.Purpose == purposeDeletePhone && d.PhoneID == phoneID })
		return err
	})
	if err != nil {
		return nil, err
	}
	if code != "" {
		id.sendPhoneSMS(ctx, phoneCodeSMS(number, code, true, VerificationCodeTTL))
	}
	return out, nil
}

// VerifyDeleteMyPhoneNumber removes the acting user's phone number phoneID
// with the code DeleteMyPhoneNumber texted to it.
func (id *Identity) VerifyDeleteMyPhoneNumber(ctx context.Context, p *Principal, phoneID, otcToken, code string) error {
	userID, _, err := requireUser(p)
	if err != nil {
		return err
	}
	if _, err := id.userPhone(ctx, id.store, userID, phoneID); err != nil {
		return err
	}
	t, d, err := id.phoneCode(ctx, userID, otcToken, purposeDeletePhone)
	if err != nil {
		return err
	}
	if d.PhoneID != phoneID {
		return invalid("otcToken", "the otcToken is for another phone number")
	}
	if err := id.checkVerificationCode(ctx, t, code); err != nil {
		return err
	}
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := id.consumeVerificationCode(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.DeletePhoneNumber(ctx, id.envID, phoneID); err != nil {
			return storeErr(err, "phone number "+phoneID)
		}
		return nil
	})
}

// PhoneNumberQuery selects a page of ListPhoneNumbers.
type PhoneNumberQuery struct {
	PageQuery
	// PhoneNumber keeps one number (E.164).
	PhoneNumber string
	// UserIDs, when non-empty, keeps these users' numbers.
	UserIDs []string
}

// MaxPhoneNumberPageLimitV2 is the largest _limit of ListPhoneNumbersV2.
const MaxPhoneNumberPageLimitV2 = 250

// ListPhoneNumbers lists the environment's phone numbers, sortable by
// userId or phoneNumber (the v1 listing).
func (id *Identity) ListPhoneNumbers(ctx context.Context, q PhoneNumberQuery) (*Page[PhoneNumber], error) {
	pq, err := q.PageQuery.normalize("userId", "phoneNumber")
	if err != nil {
		return nil, err
	}
	f := store.PhoneNumberFilter{}
	if q.PhoneNumber != "" {
		if f.PhoneNumber, err = normalizePhone("_phoneNumber", q.PhoneNumber); err != nil {
			return nil, err
		}
	}
	if len(q.UserIDs) > 0 {
		f.UserIDs = q.UserIDs
	}
	ps, err := id.store.ListPhoneNumbers(ctx, id.envID, f)
	if err != nil {
		return nil, err
	}
	return sortPage(phoneViews(ps), pq, map[string]func(*PhoneNumber) string{
		"userId":      func(p *PhoneNumber) string { return p.UserID },
		"phoneNumber": func(p *PhoneNumber) string { return p.PhoneNumber },
	}), nil
}

// ListPhoneNumbersV2 is ListPhoneNumbers with pages of at most
// MaxPhoneNumberPageLimitV2 numbers (the v2 listing).
func (id *Identity) ListPhoneNumbersV2(ctx context.Context, q PhoneNumberQuery) (*Page[PhoneNumber], error) {
	if q.Limit > MaxPhoneNumberPageLimitV2 {
		return nil, invalid("_limit", "_limit must be between 1 and %d", MaxPhoneNumberPageLimitV2)
	}
	return id.ListPhoneNumbers(ctx, q)
}

// AddUserPhoneNumber adds a verified phone number to a user, as the
// environment does (no SMS is sent). A number the user has unverified
// becomes verified; one it has verified is ErrConflict.
func (id *Identity) AddUserPhoneNumber(ctx context.Context, userID, phoneNumber string) (*PhoneNumber, error) {
	number, err := normalizePhone("phoneNumber", phoneNumber)
	if err != nil {
		return nil, err
	}
	var ph *store.UserPhoneNumber
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		var err error
		if ph, err = id.userPhoneByNumber(ctx, tx, userID, number); err != nil {
			return err
		}
		now := id.now()
		switch {
		case ph == nil:
			ph = &store.UserPhoneNumber{ID: id.newID(), EnvID: id.envID, UserID: userID, PhoneNumber: number,
				Verified: true, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreatePhoneNumber(ctx, ph); err != nil {
				return storeErr(err, "phone number")
			}
		case ph.Verified:
			return conflict("", "%s is already a verified phone number of the user", number)
		default:
			ph.Verified, ph.UpdatedAt = true, now
			if err := tx.UpdatePhoneNumber(ctx, ph); err != nil {
				return err
			}
		}
		return id.retireVerificationCodes(ctx, tx, store.TokenPhoneVerify, userID, samePhone(purposeAddPhone, number))
	})
	if err != nil {
		return nil, err
	}
	v := phoneView(ph)
	return &v, nil
}

// DeleteUserPhoneNumber removes a user's phone number without
// verification, as the environment does.
func (id *Identity) DeleteUserPhoneNumber(ctx context.Context, userID, phoneID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		ph, err := id.userPhone(ctx, tx, userID, phoneID)
		if err != nil {
			return err
		}
		if err := tx.DeletePhoneNumber(ctx, id.envID, ph.ID); err != nil {
			return storeErr(err, "phone number "+phoneID)
		}
		return id.retireVerificationCodes(ctx, tx, store.TokenPhoneVerify, userID,
			func(d verificationCodeData) bool { return d.PhoneID == phoneID })
	})
}
