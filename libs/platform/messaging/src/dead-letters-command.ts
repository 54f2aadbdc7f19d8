import type { Messaging } from './messaging.js';
import { CONSOLE_OUTPUT, type CommandOutput, parseOperatorCommand } from './operator-command.js';

/** Usage of {@link deadLettersCommand}, printed by `--help` and on bad arguments. */
export const DEAD_LETTERS_USAGE = `usage: dead-letters list [--topic <topic>]...
       dead-letters replay [--group <consumer group>] [--topic <topic>]...
  list    dead letters not yet replayed: postgres transport: this service's dead_letters rows
          per consumer group and topic; kafka: messages waiting in each <topic>.dlq
  replay  postgres: marks the group's rows (default: this service's own group) for redelivery by
          its running consumer; kafka: republishes <topic>.dlq to <topic> for each --topic
          (required with kafka: the DLQ topics a service consumes are its subscriptions' topics)`;

/**
 * `dead-letters list|replay …` of a service (see {@link DEAD_LETTERS_USAGE}) over its messaging.
 * `defaultGroup` is the service's own consumer group (`<system>.<service>`). Prints a table (list)
 * or a count (replay). Returns the exit code: 0 done, 2 bad arguments (usage on `err`). Never
 * throws on bad arguments (an unknown option or a missing value is a usage error, not a crash).
 */
export async function deadLettersCommand(
  messaging: Messaging,
  transport: 'postgres' | 'kafka',
  argv: readonly string[],
  defaultGroup: string,
  output: CommandOutput = CONSOLE_OUTPUT,
): Promise<number> {
  const parsed = parseOperatorCommand(
    argv,
    {
      name: 'dead-letters',
      usage: DEAD_LETTERS_USAGE,
      actions: ['list', 'replay'],
      options: { group: { type: 'string' }, topic: { type: 'string', multiple: true } },
    },
    output,
  );
  if ('exit' in parsed) return parsed.exit;
  const { action, values } = parsed;
  const topics = (values.topic as string[] | undefined) ?? [];
  if (action === 'list') {
    const rows = await messaging.listDeadLetters(topics);
    if (rows.length === 0) {
      output.out(`no dead letters waiting (${transport} transport)`);
      return 0;
    }
    for (const r of rows) {
      output.out(
        transport === 'kafka'
          ? `${r.topic}.dlq  waiting=${r.waiting}`
          : `group=${r.group}  topic=${r.topic}  waiting=${r.waiting}  replay-requested=${r.replayRequested}  oldest=${r.oldestFailedAt}  last-error=${JSON.stringify(r.lastError)}`,
      );
    }
    return 0;
  }
  if (transport === 'kafka' && topics.length === 0) {
    output.err(
      `replay with the kafka transport needs --topic <topic> (the topic, not its .dlq)\n${DEAD_LETTERS_USAGE}`,
    );
    return 2;
  }
  const group = (values.group as string | undefined) ?? defaultGroup;
  const count = await messaging.replayDeadLetters(group, topics);
  output.out(
    transport === 'kafka'
      ? `republished ${count} dead letters of ${topics.join(', ')}`
      : `marked ${count} dead letters of group ${group} for redelivery by its running consumer`,
  );
  return 0;
}
