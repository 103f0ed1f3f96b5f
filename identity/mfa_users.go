package identity

import (
	"context"
	"errors"

	"github.com/yolkauth/yolk/store"
)

// Self-service MFA: a logged-in user (or the environment acting for one)
// enrols and removes its own factors.

// RecoveryCode is the answer to an enrolment (VerifyEnrollMFAResponse): the
// user's new recovery code, shown once.
type RecoveryCode struct {
	RecoveryCode string `json:"recoveryCode"`
}

func (id *Identity) actingUser(ctx context.Context, p *Principal) (*store.User, string, error) {
	userID, tenantID, err := requireUser(p)
	if err != nil {
		return nil, "", err
	}
	u, err := id.store.GetUser(ctx, id.envID, userID)
	if err != nil {
		return nil, "", storeErr(err, "user "+userID)
	}
	return u, tenantID, nil
}

// PreEnrollAuthenticatorApp starts enrolling an authenticator app for the
// acting user: the answer is the QR code (and its otpauth URI) to scan.
func (id *Identity) PreEnrollAuthenticatorApp(ctx context.Context, p *Principal) (*AuthenticatorEnrollment, error) {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	return id.startAuthenticatorEnrolment(ctx, u)
}

// EnrollAuthenticatorApp confirms the authenticator app being enrolled with
// its first code (token) and returns the user's new recovery code.
func (id *Identity) EnrollAuthenticatorApp(ctx context.Context, p *Principal, token string) (*RecoveryCode, error) {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	d, err := id.confirmAuthenticator(ctx, u.ID, token, "token")
	if err != nil {
		return nil, err
	}
	code, err := id.enrol(ctx, d, false)
	if err != nil {
		return nil, err
	}
	return &RecoveryCode{RecoveryCode: code}, nil
}

// PreEnrollSMS sends a code to phone to enrol it for the acting user.
func (id *Identity) PreEnrollSMS(ctx context.Context, p *Principal, phone string) (*SMSChallenge, error) {
	u, tenantID, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	return id.startSMSEnrolment(ctx, u.ID, tenantID, phone, "")
}

// EnrollSMS enrols the phone whose code this is and returns the user's new
// recovery code.
func (id *Identity) EnrollSMS(ctx context.Context, p *Principal, otcToken, code string) (*RecoveryCode, error) {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	data, err := id.checkCodeChallenge(ctx, otcToken, code, u.ID, purposeEnrollSMS)
	if err != nil {
		return nil, err
	}
	if data.MFAStep != "" {
		return nil, errWrongCode("otcToken")
	}
	d := id.newDevice(u.ID, store.MFASMS, "Phone "+maskPhone(data.PhoneNumber))
	d.PhoneNumber = data.PhoneNumber
	rc, err := id.enrol(ctx, d, true)
	if err != nil {
		return nil, err
	}
	return &RecoveryCode{RecoveryCode: rc}, nil
}

// DisableAuthenticatorApp removes the acting user's authenticator app
// deviceID; token must be a current code of it. With deviceID "" (the
// deprecated route) it removes the authenticator app the code belongs to.
func (id *Identity) DisableAuthenticatorApp(ctx context.Context, p *Principal, deviceID, token string) error {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return err
	}
	if token == "" {
		return invalid("token", "token (a code of the authenticator app) is required")
	}
	var candidates []store.MFADevice
	if deviceID != "" {
		d, err := id.ownDevice(ctx, u.ID, deviceID, store.MFAAuthenticator)
		if err != nil {
			return err
		}
		candidates = []store.MFADevice{*d}
	} else {
		ds, err := id.store.ListUserMFADevices(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			if d.Kind == store.MFAAuthenticator && !d.Pending {
				candidates = append(candidates, d)
			}
		}
		if len(candidates) == 0 {
			return notFound("the user has no authenticator app")
		}
	}
	for i := range candidates {
		if id.checkTOTP(ctx, &candidates[i], token) {
			if err := id.resetMFAFailures(ctx, u.ID); err != nil {
				return err
			}
			return id.removeDevice(ctx, &candidates[i])
		}
	}
	return id.countMFAFailure(ctx, u.ID, errWrongCode("token"))
}

// ownDevice returns the user's enrolled device deviceID of kind, whatever
// its strategy's state (a user may always remove a factor).
func (id *Identity) ownDevice(ctx context.Context, userID, deviceID, kind string) (*store.MFADevice, error) {
	d, err := id.store.GetMFADevice(ctx, id.envID, deviceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (d.UserID != userID || d.Kind != kind || d.Pending)) {
		return nil, notFound("MFA device %s not found", deviceID)
	}
	return d, err
}

// PreDisableSMS sends a code to the acting user's phone deviceID, to
// confirm its removal.
func (id *Identity) PreDisableSMS(ctx context.Context, p *Principal, deviceID string) (*SMSChallenge, error) {
	u, tenantID, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	d, err := id.ownDevice(ctx, u.ID, deviceID, store.MFASMS)
	if err != nil {
		return nil, err
	}
	return id.smsChallenge(ctx, u.ID, tenantID, "deviceId", d.PhoneNumber, codeData{Purpose: purposeDisableSMS, DeviceID: d.ID})
}

// DisableSMS removes the acting user's phone deviceID with the code sent to
// it.
func (id *Identity) DisableSMS(ctx context.Context, p *Principal, deviceID, otcToken, code string) error {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return err
	}
	d, err := id.ownDevice(ctx, u.ID, deviceID, store.MFASMS)
	if err != nil {
		return err
	}
	if otcToken != "" {
		if _, data, err := id.findCodeChallenge(ctx, otcToken, purposeDisableSMS); err != nil {
			return err
		} else if data.DeviceID != d.ID {
			return errWrongCode("otcToken")
		}
	}
	if _, err := id.checkCodeChallenge(ctx, otcToken, code, u.ID, purposeDisableSMS); err != nil {
		return err
	}
	return id.removeDevice(ctx, d)
}

// MyMFADevices lists the acting user's enrolled factors.
func (id *Identity) MyMFADevices(ctx context.Context, p *Principal) (*MFADevices, error) {
	u, _, err := id.actingUser(ctx, p)
	if err != nil {
		return nil, err
	}
	ds, err := id.store.ListUserMFADevices(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	enrolled := ds[:0]
	for _, d := range ds {
		if !d.Pending {
			enrolled = append(enrolled, d)
		}
	}
	active, err := id.strategies(ctx, id.store)
	if err != nil {
		return nil, err
	}
	email := ""
	if active[StrategyEmailCode] {
		email = u.Email
	}
	return deviceList(enrolled, email), nil
}
