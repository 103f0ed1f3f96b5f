// Package policy holds yolk's pure decision engines: given a policy and the
// facts about a request, each returns a decision without reading or
// writing anything, so the rules are tested on their own.
package policy

import "time"

// EnforceMFA says whom MFA is required of.
type EnforceMFA string

// The enforcement levels of an MFA policy.
const (
	// DontForce requires MFA only of users who enrolled a factor.
	DontForce EnforceMFA = "DontForce"
	// Force requires every user to enrol and use a second factor.
	Force EnforceMFA = "Force"
	// ForceExceptSAML is Force, except for users who sign in through SAML
	// (their identity provider is trusted to apply its own MFA).
	ForceExceptSAML EnforceMFA = "ForceExceptSAML"
)

// Valid reports whether e is one of the enforcement levels.
func (e EnforceMFA) Valid() bool { return e == DontForce || e == Force || e == ForceExceptSAML }

// DefaultMFADeviceExpiration is how long a remembered device skips MFA
// unless the policy says otherwise (14 days, the API's default).
const DefaultMFADeviceExpiration = 14 * 24 * time.Hour

// MFAPolicy is the MFA policy in force for a login.
type MFAPolicy struct {
	Enforce EnforceMFA
	// AllowRememberDevice lets a user skip MFA on a device that completed
	// it within DeviceExpiration.
	AllowRememberDevice bool
	DeviceExpiration    time.Duration
}

// MFASubject is what the decision needs to know about the user logging in.
type MFASubject struct {
	// Bypass exempts the user from MFA entirely.
	Bypass bool
	// SAML is true when the first factor was a SAML login.
	SAML bool
	// Enrolled is true when the user has a usable second factor.
	Enrolled bool
	// Remembered is true when the request carries a valid remember-device
	// token of the user (see RememberedDeviceValid).
	Remembered bool
}

// MFADecision is the next step of a login after the first factor.
type MFADecision int

const (
	// MFASkip: no second factor is needed; issue tokens.
	MFASkip MFADecision = iota
	// MFAVerify: the user must prove an enrolled factor.
	MFAVerify
	// MFAEnroll: the policy requires MFA and the user has no factor yet;
	// the user must enrol one to finish logging in.
	MFAEnroll
)

// String names the decision.
func (d MFADecision) String() string {
	switch d {
	case MFAVerify:
		return "verify"
	case MFAEnroll:
		return "enroll"
	}
	return "skip"
}

// Required reports whether the policy requires MFA of s whether or not it
// enrolled a factor.
func (p MFAPolicy) Required(s MFASubject) bool {
	switch p.Enforce {
	case Force:
		return true
	case ForceExceptSAML:
		return !s.SAML
	}
	return false
}

// DecideMFA decides the step after the first factor. A user with a factor
// always proves it (whatever the enforcement, enrolling is opting in),
// unless it is exempt or its device is remembered and the policy allows
// that; a user without one enrols only when the policy requires MFA of it.
func DecideMFA(p MFAPolicy, s MFASubject) MFADecision {
	switch {
	case s.Bypass:
		return MFASkip
	case s.Enrolled:
		if s.Remembered && p.AllowRememberDevice {
			return MFASkip
		}
		return MFAVerify
	case p.Required(s):
		return MFAEnroll
	}
	return MFASkip
}

// RememberedDeviceValid reports whether a remember-device token created at
// createdAt still lets its device skip MFA at now: the policy must allow
// remembering devices, and the token must be younger than the policy's
// DeviceExpiration as it is now (shortening the expiration shortens tokens
// already handed out) and than its own expiry.
func RememberedDeviceValid(p MFAPolicy, createdAt, expiresAt, now time.Time) bool {
	if !p.AllowRememberDevice || p.DeviceExpiration <= 0 {
		return false
	}
	return now.Before(expiresAt) && now.Before(createdAt.Add(p.DeviceExpiration)) && !now.Before(createdAt.Add(-time.Minute))
}
