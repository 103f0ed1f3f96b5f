package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yolkauth/yolk/delivery"
	"github.com/yolkauth/yolk/mfa"
	"github.com/yolkauth/yolk/policy"
	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// Authentication method references of second factors (RFC 8176): a code
// from an authenticator app, an e-mail or a recovery code is "otp", a code
// by SMS "sms", a WebAuthn authenticator "hwk".
const (
	AMROTP         = "otp"
	AMRSMS         = "sms"
	AMRHardwareKey = "hwk"
)

// MFA limits.
const (
	// MFATokenTTL is how long the MFA step of a login may take.
	MFATokenTTL = 10 * time.Minute
	// MaxMFAAttempts wrong second-factor codes within MFALockoutWindow lock
	// the user (a vendor unlocks it); an MFA step or a one-time code dies
	// after as many wrong tries.
	MaxMFAAttempts = 5
	// MFALockoutWindow is the window MaxMFAAttempts are counted in.
	MFALockoutWindow = 15 * time.Minute
	// WebAuthnCeremonyTTL is how long a WebAuthn ceremony may take.
	WebAuthnCeremonyTTL = 5 * time.Minute
	// pendingEnrolmentTTL is how long an authenticator app may take to be
	// confirmed after its QR code was shown.
	pendingEnrolmentTTL = 15 * time.Minute
	// RecoveryCodeTTL is how long a recovery code stays valid.
	RecoveryCodeTTL = 10 * 365 * 24 * time.Hour
)

// Error codes of the MFA flows.
const (
	CodeInvalidMFAToken = "ER-01301"
	CodeInvalidMFACode  = "ER-01302"
	CodeMFANotAllowed   = "ER-01303"
	CodeMFAStrategyOff  = "ER-01304"
	CodeMFAAttempts     = "ER-01305"
)

// One-time token kinds of the MFA flows (store.TokenMFA is the MFA step of
// a login).
const (
	kindMFACode     = "mfa-code"     // an SMS or e-mail code challenge; its id is the otcToken
	kindMFAWebAuthn = "mfa-webauthn" // a WebAuthn ceremony's state
	kindMFARecovery = "mfa-recovery" // a recovery code
	kindMFARemember = "mfa-remember" // a remembered device
	kindMFAFailures = "mfa-failures" // the user's recent wrong codes
)

// Purposes of code challenges and WebAuthn ceremonies.
const (
	purposeLoginSMS      = "login-sms"
	purposeLoginEmail    = "login-email"
	purposeEnrollSMS     = "enroll-sms"
	purposeDisableSMS    = "disable-sms"
	purposeLoginWebAuthn = "login-webauthn"
	purposeEnrollWA      = "enroll-webauthn"
)

// MFADevices lists a user's second factors (UserMFADevicesResponse).
type MFADevices struct {
	WebAuthn       []MFAWebAuthnDevice      `json:"webauthn"`
	Phones         []MFAPhoneDevice         `json:"phones"`
	Authenticators []MFAAuthenticatorDevice `json:"authenticators"`
	Emails         []MFAEmailDevice         `json:"emails"`
}

// MFAWebAuthnDevice is a WebAuthn authenticator of the user.
type MFAWebAuthnDevice struct {
	ID         string `json:"id"`
	DeviceType string `json:"deviceType"`
	Name       string `json:"name"`
}

// MFAPhoneDevice is a phone receiving SMS codes; the number is masked.
type MFAPhoneDevice struct {
	ID          string `json:"id"`
	PhoneNumber string `json:"phoneNumber"`
}

// MFAAuthenticatorDevice is an authenticator app.
type MFAAuthenticatorDevice struct {
	ID string `json:"id"`
}

// MFAEmailDevice is the e-mail address codes can be sent to.
type MFAEmailDevice struct {
	Email string `json:"email"`
}

// RememberedDevice is a remember-device token handed out by an MFA login.
type RememberedDevice struct {
	Token     string
	ExpiresAt time.Time
	// Lifetime is ExpiresAt less the time it was handed out.
	Lifetime time.Duration
}

// --- helpers shared by the login and the self-service flows ---

func errWrongCode(field string) error {
	return &Error{Kind: ErrInvalidInput, Code: CodeInvalidMFACode, Field: field, Message: "invalid or expired " + field}
}

func errStrategyOff(strategy string) error {
	return forbidden(CodeMFAStrategyOff, "the %s MFA strategy is not active", strategy)
}

// strategyOf is the strategy a device belongs to.
func strategyOf(d *store.MFADevice) string {
	switch d.Kind {
	case store.MFAAuthenticator:
		return StrategyAuthenticatorApp
	case store.MFASMS:
		return StrategySMS
	case store.MFAWebAuthn:
		if d.DeviceType == mfa.DevicePlatform {
			return StrategyWebAuthnPlatform
		}
		return StrategyWebAuthnCrossPlatform
	}
	return ""
}

// hasMFA reports whether the user has an enrolled (not pending) device.
func (id *Identity) hasMFA(ctx context.Context, st store.Store, userID string) (bool, error) {
	ds, err := st.ListUserMFADevices(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, d := range ds {
		if !d.Pending {
			return true, nil
		}
	}
	return false, nil
}

// factors returns the user's enrolled devices whose strategy is active.
func (id *Identity) factors(ctx context.Context, st store.Store, userID string, active map[string]bool) ([]store.MFADevice, error) {
	ds, err := st.ListUserMFADevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := ds[:0]
	for _, d := range ds {
		if !d.Pending && active[strategyOf(&d)] {
			out = append(out, d)
		}
	}
	return out, nil
}

// maskPhone hides all but the last four digits.
func maskPhone(p string) string {
	if len(p) <= 5 {
		return p
	}
	return "+" + strings.Repeat("*", len(p)-5) + p[len(p)-4:]
}

func deviceList(ds []store.MFADevice, email string) *MFADevices {
	out := &MFADevices{WebAuthn: []MFAWebAuthnDevice{}, Phones: []MFAPhoneDevice{}, Authenticators: []MFAAuthenticatorDevice{}, Emails: []MFAEmailDevice{}}
	for _, d := range ds {
		switch d.Kind {
		case store.MFAAuthenticator:
			out.Authenticators = append(out.Authenticators, MFAAuthenticatorDevice{ID: d.ID})
		case store.MFASMS:
			out.Phones = append(out.Phones, MFAPhoneDevice{ID: d.ID, PhoneNumber: maskPhone(d.PhoneNumber)})
		case store.MFAWebAuthn:
			out.WebAuthn = append(out.WebAuthn, MFAWebAuthnDevice{ID: d.ID, DeviceType: d.DeviceType, Name: d.Name})
		}
	}
	if email != "" {
		out.Emails = append(out.Emails, MFAEmailDevice{Email: email})
	}
	return out
}

// userDevice returns the user's enrolled device id of kind whose strategy
// is active.
func (id *Identity) userDevice(ctx context.Context, userID, deviceID, kind string) (*store.MFADevice, error) {
	d, err := id.store.GetMFADevice(ctx, id.envID, deviceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (d.UserID != userID || d.Kind != kind || d.Pending)) {
		return nil, notFound("MFA device %s not found", deviceID)
	}
	if err != nil {
		return nil, err
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if s := strategyOf(d); !active[s] {
		return nil, errStrategyOff(s)
	}
	return d, nil
}

// countMFAFailure records a wrong second-factor code of the user; the
// MaxMFAAttempts-th within MFALockoutWindow locks the user. It returns the
// error to answer: wrong (a wrong-code error on field) or, once locked, a
// lockout.
func (id *Identity) countMFAFailure(ctx context.Context, userID string, wrong error) error {
	n, err := id.countFailure(ctx, kindMFAFailures, userID, MFALockoutWindow)
	if err != nil {
		return err
	}
	if n < MaxMFAAttempts {
		return wrong
	}
	if err := id.lockForFailures(ctx, userID, "too many wrong MFA codes"); err != nil {
		return err
	}
	return forbidden(CodeUserLocked, "too many wrong codes; the user is locked")
}

// resetMFAFailures forgets the user's wrong codes after a success.
func (id *Identity) resetMFAFailures(ctx context.Context, userID string) error {
	_, err := id.store.DeleteUserOneTimeTokens(ctx, userID, kindMFAFailures)
	return err
}

// checkTOTP verifies code with the authenticator device d and records its
// time step, so the code cannot be used again.
func (id *Identity) checkTOTP(ctx context.Context, d *store.MFADevice, code string) bool {
	now := id.now()
	step, ok := mfa.VerifyTOTP(d.Secret, code, now, d.Counter)
	if !ok {
		return false
	}
	return id.store.UseMFADevice(ctx, d.ID, step, now) == nil
}

// --- code challenges (SMS and e-mail) ---

type codeData struct {
	Purpose     string `json:"purpose"`
	DeviceID    string `json:"deviceId,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
	// MFAStep is the id of the login's MFA step the challenge belongs to.
	MFAStep string `json:"mfaStep,omitempty"`
}

// newCodeChallenge stores a code challenge for userID and returns its id
// (the otcToken) and the code to send.
func (id *Identity) newCodeChallenge(ctx context.Context, userID, tenantID string, data codeData, ttl time.Duration) (string, string, error) {
	code, err := mfa.NewCode(id.rand)
	if err != nil {
		return "", "", err
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "", "", err
	}
	now := id.now()
	challenge := id.newID()
	err = id.store.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: challenge, EnvID: id.envID, Kind: kindMFACode, UserID: userID, TenantID: tenantID,
		Hash: mfa.CodeHash(challenge, code), Data: string(b), CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	if err != nil {
		return "", "", err
	}
	return challenge, code, nil
}

// checkCodeChallenge verifies code for challenge otcToken of userID issued
// for purpose and consumes it. Wrong codes count towards the challenge's
// and the user's limits.
func (id *Identity) checkCodeChallenge(ctx context.Context, otcToken, code, userID, purpose string) (*codeData, error) {
	if otcToken == "" {
		return nil, invalid("otcToken", "otcToken is required")
	}
	if code == "" {
		return nil, invalid("code", "code is required")
	}
	t, data, err := id.findCodeChallenge(ctx, otcToken, purpose)
	if err != nil {
		return nil, err
	}
	if t.UserID != userID {
		return nil, errWrongCode("otcToken")
	}
	if t.Attempts >= MaxMFAAttempts {
		return nil, &Error{Kind: ErrTooManyAttempts, Code: CodeMFAAttempts, Field: "code", Message: "too many wrong codes; request a new one"}
	}
	if !tokens.EqualHash(t.Hash, mfa.CodeHash(t.ID, code)) {
		if _, err := id.store.IncrementOneTimeTokenAttempts(ctx, t.ID); err != nil {
			return nil, err
		}
		return nil, id.countMFAFailure(ctx, userID, errWrongCode("code"))
	}
	if err := id.store.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, errWrongCode("code")
		}
		return nil, err
	}
	return data, nil
}

// findCodeChallenge loads an unused, unexpired challenge of purpose.
func (id *Identity) findCodeChallenge(ctx context.Context, otcToken, purpose string) (*store.OneTimeToken, *codeData, error) {
	t, err := id.store.GetOneTimeToken(ctx, otcToken)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, errWrongCode("otcToken")
	}
	if err != nil {
		return nil, nil, err
	}
	var data codeData
	if t.Kind != kindMFACode || t.EnvID != id.envID || t.UsedAt != nil || !id.now().Before(t.ExpiresAt) ||
		json.Unmarshal([]byte(t.Data), &data) != nil || data.Purpose != purpose {
		return nil, nil, errWrongCode("otcToken")
	}
	return t, &data, nil
}

func (id *Identity) codeLifetime(ctx context.Context, sms bool) (time.Duration, error) {
	cfg, err := id.mfaConfig(ctx, id.store)
	if err != nil {
		return 0, err
	}
	s := cfg.EmailTokenLifetimeSeconds
	if sms {
		s = cfg.SMSTokenLifetimeSeconds
	}
	if s < DefaultMFACodeLifetime {
		s = DefaultMFACodeLifetime
	}
	return time.Duration(s) * time.Second, nil
}

// sendEmailCode e-mails an MFA code.
func (id *Identity) sendEmailCode(ctx context.Context, u *store.User, code string, ttl time.Duration) error {
	mailer, err := id.currentMailer(ctx)
	if err != nil {
		return err
	}
	if mailer == nil {
		return errors.New("identity: no mailer configured (WithMailer); cannot send the e-mail code")
	}
	cfg, err := id.mfaConfig(ctx, id.store)
	if err != nil {
		return err
	}
	service := cfg.ServiceName
	if cfg.EmailSender != "" {
		service = cfg.EmailSender
	}
	err = mailer.SendEmail(ctx, delivery.Email{
		To:      u.Email,
		Subject: "Your " + service + " verification code",
		Text: "Hello" + greetingName(u) + ",\n\nYour verification code is " + code + ".\n\nIt expires in " +
			fmt.Sprint(int(ttl/time.Minute)) + " minutes. If you did not try to sign in, change your password.\n",
	})
	if err != nil {
		id.log.ErrorContext(ctx, "sending the MFA e-mail code failed", "error", err)
		return fmt.Errorf("identity: sending the e-mail code: %w", err)
	}
	return nil
}

// SMSChallenge is a code sent by SMS: OTCToken identifies it when the code
// is verified (IPreVerifyMFASMSResponse, IPreEnrollMFASMSResponse).
type SMSChallenge struct {
	OTCToken    string `json:"otcToken"`
	PhoneNumber string `json:"phoneNumber"`
}

// EmailChallenge is a code sent by e-mail (IPreVerifyMFAEmailCodeResponse).
type EmailChallenge struct {
	OTCToken string `json:"otcToken"`
}

// smsChallenge creates a challenge and sends its code by SMS to phone.
func (id *Identity) smsChallenge(ctx context.Context, userID, tenantID, field, phone string, data codeData) (*SMSChallenge, error) {
	ttl, err := id.codeLifetime(ctx, true)
	if err != nil {
		return nil, err
	}
	otc, code, err := id.newCodeChallenge(ctx, userID, tenantID, data, ttl)
	if err != nil {
		return nil, err
	}
	if err := id.sendSMSCode(ctx, field, phone, SMSTemplateMFA, code, ttl); err != nil {
		return nil, err
	}
	return &SMSChallenge{OTCToken: otc, PhoneNumber: maskPhone(phone)}, nil
}

// --- WebAuthn ceremonies ---

type ceremonyData struct {
	Purpose  string `json:"purpose"`
	DeviceID string `json:"deviceId,omitempty"`
	MFAStep  string `json:"mfaStep,omitempty"`
	State    string `json:"state"`
}

// WebAuthnChallenge starts a WebAuthn ceremony in the browser: Options go
// to navigator.credentials.create (enrolment) or .get (login), and
// WebAuthnToken comes back with the result (IPreEnrollMFAWebAuthnResponse,
// IPreVerifyMFAWebAuthnResponse).
type WebAuthnChallenge struct {
	WebAuthnToken string          `json:"webauthnToken"`
	Options       json.RawMessage `json:"options"`
}

func (id *Identity) newCeremony(ctx context.Context, userID, tenantID string, data ceremonyData, options json.RawMessage) (*WebAuthnChallenge, error) {
	secret, err := id.newSecret()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	now := id.now()
	err = id.store.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: id.newID(), EnvID: id.envID, Kind: kindMFAWebAuthn, UserID: userID, TenantID: tenantID,
		Hash: tokens.HashSecret(secret), Data: string(b), CreatedAt: now, ExpiresAt: now.Add(WebAuthnCeremonyTTL),
	})
	if err != nil {
		return nil, err
	}
	return &WebAuthnChallenge{WebAuthnToken: secret, Options: options}, nil
}

// takeCeremony loads and consumes the ceremony webauthnToken of userID for
// purpose: a ceremony is finished once, successfully or not.
func (id *Identity) takeCeremony(ctx context.Context, webauthnToken, userID, purpose string) (*ceremonyData, error) {
	bad := errWrongCode("webauthnToken")
	if webauthnToken == "" {
		return nil, invalid("webauthnToken", "webauthnToken is required")
	}
	t, err := id.store.GetOneTimeTokenByHash(ctx, kindMFAWebAuthn, tokens.HashSecret(webauthnToken))
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	var data ceremonyData
	if t.EnvID != id.envID || t.UserID != userID || t.UsedAt != nil || !id.now().Before(t.ExpiresAt) ||
		json.Unmarshal([]byte(t.Data), &data) != nil || data.Purpose != purpose {
		return nil, bad
	}
	if err := id.store.ConsumeOneTimeToken(ctx, t.ID, id.now()); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, bad
		}
		return nil, err
	}
	return &data, nil
}

func waUser(u *store.User) mfa.WebAuthnUser {
	name := u.Email
	if name == "" {
		name = u.Username
	}
	display := u.Name
	if display == "" {
		display = name
	}
	return mfa.WebAuthnUser{ID: u.ID, Name: name, DisplayName: display}
}

// WebAuthnCredential is a browser's WebAuthn answer as the clients send it
// (VerifyNewWebAuthnDeviceRequest, AuthenticateUserWebAuthNDto): the
// credential id and the response members.
type WebAuthnCredential struct {
	ID       string `json:"id"`
	Response struct {
		ClientDataJSON    string `json:"clientDataJSON"`
		AttestationObject string `json:"attestationObject"`
		AuthenticatorData string `json:"authenticatorData"`
		Signature         string `json:"signature"`
		UserHandle        string `json:"userHandle"`
	} `json:"response"`
	DeviceType string `json:"deviceType"`
}

// --- enrolment ---

// AuthenticatorEnrollment is a new authenticator app to scan
// (RequestEnrollAuthenticatorAppMfaResponse): QRCode is a PNG data URL of
// OTPAuthURI.
type AuthenticatorEnrollment struct {
	QRCode     string `json:"qrCode"`
	OTPAuthURI string `json:"otpauthUri"`
}

// startAuthenticatorEnrolment draws a TOTP seed for u as a pending device,
// replacing the user's earlier pending one.
func (id *Identity) startAuthenticatorEnrolment(ctx context.Context, u *store.User) (*AuthenticatorEnrollment, error) {
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[StrategyAuthenticatorApp] {
		return nil, errStrategyOff(StrategyAuthenticatorApp)
	}
	cfg, err := id.mfaConfig(ctx, id.store)
	if err != nil {
		return nil, err
	}
	account := u.Email
	if account == "" {
		account = u.Username
	}
	key, err := mfa.NewTOTPKey(id.rand, cfg.ServiceName, account)
	if err != nil {
		return nil, err
	}
	qr, err := mfa.QRCodeDataURL(key.URI)
	if err != nil {
		return nil, err
	}
	now := id.now()
	err = id.store.InTx(ctx, func(tx store.Store) error {
		ds, err := tx.ListUserMFADevices(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Pending && d.Kind == store.MFAAuthenticator {
				if err := tx.DeleteMFADevice(ctx, id.envID, d.ID); err != nil {
					return err
				}
			}
		}
		return tx.CreateMFADevice(ctx, &store.MFADevice{
			ID: id.newID(), EnvID: id.envID, UserID: u.ID, Kind: store.MFAAuthenticator, Name: "Authenticator app",
			Pending: true, Secret: key.Secret, CreatedAt: now, UpdatedAt: now,
		})
	})
	if err != nil {
		return nil, storeErr(err, "user")
	}
	return &AuthenticatorEnrollment{QRCode: qr, OTPAuthURI: key.URI}, nil
}

// confirmAuthenticator checks code against the user's pending
// authenticator app and returns it, ready to enrol.
func (id *Identity) confirmAuthenticator(ctx context.Context, userID, code, field string) (*store.MFADevice, error) {
	if code == "" {
		return nil, invalid(field, "%s is required", field)
	}
	ds, err := id.store.ListUserMFADevices(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := id.now()
	var pending *store.MFADevice
	for i := range ds {
		if ds[i].Pending && ds[i].Kind == store.MFAAuthenticator && now.Before(ds[i].CreatedAt.Add(pendingEnrolmentTTL)) {
			pending = &ds[i]
		}
	}
	if pending == nil {
		return nil, invalid(field, "no authenticator app is being enrolled; request a new QR code")
	}
	step, ok := mfa.VerifyTOTP(pending.Secret, code, now, 0)
	if !ok {
		return nil, id.countMFAFailure(ctx, userID, errWrongCode(field))
	}
	pending.Pending, pending.Counter, pending.LastUsedAt, pending.UpdatedAt = false, step, &now, now
	return pending, nil
}

// enrol stores d as an enrolled device (creating it, or updating a pending
// one) and replaces the user's recovery code, in one transaction. It
// returns the new recovery code, to be shown once.
func (id *Identity) enrol(ctx context.Context, d *store.MFADevice, create bool) (string, error) {
	code, err := mfa.NewRecoveryCode(id.rand)
	if err != nil {
		return "", err
	}
	now := id.now()
	err = id.store.InTx(ctx, func(tx store.Store) error {
		var err error
		if create {
			err = tx.CreateMFADevice(ctx, d)
		} else {
			err = tx.UpdateMFADevice(ctx, d)
		}
		if err != nil {
			return storeErr(err, "MFA device")
		}
		if _, err := tx.DeleteUserOneTimeTokens(ctx, d.UserID, kindMFARecovery); err != nil {
			return err
		}
		return tx.CreateOneTimeToken(ctx, &store.OneTimeToken{
			ID: id.newID(), EnvID: id.envID, Kind: kindMFARecovery, UserID: d.UserID,
			Hash: mfa.RecoveryCodeHash(code), CreatedAt: now, ExpiresAt: now.Add(RecoveryCodeTTL),
		})
	})
	if err != nil {
		return "", err
	}
	return code, id.resetMFAFailures(ctx, d.UserID)
}

// newDevice returns an enrolled device record of kind for userID.
func (id *Identity) newDevice(userID, kind, name string) *store.MFADevice {
	now := id.now()
	return &store.MFADevice{ID: id.newID(), EnvID: id.envID, UserID: userID, Kind: kind, Name: name, CreatedAt: now, UpdatedAt: now, LastUsedAt: &now}
}

// removeDevice deletes d; the last factor takes the recovery code and the
// remembered devices with it.
func (id *Identity) removeDevice(ctx context.Context, d *store.MFADevice) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := tx.DeleteMFADevice(ctx, id.envID, d.ID); err != nil {
			return storeErr(err, "MFA device")
		}
		left, err := id.hasMFA(ctx, tx, d.UserID)
		if err != nil || left {
			return err
		}
		for _, k := range []string{kindMFARecovery, kindMFARemember} {
			if _, err := tx.DeleteUserOneTimeTokens(ctx, d.UserID, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// --- the MFA step of a login ---

type mfaStepData struct {
	AMR []string `json:"amr"`
	// Enroll is set when the user had no factor and the policy requires
	// one: the step may enrol a first factor.
	Enroll bool `json:"enroll"`
}

// mfaStep is an open MFA step of a login.
type mfaStep struct {
	tok  *store.OneTimeToken
	data mfaStepData
	rec  *userRecord
}

// mfaChallenge decides, after the first factor, whether the login needs a
// second one. It returns nil to let the login finish, or the MFA challenge
// (mfaRequired, mfaToken, the user's devices and the strategies) that
// replaces the tokens.
func (id *Identity) mfaChallenge(ctx context.Context, rec *userRecord, tenantID string, amr []string, client ClientInfo) (*AuthResponse, error) {
	u := rec.user
	if u.MFABypass {
		return nil, nil
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	devices, err := id.factors(ctx, id.store, u.ID, active)
	if err != nil {
		return nil, err
	}
	pol, err := id.mfaPolicyFor(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	subject := policy.MFASubject{SAML: u.Provider == "saml", Enrolled: len(devices) > 0}
	// Where MFA is required and e-mail codes are on, the user's address is
	// a factor it has without enrolling anything.
	emailFactor := active[StrategyEmailCode] && u.Email != "" && (subject.Enrolled || pol.Required(subject))
	subject.Enrolled = subject.Enrolled || emailFactor
	if subject.Enrolled {
		if subject.Remembered, err = id.remembered(ctx, u.ID, client.RememberDeviceToken, pol); err != nil {
			return nil, err
		}
	}
	decision := policy.DecideMFA(pol, subject)
	if decision == policy.MFASkip {
		return nil, nil
	}
	secret, err := id.newSecret()
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(mfaStepData{AMR: amr, Enroll: decision == policy.MFAEnroll})
	if err != nil {
		return nil, err
	}
	now := id.now()
	err = id.store.CreateOneTimeToken(ctx, &store.OneTimeToken{
		ID: id.newID(), EnvID: id.envID, Kind: store.TokenMFA, UserID: u.ID, TenantID: tenantID,
		Hash: tokens.HashSecret(secret), Data: string(data), CreatedAt: now, ExpiresAt: now.Add(MFATokenTTL),
	})
	if err != nil {
		return nil, err
	}
	email := ""
	if emailFactor {
		email = u.Email
	}
	return &AuthResponse{
		TokenType: "bearer", MFARequired: true, MFAToken: secret, MFAEnrolled: decision == policy.MFAVerify,
		MFADevices: deviceList(devices, email), MFAStrategies: activeStrategies(active),
		UserID: u.ID, UserEmail: u.Email, EmailVerified: u.Verified,
	}, nil
}

// remembered reports whether token is a remember-device token of userID
// that the policy still honours.
func (id *Identity) remembered(ctx context.Context, userID, token string, pol policy.MFAPolicy) (bool, error) {
	if token == "" || !pol.AllowRememberDevice {
		return false, nil
	}
	t, err := id.store.GetOneTimeTokenByHash(ctx, kindMFARemember, tokens.HashSecret(token))
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return t.EnvID == id.envID && t.UserID == userID && t.UsedAt == nil &&
		policy.RememberedDeviceValid(pol, t.CreatedAt, t.ExpiresAt, id.now()), nil
}

// openMFAStep loads the MFA step of a login by its mfaToken.
func (id *Identity) openMFAStep(ctx context.Context, mfaToken string) (*mfaStep, error) {
	if mfaToken == "" {
		return nil, invalid("mfaToken", "mfaToken is required")
	}
	bad := unauthorized(CodeInvalidMFAToken, "invalid or expired mfaToken; log in again")
	t, err := id.store.GetOneTimeTokenByHash(ctx, store.TokenMFA, tokens.HashSecret(mfaToken))
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	return id.stepOf(ctx, t, bad)
}

func (id *Identity) stepOf(ctx context.Context, t *store.OneTimeToken, bad error) (*mfaStep, error) {
	var data mfaStepData
	if t.Kind != store.TokenMFA || t.EnvID != id.envID || t.UsedAt != nil || !id.now().Before(t.ExpiresAt) ||
		json.Unmarshal([]byte(t.Data), &data) != nil {
		return nil, bad
	}
	if t.Attempts >= MaxMFAAttempts {
		return nil, &Error{Kind: ErrTooManyAttempts, Code: CodeMFAAttempts, Message: "too many wrong codes; log in again"}
	}
	rec, err := id.loadUser(ctx, id.store, t.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	if rec.user.Locked {
		return nil, forbidden(CodeUserLocked, "user is locked")
	}
	return &mfaStep{tok: t, data: data, rec: rec}, nil
}

// stepByID loads the MFA step a challenge was bound to.
func (id *Identity) stepByID(ctx context.Context, stepID, mfaToken string) (*mfaStep, error) {
	bad := unauthorized(CodeInvalidMFAToken, "invalid or expired mfaToken; log in again")
	if mfaToken != "" {
		s, err := id.openMFAStep(ctx, mfaToken)
		if err != nil {
			return nil, err
		}
		if s.tok.ID != stepID {
			return nil, bad
		}
		return s, nil
	}
	t, err := id.store.GetOneTimeToken(ctx, stepID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	return id.stepOf(ctx, t, bad)
}

// fail records a wrong factor in the step and for the user.
func (id *Identity) fail(ctx context.Context, s *mfaStep, wrong error) error {
	if _, err := id.store.IncrementOneTimeTokenAttempts(ctx, s.tok.ID); err != nil {
		return err
	}
	return id.countMFAFailure(ctx, s.rec.user.ID, wrong)
}

// requireEnrolment refuses to enrol a factor through a step whose user
// already has one: a password alone must never add a second factor.
func (id *Identity) requireEnrolment(ctx context.Context, s *mfaStep) error {
	has, err := id.hasMFA(ctx, id.store, s.rec.user.ID)
	if err != nil {
		return err
	}
	if !s.data.Enroll || has {
		return forbidden(CodeMFANotAllowed, "this login must verify an enrolled factor, not enrol a new one")
	}
	return nil
}

// finish completes the MFA step: the factor joins the session's amr, the
// step is used up, and the session starts. With remember set and the
// policy allowing it, the device is remembered.
func (id *Identity) finish(ctx context.Context, s *mfaStep, factor string, remember bool, client ClientInfo) (*AuthResponse, error) {
	now := id.now()
	if err := id.store.ConsumeOneTimeToken(ctx, s.tok.ID, now); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, unauthorized(CodeInvalidMFAToken, "invalid or expired mfaToken; log in again")
		}
		return nil, err
	}
	if err := id.resetMFAFailures(ctx, s.rec.user.ID); err != nil {
		return nil, err
	}
	rec, err := id.loadUser(ctx, id.store, s.rec.user.ID)
	if err != nil {
		return nil, err
	}
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	tenantID, err := id.checkCanLogin(rec, cfg)
	if err != nil {
		return nil, err
	}
	if m := rec.membership(s.tok.TenantID); m != nil && !m.Disabled && (m.ExpiresAt == nil || m.ExpiresAt.After(now)) {
		tenantID = s.tok.TenantID
	}
	amr := append(append([]string{}, s.data.AMR...), factor)
	res, err := id.startSession(ctx, rec, tenantID, amr, client)
	if err != nil {
		return nil, err
	}
	if remember {
		pol, err := id.mfaPolicyFor(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		if pol.AllowRememberDevice && pol.DeviceExpiration > 0 {
			secret, err := id.newSecret()
			if err != nil {
				return nil, err
			}
			exp := now.Add(pol.DeviceExpiration)
			err = id.store.CreateOneTimeToken(ctx, &store.OneTimeToken{
				ID: id.newID(), EnvID: id.envID, Kind: kindMFARemember, UserID: rec.user.ID, TenantID: tenantID,
				Hash: tokens.HashSecret(secret), CreatedAt: now, ExpiresAt: exp,
			})
			if err != nil {
				return nil, err
			}
			res.RememberDevice = &RememberedDevice{Token: secret, ExpiresAt: exp, Lifetime: pol.DeviceExpiration}
		}
	}
	return res, nil
}

// VerifyMFAInput completes the MFA step with an authenticator-app code
// (VerifyMFAAuthAppRequest: Value is the code).
type VerifyMFAInput struct {
	MFAToken       string `json:"mfaToken"`
	Value          string `json:"value"`
	RememberDevice bool   `json:"rememberDevice"`
}

// VerifyMFAAuthenticator completes the MFA step of a login with a code of
// the authenticator app deviceID, or of any of the user's authenticator
// apps when deviceID is "" (the deprecated route). A code works once.
func (id *Identity) VerifyMFAAuthenticator(ctx context.Context, deviceID string, in VerifyMFAInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if in.Value == "" {
		return nil, invalid("value", "value (the authenticator app's code) is required")
	}
	var candidates []store.MFADevice
	if deviceID != "" {
		d, err := id.userDevice(ctx, s.rec.user.ID, deviceID, store.MFAAuthenticator)
		if err != nil {
			return nil, err
		}
		candidates = []store.MFADevice{*d}
	} else {
		active, err := id.strategies(ctx, id.store)
		if err != nil {
			return nil, err
		}
		all, err := id.factors(ctx, id.store, s.rec.user.ID, active)
		if err != nil {
			return nil, err
		}
		for _, d := range all {
			if d.Kind == store.MFAAuthenticator {
				candidates = append(candidates, d)
			}
		}
		if len(candidates) == 0 {
			return nil, forbidden(CodeMFANotAllowed, "the user has no authenticator app")
		}
	}
	for i := range candidates {
		if id.checkTOTP(ctx, &candidates[i], in.Value) {
			return id.finish(ctx, s, AMROTP, in.RememberDevice, client)
		}
	}
	return nil, id.fail(ctx, s, errWrongCode("value"))
}

// RequestMFAEmailCode e-mails a code for the MFA step of a login, when
// e-mail codes are on.
func (id *Identity) RequestMFAEmailCode(ctx context.Context, mfaToken string) (*EmailChallenge, error) {
	s, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[StrategyEmailCode] {
		return nil, errStrategyOff(StrategyEmailCode)
	}
	u := s.rec.user
	if u.Email == "" {
		return nil, forbidden(CodeMFANotAllowed, "the user has no e-mail address")
	}
	ttl, err := id.codeLifetime(ctx, false)
	if err != nil {
		return nil, err
	}
	otc, code, err := id.newCodeChallenge(ctx, u.ID, s.tok.TenantID, codeData{Purpose: purposeLoginEmail, MFAStep: s.tok.ID}, ttl)
	if err != nil {
		return nil, err
	}
	if err := id.sendEmailCode(ctx, u, code, ttl); err != nil {
		return nil, err
	}
	return &EmailChallenge{OTCToken: otc}, nil
}

// VerifyMFACodeInput completes the MFA step with a code sent by SMS or
// e-mail (VerifyMFASMSRequest, VerifyMFAEmailOTCRequest).
type VerifyMFACodeInput struct {
	MFAToken       string `json:"mfaToken"`
	OTCToken       string `json:"otcToken"`
	Code           string `json:"code"`
	RememberDevice bool   `json:"rememberDevice"`
}

// VerifyMFAEmailCode completes the MFA step of a login with the e-mailed
// code.
func (id *Identity) VerifyMFAEmailCode(ctx context.Context, in VerifyMFACodeInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[StrategyEmailCode] {
		return nil, errStrategyOff(StrategyEmailCode)
	}
	return id.verifyStepCode(ctx, s, in, purposeLoginEmail, "", AMROTP, client)
}

// verifyStepCode checks an SMS or e-mail code of the step and finishes it.
func (id *Identity) verifyStepCode(ctx context.Context, s *mfaStep, in VerifyMFACodeInput, purpose, deviceID, factor string, client ClientInfo) (*AuthResponse, error) {
	if in.OTCToken == "" {
		return nil, invalid("otcToken", "otcToken is required")
	}
	if _, data, err := id.findCodeChallenge(ctx, in.OTCToken, purpose); err != nil {
		return nil, err
	} else if data.MFAStep != s.tok.ID || data.DeviceID != deviceID {
		return nil, errWrongCode("otcToken")
	}
	if _, err := id.checkCodeChallenge(ctx, in.OTCToken, in.Code, s.rec.user.ID, purpose); err != nil {
		if errors.Is(err, ErrInvalidInput) {
			if _, err := id.store.IncrementOneTimeTokenAttempts(ctx, s.tok.ID); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	return id.finish(ctx, s, factor, in.RememberDevice, client)
}

// RequestMFASMSCode sends a code by SMS to the phone deviceID for the MFA
// step of a login.
func (id *Identity) RequestMFASMSCode(ctx context.Context, deviceID, mfaToken string) (*SMSChallenge, error) {
	s, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	d, err := id.userDevice(ctx, s.rec.user.ID, deviceID, store.MFASMS)
	if err != nil {
		return nil, err
	}
	return id.smsChallenge(ctx, s.rec.user.ID, s.tok.TenantID, "deviceId", d.PhoneNumber,
		codeData{Purpose: purposeLoginSMS, DeviceID: d.ID, MFAStep: s.tok.ID})
}

// VerifyMFASMSCode completes the MFA step of a login with the code sent to
// the phone deviceID.
func (id *Identity) VerifyMFASMSCode(ctx context.Context, deviceID string, in VerifyMFACodeInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if _, err := id.userDevice(ctx, s.rec.user.ID, deviceID, store.MFASMS); err != nil {
		return nil, err
	}
	return id.verifyStepCode(ctx, s, in, purposeLoginSMS, deviceID, AMRSMS, client)
}

// RequestMFAWebAuthn starts a WebAuthn assertion with the authenticator
// deviceID for the MFA step of a login.
func (id *Identity) RequestMFAWebAuthn(ctx context.Context, deviceID, mfaToken string) (*WebAuthnChallenge, error) {
	s, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	rp, err := id.relyingParty()
	if err != nil {
		return nil, err
	}
	d, err := id.userDevice(ctx, s.rec.user.ID, deviceID, store.MFAWebAuthn)
	if err != nil {
		return nil, err
	}
	options, state, err := rp.BeginLogin(waUser(s.rec.user), *d)
	if err != nil {
		return nil, err
	}
	return id.newCeremony(ctx, s.rec.user.ID, s.tok.TenantID, ceremonyData{Purpose: purposeLoginWebAuthn, DeviceID: d.ID, MFAStep: s.tok.ID, State: state}, options)
}

// VerifyMFAWebAuthnInput completes the MFA step with a WebAuthn assertion
// (VerifyMFAWebAuthnRequest).
type VerifyMFAWebAuthnInput struct {
	MFAToken       string             `json:"mfaToken"`
	WebAuthnToken  string             `json:"webauthnToken"`
	Options        WebAuthnCredential `json:"options"`
	RememberDevice bool               `json:"rememberDevice"`
}

// VerifyMFAWebAuthn completes the MFA step of a login with an assertion of
// the authenticator deviceID. The signature counter must move forward.
func (id *Identity) VerifyMFAWebAuthn(ctx context.Context, deviceID string, in VerifyMFAWebAuthnInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	rp, err := id.relyingParty()
	if err != nil {
		return nil, err
	}
	d, err := id.userDevice(ctx, s.rec.user.ID, deviceID, store.MFAWebAuthn)
	if err != nil {
		return nil, err
	}
	c, err := id.takeCeremony(ctx, in.WebAuthnToken, s.rec.user.ID, purposeLoginWebAuthn)
	if err != nil {
		return nil, err
	}
	if c.DeviceID != d.ID || c.MFAStep != s.tok.ID {
		return nil, errWrongCode("webauthnToken")
	}
	r := in.Options
	reg, err := rp.FinishLogin(waUser(s.rec.user), *d, c.State, mfa.AssertionResponse{
		ID: r.ID, ClientDataJSON: r.Response.ClientDataJSON, AuthenticatorData: r.Response.AuthenticatorData,
		Signature: r.Response.Signature, UserHandle: r.Response.UserHandle,
	})
	if errors.Is(err, mfa.ErrInvalid) {
		return nil, id.fail(ctx, s, &Error{Kind: ErrInvalidInput, Code: CodeInvalidMFACode, Field: "options", Message: strings.TrimPrefix(err.Error(), "mfa: ")})
	}
	if err != nil {
		return nil, err
	}
	if err := id.useWebAuthn(ctx, d, reg); err != nil {
		return nil, id.fail(ctx, s, err)
	}
	return id.finish(ctx, s, AMRHardwareKey, in.RememberDevice, client)
}

// useWebAuthn moves the device's signature counter forward (refusing a
// concurrent use of the same counter) and stores the updated credential.
func (id *Identity) useWebAuthn(ctx context.Context, d *store.MFADevice, reg *mfa.Registration) error {
	now := id.now()
	return id.store.InTx(ctx, func(tx store.Store) error {
		if err := tx.UseMFADevice(ctx, d.ID, reg.Counter, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return &Error{Kind: ErrInvalidInput, Code: CodeInvalidMFACode, Field: "options", Message: "the authenticator's signature counter did not move forward"}
			}
			return err
		}
		cur, err := tx.GetMFADevice(ctx, id.envID, d.ID)
		if err != nil {
			return err
		}
		cur.Credential, cur.UpdatedAt = reg.Credential, now
		return tx.UpdateMFADevice(ctx, cur)
	})
}

// PreEnrollMFAAuthenticatorForLogin starts enrolling an authenticator app
// during a login that must enrol a first factor.
func (id *Identity) PreEnrollMFAAuthenticatorForLogin(ctx context.Context, mfaToken string) (*AuthenticatorEnrollment, error) {
	s, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	return id.startAuthenticatorEnrolment(ctx, s.rec.user)
}

// EnrollMFAInput finishes enrolling an authenticator app during a login
// (VerifyEnrollMFAAuthAppRequest: Token is the app's code).
type EnrollMFAInput struct {
	MFAToken       string `json:"mfaToken"`
	Token          string `json:"token"`
	RememberDevice bool   `json:"rememberDevice"`
}

// EnrollMFAAuthenticatorForLogin confirms the authenticator app with its
// first code and completes the login; the answer carries the recovery
// code, shown once.
func (id *Identity) EnrollMFAAuthenticatorForLogin(ctx context.Context, in EnrollMFAInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	d, err := id.confirmAuthenticator(ctx, s.rec.user.ID, in.Token, "token")
	if err != nil {
		if errors.Is(err, ErrInvalidInput) && in.Token != "" {
			if _, ierr := id.store.IncrementOneTimeTokenAttempts(ctx, s.tok.ID); ierr != nil {
				return nil, ierr
			}
		}
		return nil, err
	}
	return id.finishEnrolment(ctx, s, d, false, AMROTP, in.RememberDevice, client)
}

func (id *Identity) finishEnrolment(ctx context.Context, s *mfaStep, d *store.MFADevice, create bool, factor string, remember bool, client ClientInfo) (*AuthResponse, error) {
	code, err := id.enrol(ctx, d, create)
	if err != nil {
		return nil, err
	}
	res, err := id.finish(ctx, s, factor, remember, client)
	if err != nil {
		return nil, err
	}
	res.RecoveryCode = code
	return res, nil
}

// PreEnrollSMSInput starts enrolling a phone (RequestEnrollMFASMSRequest;
// MFAToken only during a login).
type PreEnrollSMSInput struct {
	MFAToken    string `json:"mfaToken"`
	PhoneNumber string `json:"phoneNumber"`
}

// PreEnrollMFASMSForLogin sends a code to a phone to enrol it during a
// login that must enrol a first factor.
func (id *Identity) PreEnrollMFASMSForLogin(ctx context.Context, in PreEnrollSMSInput) (*SMSChallenge, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	return id.startSMSEnrolment(ctx, s.rec.user.ID, s.tok.TenantID, in.PhoneNumber, s.tok.ID)
}

func (id *Identity) startSMSEnrolment(ctx context.Context, userID, tenantID, phone, stepID string) (*SMSChallenge, error) {
	if phone == "" {
		return nil, invalid("phoneNumber", "phoneNumber is required")
	}
	phone, err := normalizePhone("phoneNumber", phone)
	if err != nil {
		return nil, err
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[StrategySMS] {
		return nil, errStrategyOff(StrategySMS)
	}
	ch, err := id.smsChallenge(ctx, userID, tenantID, "phoneNumber", phone, codeData{Purpose: purposeEnrollSMS, PhoneNumber: phone, MFAStep: stepID})
	if err != nil {
		return nil, err
	}
	ch.PhoneNumber = phone
	return ch, nil
}

// EnrollMFASMSForLogin enrols the phone whose code this is and completes
// the login; the answer carries the recovery code. MFAToken may be left
// out: the code's challenge names the login it belongs to.
func (id *Identity) EnrollMFASMSForLogin(ctx context.Context, in VerifyMFACodeInput, client ClientInfo) (*AuthResponse, error) {
	if in.OTCToken == "" {
		return nil, invalid("otcToken", "otcToken is required")
	}
	_, data, err := id.findCodeChallenge(ctx, in.OTCToken, purposeEnrollSMS)
	if err != nil {
		return nil, err
	}
	if data.MFAStep == "" {
		return nil, errWrongCode("otcToken")
	}
	s, err := id.stepByID(ctx, data.MFAStep, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	if _, err := id.checkCodeChallenge(ctx, in.OTCToken, in.Code, s.rec.user.ID, purposeEnrollSMS); err != nil {
		return nil, err
	}
	d := id.newDevice(s.rec.user.ID, store.MFASMS, "Phone "+maskPhone(data.PhoneNumber))
	d.PhoneNumber = data.PhoneNumber
	return id.finishEnrolment(ctx, s, d, true, AMRSMS, in.RememberDevice, client)
}

// PreEnrollMFAWebAuthnForLogin starts enrolling a WebAuthn authenticator
// during a login that must enrol a first factor.
func (id *Identity) PreEnrollMFAWebAuthnForLogin(ctx context.Context, mfaToken string) (*WebAuthnChallenge, error) {
	s, err := id.openMFAStep(ctx, mfaToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	return id.startWebAuthnEnrolment(ctx, s.rec.user, s.tok.TenantID, s.tok.ID)
}

func (id *Identity) startWebAuthnEnrolment(ctx context.Context, u *store.User, tenantID, stepID string) (*WebAuthnChallenge, error) {
	rp, err := id.relyingParty()
	if err != nil {
		return nil, err
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[StrategyWebAuthnPlatform] && !active[StrategyWebAuthnCrossPlatform] {
		return nil, errStrategyOff("WebAuthn")
	}
	existing, err := id.store.ListUserMFADevices(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	options, state, err := rp.BeginRegistration(waUser(u), existing)
	if err != nil {
		return nil, err
	}
	return id.newCeremony(ctx, u.ID, tenantID, ceremonyData{Purpose: purposeEnrollWA, MFAStep: stepID, State: state}, options)
}

// EnrollMFAWebAuthnInput finishes enrolling a WebAuthn authenticator
// (VerifyEnrollMFAWebAuthnRequest).
type EnrollMFAWebAuthnInput struct {
	MFAToken       string             `json:"mfaToken"`
	WebAuthnToken  string             `json:"webauthnToken"`
	DeviceType     string             `json:"deviceType"`
	Options        WebAuthnCredential `json:"options"`
	RememberDevice bool               `json:"rememberDevice"`
}

// finishWebAuthnEnrolment verifies the attestation and returns the device
// to store.
func (id *Identity) finishWebAuthnEnrolment(ctx context.Context, u *store.User, in EnrollMFAWebAuthnInput, stepID string) (*store.MFADevice, error) {
	rp, err := id.relyingParty()
	if err != nil {
		return nil, err
	}
	deviceType := in.DeviceType
	if deviceType == "" {
		deviceType = in.Options.DeviceType
	}
	if deviceType != mfa.DevicePlatform && deviceType != mfa.DeviceCrossPlatform {
		return nil, invalid("deviceType", "deviceType must be Platform or CrossPlatform")
	}
	strategy := StrategyWebAuthnCrossPlatform
	if deviceType == mfa.DevicePlatform {
		strategy = StrategyWebAuthnPlatform
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if !active[strategy] {
		return nil, errStrategyOff(strategy)
	}
	c, err := id.takeCeremony(ctx, in.WebAuthnToken, u.ID, purposeEnrollWA)
	if err != nil {
		return nil, err
	}
	if c.MFAStep != stepID {
		return nil, errWrongCode("webauthnToken")
	}
	reg, err := rp.FinishRegistration(waUser(u), c.State, mfa.AttestationResponse{
		ID: in.Options.ID, ClientDataJSON: in.Options.Response.ClientDataJSON, AttestationObject: in.Options.Response.AttestationObject,
	})
	if errors.Is(err, mfa.ErrInvalid) {
		return nil, &Error{Kind: ErrInvalidInput, Code: CodeInvalidMFACode, Field: "options", Message: strings.TrimPrefix(err.Error(), "mfa: ")}
	}
	if err != nil {
		return nil, err
	}
	name := "Security key"
	if deviceType == mfa.DevicePlatform {
		name = "Platform authenticator"
	}
	d := id.newDevice(u.ID, store.MFAWebAuthn, name)
	d.DeviceType, d.CredentialID, d.Credential, d.Counter = deviceType, reg.CredentialID, reg.Credential, reg.Counter
	d.LastUsedAt = nil
	return d, nil
}

// EnrollMFAWebAuthnForLogin enrols the WebAuthn authenticator whose
// attestation this is and completes the login; the answer carries the
// recovery code.
func (id *Identity) EnrollMFAWebAuthnForLogin(ctx context.Context, in EnrollMFAWebAuthnInput, client ClientInfo) (*AuthResponse, error) {
	s, err := id.openMFAStep(ctx, in.MFAToken)
	if err != nil {
		return nil, err
	}
	if err := id.requireEnrolment(ctx, s); err != nil {
		return nil, err
	}
	d, err := id.finishWebAuthnEnrolment(ctx, s.rec.user, in, s.tok.ID)
	if err != nil {
		if errors.Is(err, ErrInvalidInput) {
			return nil, id.fail(ctx, s, err)
		}
		return nil, err
	}
	return id.finishEnrolment(ctx, s, d, true, AMRHardwareKey, in.RememberDevice, client)
}

// RecoverMFAInput logs in with a recovery code (RecoverMfaDto).
type RecoverMFAInput struct {
	Email        string `json:"email"`
	RecoveryCode string `json:"recoveryCode"`
}

// RecoverMFA is for a user who lost its second factor: a valid recovery
// code (single use) removes every factor of the user and logs it in, so it
// can enrol again. Unknown e-mails and wrong codes get the same answer.
// Recovery codes carry 100 random bits, so wrong codes do not lock the
// user (which would let anyone who knows an address lock its owner out).
func (id *Identity) RecoverMFA(ctx context.Context, in RecoverMFAInput, client ClientInfo) (*AuthResponse, error) {
	if in.RecoveryCode == "" {
		return nil, invalid("recoveryCode", "recoveryCode is required")
	}
	email, err := normalizeEmail("email", in.Email)
	if err != nil {
		return nil, err
	}
	bad := errWrongCode("recoveryCode")
	u, err := id.store.GetUserByEmail(ctx, id.envID, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	t, err := id.store.GetOneTimeTokenByHash(ctx, kindMFARecovery, mfa.RecoveryCodeHash(in.RecoveryCode))
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	now := id.now()
	if t.EnvID != id.envID || t.UserID != u.ID || t.UsedAt != nil || !now.Before(t.ExpiresAt) {
		return nil, bad
	}
	rec, err := id.loadUser(ctx, id.store, u.ID)
	if err != nil {
		return nil, err
	}
	cfg, err := id.config(ctx)
	if err != nil {
		return nil, err
	}
	tenantID, err := id.checkCanLogin(rec, cfg)
	if err != nil {
		return nil, err
	}
	err = id.store.InTx(ctx, func(tx store.Store) error {
		if err := tx.ConsumeOneTimeToken(ctx, t.ID, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return bad
			}
			return err
		}
		return id.unenrol(ctx, tx, u.ID)
	})
	if err != nil {
		return nil, err
	}
	rec.mfaEnrolled = false
	id.log.InfoContext(ctx, "MFA recovered with a recovery code; factors removed", "userId", u.ID)
	return id.startSession(ctx, rec, tenantID, []string{AMROTP}, client)
}

// unenrol removes every factor of userID with its recovery code,
// remembered devices and open challenges.
func (id *Identity) unenrol(ctx context.Context, tx store.Store, userID string) error {
	if _, err := tx.DeleteUserMFADevices(ctx, userID, ""); err != nil {
		return err
	}
	for _, k := range []string{kindMFARecovery, kindMFARemember, kindMFACode, kindMFAWebAuthn, kindMFAFailures} {
		if _, err := tx.DeleteUserOneTimeTokens(ctx, userID, k); err != nil {
			return err
		}
	}
	return nil
}

// UnenrollMFA removes every second factor of a user, in every tenant
// (vendor only). The user's recovery code and remembered devices go too.
func (id *Identity) UnenrollMFA(ctx context.Context, userID string) error {
	return id.store.InTx(ctx, func(tx store.Store) error {
		if _, err := tx.GetUser(ctx, id.envID, userID); err != nil {
			return storeErr(err, "user "+userID)
		}
		return id.unenrol(ctx, tx, userID)
	})
}
