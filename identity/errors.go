package identity

import (
	"errors"
	"fmt"
)

// Error kinds. Every error an Identity method returns for a reason the caller
// can act on wraps exactly one of these; test with errors.Is. The HTTP layer
// maps them to 400, 401, 403, 404, 409 and 429.
var (
	// ErrInvalidInput: the request is malformed or breaks a rule.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnauthorized: credentials or tokens are missing, wrong or expired.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the caller is known but may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: the target does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change clashes with existing data (e.g. e-mail taken).
	ErrConflict = errors.New("conflict")
	// ErrTooManyAttempts: a rate or attempt limit was reached.
	ErrTooManyAttempts = errors.New("too many attempts")
)

// Error is the typed detail carried by identity errors: a kind (one of the
// sentinels above), a stable code ("ER-…"), a human message, the offending
// field when there is one, and the wrapped cause.
type Error struct {
	Kind    error
	Code    string
	Message string
	Field   string
	Err     error
}

// Error returns the human message.
func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

// Unwrap exposes both the kind and the cause to errors.Is / errors.As.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Stable error codes.
const (
	CodeInvalidInput       = "ER-00400"
	CodeUnauthorized       = "ER-00401"
	CodeForbidden          = "ER-00403"
	CodeNotFound           = "ER-00404"
	CodeConflict           = "ER-00409"
	CodeTooMany            = "ER-00429"
	CodeBadCredentials     = "ER-01001"
	CodeUserLocked         = "ER-01002"
	CodeUserNotVerified    = "ER-01003"
	CodeSignupsDisabled    = "ER-01004"
	CodeInvalidRefresh     = "ER-01005"
	CodeEmailTaken         = "ER-01006"
	CodeWeakPassword       = "ER-01007"
	CodeInvalidActivation  = "ER-01008"
	CodeUserDisabled       = "ER-01009"
	CodeTokenExpired       = "ER-01010"
	CodeInvalidVendorCreds = "ER-01011"
)

func invalid(field, format string, args ...any) error {
	return &Error{Kind: ErrInvalidInput, Code: CodeInvalidInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &Error{Kind: ErrNotFound, Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

func forbidden(code, format string, args ...any) error {
	if code == "" {
		code = CodeForbidden
	}
	return &Error{Kind: ErrForbidden, Code: code, Message: fmt.Sprintf(format, args...)}
}

func unauthorized(code, format string, args ...any) error {
	if code == "" {
		code = CodeUnauthorized
	}
	return &Error{Kind: ErrUnauthorized, Code: code, Message: fmt.Sprintf(format, args...)}
}

func conflict(code, format string, args ...any) error {
	if code == "" {
		code = CodeConflict
	}
	return &Error{Kind: ErrConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}
