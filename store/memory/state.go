package memory

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/yolkauth/yolk/store"
)

// state is the whole data set. Stored records are never changed in place:
// every write stores a fresh copy. That lets clone share the records
// themselves and copy only the maps.
type state struct {
	envs        map[string]*store.Environment
	envByClient map[string]string // client id → env id
	configs     map[string]*store.EnvConfig

	tenants         map[string]*store.Tenant
	tenantsByEnv    index             // env id → tenant ids
	tenantsByParent index             // scopedKey(env, parent id) → tenant ids
	tenantByAlias   map[string]string // scopedKey(env, alias) → tenant id

	users      map[string]*store.User
	userByMail map[string]string // scopedKey(env, lower(email)) → user id
	userByName map[string]string // scopedKey(env, lower(username)) → user id

	members         map[string]*store.Membership // scopedKey(user, tenant)
	membersByUser   index                        // user id → tenant ids
	membersByTenant index                        // tenant id → user ids

	passwords map[string]*store.PasswordCredential // user id →

	sessions       map[string]*store.Session
	sessionsByUser index // user id → session ids

	refresh          map[string]*store.RefreshToken
	refreshByHash    map[string]string // hex(hash) → token id
	refreshBySession index             // session id → token ids

	keys      map[string]*store.SigningKey
	keysByEnv index // env id → key ids

	otts       map[string]*store.OneTimeToken
	ottByHash  map[string]string // scopedKey(kind, hex(hash)) → token id
	ottsByUser index             // user id → token ids

	settings map[string]*store.Setting // settingKey(env, tenant, name)

	groups         map[string]*store.Group
	groupsByTenant index                         // tenant id → group ids
	groupByName    map[string]string             // foldKey(tenant, name) → group id
	groupMembers   map[string]*store.GroupMember // scopedKey(group, user)
	membersByGroup index                         // group id → user ids
	groupsOfMember index                         // scopedKey(user, tenant) → group ids

	appUsers         map[string]*store.ApplicationUser // appUserKey(app, user, tenant)
	appUsersByApp    index                             // scopedKey(env, app) → appUserKeys
	appUsersByUser   index                             // user id → appUserKeys
	appUsersByMember index                             // scopedKey(user, tenant) → appUserKeys

	appActive         map[string]*store.ApplicationActiveTenant // scopedKey(user, app)
	appActiveByUser   index                                     // user id → app ids
	appActiveByMember index                                     // scopedKey(user, tenant) → app ids
	rbac              rbacState                                 // roles, permissions, permission categories
	invites           map[string]*store.TenantInvite
	inviteByHash      map[string]string // hex(hash) → invite id
	inviteByMember    map[string]string // scopedKey(tenant, user) → invite id
	invitesByEnv      index             // env id → invite ids
	invitesByTenant   index             // tenant id → invite ids
	invitesByCreator  index             // user id → invite ids

	emails       map[string]*store.UserEmail // additional e-mails by id
	emailByKey   map[string]string           // foldKey(env, email) → e-mail id
	emailsByUser index                       // user id → e-mail ids

	phones       map[string]*store.UserPhoneNumber
	phoneByKey   map[string]string // scopedKey(user, number) → phone id
	phonesByUser index             // user id → phone ids

	tasks            map[string]*store.Task
	mfaDevices       map[string]*store.MFADevice
	mfaDevicesByUser index // user id → device ids

	apiTokens         map[string]*store.APIToken
	apiTokensByTenant index // tenant id → API token ids
}

func newState() *state {
	return &state{
		envs:             map[string]*store.Environment{},
		envByClient:      map[string]string{},
		configs:          map[string]*store.EnvConfig{},
		tenants:          map[string]*store.Tenant{},
		tenantsByEnv:     index{},
		tenantsByParent:  index{},
		tenantByAlias:    map[string]string{},
		users:            map[string]*store.User{},
		userByMail:       map[string]string{},
		userByName:       map[string]string{},
		members:          map[string]*store.Membership{},
		membersByUser:    index{},
		membersByTenant:  index{},
		passwords:        map[string]*store.PasswordCredential{},
		sessions:         map[string]*store.Session{},
		sessionsByUser:   index{},
		refresh:          map[string]*store.RefreshToken{},
		refreshByHash:    map[string]string{},
		refreshBySession: index{},
		keys:             map[string]*store.SigningKey{},
		keysByEnv:        index{},
		otts:             map[string]*store.OneTimeToken{},
		ottByHash:        map[string]string{},
		ottsByUser:       index{},
		settings:         map[string]*store.Setting{},

		groups:            map[string]*store.Group{},
		groupsByTenant:    index{},
		groupByName:       map[string]string{},
		groupMembers:      map[string]*store.GroupMember{},
		membersByGroup:    index{},
		groupsOfMember:    index{},
		appUsers:          map[string]*store.ApplicationUser{},
		appUsersByApp:     index{},
		appUsersByUser:    index{},
		appUsersByMember:  index{},
		appActive:         map[string]*store.ApplicationActiveTenant{},
		appActiveByUser:   index{},
		appActiveByMember: index{},

		invites:           map[string]*store.TenantInvite{},
		inviteByHash:      map[string]string{},
		inviteByMember:    map[string]string{},
		invitesByEnv:      index{},
		invitesByTenant:   index{},
		invitesByCreator:  index{},
		rbac:              newRBACState(),
		emails:            map[string]*store.UserEmail{},
		emailByKey:        map[string]string{},
		emailsByUser:      index{},
		phones:            map[string]*store.UserPhoneNumber{},
		phoneByKey:        map[string]string{},
		phonesByUser:      index{},
		mfaDevices:        map[string]*store.MFADevice{},
		mfaDevicesByUser:  index{},
		tasks:             map[string]*store.Task{},
		apiTokens:         map[string]*store.APIToken{},
		apiTokensByTenant: index{},
	}
}

// clone returns a copy of st that a transaction may change freely. It is
// O(records): the maps are copied, the immutable records are shared.
func (st *state) clone() *state {
	return &state{
		envs:             maps.Clone(st.envs),
		envByClient:      maps.Clone(st.envByClient),
		configs:          maps.Clone(st.configs),
		tenants:          maps.Clone(st.tenants),
		tenantsByEnv:     st.tenantsByEnv.clone(),
		tenantsByParent:  st.tenantsByParent.clone(),
		tenantByAlias:    maps.Clone(st.tenantByAlias),
		users:            maps.Clone(st.users),
		userByMail:       maps.Clone(st.userByMail),
		userByName:       maps.Clone(st.userByName),
		members:          maps.Clone(st.members),
		membersByUser:    st.membersByUser.clone(),
		membersByTenant:  st.membersByTenant.clone(),
		passwords:        maps.Clone(st.passwords),
		sessions:         maps.Clone(st.sessions),
		sessionsByUser:   st.sessionsByUser.clone(),
		refresh:          maps.Clone(st.refresh),
		refreshByHash:    maps.Clone(st.refreshByHash),
		refreshBySession: st.refreshBySession.clone(),
		keys:             maps.Clone(st.keys),
		keysByEnv:        st.keysByEnv.clone(),
		otts:             maps.Clone(st.otts),
		ottByHash:        maps.Clone(st.ottByHash),
		ottsByUser:       st.ottsByUser.clone(),
		settings:         maps.Clone(st.settings),

		groups:            maps.Clone(st.groups),
		groupsByTenant:    st.groupsByTenant.clone(),
		groupByName:       maps.Clone(st.groupByName),
		groupMembers:      maps.Clone(st.groupMembers),
		membersByGroup:    st.membersByGroup.clone(),
		groupsOfMember:    st.groupsOfMember.clone(),
		appUsers:          maps.Clone(st.appUsers),
		appUsersByApp:     st.appUsersByApp.clone(),
		appUsersByUser:    st.appUsersByUser.clone(),
		appUsersByMember:  st.appUsersByMember.clone(),
		appActive:         maps.Clone(st.appActive),
		appActiveByUser:   st.appActiveByUser.clone(),
		appActiveByMember: st.appActiveByMember.clone(),

		invites:           maps.Clone(st.invites),
		inviteByHash:      maps.Clone(st.inviteByHash),
		inviteByMember:    maps.Clone(st.inviteByMember),
		invitesByEnv:      st.invitesByEnv.clone(),
		invitesByTenant:   st.invitesByTenant.clone(),
		invitesByCreator:  st.invitesByCreator.clone(),
		rbac:              st.rbac.clone(),
		emails:            maps.Clone(st.emails),
		emailByKey:        maps.Clone(st.emailByKey),
		emailsByUser:      st.emailsByUser.clone(),
		phones:            maps.Clone(st.phones),
		phoneByKey:        maps.Clone(st.phoneByKey),
		phonesByUser:      st.phonesByUser.clone(),
		mfaDevices:        maps.Clone(st.mfaDevices),
		mfaDevicesByUser:  st.mfaDevicesByUser.clone(),
		tasks:             maps.Clone(st.tasks),
		apiTokens:         maps.Clone(st.apiTokens),
		apiTokensByTenant: st.apiTokensByTenant.clone(),
	}
}

// index maps one id to a set of others (for example a user to its
// sessions).
type index map[string]map[string]struct{}

func (ix index) add(key, id string) {
	set := ix[key]
	if set == nil {
		set = map[string]struct{}{}
		ix[key] = set
	}
	set[id] = struct{}{}
}

func (ix index) remove(key, id string) {
	set := ix[key]
	delete(set, id)
	if len(set) == 0 {
		delete(ix, key)
	}
}

// ids returns the ids under key, in no particular order.
func (ix index) ids(key string) []string {
	return slices.Collect(maps.Keys(ix[key]))
}

func (ix index) clone() index {
	c := make(index, len(ix))
	for k, set := range ix {
		c[k] = maps.Clone(set)
	}
	return c
}

// scopedKey joins two key parts unambiguously (ids never contain NUL).
func scopedKey(scope, key string) string { return scope + "\x00" + key }

// foldKey is the case-insensitive key of an e-mail or username in env.
func foldKey(envID, s string) string { return scopedKey(envID, strings.ToLower(s)) }

// hashKey is the map key of a token hash.
func hashKey(h []byte) string { return hex.EncodeToString(h) }

// normTime returns t in UTC truncated to the microsecond, the precision
// every store keeps.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normTimePtr copies and normalises an optional time.
func normTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := normTime(*t)
	return &v
}

// The cp functions return a deep copy of a record with normalised times.
// They are used both to take records in and to hand them out.

func cpEnv(e *store.Environment) *store.Environment {
	c := *e
	c.SecretHash = bytes.Clone(e.SecretHash)
	c.CreatedAt = normTime(e.CreatedAt)
	c.UpdatedAt = normTime(e.UpdatedAt)
	return &c
}

func cpConfig(cfg *store.EnvConfig) *store.EnvConfig {
	c := *cfg
	c.UpdatedAt = normTime(cfg.UpdatedAt)
	return &c
}

func cpTenant(t *store.Tenant) *store.Tenant {
	c := *t
	c.CreatedAt = normTime(t.CreatedAt)
	c.UpdatedAt = normTime(t.UpdatedAt)
	return &c
}

func cpUser(u *store.User) *store.User {
	c := *u
	c.CreatedAt = normTime(u.CreatedAt)
	c.UpdatedAt = normTime(u.UpdatedAt)
	c.LastLogin = normTimePtr(u.LastLogin)
	return &c
}

func cpMembership(m *store.Membership) *store.Membership {
	c := *m
	c.RoleIDs = slices.Clone(m.RoleIDs)
	c.ExpiresAt = normTimePtr(m.ExpiresAt)
	c.CreatedAt = normTime(m.CreatedAt)
	c.UpdatedAt = normTime(m.UpdatedAt)
	return &c
}

func cpPassword(p *store.PasswordCredential) *store.PasswordCredential {
	c := *p
	c.History = slices.Clone(p.History)
	c.UpdatedAt = normTime(p.UpdatedAt)
	return &c
}

func cpSession(s *store.Session) *store.Session {
	c := *s
	c.AMR = slices.Clone(s.AMR)
	c.AuthTime = normTime(s.AuthTime)
	c.CreatedAt = normTime(s.CreatedAt)
	c.LastUsedAt = normTime(s.LastUsedAt)
	c.ExpiresAt = normTime(s.ExpiresAt)
	c.RevokedAt = normTimePtr(s.RevokedAt)
	return &c
}

func cpRefresh(t *store.RefreshToken) *store.RefreshToken {
	c := *t
	c.Hash = bytes.Clone(t.Hash)
	c.CreatedAt = normTime(t.CreatedAt)
	c.ExpiresAt = normTime(t.ExpiresAt)
	c.UsedAt = normTimePtr(t.UsedAt)
	return &c
}

func cpKey(k *store.SigningKey) *store.SigningKey {
	c := *k
	c.PrivateKey = bytes.Clone(k.PrivateKey)
	c.CreatedAt = normTime(k.CreatedAt)
	c.RetiredAt = normTimePtr(k.RetiredAt)
	c.VerifyUntil = normTimePtr(k.VerifyUntil)
	return &c
}

func cpOTT(t *store.OneTimeToken) *store.OneTimeToken {
	c := *t
	c.Hash = bytes.Clone(t.Hash)
	c.CreatedAt = normTime(t.CreatedAt)
	c.ExpiresAt = normTime(t.ExpiresAt)
	c.UsedAt = normTimePtr(t.UsedAt)
	return &c
}

func cpInvite(inv *store.TenantInvite) *store.TenantInvite {
	c := *inv
	c.Hash = bytes.Clone(inv.Hash)
	c.RoleIDs = slices.Clone(inv.RoleIDs)
	c.CreatedAt = normTime(inv.CreatedAt)
	c.UpdatedAt = normTime(inv.UpdatedAt)
	c.ExpiresAt = normTime(inv.ExpiresAt)
	return &c
}

func cpUserEmail(e *store.UserEmail) *store.UserEmail {
	c := *e
	c.CreatedAt = normTime(e.CreatedAt)
	c.UpdatedAt = normTime(e.UpdatedAt)
	return &c
}

func cpPhone(p *store.UserPhoneNumber) *store.UserPhoneNumber {
	c := *p
	c.CreatedAt = normTime(p.CreatedAt)
	c.UpdatedAt = normTime(p.UpdatedAt)
	return &c
}

// list copies the records of ids out of m, ordered by creation time (oldest
// first, or newest first when newest is set) and then by id, so the order
// is total.
func list[T any](m map[string]*T, ids []string, created func(*T) time.Time, id func(*T) string,
	cp func(*T) *T, newest bool) []T {
	recs := make([]*T, 0, len(ids))
	for _, k := range ids {
		if r, ok := m[k]; ok {
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b *T) int {
		c := created(a).Compare(created(b))
		if c == 0 {
			c = cmp.Compare(id(a), id(b))
		}
		if newest {
			return -c
		}
		return c
	})
	out := make([]T, len(recs))
	for i, r := range recs {
		out[i] = *cp(r)
	}
	return out
}
