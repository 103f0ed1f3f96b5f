package httpmw

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"

	"github.com/yolkauth/yolk/identity"
)

// errorBody is the one error format of every response.
type errorBody struct {
	Errors    []string `json:"errors"`
	ErrorCode string   `json:"errorCode"`
}

// httpError is an error that already knows its status (decoding failures,
// routing failures).
type httpError struct {
	status int
	code   string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, code: identity.CodeInvalidInput, msg: fmt.Sprintf(format, args...)}
}

// decodeJSON reads the request body into dst. An empty body (as the official
// clients send on logout and MFA pre-enrolment, often labelled
// application/json) leaves dst unchanged. Unknown fields are ignored; a
// wrong type is a 400 naming the field; a body over limit is a 413. Optional
// string pointers that arrive as "" are treated as absent.
func decodeJSON(r *http.Request, limit int64, dst any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &httpError{status: http.StatusRequestEntityTooLarge, code: "ER-00413", msg: fmt.Sprintf("request body is larger than %d bytes", limit)}
		}
		return badRequest("could not read request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return badRequest("malformed JSON at byte %d", syn.Offset)
		case errors.As(err, &typ):
			if typ.Field == "" {
				return badRequest("request body must be a JSON %s", jsonKind(typ.Type))
			}
			return badRequest("field %q must be %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badRequest("malformed JSON: unexpected end of body")
		}
		return badRequest("malformed JSON: %v", err)
	}
	if dec.More() {
		return badRequest("malformed JSON: unexpected data after the body")
	}
	blankToNil(dst)
	return nil
}

// jsonKind names a Go type the way a client thinks of JSON values.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// blankToNil clears *string fields of the struct dst points to that hold "":
// the official clients send empty strings for optional fields left blank.
func blankToNil(dst any) {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	v = v.Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String && !f.IsNil() && f.Elem().String() == "" && f.CanSet() {
			f.Set(reflect.Zero(f.Type()))
		}
	}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"errors":["internal error"],"errorCode":"ER-00500"}`))
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusOf maps an error to its HTTP status, code and message. Errors the
// library does not recognise are server faults: logged, and answered with a
// generic message that leaks nothing.
func statusOf(err error) (int, string, string) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.code, he.msg
	}
	var ie *identity.Error
	code, msg := "", err.Error()
	if errors.As(err, &ie) {
		code, msg = ie.Code, ie.Error()
	}
	for _, m := range []struct {
		kind   error
		status int
		code   string
	}{
		{identity.ErrInvalidInput, http.StatusBadRequest, identity.CodeInvalidInput},
		{identity.ErrUnauthorized, http.StatusUnauthorized, identity.CodeUnauthorized},
		{identity.ErrForbidden, http.StatusForbidden, identity.CodeForbidden},
		{identity.ErrNotFound, http.StatusNotFound, identity.CodeNotFound},
		{identity.ErrConflict, http.StatusConflict, identity.CodeConflict},
		{identity.ErrTooManyAttempts, http.StatusTooManyRequests, identity.CodeTooMany},
	} {
		if errors.Is(err, m.kind) {
			if code == "" {
				code = m.code
			}
			return m.status, code, msg
		}
	}
	return http.StatusInternalServerError, "ER-00500", "internal server error"
}

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status, code, msg := statusOf(err)
	if status >= 500 {
		if log == nil {
			log = slog.Default()
		}
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	writeJSON(w, status, errorBody{Errors: []string{msg}, ErrorCode: code})
}

// NotFound answers every request with the API's JSON 404, for the parts of
// a host's URL space around the mounted API.
var NotFound http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, nil, &httpError{status: http.StatusNotFound, code: identity.CodeNotFound, msg: "no route for " + r.URL.Path})
})
