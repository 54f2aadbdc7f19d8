import { CONSOLE_OUTPUT, type CommandOutput, parseOperatorCommand } from '@archipelago/platform-messaging';
import type { DeadDeliveriesPort, DeadDeliveryFilter } from '../../use-case/port/delivery.port.js';

/** Usage of {@link deadDeliveriesCommand}, printed by `--help` and on bad arguments. */
export const DEAD_DELIVERIES_USAGE = `usage: dead-deliveries list [--channel email|push] [--id <delivery id>]... [--limit <n>]
       dead-deliveries retry [--channel email|push] [--id <delivery id>]...
  list    deliveries (e-mail, web push) that are dead: every attempt failed, or they could not be sent
          (no known address, a refused push endpoint); oldest first, at most --limit (default 100)
  retry   queues them again (pending, due now, a full set of attempts): the running service's
          delivery job sends them; without --channel or --id, every dead delivery`;

/**
 * `main.js dead-deliveries list|retry …` (see {@link DEAD_DELIVERIES_USAGE}): the notifications
 * service's dead deliveries, which the platform's `dead-letters` command does not see (they are
 * deliveries, not consumed messages). Prints one line per dead delivery (list) or a count (retry).
 * Returns the exit code: 0 done, 2 bad arguments (usage on `err`); never throws on bad arguments.
 * @param now the retry's due time (ISO 8601); default: the current time
 */
export async function deadDeliveriesCommand(
  deadDeliveries: DeadDeliveriesPort,
  argv: readonly string[],
  output: CommandOutput = CONSOLE_OUTPUT,
  now: () => string = () => new Date().toISOString(),
): Promise<number> {
  const parsed = parseOperatorCommand(
    argv,
    {
      name: 'dead-deliveries',
      usage: DEAD_DELIVERIES_USAGE,
      actions: ['list', 'retry'],
      options: { channel: { type: 'string' }, id: { type: 'string', multiple: true }, limit: { type: 'string' } },
    },
    output,
  );
  if ('exit' in parsed) return parsed.exit;
  const { action } = parsed;
  const values = parsed.values as { channel?: string; id?: string[]; limit?: string };
  const usageError = (message: string) => {
    output.err(`${message}\n${DEAD_DELIVERIES_USAGE}`);
    return 2;
  };
  if (values.channel !== undefined && values.channel !== 'email' && values.channel !== 'push') {
    return usageError(`--channel must be email or push, not ${JSON.stringify(values.channel)}`);
  }
  const badId = values.id?.find((id) => !/^[1-9][0-9]{0,18}$/.test(id));
  if (badId !== undefined)
    return usageError(`--id must be a delivery id (a positive integer), not ${JSON.stringify(badId)}`);
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    return usageError(`--limit must be an integer from 1 to 10000, not ${JSON.stringify(values.limit)}`);
  }
  const filter: DeadDeliveryFilter = { channel: values.channel, ids: values.id };
  if (action === 'list') {
    const dead = await deadDeliveries.list(filter, limit);
    if (dead.length === 0) output.out('no dead deliveries');
    for (const d of dead) {
      output.out(
        `id=${d.id}  channel=${d.channel}  notification=${d.notificationId}  recipient=${d.recipientId}  ` +
          `category=${d.category}  attempts=${d.attempts}  dead-at=${d.deadAt}  last-error=${JSON.stringify(d.lastError)}`,
      );
    }
    return 0;
  }
  const count = await deadDeliveries.retry(filter, now());
  output.out(`queued ${count} dead deliveries again (the running service sends them)`);
  return 0;
}
