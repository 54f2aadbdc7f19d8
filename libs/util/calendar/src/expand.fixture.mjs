// Run by recurrence.unit.spec.ts in a child process with another TZ: expands a Berlin series with the
// library's TypeScript source (Node 24 strips the types; this hook maps the `.js` specifiers of the
// sources to their `.ts` files) and prints the process zone, then the instants as JSON.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL) {
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(ts))) return nextResolve(ts.href, context);
    }
    return nextResolve(specifier, context);
  },
});

const { expandOccurrences } = await import('./recurrence.js');
const schedule = {
  timeZone: 'Europe/Berlin',
  allDay: false,
  start: '2026-03-27T09:00',
  end: '2026-03-27T10:00',
  rrule: 'FREQ=DAILY;COUNT=10',
};
const window = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
console.log(Intl.DateTimeFormat().resolvedOptions().timeZone);
console.log(JSON.stringify(expandOccurrences(schedule, window).map((o) => o.start)));
