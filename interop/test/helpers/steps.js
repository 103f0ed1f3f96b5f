// Small helpers that make a failing step say what was sent and received.
import assert from 'node:assert/strict';

/** Request tracing: a source registers {mark(), since(mark)} (see browser-env.js, node-sdk.test.js). */
const tracers = [];

/** Adds a request log source used in failure messages. */
export function addRequestTracer(tracer) {
  tracers.push(tracer);
}

function apiErrorDetail(err) {
  if (err && typeof err === 'object' && 'statusCode' in err) {
    const parts = [`HTTP ${err.statusCode}`];
    if (err.errorCode) parts.push(`errorCode=${err.errorCode}`);
    if (err.errors) parts.push(`errors=${JSON.stringify(err.errors)}`);
    return ` [${parts.join(' ')}]`;
  }
  return '';
}

/**
 * Runs fn and, if it throws, appends the error's HTTP details and the requests
 * made through the global fetch during the step to the message.
 */
export async function traced(fn) {
  const marks = tracers.map((tr) => tr.mark());
  try {
    return await fn();
  } catch (err) {
    const requests = tracers.map((tr, i) => tr.since(marks[i])).filter(Boolean).join('\n');
    const extra = `${apiErrorDetail(err)}\nrequests made in this step:\n${requests || '  (none)'}`;
    if (err instanceof Error) {
      err.message += extra;
      throw err;
    }
    throw new Error(`${String(err?.message ?? err)}${extra}`);
  }
}

/**
 * Asserts that promise rejects with an HTTP error whose status is one of
 * statuses. Works for FronteggApiError (statusCode) and the Node SDK's
 * exceptions (statusCode). Returns the error.
 */
export async function expectRefusal(promise, statuses, what) {
  let result;
  try {
    result = await promise;
  } catch (err) {
    const status = err?.statusCode ?? err?.response?.status;
    assert.ok(
      statuses.includes(status),
      `${what}: expected a refusal with HTTP ${statuses.join(' or ')}, got ${status ?? 'no status'}: ${err?.message ?? err}`,
    );
    return err;
  }
  assert.fail(`${what}: expected a refusal with HTTP ${statuses.join(' or ')}, but it succeeded: ${JSON.stringify(result)?.slice(0, 300)}`);
}

/** Skips the current test when a value an earlier step should have produced is missing. */
export function needs(t, value, what) {
  if (value === undefined || value === null) {
    t.skip(`needs ${what} from an earlier step, which failed`);
    return false;
  }
  return true;
}
