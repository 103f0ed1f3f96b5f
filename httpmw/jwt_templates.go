package httpmw

import (
	"net/http"
	"strings"

	"github.com/yolkauth/yolk/identity"
)

var jwtTemplateRoutes = []Route{
	{Method: http.MethodPost, Path: "/resources/jwt-templates/v1", OperationID: "JwtTemplatesController_createJwtTemplate", Auth: Vendor, Status: http.StatusCreated, handle: createJWTTemplate},
	{Method: http.MethodGet, Path: "/resources/jwt-templates/v1", OperationID: "JwtTemplatesController_getJwtTemplates", Auth: Vendor, handle: listJWTTemplates},
	{Method: http.MethodGet, Path: "/resources/jwt-templates/v1/{id}", OperationID: "JwtTemplatesController_getJwtTemplateById", Auth: Vendor, handle: getJWTTemplate},
	{Method: http.MethodPut, Path: "/resources/jwt-templates/v1/{id}", OperationID: "JwtTemplatesController_updateJwtTemplate", Auth: Vendor, handle: updateJWTTemplate},
	{Method: http.MethodDelete, Path: "/resources/jwt-templates/v1/{id}", OperationID: "JwtTemplatesController_deleteJwtTemplate", Auth: Vendor, Status: http.StatusNoContent, handle: deleteJWTTemplate},

	{Method: http.MethodGet, Path: "/resources/configurations/v1/jwt-template-targeting", OperationID: "JwtTemplateTargetingControllerV1_getJwtTemplateTargeting", Auth: Vendor, handle: getJWTTemplateTargeting},
	{Method: http.MethodPost, Path: "/resources/configurations/v1/jwt-template-targeting", OperationID: "JwtTemplateTargetingControllerV1_createJwtTemplateTargeting", Auth: Vendor, Status: http.StatusCreated, handle: createJWTTemplateTargeting},
	{Method: http.MethodPut, Path: "/resources/configurations/v1/jwt-template-targeting", OperationID: "JwtTemplateTargetingControllerV1_updateJwtTemplateTargeting", Auth: Vendor, handle: updateJWTTemplateTargeting},
	{Method: http.MethodPatch, Path: "/resources/configurations/v1/jwt-template-targeting/{id}", OperationID: "JwtTemplateTargetingControllerV1_patchJwtTemplateTargeting", Auth: Vendor, handle: patchJWTTemplateTargeting},
	{Method: http.MethodDelete, Path: "/resources/configurations/v1/jwt-template-targeting/{id}", OperationID: "JwtTemplateTargetingControllerV1_deleteJwtTemplateTargeting", Auth: Vendor, handle: deleteJWTTemplateTargeting},
}

func createJWTTemplate(c *call) (any, error) {
	var in identity.JWTTemplateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateJWTTemplate(c.ctx(), in)
}

func listJWTTemplates(c *call) (any, error) {
	pq, err := c.pageQuery()
	if err != nil {
		return nil, err
	}
	return c.id().ListJWTTemplates(c.ctx(), identity.JWTTemplateQuery{PageQuery: pq, Keys: c.queryList("keys"), IDs: c.queryList("ids")})
}

func getJWTTemplate(c *call) (any, error) { return c.id().GetJWTTemplate(c.ctx(), c.param("id")) }

func updateJWTTemplate(c *call) (any, error) {
	var in identity.JWTTemplateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateJWTTemplate(c.ctx(), c.param("id"), in)
}

func deleteJWTTemplate(c *call) (any, error) {
	return nil, c.id().DeleteJWTTemplate(c.ctx(), c.param("id"))
}

func getJWTTemplateTargeting(c *call) (any, error) { return c.id().GetJWTTemplateTargeting(c.ctx()) }

func createJWTTemplateTargeting(c *call) (any, error) {
	var in identity.JWTTemplateTargetingInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().CreateJWTTemplateTargeting(c.ctx(), in)
}

func updateJWTTemplateTargeting(c *call) (any, error) {
	var in identity.JWTTemplateTargetingInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().UpdateJWTTemplateTargeting(c.ctx(), in)
}

func patchJWTTemplateTargeting(c *call) (any, error) {
	var in identity.JWTTemplateTargetingInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return c.id().PatchJWTTemplateTargeting(c.ctx(), c.param("id"), in)
}

func deleteJWTTemplateTargeting(c *call) (any, error) {
	return nil, c.id().DeleteJWTTemplateTargeting(c.ctx(), c.param("id"))
}

// queryList reads an array query parameter, sent repeated (keys=a&keys=b,
// or keys[]=a&keys[]=b) or comma-separated (keys=a,b); empty entries are
// dropped.
func (c *call) queryList(name string) []string {
	var out []string
	q := c.r.URL.Query()
	for _, v := range append(q[name], q[name+"[]"]...) {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
