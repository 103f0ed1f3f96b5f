package identity

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Verification codes are the short one-time codes e-mailed or texted to
// prove an address or a phone number. They are stored hashed, expire after
// VerificationCodeTTL, work once, and tolerate MaxCodeAttempts wrong
// guesses before they stop working; asking for a new code retires the
// earlier ones for the same address. They are CodeDigits long.

// VerificationCodeTTL is how long a verification code stays valid.
const VerificationCodeTTL = 15 * time.Minute

// Purposes of verification codes, recorded in the token's data.
const (
	purposeAddEmail    = "add-email"
	purposeChangeEmail = "change-email"
	purposeAddPhone    = "add-phone"
	purposeDeletePhone = "delete-phone"
)

// verificationCodeData is the (non-secret) state a verification code carries.
type verificationCodeData struct {
	Purpose string `json:"purpose"`
	Email   string `json:"email,omitempty"`
	EmailID string `json:"emailId,omitempty"`
	Phone   string `json:"phoneNumber,omitempty"`
	PhoneID string `json:"phoneId,omitempty"`
}

func decodeVerificationCodeData(t *store.OneTimeToken) verificationCodeData {
	var d verificationCodeData
	if json.Unmarshal([]byte(t.Data), &d) != nil {
		return verificationCodeData{}
	}
	return d
}

// verificationCodeHash is the stored form of code: bound to its token id, so that equal
// codes of different tokens never share a hash.
func verificationCodeHash(tokenID, code string) []byte {
	return tokens.HashSecret(tokenID + ":" + code)
}

// newVerificationCode retires userID's earlier codes of kind whose data
// matches same, then creates a new one carrying data in tx. It returns the
// token id (the handle a client sends back with the code) and the code.
func (id *Identity) newVerificationCode(ctx context.Context, tx store.Store, kind, userID, tenantID string,
	data verificationCodeData, same func(verificationCodeData) bool) (tokenID, code string, err error) {
	tokenID = id.newID()
	code, err = id.newVerificationCodeWithID(ctx, tx, tokenID, kind, userID, tenantID, data, same)
	return tokenID, code, err
}

// newVerificationCodeWithID is newVerificationCode for a token id chosen
// by the caller (one it handed out before the code existed).
func (id *Identity) newVerificationCodeWithID(ctx context.Context, tx store.Store, tokenID, kind, userID, tenantID string,
	data verificationCodeData, same func(verificationCodeData) bool) (code string, err error) {
	if err := id.retireVerificationCodes(ctx, tx, kind, userID, same); err != nil {
		return "", err
	}
	code, err = tokens.NewCode(id.rand, CodeDigits)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "", err
	}
	now := id.now()
	err = tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: tokenID, EnvID: id.envID, Kind: kind, UserID: userID, TenantID: tenantID,
		Hash: verificationCodeHash(tokenID, code), Data: string(b), CreatedAt: now, ExpiresAt: now.Add(VerificationCodeTTL),
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// retireVerificationCodes marks userID's unused codes of kind whose data matches same
// as used, so that they stop working.
func (id *Identity) retireVerificationCodes(ctx context.Context, tx store.Store, kind, userID string, same func(verificationCodeData) bool) error {
	ts, err := tx.ListUserOneTimeTokens(ctx, userID, kind)
	if err != nil {
		return err
	}
	for i := range ts {
		if ts[i].UsedAt != nil || !same(decodeVerificationCodeData(&ts[i])) {
			continue
		}
		if err := tx.ConsumeOneTimeToken(ctx, ts[i].ID, id.now()); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}

// findVerificationCode returns userID's newest unused code of kind whose data matches
// want, or an invalid-code error.
func (id *Identity) findVerificationCode(ctx context.Context, kind, userID string, want func(verificationCodeData) bool) (*store.OneTimeToken, verificationCodeData, error) {
	ts, err := id.store.ListUserOneTimeTokens(ctx, userID, kind)
	if err != nil {
		return nil, verificationCodeData{}, err
	}
	// Oldest first: the newest match is the last one.
	for i := len(ts) - 1; i >= 0; i-- {
		if d := decodeVerificationCodeData(&ts[i]); ts[i].UsedAt == nil && ts[i].EnvID == id.envID && want(d) {
			return &ts[i], d, nil
		}
	}
	return nil, verificationCodeData{}, errBadVerificationCode()
}

func errBadVerificationCode() error { return invalid("code", "invalid or expired code") }

// checkVerificationCode verifies code against t. A wrong code counts against the
// attempt limit; the wrong attempt that reaches it ends the code.
func (id *Identity) checkVerificationCode(ctx context.Context, t *store.OneTimeToken, code string) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return invalid("code", "code is required")
	}
	if t.UsedAt != nil || !id.now().Before(t.ExpiresAt) {
		return errBadVerificationCode()
	}
	tooMany := &Error{Kind: ErrTooManyAttempts, Code: CodeTooMany, Field: "code",
		Message: "too many wrong codes; request a new code"}
	if t.Attempts >= MaxCodeAttempts {
		return tooMany
	}
	if tokens.EqualHash(t.Hash, verificationCodeHash(t.ID, code)) {
		return nil
	}
	n, err := id.store.IncrementOneTimeTokenAttempts(ctx, t.ID)
	if err != nil {
		return storeErr(err, "code")
	}
	if n >= MaxCodeAttempts {
		if err := id.store.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
		return tooMany
	}
	return invalid("code", "invalid code")
}

// consumeVerificationCode uses t up in tx; a code used concurrently is invalid.
func (id *Identity) consumeVerificationCode(ctx context.Context, tx store.Store, t *store.OneTimeToken) error {
	err := tx.ConsumeOneTimeToken(ctx, t.ID, id.now())
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
		return errBadVerificationCode()
	}
	return err
}
