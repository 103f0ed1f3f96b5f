package policy_test

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/policy"
)

func TestDecideMFA(t *testing.T) {
	dont := policy.MFAPolicy{Enforce: policy.DontForce}
	force := policy.MFAPolicy{Enforce: policy.Force}
	exceptSAML := policy.MFAPolicy{Enforce: policy.ForceExceptSAML}
	remember := policy.MFAPolicy{Enforce: policy.DontForce, AllowRememberDevice: true, DeviceExpiration: time.Hour}
	tests := []struct {
		name string
		p    policy.MFAPolicy
		s    policy.MFASubject
		want policy.MFADecision
	}{
		{"not forced, not enrolled", dont, policy.MFASubject{}, policy.MFASkip},
		{"not forced, enrolled", dont, policy.MFASubject{Enrolled: true}, policy.MFAVerify},
		{"forced, not enrolled", force, policy.MFASubject{}, policy.MFAEnroll},
		{"forced, enrolled", force, policy.MFASubject{Enrolled: true}, policy.MFAVerify},
		{"forced, bypass", force, policy.MFASubject{Bypass: true}, policy.MFASkip},
		{"enrolled, bypass", dont, policy.MFASubject{Bypass: true, Enrolled: true}, policy.MFASkip},
		{"forced except SAML, SAML user", exceptSAML, policy.MFASubject{SAML: true}, policy.MFASkip},
		{"forced except SAML, password user", exceptSAML, policy.MFASubject{}, policy.MFAEnroll},
		{"forced except SAML, enrolled SAML user", exceptSAML, policy.MFASubject{SAML: true, Enrolled: true}, policy.MFAVerify},
		{"remembered, allowed", remember, policy.MFASubject{Enrolled: true, Remembered: true}, policy.MFASkip},
		{"remembered, not allowed", dont, policy.MFASubject{Enrolled: true, Remembered: true}, policy.MFAVerify},
		{"remembered, forced, not enrolled", policy.MFAPolicy{Enforce: policy.Force, AllowRememberDevice: true}, policy.MFASubject{Remembered: true}, policy.MFAEnroll},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.DecideMFA(tc.p, tc.s); got != tc.want {
				t.Fatalf("DecideMFA = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRememberedDeviceValid(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	p := policy.MFAPolicy{AllowRememberDevice: true, DeviceExpiration: 24 * time.Hour}
	created := now.Add(-time.Hour)
	tests := []struct {
		name    string
		p       policy.MFAPolicy
		created time.Time
		expires time.Time
		want    bool
	}{
		{"fresh", p, created, created.Add(24 * time.Hour), true},
		{"token expired", p, created, now, false},
		{"policy expiration shortened", policy.MFAPolicy{AllowRememberDevice: true, DeviceExpiration: 30 * time.Minute}, created, created.Add(24 * time.Hour), false},
		{"remembering disabled", policy.MFAPolicy{DeviceExpiration: 24 * time.Hour}, created, created.Add(24 * time.Hour), false},
		{"zero expiration", policy.MFAPolicy{AllowRememberDevice: true}, created, created.Add(24 * time.Hour), false},
		{"created in the future", p, now.Add(time.Hour), now.Add(25 * time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.RememberedDeviceValid(tc.p, tc.created, tc.expires, now); got != tc.want {
				t.Fatalf("RememberedDeviceValid = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEnforceMFAValid(t *testing.T) {
	for _, e := range []policy.EnforceMFA{policy.DontForce, policy.Force, policy.ForceExceptSAML} {
		if !e.Valid() {
			t.Fatalf("%s is not valid", e)
		}
	}
	for _, e := range []policy.EnforceMFA{"", "force", "Always"} {
		if e.Valid() {
			t.Fatalf("%q is valid", e)
		}
	}
}
