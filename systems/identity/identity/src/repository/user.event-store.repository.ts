import {
  inTransaction,
  isUniqueViolation,
  PostgresEventStore,
  WrongExpectedVersionError,
} from '@archipelago/platform-event-store';
import { IDENTITY_EVENTS, type PasswordChangedV1 } from '@archipelago/identity-contracts';
import type { Messaging } from '@archipelago/platform-messaging';
import type pg from 'pg';
import { userDecider } from '../entity/user/user.decider.js';
import { EmailTakenError } from '../entity/user/user.errors.js';
import type { UserEvent } from '../entity/user/user.events.js';
import type { CommandContext } from '../use-case/port/command-context.js';
import {
  ConcurrencyConflictError,
  type LoadedUser,
  type PasswordChange,
  type UserCredentials,
  type UserRepositoryPort,
} from '../use-case/port/user.repository.port.js';
import { toIntegrationEvents } from './user.integration-events.js';

/** Stream id of a user: `user-<uuid>`. */
export const userStreamId = (userId: string): string => `user-${userId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * User aggregates in the Postgres event store. `save` commits, in ONE transaction, the domain
 * events, for a new user the e-mail reservation (`user_emails`, unique) and password hash
 * (`user_credentials`), and the integration events (outbox). Hashes are kept out of events.
 */
export class UserEventStoreRepository implements UserRepositoryPort {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly messaging: Messaging,
  ) {}

  async load(userId: string): Promise<LoadedUser> {
    if (!UUID.test(userId)) return { state: userDecider.initialState(), version: 0 };
    const events = await this.store.readStream(this.pool, userStreamId(userId));
    const state = events.reduce(
      (s, e) => userDecider.evolve(s, { type: e.type, data: e.data } as UserEvent),
      userDecider.initialState(),
    );
    const actor = events[0]?.metadata.actor;
    return { state, version: events.length, ...(typeof actor === 'string' && { createdBy: actor }) };
  }

  async save(
    userId: string,
    events: readonly UserEvent[],
    expectedVersion: number,
    context: CommandContext,
    newCredentials?: { readonly passwordHash: string },
  ): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        for (const event of events) {
          if (event.type !== 'UserRegistered') continue;
          await client.query(`INSERT INTO ${this.table('user_emails')} (email, user_id) VALUES ($1, $2)`, [
            event.data.email,
            userId,
          ]);
          if (!newCredentials) throw new Error('a new user needs credentials');
          await client.query(`INSERT INTO ${this.table('user_credentials')} (user_id, password_hash) VALUES ($1, $2)`, [
            userId,
            newCredentials.passwordHash,
          ]);
        }
        await this.store.append(
          client,
          userStreamId(userId),
          events.map((e) => ({ type: e.type, data: e.data })),
          { expectedVersion, metadata: { ...context } },
        );
        await this.messaging.outbox.add(client, toIntegrationEvents(events, context.traceparent));
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrencyConflictError(userId);
      if (isUniqueViolation(error, 'user_emails_pkey')) throw new EmailTakenError();
      throw error;
    }
  }

  async findCredentials(email: string): Promise<UserCredentials | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; password_hash: string }>(
      `SELECT e.user_id, c.password_hash FROM ${this.table('user_emails')} e
         JOIN ${this.table('user_credentials')} c ON c.user_id = e.user_id WHERE e.email = $1`,
      [email],
    );
    const row = rows[0];
    return row && { userId: row.user_id, passwordHash: row.password_hash };
  }

  async passwordHashOf(userId: string): Promise<string | undefined> {
    if (!UUID.test(userId)) return undefined;
    const { rows } = await this.pool.query<{ password_hash: string }>(
      `SELECT password_hash FROM ${this.table('user_credentials')} WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.password_hash;
  }

  async setPasswordHash(userId: string, passwordHash: string, change: PasswordChange): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE ${this.table('user_credentials')} SET password_hash = $2, updated_at = $3 WHERE user_id = $1`,
        [userId, passwordHash, change.at],
      );
      if (!rowCount) return;
      // The security message (notifications): in the transaction of the change, so neither goes without the other.
      const payload: PasswordChangedV1 = { id: userId, how: change.how, occurredAt: change.at.toISOString() };
      const { topic, type } = IDENTITY_EVENTS.PasswordChangedV1;
      await this.messaging.outbox.add(client, [{ topic, type, key: userId, payload, traceparent: change.traceparent }]);
    });
  }

  private table(name: string): string {
    return `"${this.store.schema}".${name}`;
  }
}
