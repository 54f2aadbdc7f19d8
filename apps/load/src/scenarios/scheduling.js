// scheduling: the scheduling system under a steady open-model load (`npm run load -- scheduling`).
// Each iteration, as one of USERS users in their personal workspace: create a task with a subtask,
// create a weekly event with a reminder, read the task back (?minVersion=, read-your-write through
// the query role), list open tasks, list the week's occurrences, complete the task with cascade.
// Env: RATE (iterations/s, default 5), DURATION (default 60s), USERS (default 4), BASE_URL.
// SLOs below: a crossed threshold makes k6 exit 99 (do not loosen a value to pass: report it).
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { scenarioSummary } from '../lib/scenario-summary.js';
import { BASE_URL, constantRateOptions, num, registeredUser } from '../lib/system-scenario.js';

const RATE = num('RATE', 5);
const USERS = num('USERS', 4);
const PASSWORD = __ENV.USER_PASSWORD || 'k6 scheduling password';

/** Request names (the `name` tag): thresholds and the report refer to them. */
export const NAMES = {
  createTask: 'POST /scheduling/v1/tasks',
  getTask: 'GET /scheduling/v1/tasks/{id}',
  listTasks: 'GET /scheduling/v1/tasks',
  complete: 'POST /scheduling/v1/tasks/{id}/complete',
  createEvent: 'POST /scheduling/v1/events',
  occurrences: 'GET /scheduling/v1/events/occurrences',
};

/** The SLOs of scheduling. */
export const SLO = {
  http_req_failed: ['rate<0.001'],
  checks: ['rate>0.999'],
  [`http_req_duration{name:${NAMES.createTask}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.complete}}`]: ['p(95)<200'],
  [`http_req_duration{name:${NAMES.createEvent}}`]: ['p(95)<150'],
  [`http_req_duration{name:${NAMES.listTasks}}`]: ['p(95)<150'],
  // Includes the wait for the projection (up to 2 s) when the read follows the write at once.
  [`http_req_duration{name:${NAMES.getTask}}`]: ['p(95)<500'],
  [`http_req_duration{name:${NAMES.occurrences}}`]: ['p(95)<200'],
};

export const options = constantRateOptions({ name: 'scheduling', rate: RATE, thresholds: SLO });

const JSON_HEADERS = { 'content-type': 'application/json' };

export function setup() {
  const tokens = [];
  for (let i = 0; i < USERS; i++)
    tokens.push(registeredUser(`k6-sched-${i}@example.com`, PASSWORD, `k6 scheduling ${i}`));
  return { tokens };
}

export default function (data) {
  const token = data.tokens[exec.scenario.iterationInTest % data.tokens.length];
  const auth = { authorization: `Bearer ${token}` };
  const params = (name, extra = {}) => ({ headers: { ...JSON_HEADERS, ...auth, ...extra }, tags: { name } });
  const n = exec.scenario.iterationInTest;

  const task = http.post(
    `${BASE_URL}/scheduling/v1/tasks`,
    JSON.stringify({
      title: `k6 task ${n}`,
      priority: 1 + (n % 4),
      due: '2026-03-28',
      tags: ['k6'],
      customFields: { batch: `k6-${n % 10}`, estimate: n % 8 },
    }),
    params(NAMES.createTask),
  );
  if (!check(task, { 'task created (201)': (r) => r.status === 201 })) return;
  const taskId = task.json('id');
  const sub = http.post(
    `${BASE_URL}/scheduling/v1/tasks`,
    JSON.stringify({ title: `k6 subtask ${n}`, parentId: taskId }),
    params(NAMES.createTask),
  );
  check(sub, { 'subtask created (201)': (r) => r.status === 201 });
  const event = http.post(
    `${BASE_URL}/scheduling/v1/events`,
    JSON.stringify({
      title: `k6 sync ${n}`,
      start: '2026-03-23T09:00:00',
      end: '2026-03-23T09:30:00',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;COUNT=4',
      reminders: [{ offset: '-PT15M' }],
    }),
    params(NAMES.createEvent),
  );
  check(event, { 'event created (201)': (r) => r.status === 201 });
  const read = http.get(`${BASE_URL}/scheduling/v1/tasks/${taskId}?minVersion=1`, params(NAMES.getTask));
  check(read, { 'task read back (200)': (r) => r.status === 200 });
  const list = http.get(`${BASE_URL}/scheduling/v1/tasks?status=todo&limit=20`, params(NAMES.listTasks));
  check(list, { 'tasks listed (200)': (r) => r.status === 200 });
  const occ = http.get(
    `${BASE_URL}/scheduling/v1/events/occurrences?from=2026-03-20T00:00:00Z&to=2026-03-27T00:00:00Z`,
    params(NAMES.occurrences),
  );
  check(occ, { 'occurrences listed (200)': (r) => r.status === 200 });
  // cascade=true completes the subtask just created: open subtasks are read from the command side's
  // task_links (written with the events), never from the query side's read model.
  const done = http.post(`${BASE_URL}/scheduling/v1/tasks/${taskId}/complete?cascade=true`, null, {
    headers: { ...auth, 'idempotency-key': `k6-${taskId}` },
    tags: { name: NAMES.complete },
  });
  check(done, { 'task completed (200, done)': (r) => r.status === 200 && r.json('status') === 'done' });
}

/** A plain report: SLOs with their measured values, then latency per request name. */
export const handleSummary = scenarioSummary({
  scenario: 'scheduling',
  subtitle: `${BASE_URL}, ${RATE}/s, ${USERS} users`,
  slo: SLO,
  names: NAMES,
});
