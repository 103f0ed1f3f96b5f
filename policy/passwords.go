package policy

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// PasswordRules is a password complexity policy, after the OWASP password
// strength test the API's password configuration describes: required tests
// every password must pass (length bounds, optionally no character three
// times in a row) and optional tests (character classes) of which at least
// MinOptionalTestsToPass must pass. With AllowPassphrases, a password of at
// least MinPhraseLength characters is a passphrase and skips the optional
// tests. Lengths count characters (runes), not bytes.
type PasswordRules struct {
	MinLength int
	MaxLength int
	// AllowPassphrases and MinPhraseLength: see the type's doc.
	AllowPassphrases bool
	MinPhraseLength  int
	// MinOptionalTestsToPass is how many of the enabled optional tests a
	// password (not a passphrase) must pass.
	MinOptionalTestsToPass int
	// The optional tests that count: at least one lowercase letter, one
	// uppercase letter, one digit, one character that is neither a letter
	// nor a digit.
	RequireLowercase    bool
	RequireUppercase    bool
	RequireNumbers      bool
	RequireSpecialChars bool
	// CheckThreeRepeatedChars refuses passwords with a character three or
	// more times in a row ("aaa").
	CheckThreeRepeatedChars bool
}

// OptionalTests returns how many optional tests the rules enable.
func (r PasswordRules) OptionalTests() int {
	n := 0
	for _, on := range []bool{r.RequireLowercase, r.RequireUppercase, r.RequireNumbers, r.RequireSpecialChars} {
		if on {
			n++
		}
	}
	return n
}

// Violations returns why password breaks the rules, one human-readable
// sentence per broken rule; none when it passes.
func (r PasswordRules) Violations(password string) []string {
	var out []string
	n := utf8.RuneCountInString(password)
	if n < r.MinLength {
		out = append(out, fmt.Sprintf("must be at least %d characters long", r.MinLength))
	}
	if r.MaxLength > 0 && n > r.MaxLength {
		out = append(out, fmt.Sprintf("must be at most %d characters long", r.MaxLength))
	}
	if r.CheckThreeRepeatedChars && hasThreeRepeated(password) {
		out = append(out, "may not repeat a character three or more times in a row")
	}
	if r.AllowPassphrases && r.MinPhraseLength > 0 && n >= r.MinPhraseLength {
		return out
	}
	want := min(r.MinOptionalTestsToPass, r.OptionalTests())
	if want <= 0 {
		return out
	}
	var lower, upper, digit, special bool
	for _, c := range password {
		switch {
		case unicode.IsLower(c):
			lower = true
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsDigit(c):
			digit = true
		case !unicode.IsLetter(c):
			special = true
		}
	}
	passed := 0
	var enabled, missing []string
	for _, t := range []struct {
		on, ok bool
		what   string
	}{
		{r.RequireLowercase, lower, "a lowercase letter"},
		{r.RequireUppercase, upper, "an uppercase letter"},
		{r.RequireNumbers, digit, "a number"},
		{r.RequireSpecialChars, special, "a special character"},
	} {
		if !t.on {
			continue
		}
		enabled = append(enabled, t.what)
		if t.ok {
			passed++
		} else {
			missing = append(missing, t.what)
		}
	}
	switch {
	case passed >= want:
	case want == len(enabled):
		out = append(out, "must contain "+joinList(missing, "and"))
	default:
		out = append(out, fmt.Sprintf("must contain at least %d of: %s", want, joinList(enabled, "or")))
	}
	return out
}

func joinList(xs []string, conj string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs {
		switch {
		case i == 0:
			s = x
		case i == len(xs)-1:
			s += " " + conj + " " + x
		default:
			s += ", " + x
		}
	}
	return s
}

func hasThreeRepeated(s string) bool {
	var prev rune
	run := 0
	for _, c := range s {
		if run > 0 && c == prev {
			run++
			if run >= 3 {
				return true
			}
			continue
		}
		prev, run = c, 1
	}
	return false
}

// StrictestPasswordRules merges rules into one that is at least as strict
// on every dimension: the longest minimum length, the shortest maximum
// (never below that minimum), passphrases only if every rule allows them
// (with the longest phrase length), every optional test any rule enables,
// the highest count of optional tests to pass, and the repeated-character
// check if any rule has it. It is what a login page renders for a user
// subject to several policies; a password passing every one of rules
// passes this merge's required tests. With no rules it returns the zero
// value.
func StrictestPasswordRules(rules ...PasswordRules) PasswordRules {
	if len(rules) == 0 {
		return PasswordRules{}
	}
	out := rules[0]
	for _, r := range rules[1:] {
		out.MinLength = max(out.MinLength, r.MinLength)
		switch {
		case out.MaxLength == 0:
			out.MaxLength = r.MaxLength
		case r.MaxLength > 0:
			out.MaxLength = min(out.MaxLength, r.MaxLength)
		}
		out.AllowPassphrases = out.AllowPassphrases && r.AllowPassphrases
		out.MinPhraseLength = max(out.MinPhraseLength, r.MinPhraseLength)
		out.MinOptionalTestsToPass = max(out.MinOptionalTestsToPass, r.MinOptionalTestsToPass)
		out.RequireLowercase = out.RequireLowercase || r.RequireLowercase
		out.RequireUppercase = out.RequireUppercase || r.RequireUppercase
		out.RequireNumbers = out.RequireNumbers || r.RequireNumbers
		out.RequireSpecialChars = out.RequireSpecialChars || r.RequireSpecialChars
		out.CheckThreeRepeatedChars = out.CheckThreeRepeatedChars || r.CheckThreeRepeatedChars
	}
	if out.MaxLength > 0 && out.MaxLength < out.MinLength {
		out.MaxLength = out.MinLength
	}
	out.MinOptionalTestsToPass = min(out.MinOptionalTestsToPass, out.OptionalTests())
	return out
}

// PasswordRotation is a password expiration policy: while Active, a
// password older than Period must be replaced, and from Notify before
// that the user is warned.
type PasswordRotation struct {
	Active bool
	Period time.Duration
	Notify time.Duration
}

// PasswordAge is the expiry decision for a password set at setAt.
type PasswordAge struct {
	// Expired: the password must be changed before the user may log in.
	Expired bool
	// Warn: the password expires within the notification period (Notify);
	// ExpiresIn says when.
	Warn      bool
	ExpiresIn time.Duration
	Notify    time.Duration
}

// CheckPasswordAge decides whether a password set at setAt has expired at
// now under r.
func CheckPasswordAge(r PasswordRotation, setAt, now time.Time) PasswordAge {
	if !r.Active || r.Period <= 0 {
		return PasswordAge{}
	}
	left := setAt.Add(r.Period).Sub(now)
	if left <= 0 {
		return PasswordAge{Expired: true}
	}
	return PasswordAge{Warn: r.Notify > 0 && left <= r.Notify, ExpiresIn: left, Notify: r.Notify}
}

// StrictestPasswordRotation merges rotation policies: active if any is,
// with the shortest period and the longest notification period of the
// active ones.
func StrictestPasswordRotation(rs ...PasswordRotation) PasswordRotation {
	var out PasswordRotation
	for _, r := range rs {
		if !r.Active || r.Period <= 0 {
			continue
		}
		if !out.Active || r.Period < out.Period {
			out.Period = r.Period
		}
		out.Active = true
		out.Notify = max(out.Notify, r.Notify)
	}
	return out
}

// Lockout is a lockout policy: while Enabled, MaxAttempts wrong passwords
// in a row lock the user.
type Lockout struct {
	Enabled     bool
	MaxAttempts int
}

// Locks reports whether failures wrong passwords reach the limit.
func (l Lockout) Locks(failures int) bool {
	return l.Enabled && l.MaxAttempts > 0 && failures >= l.MaxAttempts
}

// StrictestLockout merges lockout policies: enabled if any is, with the
// lowest limit of the enabled ones.
func StrictestLockout(ls ...Lockout) Lockout {
	var out Lockout
	for _, l := range ls {
		if !l.Enabled || l.MaxAttempts <= 0 {
			continue
		}
		if !out.Enabled || l.MaxAttempts < out.MaxAttempts {
			out.MaxAttempts = l.MaxAttempts
		}
		out.Enabled = true
	}
	return out
}
