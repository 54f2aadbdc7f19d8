// Every topic an event contract names must be declared in its system's chart (a Strimzi KafkaTopic
// with its dead-letter topic): a topic missing there exists locally (the services create theirs) but
// not in a cluster whose topics are managed by the chart, and the first publish fails in production.
import * as commerce from '@archipelago/commerce-contracts';
import * as identity from '@archipelago/identity-contracts';
import * as notifications from '@archipelago/notifications-contracts';
import * as registry from '@archipelago/registry-contracts';
import * as scheduling from '@archipelago/scheduling-contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The topics of every `*_EVENTS` catalog a contracts package exports. */
function contractTopics(contracts: Record<string, unknown>): string[] {
  const topics = new Set<string>();
  for (const [name, value] of Object.entries(contracts)) {
    if (!name.endsWith('_EVENTS') || typeof value !== 'object' || value === null) continue;
    for (const event of Object.values(value)) {
      const topic = (event as { topic?: unknown }).topic;
      if (typeof topic === 'string') topics.add(topic);
    }
  }
  return [...topics].sort();
}

function chartTopics(system: string): { name: string; dlq?: boolean }[] {
  const values = parse(readFileSync(join(root, 'charts', system, 'values.yaml'), 'utf8')) as {
    kafka?: { topics?: { list?: { name: string; dlq?: boolean }[] } };
  };
  return values.kafka?.topics?.list ?? [];
}

const SYSTEMS = { commerce, identity, notifications, registry, scheduling } as Record<string, Record<string, unknown>>;

describe('every contract topic is declared in its system chart, with a dead-letter topic', () => {
  it.each(Object.keys(SYSTEMS))('%s', (system) => {
    const topics = contractTopics(SYSTEMS[system]!);
    expect(topics.length).toBeGreaterThan(0);
    for (const topic of topics) expect(topic.split('.')[0], `${topic} is named after its system`).toBe(system);
    const declared = chartTopics(system);
    const missing = topics.filter((topic) => !declared.some((t) => t.name === topic));
    expect(missing, `charts/${system}/values.yaml kafka.topics.list lacks these`).toEqual([]);
    const withoutDlq = topics.filter((topic) => declared.find((t) => t.name === topic)?.dlq !== true);
    expect(withoutDlq, 'consumers dead-letter to <topic>.dlq').toEqual([]);
  });
});
