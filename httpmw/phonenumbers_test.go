package httpmw_test

import (
	"net/http"
	"net/url"
	"testing"
)

const phonesPath = "/resources/users/phone-numbers/v1"

func TestAddAndVerifyPhoneNumberRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	bobTok, _, _ := s.userToken(t, "bob@example.com")
	const number = "+14155550101"

	m := s.do(t, http.MethodPost, phonesPath, map[string]any{"phoneNumber": "+1 415 555 0101"}, bearer(tok)).want(t, http.StatusCreated).object(t)
	phoneID, otc := wantString(t, m, "id"), wantString(t, m, "otcToken")
	code := s.lastCode(t, number)
	s.do(t, http.MethodPost, phonesPath, map[string]any{"phoneNumber": "0101"}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, phonesPath, map[string]any{"phoneNumber": number, "verify": "no"}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, phonesPath, map[string]any{"phoneNumber": number}).wantError(t, http.StatusUnauthorized)

	list := s.do(t, http.MethodGet, phonesPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t)
	if len(list) != 1 || list[0]["id"] != phoneID || list[0]["verified"] != false || list[0]["userId"] != annID {
		t.Fatalf("my numbers = %v", list)
	}
	wantKeys(t, "phone number", list[0], phoneKeys...)
	s.do(t, http.MethodGet, phonesPath+"/me", nil).wantError(t, http.StatusUnauthorized)

	verify := phonesPath + "/verify"
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": otherCode(code)}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}, bearer(bobTok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}, bearer(tok)).want(t, http.StatusOK)
	list = s.do(t, http.MethodGet, phonesPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t)
	if len(list) != 1 || list[0]["verified"] != true {
		t.Fatalf("my numbers after verify = %v", list)
	}
	s.do(t, http.MethodPost, phonesPath, map[string]any{"phoneNumber": number}, bearer(tok)).wantError(t, http.StatusConflict)

	// Pre-verify a second number, then verify it into the profile.
	const second = "+14155550102"
	m = s.do(t, http.MethodPost, phonesPath+"/preverify", map[string]any{"phoneNumber": second}, bearer(tok)).want(t, http.StatusOK).object(t)
	otc = wantString(t, m, "otcToken")
	s.do(t, http.MethodPost, phonesPath+"/preverify", map[string]any{"phoneNumber": "abc"}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, phonesPath+"/preverify", map[string]any{"phoneNumber": second}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": s.lastCode(t, second)}, bearer(tok)).want(t, http.StatusOK)
	if list = s.do(t, http.MethodGet, phonesPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t); len(list) != 2 {
		t.Fatalf("my numbers after pre-verify = %v", list)
	}
}

func TestDeletePhoneNumberRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	tok, annID, _ := s.userToken(t, testUserEmail)
	bobTok, _, _ := s.userToken(t, "bob@example.com")
	const number = "+14155550103"
	ph := s.do(t, http.MethodPost, phonesPath+"/vendor/"+annID, map[string]any{"phoneNumber": number}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	phoneID := wantString(t, ph, "id")

	s.do(t, http.MethodDelete, phonesPath+"/"+phoneID, nil, bearer(bobTok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, phonesPath+"/"+phoneID, nil).wantError(t, http.StatusUnauthorized)
	m := s.do(t, http.MethodDelete, phonesPath+"/"+phoneID, nil, bearer(tok)).want(t, http.StatusOK).object(t)
	if m["phoneId"] != phoneID {
		t.Fatalf("delete answer = %v", m)
	}
	otc := wantString(t, m, "otcToken")
	code := s.lastCode(t, number)

	verify := phonesPath + "/" + phoneID + "/delete/verify"
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": otherCode(code)}, bearer(tok)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}, bearer(bobTok)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}).wantError(t, http.StatusUnauthorized)
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}, bearer(tok)).want(t, http.StatusOK)
	if list := s.do(t, http.MethodGet, phonesPath+"/me", nil, bearer(tok)).want(t, http.StatusOK).array(t); len(list) != 0 {
		t.Fatalf("numbers after delete = %v", list)
	}
	s.do(t, http.MethodPost, verify, map[string]any{"otcToken": otc, "code": code}, bearer(tok)).wantError(t, http.StatusNotFound)
}

func TestVendorPhoneNumberRoutes(t *testing.T) {
	s := newIdentifiersServer(t)
	vt := s.vendorToken(t)
	userTok, bobID, _ := s.userToken(t, "bob@example.com")
	annID, _ := s.createUser(t, testUserEmail)

	m := s.do(t, http.MethodPost, phonesPath+"/vendor/"+annID, map[string]any{"phoneNumber": "+14155550104"}, accessToken(vt)).want(t, http.StatusCreated).object(t)
	wantKeys(t, "vendor phone number", m, phoneKeys...)
	if m["verified"] != true || m["userId"] != annID {
		t.Fatalf("vendor phone number = %v", m)
	}
	annPhone := m["id"].(string)
	s.do(t, http.MethodPost, phonesPath+"/vendor/"+annID, map[string]any{"phoneNumber": "+14155550104"}, accessToken(vt)).wantError(t, http.StatusConflict)
	s.do(t, http.MethodPost, phonesPath+"/vendor/"+annID, map[string]any{"phoneNumber": "x"}, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodPost, phonesPath+"/vendor/no-such-user", map[string]any{"phoneNumber": "+14155550104"}, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodPost, phonesPath+"/vendor/"+annID, map[string]any{"phoneNumber": "+14155550105"}, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodPost, phonesPath+"/vendor/"+bobID, map[string]any{"phoneNumber": "+14155550106"}, accessToken(vt)).want(t, http.StatusCreated)

	for _, path := range []string{phonesPath, "/resources/users/phone-numbers/v2"} {
		m = s.do(t, http.MethodGet, path+"?_sortBy=phoneNumber&_order=DESC", nil, accessToken(vt)).want(t, http.StatusOK).object(t)
		items := pageItems(t, m)
		if len(items) != 2 || items[0]["phoneNumber"] != "+14155550106" {
			t.Fatalf("%s = %v", path, items)
		}
		m = s.do(t, http.MethodGet, path+"?_phoneNumber="+url.QueryEscape("+14155550104"), nil, accessToken(vt)).want(t, http.StatusOK).object(t)
		if items := pageItems(t, m); len(items) != 1 || items[0]["userId"] != annID {
			t.Fatalf("%s by number = %v", path, items)
		}
		s.do(t, http.MethodGet, path, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
		s.do(t, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized)
		s.do(t, http.MethodGet, path+"?_phoneNumber=abc", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	}
	m = s.do(t, http.MethodGet, "/resources/users/phone-numbers/v2?userIds="+bobID, nil, accessToken(vt)).want(t, http.StatusOK).object(t)
	if items := pageItems(t, m); len(items) != 1 || items[0]["userId"] != bobID {
		t.Fatalf("v2 by user = %v", items)
	}
	s.do(t, http.MethodGet, "/resources/users/phone-numbers/v2?_limit=251", nil, accessToken(vt)).wantError(t, http.StatusBadRequest)
	s.do(t, http.MethodGet, phonesPath+"?_limit=251", nil, accessToken(vt)).want(t, http.StatusOK)

	del := phonesPath + "/vendor/" + annID + "/" + annPhone
	s.do(t, http.MethodDelete, del, nil, bearer(userTok)).wantError(t, http.StatusForbidden)
	s.do(t, http.MethodDelete, phonesPath+"/vendor/"+bobID+"/"+annPhone, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
	s.do(t, http.MethodDelete, del, nil, accessToken(vt)).want(t, http.StatusOK)
	s.do(t, http.MethodDelete, del, nil, accessToken(vt)).wantError(t, http.StatusNotFound)
}
