// Minimal browser environment for @frontegg/rest-api under Node: window,
// location, localStorage/sessionStorage, document, and a global fetch that
// keeps cookies the way a browser would for the page's origin.
// Import this module BEFORE @frontegg/rest-api.
import { addRequestTracer } from './steps.js';

/** In-memory Web Storage. */
export class MemoryStorage {
  #m = new Map();
  get length() {
    return this.#m.size;
  }
  key(i) {
    return [...this.#m.keys()][i] ?? null;
  }
  getItem(k) {
    return this.#m.has(String(k)) ? this.#m.get(String(k)) : null;
  }
  setItem(k, v) {
    this.#m.set(String(k), String(v));
  }
  removeItem(k) {
    this.#m.delete(String(k));
  }
  clear() {
    this.#m.clear();
  }
}

/**
 * A small cookie jar: host-only cookies, Path, Max-Age/Expires, Secure,
 * HttpOnly. Enough for one origin.
 */
export class CookieJar {
  /** @type {Map<string, {name:string,value:string,host:string,path:string,secure:boolean,httpOnly:boolean,sameSite:string|null,expires:number|null}>} */
  cookies = new Map();

  static #defaultPath(url) {
    const p = url.pathname;
    if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
    return p.slice(0, p.lastIndexOf('/'));
  }

  static #pathMatches(reqPath, cookiePath) {
    if (reqPath === cookiePath) return true;
    if (!reqPath.startsWith(cookiePath)) return false;
    return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
  }

  static #secureContext(url) {
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }

  /** Stores the cookies of Set-Cookie header values received from url. */
  store(url, setCookies) {
    for (const line of setCookies) {
      const parts = line.split(';');
      const eq = parts[0].indexOf('=');
      if (eq <= 0) continue;
      const c = {
        name: parts[0].slice(0, eq).trim(),
        value: parts[0].slice(eq + 1).trim(),
        host: url.hostname,
        path: CookieJar.#defaultPath(url),
        secure: false,
        httpOnly: false,
        sameSite: null,
        expires: null,
      };
      let maxAge = null;
      for (const attr of parts.slice(1)) {
        const i = attr.indexOf('=');
        const k = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? '' : attr.slice(i + 1).trim();
        if (k === 'path' && v.startsWith('/')) c.path = v;
        else if (k === 'secure') c.secure = true;
        else if (k === 'httponly') c.httpOnly = true;
        else if (k === 'samesite') c.sameSite = v;
        else if (k === 'max-age' && /^-?\d+$/.test(v)) maxAge = Number(v);
        else if (k === 'expires') {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) c.expires = t;
        }
      }
      if (maxAge !== null) c.expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
      if (c.secure && !CookieJar.#secureContext(url)) continue;
      const key = `${c.host};${c.path};${c.name}`;
      if (c.expires !== null && c.expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, c);
    }
  }

  /** The cookies that would be sent to url. */
  matching(url) {
    const now = Date.now();
    const out = [];
    for (const [key, c] of this.cookies) {
      if (c.expires !== null && c.expires <= now) {
        this.cookies.delete(key);
        continue;
      }
      if (c.host !== url.hostname) continue;
      if (!CookieJar.#pathMatches(url.pathname, c.path)) continue;
      if (c.secure && !CookieJar.#secureContext(url)) continue;
      out.push(c);
    }
    // Longer paths first, as browsers do.
    return out.sort((a, b) => b.path.length - a.path.length);
  }

  /** The cookie record for name (any path), or undefined. */
  get(name) {
    for (const c of this.cookies.values()) if (c.name === name) return c;
    return undefined;
  }

  /** Puts a cookie back as the browser would hold it (e.g. an older value). */
  put(cookie) {
    this.cookies.set(`${cookie.host};${cookie.path};${cookie.name}`, { ...cookie });
  }

  clear() {
    this.cookies.clear();
  }
}

export const jar = new CookieJar();

/** Requests made through the global fetch: {method, url, status}. */
export const requestLog = [];

const location = {
  href: 'http://127.0.0.1/',
  origin: 'http://127.0.0.1',
  protocol: 'http:',
  host: '127.0.0.1',
  hostname: '127.0.0.1',
  port: '',
  pathname: '/',
  search: '',
  hash: '',
  assign(u) {
    this.href = String(u);
  },
  replace(u) {
    this.href = String(u);
  },
  reload() {},
};

/** Makes the fake page live at origin (e.g. the server's base URL). */
export function setPageOrigin(origin) {
  const u = new URL('/', origin);
  Object.assign(location, {
    href: u.href,
    origin: u.origin,
    protocol: u.protocol,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    pathname: '/',
    search: '',
    hash: '',
  });
}

globalThis.window ??= globalThis;
globalThis.window.location = location;
globalThis.localStorage ??= new MemoryStorage();
globalThis.sessionStorage ??= new MemoryStorage();
globalThis.document ??= {
  cookie: '',
  createElement() {
    throw new Error('document.createElement is not available in the interop test');
  },
};

const nodeFetch = globalThis.fetch;

/** The global fetch, with the cookie jar applied like a browser page at `location.origin`. */
globalThis.fetch = async function fetchWithCookies(input, init = {}) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  const credentials = init.credentials ?? 'same-origin';
  const useCookies =
    credentials === 'include' || (credentials === 'same-origin' && url.origin === location.origin);
  const headers = new Headers(init.headers);
  if (useCookies) {
    const cookies = jar.matching(url);
    if (cookies.length) headers.set('cookie', cookies.map((c) => `${c.name}=${c.value}`).join('; '));
  }
  const method = (init.method || 'GET').toUpperCase();
  let res;
  try {
    res = await nodeFetch(input, { ...init, headers });
  } catch (err) {
    requestLog.push({ method, url: url.href, status: `network error: ${err.cause?.code || err.message}` });
    throw err;
  }
  requestLog.push({ method, url: url.href, status: res.status });
  if (useCookies) jar.store(url, res.headers.getSetCookie());
  return res;
};

/** The plain Node fetch (no cookies), for direct contract checks. */
export const rawFetch = nodeFetch;

/** Returns the request log since index `from`, formatted for failure messages. */
export function describeRequests(from = 0) {
  return requestLog
    .slice(from)
    .map((r) => `  ${r.method} ${r.url} -> ${r.status}`)
    .join('\n');
}

addRequestTracer({ mark: () => requestLog.length, since: (m) => describeRequests(m) });
