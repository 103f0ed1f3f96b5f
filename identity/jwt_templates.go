package identity

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/tokens"
)

// JWT templates shape the access tokens of the users that the environment's
// targeting rules pick: a template sets the signing algorithm, the lifetime
// and custom claims of the token. Users no rule picks get the environment's
// default token (VendorConfig's jwtAlgorithm and defaultTokenExpiration).
//
// A template's claims map claim names to values. A value is copied into the
// token as it is (a static claim: a number, a boolean, an object, a list, a
// string), except that every "{{variable}}" inside a string is replaced:
// a string that is exactly one placeholder takes the variable's value with
// its JSON type (a list stays a list), a placeholder inside a longer string
// is replaced by the value's text. Objects and lists are resolved
// recursively. A variable without a value leaves a top-level claim out (and
// is null inside an object or a list, "" inside a string). The variables:
//
//	sub, sid, type, iss, amr, auth_time, applicationId
//	user.id, user.email, user.username, user.name, user.phoneNumber,
//	user.profilePictureUrl, user.verified, user.superUser, user.externalId,
//	user.metadata, user.metadata.<key>[.<key>…], user.tenantId,
//	user.tenantIds, user.tenant.roles, user.tenant.permissions,
//	user.tenant.roleIds
//
// The standard claims (sub, tenantId, tenantIds, type, roles, permissions,
// email, email_verified, name, metadata, profilePictureUrl, superUser, amr,
// auth_time, sid, iss, aud, iat, exp, nbf, jti) are always issued as yolk
// computes them, because the official SDKs and yolk's own authorization
// read them. A template may list them only with their own variable (for
// example "email": "{{user.email}}", or "exp": "{{exp}}"), which is how
// Frontegg's default template spells them; the variables iat, exp, nbf, jti
// and aud exist only in that position.

// Setting names of the documents kept in the Setting store.
const (
	settingJWTTemplates = "jwt-templates"
	settingJWTTargeting = "jwt-template-targeting"
)

// Limits of JWT templates and targeting rules.
const (
	MinJWTTemplateExpiration = 10
	MaxJWTTemplateExpiration = MaxRefreshTokenExpiration
	maxJWTTemplates          = 200
	maxTemplateClaims        = 100
	maxTemplateClaimsBytes   = 16 << 10
	maxTargetingRules        = 100
	maxRuleConditions        = 50
	maxConditionValues       = 1000
)

// JWTTemplate is a token template (JwtTemplateResponseDto).
type JWTTemplate struct {
	ID             string            `json:"id"`
	VendorID       string            `json:"vendorId"`
	Key            string            `json:"key"`
	Name           string            `json:"name"`
	Description    *string           `json:"description"`
	Expiration     int               `json:"expiration"`
	Algorithm      string            `json:"algorithm"`
	TemplateSchema JWTTemplateSchema `json:"templateSchema"`
	CreatedAt      time.Time         `json:"createdAt"`
	UpdatedAt      time.Time         `json:"updatedAt"`
}

// JWTTemplateSchema holds a template's claims mapping
// (JwtTemplatePayloadDto).
type JWTTemplateSchema struct {
	Claims map[string]any `json:"claims"`
}

// JWTTemplateInput creates (CreateJwtTemplateDto) or changes
// (UpdateJwtTemplateDto) a template. On create Key, Name, Expiration,
// Algorithm and TemplateSchema are required; on update nil fields keep
// their value.
type JWTTemplateInput struct {
	Key            *string            `json:"key"`
	Name           *string            `json:"name"`
	Description    *string            `json:"description"`
	Expiration     *int               `json:"expiration"`
	Algorithm      *string            `json:"algorithm"`
	TemplateSchema *JWTTemplateSchema `json:"templateSchema"`
}

// JWTTemplateQuery filters and pages ListJWTTemplates. Keys and IDs, when
// set, keep only the templates whose key or id is listed.
type JWTTemplateQuery struct {
	PageQuery
	Keys []string
	IDs  []string
}

// JWTTemplateTargeting is the environment's targeting configuration
// (JwtTemplateTargetingResponseDto): ordered rules deciding which template
// shapes a token.
type JWTTemplateTargeting struct {
	ID        string       `json:"id"`
	CreatedAt time.Time    `json:"createdAt"`
	UpdatedAt time.Time    `json:"updatedAt"`
	Targeting JWTTargeting `json:"targeting"`
}

// JWTTargeting holds the targeting rules. They are tried in order; the
// first whose conditions all hold picks its treatment.
type JWTTargeting struct {
	Rules []JWTTargetingRule `json:"rules"`
}

// JWTTargetingRule is one rule (IdentityRuleDto): when every condition
// holds (ConditionLogic "and"; a rule without conditions always holds), the
// token is shaped by the template whose key is Treatment.
type JWTTargetingRule struct {
	ConditionLogic string                  `json:"conditionLogic"`
	Conditions     []JWTTargetingCondition `json:"conditions"`
	Treatment      string                  `json:"treatment"`
}

// Attributes a targeting condition can test.
const (
	TargetUserID        = "userId"
	TargetApplicationID = "applicationId"
	TargetTenantID      = "tenantId"
	TargetRoleIDs       = "roleIds"
	TargetTokenType     = "tokenType"
	TargetUserEmail     = "userEmail"
)

// Operators of a targeting condition. Each compares the attribute with the
// strings of the condition's value list and holds when any of them matches:
// in_list when the attribute equals one, contains when it contains one,
// ends_with when it ends with one. roleIds holds several values: the
// condition holds when any of the user's role ids matches. userEmail is
// compared case-insensitively, every other attribute exactly.
const (
	OpInList   = "in_list"
	OpContains = "contains"
	OpEndsWith = "ends_with"
)

// LogicAnd is the only conditionLogic of a targeting rule: every condition
// must hold.
const LogicAnd = "and"

// maxKeyChars bounds a template key.
const maxKeyChars = 100

var (
	targetAttributes = []string{TargetUserID, TargetApplicationID, TargetTenantID, TargetRoleIDs, TargetTokenType, TargetUserEmail}
	targetOps        = []string{OpInList, OpContains, OpEndsWith}
	templateKeyRE    = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)
)

// JWTTargetingCondition is one condition (IdentityConditionDto). Negate
// inverts its outcome.
type JWTTargetingCondition struct {
	Attribute string            `json:"attribute"`
	Op        string            `json:"op"`
	Value     JWTConditionValue `json:"value"`
	Negate    bool              `json:"negate"`
}

// JWTConditionValue is what a condition compares with: {"list": [...]}.
type JWTConditionValue struct {
	List []string `json:"list"`
}

// JWTTemplateTargetingInput sets the targeting rules
// (UpdateJwtTemplateTargetingRequestDto). Nil Rules means no rules on create
// and replace, and no change on patch.
type JWTTemplateTargetingInput struct {
	Rules []JWTTargetingRuleInput `json:"rules"`
}

// JWTTargetingRuleInput is a rule as sent; every field is required.
type JWTTargetingRuleInput struct {
	ConditionLogic *string                      `json:"conditionLogic"`
	Conditions     []JWTTargetingConditionInput `json:"conditions"`
	Treatment      *string                      `json:"treatment"`
}

// JWTTargetingConditionInput is a condition as sent; every field is
// required.
type JWTTargetingConditionInput struct {
	Attribute *string            `json:"attribute"`
	Op        *string            `json:"op"`
	Value     *JWTConditionValue `json:"value"`
	Negate    *bool              `json:"negate"`
}

// TokenFacts are what targeting conditions test about the token being
// issued.
type TokenFacts struct {
	UserID        string
	ApplicationID string
	TenantID      string
	RoleIDs       []string
	TokenType     string
	UserEmail     string
}

// MatchTargeting returns the treatment (template key) of the first rule
// whose conditions all hold for f, and false when none does. It is pure:
// the same rules and facts always give the same answer.
func MatchTargeting(rules []JWTTargetingRule, f TokenFacts) (string, bool) {
	for _, r := range rules {
		if r.ConditionLogic != "" && r.ConditionLogic != LogicAnd {
			continue
		}
		holds := true
		for _, c := range r.Conditions {
			if !c.Holds(f) {
				holds = false
				break
			}
		}
		if holds {
			return r.Treatment, true
		}
	}
	return "", false
}

// Holds reports whether the condition is true of f.
func (c JWTTargetingCondition) Holds(f TokenFacts) bool {
	var values []string
	fold := false
	switch c.Attribute {
	case TargetUserID:
		values = []string{f.UserID}
	case TargetApplicationID:
		values = []string{f.ApplicationID}
	case TargetTenantID:
		values = []string{f.TenantID}
	case TargetRoleIDs:
		values = f.RoleIDs
	case TargetTokenType:
		values = []string{f.TokenType}
	case TargetUserEmail:
		values, fold = []string{f.UserEmail}, true
	default:
		return false // unknown attributes never hold, negated or not
	}
	var match func(v, w string) bool
	switch c.Op {
	case OpInList:
		match = func(v, w string) bool { return v == w }
	case OpContains:
		match = strings.Contains
	case OpEndsWith:
		match = strings.HasSuffix
	default:
		return false
	}
	hit := false
	for _, v := range values {
		if fold {
			v = strings.ToLower(v)
		}
		for _, w := range c.Value.List {
			if fold {
				w = strings.ToLower(w)
			}
			if match(v, w) {
				hit = true
				break
			}
		}
		if hit {
			break
		}
	}
	return hit != c.Negate
}

// jwtTemplatesDoc is the stored list of templates.
type jwtTemplatesDoc struct {
	Templates []JWTTemplate `json:"templates"`
}

// templateCache keeps the templates and targeting in memory for configTTL,
// so issuing a token reads no store.
type templateCache struct {
	mu        sync.Mutex
	fetched   time.Time
	templates []JWTTemplate
	targeting *JWTTemplateTargeting
}

// tokenTemplates returns the templates and the targeting (nil when none)
// from the cache.
func (id *Identity) tokenTemplates(ctx context.Context) ([]JWTTemplate, *JWTTemplateTargeting, error) {
	c := id.tplMemo
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if !c.fetched.IsZero() && now.Sub(c.fetched) < configTTL {
		return c.templates, c.targeting, nil
	}
	doc, err := loadSetting(ctx, id, id.store, "", settingJWTTemplates, jwtTemplatesDoc{})
	if err != nil {
		return nil, nil, err
	}
	tg, err := id.loadTargeting(ctx, id.store)
	if err != nil {
		return nil, nil, err
	}
	c.templates, c.targeting, c.fetched = doc.Templates, tg, now
	return c.templates, c.targeting, nil
}

func (id *Identity) forgetTemplates() {
	id.tplMemo.mu.Lock()
	id.tplMemo.fetched = time.Time{}
	id.tplMemo.mu.Unlock()
}

// templatesUseHS256 reports whether a template signs with HS256, so that the
// environment's HS256 secret is in use even while its default is RS256.
func (id *Identity) templatesUseHS256(ctx context.Context) (bool, error) {
	tpls, _, err := id.tokenTemplates(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(tpls, func(t JWTTemplate) bool { return t.Algorithm == tokens.AlgHS256 }), nil
}

// shapeToken decides how the user access token c of rec in sess is issued:
// with the environment's algorithm and lifetime, or, when a targeting rule
// picks a template, with the template's, its claims added to c.Extra.
func (id *Identity) shapeToken(ctx context.Context, cfg store.EnvConfig, rec *userRecord, sess *store.Session, c *tokens.Claims) (alg string, ttl time.Duration, err error) {
	alg, ttl = cfg.JWTAlgorithm, time.Duration(cfg.DefaultTokenExpiration)*time.Second
	tpls, tg, err := id.tokenTemplates(ctx)
	if err != nil || tg == nil || len(tpls) == 0 {
		return alg, ttl, err
	}
	var roleIDs []string
	if m := rec.membership(sess.TenantID); m != nil {
		roleIDs = m.RoleIDs
	}
	key, ok := MatchTargeting(tg.Targeting.Rules, TokenFacts{
		UserID: rec.user.ID, TenantID: sess.TenantID, RoleIDs: roleIDs, TokenType: c.Type, UserEmail: rec.user.Email,
	})
	if !ok {
		return alg, ttl, nil
	}
	i := slices.IndexFunc(tpls, func(t JWTTemplate) bool { return t.Key == key })
	if i < 0 {
		id.log.WarnContext(ctx, "JWT targeting picked an unknown template; issuing the default token", "template", key)
		return alg, ttl, nil
	}
	t := tpls[i]
	vars := tokenVariables(c, rec.user, roleIDs, id.issuerName)
	extra := resolveTemplateClaims(t.TemplateSchema.Claims, vars)
	if len(extra) > 0 {
		if c.Extra == nil {
			c.Extra = make(map[string]any, len(extra))
		}
		for k, v := range extra {
			c.Extra[k] = v
		}
	}
	return t.Algorithm, time.Duration(t.Expiration) * time.Second, nil
}

// standardClaimVars maps each standard claim to the variable a template
// may give it (its own value).
var standardClaimVars = map[string]string{
	"sub": "sub", "iss": "iss", "aud": "aud", "iat": "iat", "exp": "exp", "nbf": "nbf", "jti": "jti",
	"sid": "sid", "type": "type", "amr": "amr", "auth_time": "auth_time",
	"tenantId": "user.tenantId", "tenantIds": "user.tenantIds",
	"roles": "user.tenant.roles", "permissions": "user.tenant.permissions",
	"email": "user.email", "email_verified": "user.verified", "name": "user.name",
	"metadata": "user.metadata", "profilePictureUrl": "user.profilePictureUrl", "superUser": "user.superUser",
}

// templateVariables are the variables custom claims may use; user.metadata
// also takes a path below it.
var templateVariables = []string{
	"sub", "sid", "type", "iss", "amr", "auth_time", "applicationId",
	"user.id", "user.email", "user.username", "user.name", "user.phoneNumber", "user.profilePictureUrl",
	"user.verified", "user.superUser", "user.externalId", "user.metadata", "user.tenantId", "user.tenantIds",
	"user.tenant.roles", "user.tenant.permissions", "user.tenant.roleIds",
}

// standardOnlyVariables exist only as the value of their own standard claim.
var standardOnlyVariables = []string{"iat", "exp", "nbf", "jti", "aud"}

var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.:-]*)\s*\}\}`)

func knownVariable(v string) bool {
	return slices.Contains(templateVariables, v) || (strings.HasPrefix(v, "user.metadata.") && len(v) > len("user.metadata."))
}

// validateClaims checks a template's claims mapping; field names the
// offending claim.
func validateClaims(claims map[string]any) error {
	if claims == nil {
		return invalid("templateSchema.claims", "templateSchema.claims is required (an object of claim names and values)")
	}
	if len(claims) > maxTemplateClaims {
		return invalid("templateSchema.claims", "templateSchema.claims holds at most %d claims", maxTemplateClaims)
	}
	if b, err := json.Marshal(claims); err != nil || len(b) > maxTemplateClaimsBytes {
		return invalid("templateSchema.claims", "templateSchema.claims must be JSON of at most %d bytes", maxTemplateClaimsBytes)
	}
	for name, v := range claims {
		field := "templateSchema.claims." + name
		if strings.TrimSpace(name) == "" || len(name) > 200 {
			return invalid("templateSchema.claims", "claim names must be 1 to 200 characters")
		}
		if want, std := standardClaimVars[name]; std {
			s, ok := v.(string)
			m := placeholderRE.FindStringSubmatch(strings.TrimSpace(s))
			if !ok || m == nil || m[0] != strings.TrimSpace(s) || m[1] != want {
				return invalid(field, "%s is a standard claim, always issued as {{%s}}; give a custom claim another name", name, want)
			}
			continue
		}
		if err := checkPlaceholders(field, v); err != nil {
			return err
		}
	}
	return nil
}

// checkPlaceholders checks every placeholder inside v.
func checkPlaceholders(field string, v any) error {
	switch x := v.(type) {
	case string:
		for _, m := range placeholderRE.FindAllStringSubmatch(x, -1) {
			switch {
			case slices.Contains(standardOnlyVariables, m[1]):
				return invalid(field, "{{%s}} is only available as the value of the standard claim %s", m[1], m[1])
			case !knownVariable(m[1]):
				return invalid(field, "unknown template variable {{%s}}", m[1])
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := checkPlaceholders(field+"."+k, e); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := checkPlaceholders(fmt.Sprintf("%s[%d]", field, i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// tokenVariables returns the variable lookup of a user token with claims
// c (before signing) of user u holding roleIDs in the token's tenant.
func tokenVariables(c *tokens.Claims, u *store.User, roleIDs []string, issuer string) func(string) (any, bool) {
	str := func(s string) (any, bool) { return s, s != "" }
	list := func(l []string) (any, bool) {
		if l == nil {
			l = []string{}
		}
		return slices.Clone(l), true
	}
	return func(v string) (any, bool) {
		switch v {
		case "sub", "user.id":
			return str(c.Subject)
		case "sid":
			return str(c.SessionID)
		case "type":
			return str(c.Type)
		case "iss":
			return str(issuer)
		case "amr":
			return list(c.AMR)
		case "auth_time":
			return c.AuthTime, c.AuthTime != 0
		case "applicationId":
			return nil, false // logins and refreshes carry no application id
		case "user.email":
			return str(u.Email)
		case "user.username":
			return str(u.Username)
		case "user.name":
			return str(u.Name)
		case "user.phoneNumber":
			return str(u.PhoneNumber)
		case "user.profilePictureUrl":
			return str(u.ProfilePictureURL)
		case "user.verified":
			return u.Verified, true
		case "user.superUser":
			return u.SuperUser, true
		case "user.externalId":
			return str(u.ExternalID)
		case "user.metadata":
			if c.Metadata == nil {
				return map[string]any{}, true
			}
			return c.Metadata, true
		case "user.tenantId":
			return str(c.TenantID)
		case "user.tenantIds":
			return list(c.TenantIDs)
		case "user.tenant.roles":
			return list(c.Roles)
		case "user.tenant.permissions":
			return list(c.Permissions)
		case "user.tenant.roleIds":
			return list(roleIDs)
		}
		if path, ok := strings.CutPrefix(v, "user.metadata."); ok {
			var cur any = c.Metadata
			for _, k := range strings.Split(path, ".") {
				m, ok := cur.(map[string]any)
				if !ok {
					return nil, false
				}
				if cur, ok = m[k]; !ok {
					return nil, false
				}
			}
			return cur, cur != nil
		}
		return nil, false
	}
}

// resolveTemplateClaims returns the custom claims of a template's claims
// mapping, resolved with vars. Standard claims are left to the token.
func resolveTemplateClaims(claims map[string]any, vars func(string) (any, bool)) map[string]any {
	out := make(map[string]any, len(claims))
	for name, v := range claims {
		if _, std := standardClaimVars[name]; std {
			continue
		}
		if r, ok := resolveValue(v, vars); ok {
			out[name] = r
		}
	}
	return out
}

// resolveValue resolves the placeholders of v; ok is false when v is a lone
// placeholder whose variable has no value.
func resolveValue(v any, vars func(string) (any, bool)) (any, bool) {
	switch x := v.(type) {
	case string:
		if m := placeholderRE.FindStringSubmatch(x); m != nil && m[0] == x {
			return vars(m[1])
		}
		return placeholderRE.ReplaceAllStringFunc(x, func(ph string) string {
			r, ok := vars(placeholderRE.FindStringSubmatch(ph)[1])
			if !ok {
				return ""
			}
			return claimText(r)
		}), true
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k], _ = resolveValue(e, vars)
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i], _ = resolveValue(e, vars)
		}
		return out, true
	}
	return v, true
}

// claimText renders a variable's value inside a string.
func claimText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// jsonClaims returns claims as they read back from JSON (numbers become
// float64, structs become maps), so that a template returned on create or
// update equals the stored one. claims has passed validateClaims.
func jsonClaims(claims map[string]any) map[string]any {
	b, err := json.Marshal(claims)
	if err != nil {
		return claims
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return claims
	}
	return out
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

// validate checks a template input; create requires every required field.
func (in JWTTemplateInput) validate(create bool) error {
	if create {
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"key", in.Key != nil}, {"name", in.Name != nil}, {"expiration", in.Expiration != nil},
			{"algorithm", in.Algorithm != nil}, {"templateSchema", in.TemplateSchema != nil},
		} {
			if !f.set {
				return invalid(f.name, "%s is required", f.name)
			}
		}
	}
	if in.Key != nil && (len(*in.Key) > maxKeyChars || !templateKeyRE.MatchString(*in.Key)) {
		return invalid("key", "key must be 1 to %d letters, digits, '.', '_', ':' or '-'", maxKeyChars)
	}
	if in.Name != nil && (strings.TrimSpace(*in.Name) == "" || len(*in.Name) > 200) {
		return invalid("name", "name must be 1 to 200 characters")
	}
	if in.Description != nil && len(*in.Description) > 1000 {
		return invalid("description", "description must be at most 1000 characters")
	}
	if in.Expiration != nil && (*in.Expiration < MinJWTTemplateExpiration || *in.Expiration > MaxJWTTemplateExpiration) {
		return invalid("expiration", "expiration must be between %d and %d seconds", MinJWTTemplateExpiration, MaxJWTTemplateExpiration)
	}
	if err := oneOf("algorithm", in.Algorithm, []string{tokens.AlgRS256, tokens.AlgHS256}); err != nil {
		return err
	}
	if in.TemplateSchema != nil {
		return validateClaims(in.TemplateSchema.Claims)
	}
	return nil
}

// loadTemplates reads the stored templates inside st.
func (id *Identity) loadTemplates(ctx context.Context, st store.Store) ([]JWTTemplate, error) {
	doc, err := loadSetting(ctx, id, st, "", settingJWTTemplates, jwtTemplatesDoc{})
	return doc.Templates, err
}

// changeTemplates runs fn on the stored templates in a transaction and
// saves what it returns; an HS256 template makes sure the environment has
// its HS256 secret.
func (id *Identity) changeTemplates(ctx context.Context, fn func(tx store.Store, tpls []JWTTemplate) ([]JWTTemplate, error)) error {
	err := id.store.InTx(ctx, func(tx store.Store) error {
		tpls, err := id.loadTemplates(ctx, tx)
		if err != nil {
			return err
		}
		if tpls, err = fn(tx, tpls); err != nil {
			return err
		}
		if slices.ContainsFunc(tpls, func(t JWTTemplate) bool { return t.Algorithm == tokens.AlgHS256 }) {
			cfg, err := id.loadConfig(ctx, tx)
			if err != nil {
				return err
			}
			if cfg.JWTSecret == "" {
				if cfg.JWTSecret, err = id.newSecret(); err != nil {
					return err
				}
				cfg.UpdatedAt = id.now()
				if err := tx.PutConfig(ctx, &cfg); err != nil {
					return err
				}
			}
		}
		return saveSetting(ctx, id, tx, "", settingJWTTemplates, jwtTemplatesDoc{Templates: tpls})
	})
	id.forgetTemplates()
	id.forgetConfig()
	return err
}

// CreateJWTTemplate creates a token template. Its key must be unique in the
// environment (ErrConflict otherwise).
func (id *Identity) CreateJWTTemplate(ctx context.Context, in JWTTemplateInput) (*JWTTemplate, error) {
	if err := in.validate(true); err != nil {
		return nil, err
	}
	now := id.now()
	t := JWTTemplate{
		ID: id.newID(), VendorID: id.envID, Key: *in.Key, Name: *in.Name, Description: cloneString(in.Description),
		Expiration: *in.Expiration, Algorithm: *in.Algorithm, TemplateSchema: JWTTemplateSchema{Claims: jsonClaims(in.TemplateSchema.Claims)},
		CreatedAt: now, UpdatedAt: now,
	}
	err := id.changeTemplates(ctx, func(_ store.Store, tpls []JWTTemplate) ([]JWTTemplate, error) {
		if slices.ContainsFunc(tpls, func(o JWTTemplate) bool { return o.Key == t.Key }) {
			return nil, conflict("", "a JWT template with key %q already exists", t.Key)
		}
		if len(tpls) >= maxJWTTemplates {
			return nil, invalid("key", "an environment holds at most %d JWT templates", maxJWTTemplates)
		}
		return append(tpls, t), nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// ListJWTTemplates lists the environment's templates, filtered by q.Keys
// and q.IDs, sorted by q.SortBy (createdAt, id, key, name or updatedAt;
// createdAt by default) and paged.
func (id *Identity) ListJWTTemplates(ctx context.Context, q JWTTemplateQuery) (*Page[JWTTemplate], error) {
	pq, err := q.PageQuery.normalize("createdAt", "id", "key", "name", "updatedAt")
	if err != nil {
		return nil, err
	}
	tpls, err := id.loadTemplates(ctx, id.store)
	if err != nil {
		return nil, err
	}
	out := make([]JWTTemplate, 0, len(tpls))
	for _, t := range tpls {
		if (len(q.Keys) == 0 || slices.Contains(q.Keys, t.Key)) && (len(q.IDs) == 0 || slices.Contains(q.IDs, t.ID)) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b JWTTemplate) int {
		var c int
		switch pq.SortBy {
		case "id":
			c = cmp.Compare(a.ID, b.ID)
		case "key":
			c = cmp.Compare(a.Key, b.Key)
		case "name":
			c = cmp.Compare(a.Name, b.Name)
		case "updatedAt":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		default:
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if pq.Order == "DESC" {
			c = -c
		}
		return c
	})
	return pageOf(out, pq), nil
}

// GetJWTTemplate returns template templateID.
func (id *Identity) GetJWTTemplate(ctx context.Context, templateID string) (*JWTTemplate, error) {
	tpls, err := id.loadTemplates(ctx, id.store)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(tpls, func(t JWTTemplate) bool { return t.ID == templateID })
	if i < 0 {
		return nil, notFound("JWT template %s not found", templateID)
	}
	return &tpls[i], nil
}

// UpdateJWTTemplate changes the non-nil fields of template templateID. A new
// key must be free; targeting rules that named the old key follow it.
func (id *Identity) UpdateJWTTemplate(ctx context.Context, templateID string, in JWTTemplateInput) (*JWTTemplate, error) {
	if err := in.validate(false); err != nil {
		return nil, err
	}
	var out JWTTemplate
	err := id.changeTemplates(ctx, func(tx store.Store, tpls []JWTTemplate) ([]JWTTemplate, error) {
		i := slices.IndexFunc(tpls, func(t JWTTemplate) bool { return t.ID == templateID })
		if i < 0 {
			return nil, notFound("JWT template %s not found", templateID)
		}
		t := tpls[i]
		oldKey := t.Key
		if in.Key != nil && *in.Key != t.Key {
			if slices.ContainsFunc(tpls, func(o JWTTemplate) bool { return o.Key == *in.Key }) {
				return nil, conflict("", "a JWT template with key %q already exists", *in.Key)
			}
			t.Key = *in.Key
		}
		setStr(&t.Name, in.Name)
		if in.Description != nil {
			t.Description = cloneString(in.Description)
		}
		setInt(&t.Expiration, in.Expiration)
		setStr(&t.Algorithm, in.Algorithm)
		if in.TemplateSchema != nil {
			t.TemplateSchema = JWTTemplateSchema{Claims: jsonClaims(in.TemplateSchema.Claims)}
		}
		t.UpdatedAt = id.now()
		tpls[i], out = t, t
		if t.Key != oldKey {
			if err := id.renameTreatment(ctx, tx, oldKey, t.Key); err != nil {
				return nil, err
			}
		}
		return tpls, nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// renameTreatment points the targeting rules naming template key from at
// key to.
func (id *Identity) renameTreatment(ctx context.Context, tx store.Store, from, to string) error {
	tg, err := id.loadTargeting(ctx, tx)
	if err != nil || tg == nil {
		return err
	}
	changed := false
	for i := range tg.Targeting.Rules {
		if tg.Targeting.Rules[i].Treatment == from {
			tg.Targeting.Rules[i].Treatment, changed = to, true
		}
	}
	if !changed {
		return nil
	}
	tg.UpdatedAt = id.now()
	return saveSetting(ctx, id, tx, "", settingJWTTargeting, tg)
}

// DeleteJWTTemplate deletes template templateID. A template a targeting
// rule still names cannot be deleted (ErrConflict): change the targeting
// first.
func (id *Identity) DeleteJWTTemplate(ctx context.Context, templateID string) error {
	return id.changeTemplates(ctx, func(tx store.Store, tpls []JWTTemplate) ([]JWTTemplate, error) {
		i := slices.IndexFunc(tpls, func(t JWTTemplate) bool { return t.ID == templateID })
		if i < 0 {
			return nil, notFound("JWT template %s not found", templateID)
		}
		tg, err := id.loadTargeting(ctx, tx)
		if err != nil {
			return nil, err
		}
		if tg != nil {
			for n, r := range tg.Targeting.Rules {
				if r.Treatment == tpls[i].Key {
					return nil, conflict("", "JWT template %q is the treatment of targeting rule %d; change the targeting first", tpls[i].Key, n)
				}
			}
		}
		return slices.Delete(tpls, i, i+1), nil
	})
}

// loadTargeting reads the targeting configuration, nil when none exists.
func (id *Identity) loadTargeting(ctx context.Context, st store.Store) (*JWTTemplateTargeting, error) {
	tg, err := loadSetting(ctx, id, st, "", settingJWTTargeting, JWTTemplateTargeting{})
	if err != nil || tg.ID == "" {
		return nil, err
	}
	if tg.Targeting.Rules == nil {
		tg.Targeting.Rules = []JWTTargetingRule{}
	}
	return &tg, nil
}

// rules validates the input rules against the templates tpls.
func (in JWTTemplateTargetingInput) rules(tpls []JWTTemplate) ([]JWTTargetingRule, error) {
	if len(in.Rules) > maxTargetingRules {
		return nil, invalid("rules", "at most %d targeting rules", maxTargetingRules)
	}
	out := make([]JWTTargetingRule, 0, len(in.Rules))
	for i, r := range in.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r.ConditionLogic == nil {
			return nil, invalid(field+".conditionLogic", "%s.conditionLogic is required", field)
		}
		if *r.ConditionLogic != LogicAnd {
			return nil, invalid(field+".conditionLogic", "%s.conditionLogic must be %q", field, LogicAnd)
		}
		if r.Treatment == nil || *r.Treatment == "" {
			return nil, invalid(field+".treatment", "%s.treatment is required (a JWT template key)", field)
		}
		if !slices.ContainsFunc(tpls, func(t JWTTemplate) bool { return t.Key == *r.Treatment }) {
			return nil, invalid(field+".treatment", "%s.treatment %q is not the key of a JWT template", field, *r.Treatment)
		}
		if r.Conditions == nil {
			return nil, invalid(field+".conditions", "%s.conditions is required (an empty list matches every token)", field)
		}
		if len(r.Conditions) > maxRuleConditions {
			return nil, invalid(field+".conditions", "%s holds at most %d conditions", field, maxRuleConditions)
		}
		rule := JWTTargetingRule{ConditionLogic: LogicAnd, Treatment: *r.Treatment, Conditions: make([]JWTTargetingCondition, 0, len(r.Conditions))}
		for j, c := range r.Conditions {
			cf := fmt.Sprintf("%s.conditions[%d]", field, j)
			switch {
			case c.Attribute == nil:
				return nil, invalid(cf+".attribute", "%s.attribute is required", cf)
			case !slices.Contains(targetAttributes, *c.Attribute):
				return nil, invalid(cf+".attribute", "%s.attribute must be one of %v", cf, targetAttributes)
			case c.Op == nil:
				return nil, invalid(cf+".op", "%s.op is required", cf)
			case !slices.Contains(targetOps, *c.Op):
				return nil, invalid(cf+".op", "%s.op must be one of %v", cf, targetOps)
			case c.Negate == nil:
				return nil, invalid(cf+".negate", "%s.negate is required", cf)
			case c.Value == nil || len(c.Value.List) == 0:
				return nil, invalid(cf+".value", "%s.value must be an object with a non-empty list of strings: {\"list\": [...]}", cf)
			case len(c.Value.List) > maxConditionValues:
				return nil, invalid(cf+".value", "%s.value.list holds at most %d strings", cf, maxConditionValues)
			}
			rule.Conditions = append(rule.Conditions, JWTTargetingCondition{
				Attribute: *c.Attribute, Op: *c.Op, Negate: *c.Negate, Value: JWTConditionValue{List: slices.Clone(c.Value.List)},
			})
		}
		out = append(out, rule)
	}
	return out, nil
}

// GetJWTTemplateTargeting returns the targeting configuration; ErrNotFound
// when none was created.
func (id *Identity) GetJWTTemplateTargeting(ctx context.Context) (*JWTTemplateTargeting, error) {
	tg, err := id.loadTargeting(ctx, id.store)
	if err != nil {
		return nil, err
	}
	if tg == nil {
		return nil, notFound("no JWT template targeting is configured")
	}
	return tg, nil
}

// targetingMode says which configurations an operation accepts.
type targetingMode int

const (
	targetingCreate targetingMode = iota // none may exist
	targetingUpsert                      // either
	targetingPatch                       // the one with the given id must exist
)

// saveTargeting validates in and stores the targeting configuration.
func (id *Identity) saveTargeting(ctx context.Context, mode targetingMode, targetingID string, in JWTTemplateTargetingInput) (*JWTTemplateTargeting, error) {
	var out *JWTTemplateTargeting
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := id.loadTargeting(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case mode == targetingCreate && cur != nil:
			return conflict("", "JWT template targeting already exists; update it instead")
		case mode == targetingPatch && (cur == nil || cur.ID != targetingID):
			return notFound("JWT template targeting %s not found", targetingID)
		}
		tpls, err := id.loadTemplates(ctx, tx)
		if err != nil {
			return err
		}
		now := id.now()
		tg := &JWTTemplateTargeting{ID: id.newID(), CreatedAt: now}
		if cur != nil {
			tg = cur
		}
		if mode != targetingPatch || in.Rules != nil {
			if tg.Targeting.Rules, err = in.rules(tpls); err != nil {
				return err
			}
		}
		tg.UpdatedAt = now
		out = tg
		return saveSetting(ctx, id, tx, "", settingJWTTargeting, tg)
	})
	id.forgetTemplates()
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateJWTTemplateTargeting creates the targeting configuration;
// ErrConflict when one exists. Every rule's treatment must be a template
// key.
func (id *Identity) CreateJWTTemplateTargeting(ctx context.Context, in JWTTemplateTargetingInput) (*JWTTemplateTargeting, error) {
	return id.saveTargeting(ctx, targetingCreate, "", in)
}

// UpdateJWTTemplateTargeting replaces the rules of the targeting
// configuration, creating it when there is none.
func (id *Identity) UpdateJWTTemplateTargeting(ctx context.Context, in JWTTemplateTargetingInput) (*JWTTemplateTargeting, error) {
	return id.saveTargeting(ctx, targetingUpsert, "", in)
}

// PatchJWTTemplateTargeting replaces the rules of targeting configuration
// targetingID when in.Rules is set; ErrNotFound when the environment's
// configuration has another id or does not exist.
func (id *Identity) PatchJWTTemplateTargeting(ctx context.Context, targetingID string, in JWTTemplateTargetingInput) (*JWTTemplateTargeting, error) {
	return id.saveTargeting(ctx, targetingPatch, targetingID, in)
}

// DeleteJWTTemplateTargeting deletes targeting configuration targetingID:
// every token is then the environment's default token. ErrNotFound when the
// configuration has another id or does not exist.
func (id *Identity) DeleteJWTTemplateTargeting(ctx context.Context, targetingID string) error {
	err := id.store.InTx(ctx, func(tx store.Store) error {
		cur, err := id.loadTargeting(ctx, tx)
		if err != nil {
			return err
		}
		if cur == nil || cur.ID != targetingID {
			return notFound("JWT template targeting %s not found", targetingID)
		}
		return tx.DeleteSetting(ctx, id.envID, "", settingJWTTargeting)
	})
	id.forgetTemplates()
	return err
}
