package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// emailRoutes are a user's e-mail addresses: several per user, one
// primary, each verified by an e-mailed code; and the self-service change of
// the primary address.
var emailRoutes = []Route{
	{Method: http.MethodGet, Path: "/resources/users/emails/v1", OperationID: "UserEmailsControllerV1_getAllEmails", Auth: User, Perm: identity.PermReadUsers, handle: listEmails},
	{Method: http.MethodPost, Path: "/resources/users/emails/v1", OperationID: "UserEmailsControllerV1_createUserEmail", Auth: User, Status: http.StatusCreated, handle: addMyEmail},
	{Method: http.MethodPost, Path: "/resources/users/emails/v1/verify", OperationID: "UserEmailsControllerV1_verifyUserEmail", Auth: User, handle: verifyMyEmail},
	{Method: http.MethodDelete, Path: "/resources/users/emails/v1/{emailId}", OperationID: "UserEmailsControllerV1_deleteUserEmail", Auth: User, handle: deleteMyEmail},
	{Method: http.MethodPost, Path: "/resources/users/emails/v1/vendor/{userId}", OperationID: "UserEmailsControllerV1_createUserEmailForVendor", Auth: Vendor, Status: http.StatusCreated, handle: addUserEmail},
	{Method: http.MethodDelete, Path: "/resources/users/emails/v1/vendor/{userId}/{emailId}", OperationID: "UserEmailsControllerV1_deleteUserEmailForVendor", Auth: Vendor, handle: deleteUserEmail},
	{Method: http.MethodPost, Path: "/resources/users/emails/v1/vendor/{userId}/primary", OperationID: "UserEmailsControllerV1_markEmailAsPrimary", Auth: Vendor, handle: setUserPrimaryEmail},
	{Method: http.MethodPost, Path: "/resources/users/emails/v1/me/primary", OperationID: "UserEmailsControllerV1_markEmailAsPrimaryMe", Auth: User, handle: setMyPrimaryEmail},
	{Method: http.MethodGet, Path: "/resources/users/emails/v1/me", OperationID: "UserEmailsControllerV1_getUserOwnEmails", Auth: User, handle: myEmails},
	{Method: http.MethodPost, Path: "/resources/users/v1/email/me", OperationID: "SelfEmailUpdateControllerV1_updateEmailMe", Auth: User, handle: requestMyEmailChange},
	{Method: http.MethodPost, Path: "/resources/users/v1/email/me/verify", OperationID: "SelfEmailUpdateControllerV1_verifyEmailMe", Auth: User, handle: confirmMyEmailChange},
	{Method: http.MethodPut, Path: "/resources/users/v1/{userId}/email", OperationID: "UsersControllerV1_updateUserEmail", Auth: Vendor, handle: changeUserEmail},
}

// emailBody is {email} (CreateUserEmailRequestDto, MarkEmailAsPrimaryRequestDto,
// SelfEmailUpdateRequestDto, UpdateUserEmailDto).
type emailBody struct {
	Email string `json:"email"`
}

// emailCodeBody is {email, code} (CreateUserEmailVerifyRequestDto,
// SelfEmailUpdateVerifyRequestDto).
type emailCodeBody struct {
	Email string `json:"email"`
	Code  string `json:"code"`
}

func listEmails(c *call) (any, error) {
	pq, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListEmails(c.ctx(), c.principal, identity.EmailQuery{PageQuery: pq, Email: c.query("_email"), UserIDs: c.queryList("userIds")})
}

func addMyEmail(c *call) (any, error) {
	var in emailBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddMyEmail(c.ctx(), c.principal, in.Email)
}

func verifyMyEmail(c *call) (any, error) {
	var in emailCodeBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().VerifyMyEmail(c.ctx(), c.principal, in.Email, in.Code)
}

func deleteMyEmail(c *call) (any, error) {
	return emptyBody, c.id().DeleteMyEmail(c.ctx(), c.principal, c.param("emailId"))
}

func addUserEmail(c *call) (any, error) {
	var in identity.AddUserEmailInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().AddUserEmail(c.ctx(), c.param("userId"), in)
}

func deleteUserEmail(c *call) (any, error) {
	return emptyBody, c.id().DeleteUserEmail(c.ctx(), c.param("userId"), c.param("emailId"))
}

func setUserPrimaryEmail(c *call) (any, error) {
	var in emailBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().SetUserPrimaryEmail(c.ctx(), c.param("userId"), in.Email)
}

func setMyPrimaryEmail(c *call) (any, error) {
	var in emailBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().SetMyPrimaryEmail(c.ctx(), c.principal, in.Email)
}

func myEmails(c *call) (any, error) { return c.id().MyEmails(c.ctx(), c.principal) }

func requestMyEmailChange(c *call) (any, error) {
	var in emailBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().RequestMyEmailChange(c.ctx(), c.principal, in.Email)
}

func confirmMyEmailChange(c *call) (any, error) {
	var in emailCodeBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return emptyBody, c.id().ConfirmMyEmailChange(c.ctx(), c.principal, in.Email, in.Code)
}

func changeUserEmail(c *call) (any, error) {
	var in emailBody
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().ChangeUserEmail(c.ctx(), c.param("userId"), in.Email)
}
