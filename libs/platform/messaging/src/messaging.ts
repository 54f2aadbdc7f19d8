import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import pg from 'pg';
import {
  type DeadLetterSummary,
  listKafkaDeadLetters,
  listPostgresDeadLetters,
  replayKafkaDeadLetters,
  requestPostgresDeadLetterReplay,
} from './dead-letters.js';
import { OutboxKafkaRelay, type OutboxRelayOptions } from './kafka-relay.js';
import { subscribeKafka } from './kafka-consumer.js';
import { kafkaGroupLag } from './kafka-lag.js';
import {
  DEFAULT_RETRY,
  deadLetterTopic,
  parseTopic,
  type MessageHandler,
  type RetryPolicy,
  type Subscription,
} from './message.types.js';
import { Outbox, outboxChannel } from './outbox.js';
import { subscribePostgres, type OutboxSource, type PostgresSubscription } from './postgres-consumer.js';
import { MessagingRetention, type RetentionCounts, type RetentionPolicy } from './retention.js';

/**
 * Runs a start-up call to the broker, trying again (after 0.5, 1, 2, 4 s) when kafkajs marks its
 * error retriable: a busy broker may still be creating a topic (this process's, or one another
 * process asked for at the same moment) past kafkajs' own waits — UNKNOWN_TOPIC_OR_PARTITION,
 * LEADER_NOT_AVAILABLE — and a service should not die at start-up for it. Anything else, or the
 * fifth failure, is thrown.
 */
export async function retryingRetriable<T>(call: () => Promise<T>, attempts = 5, firstDelayMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: unknown }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, firstDelayMs * 2 ** (attempt - 1)));
    }
  }
}

/** Partitions per topic created by `ensureTopics` unless told otherwise. */
export const DEFAULT_PARTITIONS = 3;
/** Default of `MessagingOptions.consumerConcurrency`. */
export const DEFAULT_CONSUMER_CONCURRENCY = 4;

/** Which transport carries integration events (blueprint §5). */
export type TransportKind = 'kafka' | 'postgres';

export interface MessagingOptions {
  readonly transport: TransportKind;
  /** `host:port` list; required for `kafka`. */
  readonly kafkaBrokers?: readonly string[];
  readonly system: string;
  readonly service: string;
  /** The service's schema (outbox, inbox, checkpoints, dead letters). */
  readonly schema: string;
  /** Pool on the system's database. */
  readonly pool: pg.Pool;
  /** URL of the system's database; other systems' databases are found by name on the same server. */
  readonly databaseUrl: string;
  readonly retry?: Partial<RetryPolicy>;
  readonly relay?: Partial<Omit<OutboxRelayOptions, 'source'>>;
  /**
   * kafka: how many messages of a subscription are handled at the same time — up to this many
   * partitions, and up to this many keys within a partition's batch (default
   * {@link DEFAULT_CONSUMER_CONCURRENCY}). Messages of one key stay in order, one at a time; handlers
   * of different keys then run concurrently, so they must be safe under concurrency (inbox +
   * optimistic concurrency). 1 = one message at a time. Ignored by the postgres transport.
   */
  readonly consumerConcurrency?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * kafka: silence (ms) after which a consumer that handles nothing counts as stalled and is
   * recreated (default `DEFAULT_CONSUMER_STALL_TIMEOUT_MS`, 45 s; see `subscribeKafka`).
   */
  readonly consumerStallTimeoutMs?: number;
  /**
   * Retention of the schema's outbox, inbox and dead letters (defaults: `DEFAULT_RETENTION`; see
   * {@link MessagingRetention}), run from `start()` to `close()`. With the postgres transport a
   * consumer group lagging more than `outboxMs` behind this service's outbox misses the rows
   * deleted meanwhile. `onPass` gets the rows each pass deleted.
   */
  readonly retention?: Partial<RetentionPolicy> & { readonly onPass?: (deleted: RetentionCounts) => void };
}

/**
 * The messaging port with its two transports. Publishing is always "write to the outbox in the
 * business transaction" (`outbox`); what differs is delivery:
 * - `kafka`: `start()` runs the outbox relay to Kafka; `subscribe` uses kafkajs consumer groups and
 *   `<topic>.dlq` dead-letter topics.
 * - `postgres`: no relay; `subscribe` reads the publisher's outbox table as a log (topic
 *   `<system>.<service>.…` lives in schema `<service>` of database `<system>`), dead letters go to
 *   the consumer's `dead_letters` table.
 * Both give at-least-once delivery in per-key order; consumers deduplicate with the inbox.
 * With either transport `start()` also runs the retention job of the schema's outbox, inbox and
 * dead letters (`retention`, see {@link MessagingRetention}).
 */
export class Messaging {
  readonly outbox: Outbox;
  readonly retry: RetryPolicy;
  /** The retention job of the schema's messaging tables (started by `start()`). */
  readonly retention: MessagingRetention;
  private kafka: Kafka | undefined;
  private producer: Producer | undefined;
  private producerConnecting: Promise<Producer> | undefined;
  private relay: OutboxKafkaRelay | undefined;
  private readonly subscriptions: Subscription[] = [];
  private readonly kafkaSubscriptions: Array<{ group: string; topics: readonly string[] }> = [];
  private lagAdmin: Promise<Admin> | undefined;
  private readonly postgresSubscriptions: Array<{ group: string; subscription: PostgresSubscription }> = [];
  private readonly sourcePools = new Map<string, pg.Pool>();

  /**
   * @throws {Error} when the transport is kafka without brokers
   * @throws {RangeError} when the retention policy is invalid (e.g. inbox retention below the outbox's)
   */
  constructor(readonly options: MessagingOptions) {
    if (options.transport === 'kafka' && !options.kafkaBrokers?.length) {
      throw new Error('MESSAGING_TRANSPORT=kafka needs KAFKA_BROKERS');
    }
    // kafka: the relay runs in this process, so a commit wakes it in-process (other replicas' relays
    // poll); NOTIFY only for transactions opened outside `inTransaction`.
    this.outbox = new Outbox(
      options.schema,
      options.transport === 'kafka'
        ? { afterCommit: () => this.relay?.poke(), notifyChannel: outboxChannel(options.schema) }
        : {},
    );
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.retention = new MessagingRetention(options.pool, options.schema, {
      transport: options.transport,
      onError: options.onError,
      ...options.retention,
    });
  }

  get transport(): TransportKind {
    return this.options.transport;
  }

  /** CloudEvents `source` of this service. */
  get ceSource(): string {
    return `/${this.options.system}/${this.options.service}`;
  }

  /** Starts the retention job, and (kafka) connects the producer and starts the relay. */
  async start(): Promise<void> {
    this.retention.start();
    if (this.options.transport !== 'kafka') return;
    await this.kafkaProducer();
    this.relay = new OutboxKafkaRelay(this.options.pool, this.options.schema, () => this.kafkaProducer(), {
      source: this.ceSource,
      notifyChannel: outboxChannel(this.options.schema),
      onError: this.options.onError,
      ...this.options.relay,
      // kafkajs' idempotent producer stays dead after some broker-side failures (e.g. an out-of-order
      // sequence number after a broker restart, kafkajs#598): every failed batch gets a fresh producer.
      // Safe: publishing is at-least-once from the outbox and consumers deduplicate with the inbox.
      onSendFailure: (error) => {
        this.options.relay?.onSendFailure?.(error);
        this.replaceProducer();
      },
    });
    await this.relay.start();
  }

  /** Creates topics (and their dead-letter topics) if missing; no-op for postgres. */
  async ensureTopics(topics: readonly string[], partitions = DEFAULT_PARTITIONS): Promise<void> {
    if (this.options.transport !== 'kafka') return;
    await retryingRetriable(() => this.createMissingTopics(topics, partitions));
  }

  private async createMissingTopics(topics: readonly string[], partitions: number): Promise<void> {
    const admin = this.kafkaClient().admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))].filter((t) => !existing.has(t));
      if (wanted.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: wanted.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Subscribes consumer group `group` (convention `<system>.<service>`) to `topics`. The handler
   * should be idempotent (use `Inbox.handleOnce`). Failing messages are retried, then dead-lettered.
   */
  async subscribe(group: string, topics: readonly string[], handler: MessageHandler): Promise<Subscription> {
    let subscription: Subscription;
    if (this.options.transport === 'kafka') {
      await this.ensureTopics(topics);
      // Dead letters go through whichever producer is current (see replaceProducer).
      const deadLetterProducer = {
        send: async (record: Parameters<Producer['send']>[0]) => (await this.kafkaProducer()).send(record),
      };
      // The group's first join asks the broker for the topics' metadata, which a busy broker that
      // has just created them may not serve yet (retriable UNKNOWN_TOPIC_OR_PARTITION): seen killing
      // a service at start-up in CI. Each attempt starts a fresh consumer.
      subscription = await retryingRetriable(() =>
        subscribeKafka(this.kafkaClient(), deadLetterProducer, group, topics, handler, this.retry, {
          onDeadLetter: (_topic, error) => this.options.onError?.(error),
          onError: this.options.onError,
          stallTimeoutMs: this.options.consumerStallTimeoutMs,
          partitionsConsumedConcurrently: this.options.consumerConcurrency ?? DEFAULT_CONSUMER_CONCURRENCY,
          keysConsumedConcurrently: this.options.consumerConcurrency ?? DEFAULT_CONSUMER_CONCURRENCY,
        }),
      );
      this.kafkaSubscriptions.push({ group, topics: [...topics] });
    } else {
      const bySource = new Map<string, { source: OutboxSource; topics: string[] }>();
      for (const topic of topics) {
        const { system, service } = parseTopic(topic);
        const key = `${system}/${service}`;
        const entry = bySource.get(key) ?? {
          source: {
            pool: this.poolOf(system),
            schema: service.replaceAll('-', '_'),
            ceSource: `/${system}/${service}`,
          },
          topics: [],
        };
        entry.topics.push(topic);
        bySource.set(key, entry);
      }
      const postgres = subscribePostgres({
        pool: this.options.pool,
        schema: this.options.schema,
        group,
        sources: [...bySource.values()],
        handler,
        retry: this.retry,
        onError: this.options.onError,
      });
      this.postgresSubscriptions.push({ group, subscription: postgres });
      subscription = postgres;
    }
    this.subscriptions.push(subscription);
    return subscription;
  }

  /**
   * Replays dead letters. kafka: republishes the `<topic>.dlq` messages of `topics` to their
   * topics (consumers that had processed one skip it through their inbox). postgres: marks group
   * `group`'s dead-letter rows for redelivery by its running consumer. Returns how many messages
   * were republished or marked.
   */
  async replayDeadLetters(group: string, topics: readonly string[]): Promise<number> {
    if (this.options.transport === 'kafka') {
      return replayKafkaDeadLetters(this.kafkaClient(), await this.kafkaProducer(), topics);
    }
    return requestPostgresDeadLetterReplay(this.options.pool, this.options.schema, group);
  }

  /**
   * Dead letters not yet replayed. postgres: this schema's `dead_letters`, per consumer group and
   * topic; kafka: every `<topic>.dlq` (or those of `topics`), messages the replay group has not read.
   */
  async listDeadLetters(topics?: readonly string[]): Promise<DeadLetterSummary[]> {
    if (this.options.transport === 'kafka') return listKafkaDeadLetters(this.kafkaClient(), topics);
    return listPostgresDeadLetters(this.options.pool, this.options.schema);
  }

  /**
   * Consumer lag of this service's subscriptions: messages each group still has to read.
   * postgres: per source outbox (`source` = `<schema>.outbox`), from the group's checkpoint.
   * kafka: per topic (`source` = the topic), log end offsets minus the group's committed offsets,
   * asked of the broker on each call (one admin connection, kept until {@link close}).
   * Rejects when the broker or the database cannot answer.
   */
  async consumerLag(): Promise<Array<{ group: string; source: string; messages: number }>> {
    const postgres = this.postgresSubscriptions.map(async ({ group, subscription }) =>
      (await subscription.lag()).map((lag) => ({ group, ...lag })),
    );
    const kafka = this.kafkaSubscriptions.map(async ({ group, topics }) =>
      kafkaGroupLag(await this.kafkaLagAdmin(), group, topics),
    );
    return (await Promise.all([...postgres, ...kafka])).flat();
  }

  /** Rows waiting in the outbox (kafka), for readiness and lag metrics. */
  async pendingOutbox(): Promise<number> {
    return this.relay ? this.relay.pending() : 0;
  }

  /** Stops the retention job, consumers and the relay, disconnects from Kafka, closes pools it opened. */
  async close(): Promise<void> {
    await this.retention.stop();
    await Promise.allSettled(this.subscriptions.splice(0).map((s) => s.stop()));
    await this.relay?.stop();
    await this.producer?.disconnect().catch(() => undefined);
    const lagAdmin = this.lagAdmin;
    this.lagAdmin = undefined;
    await lagAdmin?.then((admin) => admin.disconnect()).catch(() => undefined);
    await Promise.allSettled([...this.sourcePools.values()].map((p) => p.end()));
  }

  /** The admin client consumer lag is read with; connected on first use, retried after a failure. */
  private kafkaLagAdmin(): Promise<Admin> {
    this.lagAdmin ??= (async () => {
      const admin = this.kafkaClient().admin();
      await admin.connect();
      return admin;
    })();
    this.lagAdmin.catch(() => (this.lagAdmin = undefined));
    return this.lagAdmin;
  }

  private kafkaClient(): Kafka {
    silenceKafkajsTimerWarning();
    this.kafka ??= new Kafka({
      clientId: `${this.options.system}.${this.options.service}`,
      brokers: [...(this.options.kafkaBrokers ?? [])],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200 },
    });
    return this.kafka;
  }

  private async kafkaProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producerConnecting ??= (async () => {
      const producer = this.kafkaClient().producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.producerConnecting = undefined;
      }
    })();
    return this.producerConnecting;
  }

  /** Drops the current producer (disconnecting it in the background); the next use creates a new one. */
  private replaceProducer(): void {
    const broken = this.producer;
    this.producer = undefined;
    this.producerConnecting = undefined;
    void broken?.disconnect().catch(() => undefined);
  }

  private poolOf(system: string): pg.Pool {
    if (system === this.options.system) return this.options.pool;
    let pool = this.sourcePools.get(system);
    if (!pool) {
      const url = new URL(this.options.databaseUrl);
      url.pathname = `/${system}`;
      pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      this.sourcePools.set(system, pool);
    }
    return pool;
  }
}

let warningFilterInstalled = false;
/**
 * kafkajs 2.2.4 (unmaintained) computes a negative timer delay on Node ≥ 23, which prints a
 * `TimeoutNegativeWarning` on every start (Node clamps the delay to 1 ms; behaviour is correct).
 * Only that warning is dropped; every other process warning is printed as before.
 */
function silenceKafkajsTimerWarning(): void {
  if (warningFilterInstalled) return;
  warningFilterInstalled = true;
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const listener of listeners) listener(warning);
  });
}
