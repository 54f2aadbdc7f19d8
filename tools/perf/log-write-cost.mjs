// `node tools/perf/log-write-cost.mjs [default|buffered] [lines] > /dev/null` (or `| cat > /dev/null`
// for a pipe): CPU time (user + system, all threads of the process) per pino log line shaped like
// the edge's request line, one line per event-loop turn (as one request would write it).
//   default   pino's default destination (sonic-boom on stdout, sync: false, a write per line when
//             none is in flight)
//   buffered  pino.destination({ sync: false, minLength: 4096, periodicFlush: 250 })
// Prints to stderr: µs CPU per line. See docs/performance.md §d (logging cost).
import { pino } from 'pino';

const mode = process.argv[2] ?? 'default';
const lines = Number(process.argv[3] ?? 50_000);
if (!['default', 'buffered'].includes(mode) || !(lines > 0)) {
  process.stderr.write('usage: node tools/perf/log-write-cost.mjs [default|buffered] [lines] > /dev/null\n');
  process.exit(2);
}
const logger =
  mode === 'default'
    ? pino({ name: 'edge' })
    : pino({ name: 'edge' }, pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }));
const request = logger.child({ reqId: '5b1c2f3e-1111-2222-3333-444455556666' });
const line = {
  method: 'GET',
  path: '/commerce/v1/products',
  status: 200,
  durationMs: 1.23,
  requestId: '5b1c2f3e-1111-2222-3333-444455556666',
  route: 'catalog-read',
  service: 'catalog',
  upstreamLatencyMs: 0.8,
};

const before = process.cpuUsage();
for (let i = 0; i < lines; i++) {
  request.info(line, 'request completed');
  await new Promise((resolve) => setImmediate(resolve));
}
const used = process.cpuUsage(before);
process.stderr.write(
  `${mode}: ${((used.user + used.system) / lines).toFixed(2)} µs CPU per line ` +
    `(user ${(used.user / lines).toFixed(2)}, system ${(used.system / lines).toFixed(2)}), ${lines} lines\n`,
);
