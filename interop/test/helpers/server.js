// Builds and runs yolk's example server (examples/server) for the interop tests.
import { spawn, execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Repository root: interop/test/helpers -> ../../.. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const HEALTH_TIMEOUT_MS = 60_000;
const BUILD_TIMEOUT_MS = 8 * 60_000;

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the example server and waits for GET /healthz == 200.
 * Set YOLK_SERVER_BIN to use an already built binary instead of `go build`.
 * @returns {Promise<{baseUrl: string, clientId: string, secret: string, logs: () => string, stop: () => Promise<void>}>}
 */
export async function startServer() {
  const clientId = randomUUID();
  const secret = randomBytes(24).toString('hex');
  const dir = await mkdtemp(path.join(tmpdir(), 'yolk-interop-'));
  let bin = process.env.YOLK_SERVER_BIN;
  if (!bin) {
    bin = path.join(dir, 'yolk-server');
    try {
      await execFileP('go', ['build', '-o', bin, './examples/server'], {
        cwd: repoRoot,
        timeout: BUILD_TIMEOUT_MS,
        maxBuffer: 16 << 20,
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`go build ./examples/server failed in ${repoRoot}:\n${err.stderr || err.message}`);
    }
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(bin, ['-addr', `127.0.0.1:${port}`, '-db', ':memory:', '-dev'], {
    cwd: repoRoot,
    env: { ...process.env, YOLK_CLIENT_ID: clientId, YOLK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  // Never leave the server behind, whatever happens to the test process.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => !exited && child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(`server exited early (${JSON.stringify(exited)}); output:\n${output}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.status === 200) {
        return { baseUrl, clientId, secret, logs: () => output, stop };
      }
      lastErr = `GET /healthz -> ${res.status}`;
    } catch (err) {
      lastErr = err.cause?.code || err.message;
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`server did not answer GET /healthz with 200 within 60 s (last: ${lastErr}); output:\n${output}`);
}

/** Name of the refresh cookie for a client id: fe_refresh_<clientId without dashes>. */
export const refreshCookieName = (clientId) => `fe_refresh_${clientId.replace(/-/g, '')}`;

/** Decodes a JWT payload without verifying it. */
export function jwtPayload(token) {
  const part = String(token).split('.')[1];
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** A unique e-mail address per run. */
export const uniqueEmail = (tag) => `interop-${tag}-${randomBytes(6).toString('hex')}@example.com`;

/** A password that satisfies the usual complexity policies. */
export const strongPassword = () => `Yk!${randomBytes(12).toString('base64url')}9a`;
