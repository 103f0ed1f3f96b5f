package identity

import (
	"encoding/json"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	usernamePattern = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
	phonePattern    = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

// normalizeEmail validates an e-mail address and returns it trimmed and
// lower-cased (e-mails are compared case-insensitively everywhere).
func normalizeEmail(field, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", invalid(field, "%s is required", field)
	}
	if len(email) > 254 {
		return "", invalid(field, "%s is too long", field)
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return "", invalid(field, "%s is not a valid e-mail address", field)
	}
	return strings.ToLower(email), nil
}

func checkUsername(field, username string) error {
	if len(username) > 255 {
		return invalid(field, "%s must be at most 255 characters", field)
	}
	if !usernamePattern.MatchString(username) {
		return invalid(field, "%s may contain only letters, digits, '.', '_' and '-'", field)
	}
	return nil
}

// normalizePhone accepts E.164 numbers, tolerating dashes and spaces.
func normalizePhone(field, phone string) (string, error) {
	p := strings.NewReplacer("-", "", " ", "", "(", "", ")", "").Replace(strings.TrimSpace(phone))
	if !phonePattern.MatchString(p) {
		return "", invalid(field, "%s must be an E.164 phone number such as +14155550100", field)
	}
	return p, nil
}

// checkJSONObject accepts "" or a stringified JSON object.
func checkJSONObject(field, s string) error {
	if s == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return invalid(field, "%s must be a stringified JSON object", field)
	}
	return nil
}

func checkLen(field, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return invalid(field, "%s must be at most %d characters", field, max)
	}
	return nil
}

// parseMetadata turns stringified JSON metadata into a map for token claims.
func parseMetadata(s string) map[string]any {
	if s == "" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}
