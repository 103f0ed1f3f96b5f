package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// lockoutRoutes are the Lockout Policy operations.
var lockoutRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/configurations/v1/lockout-policy", OperationID: "LockoutPolicyController_createLockoutPolicy", Auth: User, Perm: permWriteSecurityPolicy, Status: http.StatusCreated, handle: createLockoutPolicy},
	{Method: http.MethodPatch, Path: "/resources/configurations/v1/lockout-policy", OperationID: "LockoutPolicyController_updateLockoutPolicy", Auth: User, Perm: permWriteSecurityPolicy, handle: updateLockoutPolicy},
	{Method: http.MethodGet, Path: "/resources/configurations/v1/lockout-policy", OperationID: "LockoutPolicyController_getLockoutPolicy", Auth: User, Perm: permReadSecurityPolicy, handle: getLockoutPolicy},
}

func lockoutInput(c *call) (identity.LockoutPolicyInput, error) {
	var in identity.LockoutPolicyInput
	return in, c.decode(&in)
}

func createLockoutPolicy(c *call) (any, error) {
	in, err := lockoutInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().CreateLockoutPolicy(c.ctx(), c.principal, in)
}

func updateLockoutPolicy(c *call) (any, error) {
	in, err := lockoutInput(c)
	if err != nil {
		return nil, err
	}
	return c.id().UpdateLockoutPolicy(c.ctx(), c.principal, in)
}

func getLockoutPolicy(c *call) (any, error) { return c.id().GetLockoutPolicy(c.ctx(), c.principal) }
