// registry: the registry system under a steady open-model load (`npm run load -- registry`).
// Setup, as the admin: publish and activate the K6Student definition (an existing or active one is
// fine); register USERS customers, each the owner of the entities made for them (by user id: an
// e-mail makes its holder an owner only once verified, and these accounts are not). Each iteration:
// the admin creates a K6Student owned by one of the users, the owner reads it (owner access, private
// field included), the admin merge-patches it with If-Match (RFC 7396, ETag from the create), the
// admin searches the type by the indexed name (eq) and by grade (between), the owner lists their
// own entities; every 10th iteration the admin deletes the entity.
// Env: RATE (iterations/s, default 5), DURATION (default 60s), USERS (default 4), BASE_URL,
// ADMIN_EMAIL / ADMIN_PASSWORD (the local admin's by default).
// SLOs below: a crossed threshold makes k6 exit 99 (do not loosen a value to pass: report it).
import http from 'k6/http';
import { check, fail } from 'k6';
import exec from 'k6/execution';
import { scenarioSummary } from '../lib/scenario-summary.js';
import {
  BASE_URL,
  constantRateOptions,
  num,
  passwordToken,
  registeredUser,
  setupParams,
} from '../lib/system-scenario.js';

const RATE = num('RATE', 5);
const USERS = num('USERS', 4);
const PASSWORD = __ENV.USER_PASSWORD || 'k6 registry password';
const ADMIN_EMAIL = __ENV.ADMIN_EMAIL || 'admin@archipelago.local';
const ADMIN_PASSWORD = __ENV.ADMIN_PASSWORD || 'archipelago-admin';
const TYPE = 'K6Student';

/** Request names (the `name` tag): thresholds and the report refer to them. */
export const NAMES = {
  create: `POST /registry/v1/entity/${TYPE}`,
  read: `GET /registry/v1/entity/${TYPE}/{id}`,
  patch: `PATCH /registry/v1/entity/${TYPE}/{id}`,
  search: `POST /registry/v1/entity/${TYPE}/search`,
  list: `GET /registry/v1/entity/${TYPE}`,
  remove: `DELETE /registry/v1/entity/${TYPE}/{id}`,
};

/** The SLOs of the registry. */
export const SLO = {
  http_req_failed: ['rate<0.001'],
  checks: ['rate>0.999'],
  [`http_req_duration{name:${NAMES.create}}`]: ['p(95)<200'],
  [`http_req_duration{name:${NAMES.read}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.patch}}`]: ['p(95)<200'],
  [`http_req_duration{name:${NAMES.search}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.list}}`]: ['p(95)<200'],
  [`http_req_duration{name:${NAMES.remove}}`]: ['p(95)<200'],
};

export const options = constantRateOptions({ name: 'registry', rate: RATE, thresholds: SLO });

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The definition the scenario loads: a name (indexed), a grade, a private phone number, an owner's
 * e-mail and user id. A stack that has an older K6Student (owned by e-mail only) needs a fresh stack.
 */
const DEFINITION = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: TYPE,
  type: 'object',
  required: ['name', 'email'],
  properties: {
    name: { type: 'string', minLength: 1 },
    grade: { type: 'integer', minimum: 1, maximum: 12 },
    phone: { type: 'string' },
    email: { type: 'string' },
    ownerId: { type: 'string' },
  },
  _osConfig: {
    privateFields: ['$.phone'],
    indexFields: ['name'],
    roles: ['admin'],
    ownershipAttributes: [{ email: '/email', userId: '/ownerId', mobile: '/phone' }],
  },
};

export function setup() {
  const admin = passwordToken(ADMIN_EMAIL, ADMIN_PASSWORD);
  const adminJson = { ...JSON_HEADERS, authorization: `Bearer ${admin}` };
  const created = http.post(
    `${BASE_URL}/registry/v1/schema/create_def`,
    JSON.stringify(DEFINITION),
    setupParams('POST /registry/v1/schema/create_def', adminJson),
  );
  if (created.status !== 201 && created.status !== 409) fail(`create_def: ${created.status} ${created.body}`);
  // 409 DEFINITION.ALREADY_EXISTS names the existing definition (an earlier run on this stack).
  const id = created.status === 201 ? created.json('id') : created.json('details.id');
  if (!id) fail(`no id for ${TYPE}: ${created.body}`);
  const activated = http.post(
    `${BASE_URL}/registry/v1/schema/activate_def`,
    JSON.stringify({ id }),
    setupParams('POST /registry/v1/schema/activate_def', adminJson),
  );
  if (activated.status !== 200 && activated.status !== 409) fail(`activate_def: ${activated.status} ${activated.body}`);
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const email = `k6-registry-${i}@example.com`;
    const bearer = registeredUser(email, PASSWORD, `k6 registry ${i}`);
    const me = http.get(`${BASE_URL}/identity/v1/users/me`, {
      headers: { authorization: `Bearer ${bearer}` },
      tags: { name: 'GET /identity/v1/users/me' },
    });
    if (me.status !== 200) fail(`users/me for ${email}: ${me.status} ${me.body}`);
    users.push({ email, id: me.json('id'), token: bearer });
  }
  return { admin, users };
}

export default function (data) {
  const n = exec.scenario.iterationInTest;
  const user = data.users[n % data.users.length];
  const as = (bearer, name, extra = {}) => ({
    headers: { ...JSON_HEADERS, authorization: `Bearer ${bearer}`, ...extra },
    tags: { name },
  });
  const base = `${BASE_URL}/registry/v1/entity/${TYPE}`;

  const created = http.post(
    base,
    JSON.stringify({
      name: `k6 student ${n}`,
      grade: 1 + (n % 12),
      phone: `+4915${n}`,
      email: user.email,
      ownerId: user.id,
    }),
    as(data.admin, NAMES.create),
  );
  if (!check(created, { 'entity created (201)': (r) => r.status === 201 })) return;
  const id = created.json('id');
  const read = http.get(`${base}/${id}`, as(user.token, NAMES.read));
  check(read, {
    'owner reads it, private field included (200)': (r) => r.status === 200 && r.json('body.phone') === `+4915${n}`,
  });
  const patched = http.patch(
    `${base}/${id}`,
    JSON.stringify({ grade: 1 + ((n + 1) % 12) }),
    as(data.admin, NAMES.patch, { 'if-match': created.headers.Etag || created.headers.ETag }),
  );
  check(patched, { 'entity patched (200, version 2)': (r) => r.status === 200 && r.json('version') === 2 });
  const byName = http.post(
    `${base}/search`,
    JSON.stringify({ filters: { name: { eq: `k6 student ${Math.max(0, n - 50)}` } } }),
    as(data.admin, NAMES.search),
  );
  check(byName, { 'searched by name (200)': (r) => r.status === 200 });
  const byGrade = http.post(
    `${base}/search`,
    JSON.stringify({ filters: { grade: { between: [3, 5] } }, limit: 20 }),
    as(data.admin, NAMES.search),
  );
  check(byGrade, {
    'searched by grade, no private field (200)': (r) => r.status === 200 && !r.body.includes('"phone"'),
  });
  const mine = http.get(`${base}?limit=20`, as(user.token, NAMES.list));
  check(mine, { 'owner lists their own (200)': (r) => r.status === 200 });
  if (n % 10 === 9) {
    // No body, so no content-type (a JSON content-type with an empty body is a 400).
    const removed = http.del(`${base}/${id}`, null, {
      headers: { authorization: `Bearer ${data.admin}` },
      tags: { name: NAMES.remove },
    });
    check(removed, { 'entity deleted (204)': (r) => r.status === 204 });
  }
}

/** A plain report: SLOs with their measured values, then latency per request name. */
export const handleSummary = scenarioSummary({
  scenario: 'registry',
  subtitle: `${BASE_URL}, ${RATE}/s, ${USERS} users`,
  slo: SLO,
  names: NAMES,
});
