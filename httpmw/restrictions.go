package httpmw

import (
	"net/http"

	"github.com/yolkauth/yolk/identity"
)

// Permissions of the IP and e-mail domain restrictions.
const (
	permReadIPRestrictions       = "fe.secure.read.ipRestrictions"
	permWriteIPRestrictions      = "fe.secure.write.ipRestrictions"
	permDeleteIPRestrictions     = "fe.secure.delete.ipRestrictions"
	permReadDomainRestrictions   = "fe.secure.read.emailDomainRestrictions"
	permWriteDomainRestrictions  = "fe.secure.write.emailDomainRestrictions"
	permDeleteDomainRestrictions = "fe.secure.delete.emailDomainRestrictions"
)

const ipRestrictionsPath = "/resources/configurations/v1/restrictions/ip"

// ipRestrictionRoutes are the IP Restrictions operations; they act on the
// caller's tenant (or the frontegg-tenant-id of an environment token).
var ipRestrictionRoutes = []Route{
	{Method: http.MethodPost, Path: ipRestrictionsPath + "/config", OperationID: "IPRestrictionsControllerV1_createDomainRestriction", Auth: User, Perm: permWriteIPRestrictions, Status: http.StatusCreated, handle: setIPRestrictionConfig},
	{Method: http.MethodGet, Path: ipRestrictionsPath + "/config", OperationID: "IPRestrictionsControllerV1_getIpRestrictionConfig", Auth: User, Perm: permReadIPRestrictions, handle: getIPRestrictionConfig},
	{Method: http.MethodGet, Path: ipRestrictionsPath, OperationID: "IPRestrictionsControllerV1_getAllIpRestrictions", Auth: User, Perm: permReadIPRestrictions, handle: listIPRestrictions},
	{Method: http.MethodPost, Path: ipRestrictionsPath, OperationID: "IPRestrictionsControllerV1_createIpRestriction", Auth: User, Perm: permWriteIPRestrictions, Status: http.StatusCreated, handle: saveIPRestriction},
	{Method: http.MethodPost, Path: ipRestrictionsPath + "/verify", OperationID: "IPRestrictionsControllerV1_testCurrentIp", Auth: User, Perm: permReadIPRestrictions, Status: http.StatusCreated, handle: verifyIP},
	{Method: http.MethodPost, Path: ipRestrictionsPath + "/verify/allow", OperationID: "testCurrentIpInAllowList", Auth: User, Perm: permReadIPRestrictions, Status: http.StatusCreated, handle: verifyIPInAllowList},
	{Method: http.MethodDelete, Path: ipRestrictionsPath + "/{id}", OperationID: "IPRestrictionsControllerV1_deleteIpRestrictionById", Auth: User, Perm: permDeleteIPRestrictions, handle: deleteIPRestriction},
}

func setIPRestrictionConfig(c *call) (any, error) {
	var in identity.IPRestrictionConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetIPRestrictionConfig(c.ctx(), c.principal, c.client().IP, in)
}

func getIPRestrictionConfig(c *call) (any, error) {
	return c.id().GetIPRestrictionConfig(c.ctx(), c.principal)
}

func listIPRestrictions(c *call) (any, error) {
	q, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListIPRestrictions(c.ctx(), c.principal, c.query("_filter"), q)
}

func saveIPRestriction(c *call) (any, error) {
	var in identity.IPRestrictionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SaveIPRestriction(c.ctx(), c.principal, c.client().IP, in)
}

func verifyIP(c *call) (any, error) {
	return c.id().VerifyIP(c.ctx(), c.principal, c.client().IP)
}

func verifyIPInAllowList(c *call) (any, error) {
	return c.id().VerifyIPInAllowList(c.ctx(), c.principal, c.client().IP)
}

func deleteIPRestriction(c *call) (any, error) {
	return nil, c.id().DeleteIPRestriction(c.ctx(), c.principal, c.client().IP, c.param("id"))
}

const domainRestrictionsPath = "/resources/configurations/restrictions/v1/email-domain"

// domainRestrictionRoutes are the Domain Restrictions operations; they act
// on the caller's tenant (or the frontegg-tenant-id of an environment
// token).
var domainRestrictionRoutes = []Route{
	{Method: http.MethodPost, Path: domainRestrictionsPath, OperationID: "DomainRestrictionsController_createDomainRestriction", Auth: User, Perm: permWriteDomainRestrictions, Status: http.StatusCreated, handle: createDomainRestriction},
	{Method: http.MethodGet, Path: domainRestrictionsPath, OperationID: "DomainRestrictionsController_getDomainRestrictions", Auth: User, Perm: permReadDomainRestrictions, handle: listDomainRestrictions},
	{Method: http.MethodGet, Path: domainRestrictionsPath + "/config", OperationID: "DomainRestrictionsController_getDomainRestrictionsConfig", Auth: User, Perm: permReadDomainRestrictions, handle: getDomainRestrictionConfig},
	{Method: http.MethodPost, Path: domainRestrictionsPath + "/config", OperationID: "DomainRestrictionsController_updateDomainRestrictionsConfig", Auth: User, Perm: permWriteDomainRestrictions, Status: http.StatusCreated, handle: setDomainRestrictionConfig},
	{Method: http.MethodDelete, Path: domainRestrictionsPath + "/{id}", OperationID: "DomainRestrictionsController_deleteDomainRestriction", Auth: User, Perm: permDeleteDomainRestrictions, handle: deleteDomainRestriction},
	{Method: http.MethodPost, Path: domainRestrictionsPath + "/replace-bulk", OperationID: "DomainRestrictionsController_createBulkDomainsRestriction", Auth: User, Perm: permWriteDomainRestrictions, Status: http.StatusCreated, handle: replaceDomainRestrictions},
}

func createDomainRestriction(c *call) (any, error) {
	var in identity.DomainRestrictionInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateDomainRestriction(c.ctx(), c.principal, in)
}

func listDomainRestrictions(c *call) (any, error) {
	q, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListDomainRestrictions(c.ctx(), c.principal, q)
}

func getDomainRestrictionConfig(c *call) (any, error) {
	return c.id().GetDomainRestrictionConfig(c.ctx(), c.principal)
}

func setDomainRestrictionConfig(c *call) (any, error) {
	var in identity.DomainRestrictionConfigInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().SetDomainRestrictionConfig(c.ctx(), c.principal, in)
}

func deleteDomainRestriction(c *call) (any, error) {
	return nil, c.id().DeleteDomainRestriction(c.ctx(), c.principal, c.param("id"))
}

func replaceDomainRestrictions(c *call) (any, error) {
	var in identity.DomainRestrictionsBulkInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().ReplaceDomainRestrictions(c.ctx(), c.principal, in)
}
