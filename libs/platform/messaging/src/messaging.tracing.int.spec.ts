import { randomBytes } from 'node:crypto';
import { inTransaction, platformSchemaSql } from '@archipelago/platform-event-store';
import { createTestDatabase, kafkaBrokers } from '@archipelago/testing-harness';
import { context, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage } from './message.types.js';
import { Messaging, type TransportKind } from './messaging.js';

// Trace continuation through the outbox, over both transports, with a real SDK in this process
// (the same spans the services export; the kafkajs instrumentation itself is not loaded here).
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager().enable();

beforeAll(() => {
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe.each<TransportKind>(['postgres', 'kafka'])('trace context through the outbox, %s transport', (transport) => {
  let pool: pg.Pool;
  let publisher: Messaging;
  let consumer: Messaging;
  const suffix = randomBytes(3).toString('hex');
  const topic = `testsys.pub.traced-${suffix}.v1`;

  beforeAll(async () => {
    const url = await createTestDatabase(`tracing_${transport}`);
    pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(platformSchemaSql('pub'));
    await pool.query(platformSchemaSql('sub'));
    const common = {
      transport,
      kafkaBrokers: transport === 'kafka' ? [kafkaBrokers()] : undefined,
      system: 'testsys',
      pool,
      databaseUrl: url,
      retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
    } as const;
    publisher = new Messaging({ ...common, service: 'pub', schema: 'pub' });
    consumer = new Messaging({ ...common, service: 'sub', schema: 'sub' });
    await publisher.ensureTopics([topic]);
    await publisher.start();
  });

  afterAll(async () => {
    await consumer?.close();
    await publisher?.close();
    await pool?.end();
  });

  /** Writes one message to the outbox inside a new trace (a "command" span); returns that span's context. */
  const publishInTrace = (key: string, n: number): Promise<SpanContext> =>
    provider.getTracer('test').startActiveSpan(`command ${key}`, async (span) => {
      await inTransaction(pool, (client) => publisher.outbox.add(client, [{ topic, key, type: 'test.Traced', payload: { n } }]));
      span.end();
      return span.spanContext();
    });

  it('continues each message’s own trace in the consumer (a batch mixing traces stays apart), and a replayed dead letter starts a new trace linked to the original', async () => {
    let failing = true;
    const seen = new Map<number, string | undefined>();
    await consumer.subscribe('testsys.traced', [topic], async (m: IncomingMessage) => {
      const n = (m.payload as { n: number }).n;
      if (n === 3 && failing) throw new Error('not now');
      seen.set(n, trace.getActiveSpan()?.spanContext().traceId);
    });
    // Two traces written back to back: the relay / the consumer sees them in one batch.
    const [a, b, c] = await Promise.all([publishInTrace('a', 1), publishInTrace('b', 2), publishInTrace('c', 3)]);
    await vi.waitFor(() => expect(seen.has(1) && seen.has(2)).toBe(true), { timeout: 30_000, interval: 50 });
    expect(seen.get(1)).toBe(a.traceId);
    expect(seen.get(2)).toBe(b.traceId);

    const spans = () => exporter.getFinishedSpans();
    const byId = (id: string | undefined) => spans().find((s) => s.spanContext().spanId === id);
    for (const [command, n] of [[a, 1], [b, 2]] as const) {
      const processed = spans().find(
        (s) => s.name === `process ${topic}` && s.kind === SpanKind.CONSUMER && s.spanContext().traceId === command.traceId,
      );
      expect(processed, `process span of message ${n}`).toBeDefined();
      expect(processed!.attributes).toMatchObject({
        'messaging.consumer.group.name': 'testsys.traced',
        'messaging.destination.name': topic,
        'archipelago.event_type': 'test.Traced',
      });
      // consumer ← (kafka: relay send ←) outbox create ← the command
      let parent = byId(parentOf(processed!))!;
      if (transport === 'kafka') {
        expect(parent).toMatchObject({ name: `send ${topic}`, kind: SpanKind.PRODUCER });
        parent = byId(parentOf(parent))!;
      }
      expect(parent).toMatchObject({ name: `create ${topic}`, kind: SpanKind.PRODUCER });
      expect(parentOf(parent)).toBe(command.spanId);
    }

    // Message 3 is dead-lettered; replayed once the handler works, in a new trace linked to the old one.
    await vi.waitFor(
      () => expect(spans().some((s) => s.attributes['archipelago.dead_lettered'] === true && s.spanContext().traceId === c.traceId)).toBe(true),
      { timeout: 30_000, interval: 50 },
    );
    failing = false;
    await vi.waitFor(
      async () => {
        if (!seen.has(3)) await consumer.replayDeadLetters('testsys.traced', [topic]);
        expect(seen.has(3)).toBe(true);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(seen.get(3)).not.toBe(c.traceId);
    const replay = spans().find((s) => s.name === `replay ${topic}`)!;
    expect(replay.parentSpanContext).toBeUndefined();
    expect(replay.links.map((l) => l.context.traceId)).toEqual([c.traceId]);
    expect(replay.attributes['archipelago.replay_of_trace_id']).toBe(c.traceId);
    expect(seen.get(3)).toBe(replay.spanContext().traceId);
  });
});
