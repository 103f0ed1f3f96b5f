package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// phoneNumberRoutes are the phone numbers of users' profiles, each proved
// by an SMS code before it is added and before it is removed.
var phoneNumberRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/users/phone-numbers/v1", OperationID: "UserPhoneNumbersControllerV1_getAllPhoneNumbers", Auth: Vendor, handle: listPhoneNumbers},
	{Method: http.MethodPost, Path: "/resources/users/phone-numbers/v1", OperationID: "UserPhoneNumbersControllerV1_createUserPhoneNumber", Auth: User, Status: http.StatusCreated, handle: addMyPhoneNumber},
	{Method: http.MethodPost, Path: "/resources/users/phone-numbers/v1/preverify", OperationID: "UserPhoneNumbersControllerV1_preVerifyUserPhoneNumber", Auth: User, handle: preVerifyMyPhoneNumber},
	{Method: http.MethodPost, Path: "/resources/users/phone-numbers/v1/verify", OperationID: "UserPhoneNumbersControllerV1_verifyCreateUserPhoneNumber", Auth: User, handle: verifyMyPhoneNumber},
	{Method: http.MethodDelete, Path: "/resources/users/phone-numbers/v1/{id}", OperationID: "UserPhoneNumbersControllerV1_deleteUserPhoneNumber", Auth: User, handle: deleteMyPhoneNumber},
	{Method: http.MethodPost, Path: "/resources/users/phone-numbers/v1/{id}/delete/verify", OperationID: "UserPhoneNumbersControllerV1_verifyDeleteUserPhoneNumber", Auth: User, handle: verifyDeleteMyPhoneNumber},
	{Method: http.MethodGet, Path: "/resources/users/phone-numbers/v1/me", OperationID: "UserPhoneNumbersControllerV1_getUserOwnPhoneNumbers", Auth: User, handle: myPhoneNumbers},
	{Method: http.MethodGet, Path: "/resources/users/phone-numbers/v2", OperationID: "UserPhoneNumbersControllerV2_getAllPhoneNumbers", Auth: Vendor, handle: listPhoneNumbersV2},
	{Method: http.MethodPost, Path: "/resources/users/phone-numbers/v1/vendor/{userId}", OperationID: "UserPhoneNumbersControllerV1_createUserPhoneNumberVendor", Auth: Vendor, Status: http.StatusCreated, handle: addUserPhoneNumber},
	{Method: http.MethodDelete, Path: "/resources/users/phone-numbers/v1/vendor/{userId}/{phoneId}", OperationID: "UserPhoneNumbersControllerV1_deleteUserPhoneNumberVendor", Auth: Vendor, handle: deleteUserPhoneNumber},
}

// otcBody is {otcToken, code} (VerifyPhoneNumberOTCRequestDto).
type otcBody struct {
	OTCToken string `json:"otcToken"`
	Code     string `json:"code"`
}

// phoneNumberBody is {phoneNumber} (PreVerifyUserPhoneNumberRequestDto).
type phoneNumberBody struct {
	PhoneNumber string `json:"phoneNumber"`
}

func phoneNumberQuery(c *call) (identity.PhoneNumberQuery, error) {
	pq, err := c.pageQuery()
	if err != nil {
		return identity.PhoneNumberQuery{}, err
	}
	return identity.PhoneNumberQuery{PageQuery: pq, PhoneNumber: c.query("_phoneNumber"), UserIDs: c.queryList("userIds")}, nil
}

func listPhoneNumbers(c *call) (any, error) {
	q, err := phoneNumberQuery(c)
	if err != nil {
		return nil, err
	}
	return c.id().ListPhoneNumbers(c.ctx(), q)
}

func listPhoneNumbersV2(c *call) (any, error) {
	q, err := phoneNumberQuery(c)
	if err != nil {
		return nil, err
	}
	return c.id().ListPhoneNumbersV2(c.ctx(), q)
}

func addMyPhoneNumber(c *call) (any, error) {
	var in identity.AddPhoneNumberInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddMyPhoneNumber(c.ctx(), c.principal, in)
}

func preVerifyMyPhoneNumber(c *call) (any, error) {
	var in phoneNumberBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PreVerifyMyPhoneNumber(c.ctx(), c.principal, in.PhoneNumber)
}

func verifyMyPhoneNumber(c *call) (any, error) {
	var in otcBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().VerifyMyPhoneNumber(c.ctx(), c.principal, in.OTCToken, in.Code)
}

func deleteMyPhoneNumber(c *call) (any, error) {
	return c.id().DeleteMyPhoneNumber(c.ctx(), c.principal, c.param("id"))
}

func verifyDeleteMyPhoneNumber(c *call) (any, error) {
	var in otcBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().VerifyDeleteMyPhoneNumber(c.ctx(), c.principal, c.param("id"), in.OTCToken, in.Code)
}

func myPhoneNumbers(c *call) (any, error) { return c.id().MyPhoneNumbers(c.ctx(), c.principal) }

func addUserPhoneNumber(c *call) (any, error) {
	var in phoneNumberBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddUserPhoneNumber(c.ctx(), c.param("userId"), in.PhoneNumber)
}

func deleteUserPhoneNumber(c *call) (any, error) {
	return emptyBody, c.id().DeleteUserPhoneNumber(c.ctx(), c.param("userId"), c.param("phoneId"))
}
