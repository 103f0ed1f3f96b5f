package httpmw_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yolkauth/yolk/identity"
)

const emailsPath = "/resources/users/emails/v1"

func TestListEmailsRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	_, annID, tenantID := s.userToken(t, testUserEmail)
	_, bobID := s.memberToken(t, "bob@example.com", tenantID)
	s.createUser(t, "carl@example.com")
	s.do(t, http.MethodPost, emailsPath+"/vendor/"+bobID, map[string]any{"email": "bob.alt@example.com"}, accessToken(vt)).want(t, http.StatusCreated)

	m := s.do(t, http.MethodGet, emailsPath+"?_sortBy=email&_limit=2", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	items := pageItems(t, m)
	if len(items) != 2 || items[0]["email"] != testUserEmail || items[1]["email"] != "bob.alt@example.com" {
		t.Fatalf("first page = %v", items)
	}
	wantKeys(t, "listed e-mail", items[0], userEmailKeys...)
	if meta := m["_metadata"].(map[string]any); meta["totalItems"] != 4.0 || meta["totalPages"] != 2.0 {
		t.Fatalf("_metadata = %v", meta)
	}
	if next := m["_links"].(map[string]any)["next"].(string); !strings.Contains(next, "_offset=2") {
		t.Fatalf("next link = %q", next)
	}
	// The tenant header narrows to the tenant's users; userIds and _email
	// filter (userIds comma-separated, as @frontegg/rest-api sends them).
	m = s.do(t, http.MethodGet, emailsPath+"?userIds="+annID+","+bobID, nil, accessToken(vt), header("frontegg-tenant-id", tenantID)).want(t, http.StatusOK).object(t)
	if items := pageItems(t, m); len(items) != 3 {
		t.Fatalf("tenant listing = %v", items)
	}
	m = s.do(t, http.MethodGet, emailsPath+"?_email="+url.QueryEscape("BOB.ALT@example.com"), nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if items := pageItems(t, m); len(items) != 1 || items[0]["userId"] != bobID || items[0]["isPrimary"] != false {
		t.Fatalf("by e-mail = %v", items)
	}

	s.do(t, http.MethodGet, emailsPath, nil).wantError(t, http.StatusUnauthorized)
	plainTok, _, _ := s.plainToken(t, "plain@example.com")
	msg, _ := s.do(t, http.MethodGet, emailsPath, nil, bearer(plainTok)).wantError(t, http.StatusForbidden)
	if !strings.Contains(msg, "fe.secure.read.users") {
		t.Errorf("refusal %q does not name the permission", msg)
	}
	s.do(t, http.MethodGet, emailsPath+"?_limit=abc", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, emailsPath+"?_sortBy=name", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
}

func TestAddAndVerifyMyEmailRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	s.createUser(t, "bob@example.com")

	m := s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "Ann.Work@Example.com"}, bearer(tok)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "created e-mail", m, userEmailKeys...)
	if m["email"] != "ann.work@example.com" || m["verified"] != false || m["isPrimary"] != false || m["userId"] != annID {
		t.Fatalf("created e-mail = %v", m)
	}
	code := s.lastCode(t, "ann.work@example.com")

	s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "nope"}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "bob@example.com"}, bearer(tok)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "x@example.com"}).wantError(t, http.StatusUnauthorized)
	msg, _ := s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "x@example.com"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "frontegg-user-id") {
		t.Errorf("message %q does not name frontegg-user-id", msg)
	}

	verify := emailsPath + "/verify"
	msg, _ = s.do(t, http.MethodPost, verify, map[string]any{"email": "ann.work@example.com", "code": otherCode(code)}, bearer(tok)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "code") {
		t.Errorf("message %q does not name the code", msg)
	}
	s.do(t, http.MethodPost, verify, map[string]any{"email": "bob@example.com", "code": code}, bearer(tok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, verify, map[string]any{"email": "ann.work@example.com", "code": 123456}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, verify, map[string]any{"email": "ann.work@example.com", "code": code}, bearer(tok)).want(t, http.StatusOK)

	list := s.do(t, http.MethodGet, emailsPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t)
	if len(list) != 2 || list[0]["isPrimary"] != true || list[1]["verified"] != true {
		t.Fatalf("my e-mails = %v", list)
	}
	// The environment acting for the user, by header.
	list = s.do(t, http.MethodGet, emailsPath+"/me", nil, accessToken(vt), header("frontegg-user-id", annID)).want(t, http.StatusOK).array(t)
	if len(list) != 2 {
		t.Fatalf("my e-mails as vendor = %v", list)
	}
	s.do(t, http.MethodGet, emailsPath+"/me", nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodGet, emailsPath+"/me", nil, accessToken(vt), header("frontegg-user-id", "no-such-user")).wantError(t, http.StatusNotFound)
}

func TestDeleteMyEmailRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	bobID, _ := s.createUser(t, "bob@example.com")
	added := s.do(t, http.MethodPost, emailsPath, map[string]any{"email": "extra@example.com"}, bearer(tok)).want(t, http.StatusCreated).object(t)
	bobs := s.do(t, http.MethodPost, emailsPath+"/vendor/"+bobID, map[string]any{"email": "bob2@example.com"}, accessToken(vt)).want(t, http.StatusCreated).object(t)

	s.do(t, http.MethodDelete, emailsPath+"/"+annID, nil, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodDelete, emailsPath+"/"+bobs["id"].(string), nil, bearer(tok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, emailsPath+"/"+added["id"].(string), nil).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodDelete, emailsPath+"/"+added["id"].(string), nil, bearer(tok)).want(t, http.StatusOK)
	if list := s.do(t, http.MethodGet, emailsPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t); len(list) != 1 {
		t.Fatalf("e-mails after delete = %v", list)
	}
	s.do(t, http.MethodDelete, emailsPath+"/"+added["id"].(string), nil, bearer(tok)).wantError(t, http.StatusNotFound)
}

func TestVendorEmailRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "other@example.com")
	annID, _ := s.createUser(t, testUserEmail)
	base := emailsPath + "/vendor/" + annID

	m := s.do(t, http.MethodPost, base, map[string]any{"email": "Ann.Alt@example.com", "isVerified": true}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "vendor e-mail", m, userEmailKeys...)
	if m["verified"] != true || m["email"] != "ann.alt@example.com" {
		t.Fatalf("vendor e-mail = %v", m)
	}
	unverified := s.do(t, http.MethodPost, base, map[string]any{"email": "ann.pending@example.com"}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	if unverified["verified"] != false {
		t.Fatalf("unverified e-mail = %v", unverified)
	}
	s.lastCode(t, "ann.pending@example.com") // a verification code went out
	s.do(t, http.MethodPost, base, map[string]any{"email": "x@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, emailsPath+"/vendor/no-such-user", map[string]any{"email": "x@example.com"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, base, map[string]any{"email": "x@example.com", "isVerified": "yes"}, accessToken(vt)).wantError(t, http.StatusBadRequest)

	// Primary: only a verified address.
	s.do(t, http.MethodPost, base+"/primary", map[string]any{"email": "ann.pending@example.com"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, base+"/primary", map[string]any{"email": "nobody@example.com"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, base+"/primary", map[string]any{"email": "ann.alt@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, base+"/primary", map[string]any{"email": "ann.alt@example.com"}, accessToken(vt)).want(t, http.StatusOK)
	u := s.do(t, http.MethodGet, "/resources/vendor-only/users/v1/"+annID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if u["email"] != "ann.alt@example.com" {
		t.Fatalf("user after marking primary = %v", u["email"])
	}
	s.login(t, "ann.alt@example.com")

	// Delete.
	s.do(t, http.MethodDelete, base+"/"+unverified["id"].(string), nil, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, base+"/"+unverified["id"].(string), nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, base+"/"+unverified["id"].(string), nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, base+"/"+annID, nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
}

func TestMarkMyEmailPrimaryRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	s.do(t, http.MethodPost, emailsPath+"/vendor/"+annID, map[string]any{"email": "primary@example.com", "isVerified": true}, accessToken(vt)).want(t, http.StatusCreated)

	s.do(t, http.MethodPost, emailsPath+"/me/primary", map[string]any{"email": "nobody@example.com"}, bearer(tok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, emailsPath+"/me/primary", map[string]any{"email": ""}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, emailsPath+"/me/primary", map[string]any{"email": "primary@example.com"}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, emailsPath+"/me/primary", map[string]any{"email": "primary@example.com"}, bearer(tok)).want(t, http.StatusOK)
	list := s.do(t, http.MethodGet, emailsPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t)
	if len(list) != 2 || list[0]["email"] != "primary@example.com" || list[0]["id"] != annID || list[1]["email"] != testUserEmail {
		t.Fatalf("e-mails after marking primary = %v", list)
	}
}

func TestSelfEmailChangeRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	s.createUser(t, "bob@example.com")
	path := "/resources/users/v1/email/me"

	s.do(t, http.MethodPost, path, map[string]any{"email": "bob@example.com"}, bearer(tok)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, path, map[string]any{"email": "bad"}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path, map[string]any{"email": "new@example.com"}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, path, map[string]any{"email": "New@example.com"}, bearer(tok)).want(t, http.StatusOK)
	code := s.lastCode(t, "new@example.com")

	s.do(t, http.MethodPost, path+"/verify", map[string]any{"email": "new@example.com", "code": otherCode(code)}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, path+"/verify", map[string]any{"email": "new@example.com", "code": code}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, path+"/verify", map[string]any{"email": "new@example.com", "code": code}, bearer(tok)).want(t, http.StatusOK)
	got, err := s.id.GetUser(t.Context(), annID)
	if err != nil || got.Email != "new@example.com" {
		t.Fatalf("user after change = %+v, %v", got, err)
	}
	s.login(t, "new@example.com")
	s.do(t, http.MethodPost, path+"/verify", map[string]any{"email": "new@example.com", "code": code}, bearer(tok)).wantError(t, http.StatusBadRequest)
}

func TestUpdateUserEmailRoute(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	userTok, _, _ := s.userToken(t, "other@example.com")
	annID, _ := s.createUser(t, testUserEmail)
	path := "/resources/users/v1/" + annID + "/email"

	m := s.do(t, http.MethodPut, path, map[string]any{"email": "Ann.Changed@example.com"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	wantKeys(t, "user", m, userDtoKeys...)
	if m["email"] != "ann.changed@example.com" || m["id"] != annID {
		t.Fatalf("updated user = %v", m)
	}
	s.login(t, "ann.changed@example.com")
	s.do(t, http.MethodPut, path, map[string]any{"email": "other@example.com"}, accessToken(vt)).wantError(t, http.StatusConflict)
	msg, _ := s.do(t, http.MethodPut, path, map[string]any{"email": "not-an-email"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	if !strings.Contains(msg, "email") {
		t.Errorf("message %q does not name email", msg)
	}
	s.do(t, http.MethodPut, "/resources/users/v1/no-such-user/email", map[string]any{"email": "x@example.com"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPut, path, map[string]any{"email": "x@example.com"}, bearer(userTok)).wantError(t, http.StatusForbidden)
}

// TestMetadataMustBeJSON checks every route that takes stringified JSON
// metadata refuses anything but a JSON object, naming the field.
func TestMetadataMustBeJSON(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	annID, tenantID := s.createUser(t, testUserEmail)
	s.setConfig(t, identity.VendorConfigUpdate{AllowSignups: ptr(true)})

	bad := []any{"{not json", "[1,2]", "null", `"text"`, "{} trailing", map[string]any{"a": 1}, 7}
	for _, field := range []string{"metadata", "vendorMetadata"} {
		for _, v := range bad {
			msg, _ := s.do(t, http.MethodPut, "/resources/users/v1/"+annID, map[string]any{field: v}, accessToken(vt)).wantError(t, http.StatusBadRequest)
			if !strings.Contains(msg, field) {
				t.Errorf("PUT users/v1 %s=%v: message %q does not name the field", field, v, msg)
			}
			msg, _ = s.do(t, http.MethodPost, "/resources/vendor-only/users/v1", map[string]any{"email": "new@example.com", "tenantId": tenantID, field: v}, accessToken(vt)).wantError(t, http.StatusBadRequest)
			if !strings.Contains(msg, field) {
				t.Errorf("POST vendor-only users %s=%v: message %q does not name the field", field, v, msg)
			}
		}
	}
	for _, v := range bad {
		msg, _ := s.do(t, http.MethodPost, "/resources/users/v1/signUp", map[string]any{"email": "sign@example.com", "password": testPassword, "companyName": "Co", "metadata": v}).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "metadata") {
			t.Errorf("sign-up metadata=%v: message %q does not name the field", v, msg)
		}
	}
	tok, _ := s.memberToken(t, "member@example.com", tenantID)
	for _, v := range bad {
		msg, _ := s.do(t, http.MethodPut, "/resources/users/v2/me", map[string]any{"metadata": v}, bearer(tok)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "metadata") {
			t.Errorf("PUT users/v2/me metadata=%v: message %q does not name the field", v, msg)
		}
		msg, _ = s.do(t, http.MethodPost, "/resources/users/v2", map[string]any{"email": "invitee@example.com", "metadata": v},
			accessToken(vt), header("frontegg-tenant-id", tenantID)).wantError(t, http.StatusBadRequest)
		if !strings.Contains(msg, "metadata") {
			t.Errorf("POST users/v2 (invite) metadata=%v: message %q does not name the field", v, msg)
		}
	}
	got, err := s.id.GetUser(t.Context(), annID)
	if err != nil || got.Metadata != "" || got.VendorMetadata != "" {
		t.Fatalf("refused metadata changed the user: %+v, %v", got, err)
	}
	m := s.do(t, http.MethodPut, "/resources/users/v1/"+annID, map[string]any{"metadata": `{"ok":true}`, "vendorMetadata": "{}"}, accessToken(vt)).want(t, http.StatusOK).object(t)
	if m["metadata"] != `{"ok":true}` || m["vendorMetadata"] != "{}" {
		t.Fatalf("valid metadata = %v", m)
	}
}
