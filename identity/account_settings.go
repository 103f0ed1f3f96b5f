package identity

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/yolkauth/yolk/store"
)

// Permissions a user needs to read and change its account's settings.
const (
	PermReadAccountSettings  = "fe.secure.read.accountSettings"
	PermWriteAccountSettings = "fe.secure.write.accountSettings"
)

// MaxLogoBytes bounds a base64-encoded logo (as sent, data URL prefix
// included).
const MaxLogoBytes = 512 << 10

// Tenant types (TenantProfile.TenantType).
const (
	TenantTypeCustomer    = "customer"
	TenantTypeSpam        = "spam"
	TenantTypeTest        = "test"
	TenantTypeReseller    = "reseller"
	TenantTypeHeadquarter = "headquarter"
)

var (
	aliasPattern    = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	timezonePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	dataURLPattern  = regexp.MustCompile(`^data:image/[a-zA-Z0-9.+-]+;base64,`)
)

// TenantProfile is the descriptive part of an account: where it is, how it
// presents itself and the account settings its users see. Every field is
// optional. URLs are absolute http(s) URLs; Logo is a base64-encoded image
// (optionally a data: URL); Timezone an IANA name such as Europe/Paris;
// Currency an ISO 4217 code; CountryCode an ISO 3166-1 alpha-2 code (both
// upper-cased); TenantType one of the TenantType* constants.
type TenantProfile struct {
	Website           string   `json:"website,omitempty"`
	ApplicationURL    string   `json:"applicationUrl,omitempty"`
	LoginURL          string   `json:"loginUrl,omitempty"`
	Logo              string   `json:"logo,omitempty"`
	LogoURL           string   `json:"logoUrl,omitempty"`
	Address           string   `json:"address,omitempty"`
	Address2          string   `json:"address2,omitempty"`
	City              string   `json:"city,omitempty"`
	State             string   `json:"state,omitempty"`
	PostCode          string   `json:"postCode,omitempty"`
	CountryCode       string   `json:"countryCode,omitempty"`
	Timezone          string   `json:"timezone,omitempty"`
	Currency          string   `json:"currency,omitempty"`
	DateFormat        string   `json:"dateFormat,omitempty"`
	TimeFormat        string   `json:"timeFormat,omitempty"`
	Domain            string   `json:"domain,omitempty"`
	Industry          string   `json:"industry,omitempty"`
	TenantType        string   `json:"tenantType,omitempty"`
	NumberOfEmployees *int     `json:"numberOfEmployees,omitempty"`
	AnnualRevenue     *float64 `json:"annualRevenue,omitempty"`
	YearFounded       *int     `json:"yearFounded,omitempty"`
	TotalFunding      string   `json:"totalFunding,omitempty"`
}

// normalize trims and checks every field; maxYear bounds YearFounded.
func (p *TenantProfile) normalize(maxYear int) error {
	for _, f := range []struct {
		name  string
		v     *string
		check func(field, v string) error
	}{
		{"website", &p.Website, checkHTTPURL},
		{"applicationUrl", &p.ApplicationURL, checkHTTPURL},
		{"loginUrl", &p.LoginURL, checkHTTPURL},
		{"logoUrl", &p.LogoURL, checkHTTPURL},
		{"logo", &p.Logo, checkLogo},
		{"address", &p.Address, maxLen(255)},
		{"address2", &p.Address2, maxLen(255)},
		{"city", &p.City, maxLen(255)},
		{"state", &p.State, maxLen(255)},
		{"postCode", &p.PostCode, maxLen(32)},
		{"countryCode", &p.CountryCode, upperPattern(countryPattern, "an ISO 3166-1 alpha-2 country code such as FR")},
		{"timezone", &p.Timezone, checkTimezone},
		{"currency", &p.Currency, upperPattern(currencyPattern, "an ISO 4217 currency code such as EUR")},
		{"dateFormat", &p.DateFormat, maxLen(64)},
		{"timeFormat", &p.TimeFormat, maxLen(64)},
		{"domain", &p.Domain, checkDomain},
		{"industry", &p.Industry, maxLen(255)},
		{"tenantType", &p.TenantType, checkTenantType},
		{"totalFunding", &p.TotalFunding, maxLen(64)},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			continue
		}
		if err := f.check(f.name, *f.v); err != nil {
			return err
		}
		if f.name == "countryCode" || f.name == "currency" {
			*f.v = strings.ToUpper(*f.v)
		}
	}
	if p.NumberOfEmployees != nil && *p.NumberOfEmployees < 0 {
		return invalid("numberOfEmployees", "numberOfEmployees must not be negative")
	}
	if p.AnnualRevenue != nil && (*p.AnnualRevenue < 0 || math.IsInf(*p.AnnualRevenue, 0) || math.IsNaN(*p.AnnualRevenue)) {
		return invalid("annualRevenue", "annualRevenue must be a number, not negative")
	}
	if p.YearFounded != nil && (*p.YearFounded < 1000 || *p.YearFounded > maxYear) {
		return invalid("yearFounded", "yearFounded must be a year between 1000 and %d", maxYear)
	}
	return nil
}

func maxLen(n int) func(field, v string) error {
	return func(field, v string) error { return checkLen(field, v, n) }
}

func upperPattern(re *regexp.Regexp, what string) func(field, v string) error {
	return func(field, v string) error {
		if !re.MatchString(strings.ToUpper(v)) {
			return invalid(field, "%s must be %s", field, what)
		}
		return nil
	}
}

func checkHTTPURL(field, v string) error {
	if len(v) > 2048 {
		return invalid(field, "%s must be at most 2048 characters", field)
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid(field, "%s must be an absolute http(s) URL such as https://example.com", field)
	}
	return nil
}

func checkLogo(field, v string) error {
	if len(v) > MaxLogoBytes {
		return invalid(field, "%s must be at most %d bytes", field, MaxLogoBytes)
	}
	data := dataURLPattern.ReplaceAllString(v, "")
	if _, err := base64.StdEncoding.DecodeString(data); err != nil {
		return invalid(field, "%s must be a base64-encoded image (optionally a data:image/…;base64, URL)", field)
	}
	return nil
}

func checkTimezone(field, v string) error {
	if len(v) > 64 || !timezonePattern.MatchString(v) {
		return invalid(field, "%s must be an IANA time zone name such as Europe/Paris", field)
	}
	return nil
}

func checkDomain(field, v string) error {
	if err := checkLen(field, v, 255); err != nil {
		return err
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }) >= 0 {
		return invalid(field, "%s must be a domain name such as example.com", field)
	}
	return nil
}

func checkTenantType(field, v string) error {
	switch v {
	case TenantTypeCustomer, TenantTypeSpam, TenantTypeTest, TenantTypeReseller, TenantTypeHeadquarter:
		return nil
	}
	return invalid(field, "%s must be one of customer, spam, test, reseller, headquarter", field)
}

// TenantProfileUpdate changes fields of a TenantProfile: a nil field stays
// as it is, a pointer to "" clears it.
type TenantProfileUpdate struct {
	Website           *string  `json:"website,omitempty"`
	ApplicationURL    *string  `json:"applicationUrl,omitempty"`
	LoginURL          *string  `json:"loginUrl,omitempty"`
	Logo              *string  `json:"logo,omitempty"`
	LogoURL           *string  `json:"logoUrl,omitempty"`
	Address           *string  `json:"address,omitempty"`
	Address2          *string  `json:"address2,omitempty"`
	City              *string  `json:"city,omitempty"`
	State             *string  `json:"state,omitempty"`
	PostCode          *string  `json:"postCode,omitempty"`
	CountryCode       *string  `json:"countryCode,omitempty"`
	Timezone          *string  `json:"timezone,omitempty"`
	Currency          *string  `json:"currency,omitempty"`
	DateFormat        *string  `json:"dateFormat,omitempty"`
	TimeFormat        *string  `json:"timeFormat,omitempty"`
	Domain            *string  `json:"domain,omitempty"`
	Industry          *string  `json:"industry,omitempty"`
	TenantType        *string  `json:"tenantType,omitempty"`
	NumberOfEmployees *int     `json:"numberOfEmployees,omitempty"`
	AnnualRevenue     *float64 `json:"annualRevenue,omitempty"`
	YearFounded       *int     `json:"yearFounded,omitempty"`
	TotalFunding      *string  `json:"totalFunding,omitempty"`
}

func (u *TenantProfileUpdate) empty() bool { return *u == TenantProfileUpdate{} }

// applyTo copies the set fields of u onto p: the update's JSON holds
// exactly those, under the profile's own names.
func (u *TenantProfileUpdate) applyTo(p *TenantProfile) error {
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, p)
}

// AccountSettings are the settings of an account its users see and change
// (the official client's ISettingsResponse).
type AccountSettings struct {
	TenantID       string `json:"tenantId"`
	Name           string `json:"name"`
	Address        string `json:"address,omitempty"`
	Timezone       string `json:"timezone,omitempty"`
	DateFormat     string `json:"dateFormat,omitempty"`
	TimeFormat     string `json:"timeFormat,omitempty"`
	Currency       string `json:"currency,omitempty"`
	Logo           string `json:"logo,omitempty"`
	LogoURL        string `json:"logoUrl,omitempty"`
	ApplicationURL string `json:"applicationUrl,omitempty"`
	LoginURL       string `json:"loginUrl,omitempty"`
}

// PublicAccountSettings are the settings of an account any of its users
// may read (IPublicSettingsResponse).
type PublicAccountSettings struct {
	TenantID       string `json:"tenantId"`
	ApplicationURL string `json:"applicationUrl,omitempty"`
	LoginURL       string `json:"loginUrl,omitempty"`
}

func accountSettingsOf(t *Tenant) *AccountSettings {
	return &AccountSettings{TenantID: t.TenantID, Name: t.Name, Address: t.Address, Timezone: t.Timezone, DateFormat: t.DateFormat,
		TimeFormat: t.TimeFormat, Currency: t.Currency, Logo: t.Logo, LogoURL: t.LogoURL, ApplicationURL: t.ApplicationURL, LoginURL: t.LoginURL}
}

// AccountSettingsUpdate changes account settings (IUpdateSettings): nil
// fields stay as they are, at least one must be set. Name renames the
// account; the others are the TenantProfile fields of the same names.
type AccountSettingsUpdate struct {
	Name           *string `json:"name"`
	Address        *string `json:"address"`
	Timezone       *string `json:"timezone"`
	DateFormat     *string `json:"dateFormat"`
	TimeFormat     *string `json:"timeFormat"`
	Currency       *string `json:"currency"`
	Logo           *string `json:"logo"`
	LogoURL        *string `json:"logoUrl"`
	ApplicationURL *string `json:"applicationUrl"`
	LoginURL       *string `json:"loginUrl"`
}

// accountTenant is the account the principal acts in, checked to exist.
func (id *Identity) accountTenant(ctx context.Context, p *Principal, perm string) (*store.Tenant, error) {
	tenantID, err := id.actingTenant(ctx, p, perm)
	if err != nil {
		return nil, err
	}
	t, err := id.store.GetTenant(ctx, id.envID, tenantID)
	if err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	return t, nil
}

// GetAccountSettings returns the settings of the account the principal
// acts in: a user's token names it (the user needs
// PermReadAccountSettings), the environment names it with the
// frontegg-tenant-id header.
func (id *Identity) GetAccountSettings(ctx context.Context, p *Principal) (*AccountSettings, error) {
	t, err := id.accountTenant(ctx, p, PermReadAccountSettings)
	if err != nil {
		return nil, err
	}
	v, err := id.fullTenantView(ctx, id.store, t)
	if err != nil {
		return nil, err
	}
	return accountSettingsOf(v), nil
}

// UpdateAccountSettings changes the settings of the account the principal
// acts in (a user needs PermWriteAccountSettings). An update that sets
// nothing is ErrInvalidInput.
func (id *Identity) UpdateAccountSettings(ctx context.Context, p *Principal, in AccountSettingsUpdate) (*AccountSettings, error) {
	tenantID, err := id.actingTenant(ctx, p, PermWriteAccountSettings)
	if err != nil {
		return nil, err
	}
	if in == (AccountSettingsUpdate{}) {
		return nil, invalid("", "send at least one setting to update")
	}
	upd := UpdateTenantInput{Name: in.Name, TenantProfileUpdate: TenantProfileUpdate{Address: in.Address, Timezone: in.Timezone,
		DateFormat: in.DateFormat, TimeFormat: in.TimeFormat, Currency: in.Currency, Logo: in.Logo, LogoURL: in.LogoURL,
		ApplicationURL: in.ApplicationURL, LoginURL: in.LoginURL}}
	v, err := id.UpdateTenant(ctx, tenantID, upd)
	if err != nil {
		return nil, err
	}
	return accountSettingsOf(v), nil
}

// GetPublicAccountSettings returns the public settings of the account the
// principal acts in; any user of the account may read them.
func (id *Identity) GetPublicAccountSettings(ctx context.Context, p *Principal) (*PublicAccountSettings, error) {
	t, err := id.accountTenant(ctx, p, "")
	if err != nil {
		return nil, err
	}
	doc, err := id.loadTenantDoc(ctx, id.store, t.ID)
	if err != nil {
		return nil, err
	}
	return &PublicAccountSettings{TenantID: t.ID, ApplicationURL: doc.ApplicationURL, LoginURL: doc.LoginURL}, nil
}
