package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yolkauth/yolk/policy"
)

func TestPasswordRulesViolations(t *testing.T) {
	all := policy.PasswordRules{MinLength: 8, MaxLength: 20, MinOptionalTestsToPass: 4,
		RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSpecialChars: true}
	three := all
	three.MinOptionalTestsToPass = 3
	phrases := all
	phrases.AllowPassphrases, phrases.MinPhraseLength, phrases.MaxLength = true, 15, 64
	repeat := policy.PasswordRules{MinLength: 1, MaxLength: 64, CheckThreeRepeatedChars: true}
	for _, tc := range []struct {
		name     string
		rules    policy.PasswordRules
		password string
		want     []string // substrings of the violations, in order; none = passes
	}{
		{"all classes", all, "Abcdef1!", nil},
		{"too short", all, "Ab1!", []string{"at least 8 characters"}},
		{"too long", all, "Abcdefghijklmnopqrst1!", []string{"at most 20 characters"}},
		{"length in characters, not bytes", all, "Äbcdéf1!", nil},
		{"missing classes", all, "abcdefgh", []string{"must contain an uppercase letter, a number and a special character"}},
		{"three of four", three, "abcdefg1!", nil},
		{"two of four", three, "abcdefgh1", []string{"at least 3 of: a lowercase letter, an uppercase letter, a number or a special character"}},
		{"passphrase skips the optional tests", phrases, "correct horse battery", nil},
		{"short phrase is a password", phrases, "correct horse", []string{"must contain"}},
		{"three repeated", repeat, "abccc", []string{"three or more times"}},
		{"two repeated", repeat, "abcc", nil},
		{"no optional tests enabled", policy.PasswordRules{MinLength: 6, MaxLength: 128, MinOptionalTestsToPass: 2}, "aaaaaa", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.rules.Violations(tc.password)
			if len(got) != len(tc.want) {
				t.Fatalf("Violations(%q) = %q, want %d matching %q", tc.password, got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("violation %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestStrictestPasswordRules(t *testing.T) {
	a := policy.PasswordRules{MinLength: 8, MaxLength: 64, AllowPassphrases: true, MinPhraseLength: 20,
		MinOptionalTestsToPass: 1, RequireLowercase: true}
	b := policy.PasswordRules{MinLength: 12, MaxLength: 10, MinPhraseLength: 25, MinOptionalTestsToPass: 2,
		RequireNumbers: true, RequireSpecialChars: true, CheckThreeRepeatedChars: true}
	got := policy.StrictestPasswordRules(a, b)
	want := policy.PasswordRules{MinLength: 12, MaxLength: 12, AllowPassphrases: false, MinPhraseLength: 25,
		MinOptionalTestsToPass: 2, RequireLowercase: true, RequireNumbers: true, RequireSpecialChars: true, CheckThreeRepeatedChars: true}
	if got != want {
		t.Fatalf("StrictestPasswordRules = %+v, want %+v", got, want)
	}
	if one := policy.StrictestPasswordRules(a); one != a {
		t.Fatalf("StrictestPasswordRules(a) = %+v, want a", one)
	}
	if z := policy.StrictestPasswordRules(); z != (policy.PasswordRules{}) {
		t.Fatalf("StrictestPasswordRules() = %+v, want zero", z)
	}
}

func TestCheckPasswordAge(t *testing.T) {
	set := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r := policy.PasswordRotation{Active: true, Period: 10 * 24 * time.Hour, Notify: 2 * 24 * time.Hour}
	for _, tc := range []struct {
		name  string
		r     policy.PasswordRotation
		after time.Duration
		want  policy.PasswordAge
	}{
		{"fresh", r, time.Hour, policy.PasswordAge{ExpiresIn: 10*24*time.Hour - time.Hour, Notify: r.Notify}},
		{"in the notification period", r, 9 * 24 * time.Hour, policy.PasswordAge{Warn: true, ExpiresIn: 24 * time.Hour, Notify: r.Notify}},
		{"expired exactly", r, 10 * 24 * time.Hour, policy.PasswordAge{Expired: true}},
		{"expired long ago", r, 100 * 24 * time.Hour, policy.PasswordAge{Expired: true}},
		{"inactive", policy.PasswordRotation{Period: time.Hour}, 100 * time.Hour, policy.PasswordAge{}},
	} {
		if got := policy.CheckPasswordAge(tc.r, set, set.Add(tc.after)); got != tc.want {
			t.Errorf("%s: CheckPasswordAge = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	s := policy.StrictestPasswordRotation(
		policy.PasswordRotation{Active: true, Period: 30 * time.Hour, Notify: time.Hour},
		policy.PasswordRotation{Period: time.Hour}, // inactive: ignored
		policy.PasswordRotation{Active: true, Period: 20 * time.Hour, Notify: 5 * time.Hour})
	if want := (policy.PasswordRotation{Active: true, Period: 20 * time.Hour, Notify: 5 * time.Hour}); s != want {
		t.Errorf("StrictestPasswordRotation = %+v, want %+v", s, want)
	}
}

func TestLockout(t *testing.T) {
	l := policy.StrictestLockout(policy.Lockout{Enabled: true, MaxAttempts: 5}, policy.Lockout{MaxAttempts: 1},
		policy.Lockout{Enabled: true, MaxAttempts: 3})
	if l != (policy.Lockout{Enabled: true, MaxAttempts: 3}) {
		t.Fatalf("StrictestLockout = %+v", l)
	}
	if l.Locks(2) || !l.Locks(3) || !l.Locks(4) {
		t.Errorf("Locks around 3 wrong: %v %v %v", l.Locks(2), l.Locks(3), l.Locks(4))
	}
	if (policy.Lockout{MaxAttempts: 1}).Locks(10) {
		t.Error("a disabled lockout must never lock")
	}
	if policy.StrictestLockout().Enabled {
		t.Error("no policy must not lock")
	}
}
