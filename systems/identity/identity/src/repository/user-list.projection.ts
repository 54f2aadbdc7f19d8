import {
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
  type SqlClient,
} from '@archipelago/platform-event-store';
import { keysetPageBySeq } from '@archipelago/platform-service-kit';
import type { DataSource, Repository } from 'typeorm';
import type { UserEvent } from '../entity/user/user.events.js';
import {
  InvalidCursorError,
  type UserPage,
  type UserReadModelPort,
  type UserView,
} from '../use-case/port/user.read-model.port.js';
import { UserRecord } from './user.record.js';

/**
 * The `user_list` projection: one row per user, written in the same transaction as the
 * projection checkpoint. `seq` is the global position of UserRegistered, so a rebuild
 * reproduces the same order and cursors stay valid.
 */
export class UserListProjection implements Projection {
  readonly name = 'user_list';

  constructor(private readonly schema: string) {}

  async apply(client: SqlClient, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as UserEvent;
    const table = `"${this.schema}".user_list`;
    switch (event.type) {
      case 'UserRegistered': {
        const d = event.data;
        await client.query(
          `INSERT INTO ${table} (id, seq, email, display_name, roles, version, created_at, updated_at, email_verified)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) ON CONFLICT (id) DO NOTHING`,
          [
            d.userId,
            recorded.globalPosition,
            d.email,
            d.displayName,
            d.roles,
            recorded.streamVersion,
            d.at,
            d.emailVerified === true,
          ],
        );
        return;
      }
      case 'UserDisplayNameChanged': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET display_name = $2, version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [d.userId, d.displayName, recorded.streamVersion, d.at],
        );
        return;
      }
      case 'UserRolesChanged': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET roles = $2, version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [d.userId, d.roles, recorded.streamVersion, d.at],
        );
        return;
      }
      case 'UserDisabled':
      case 'UserEnabled': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET disabled = $2, version = $3, updated_at = $4 WHERE id = $1 AND version < $3`,
          [d.userId, event.type === 'UserDisabled', recorded.streamVersion, d.at],
        );
        return;
      }
      case 'UserEmailVerified': {
        const d = event.data;
        await client.query(
          `UPDATE ${table} SET email_verified = true, version = $2, updated_at = $3 WHERE id = $1 AND version < $2`,
          [d.userId, recorded.streamVersion, d.at],
        );
        return;
      }
      default:
        return;
    }
  }

  async reset(client: SqlClient): Promise<void> {
    await client.query(`DELETE FROM "${this.schema}".user_list`); // readers keep the old rows until the rebuild commits
  }
}

const toView = (r: UserRecord): UserView => ({
  id: r.id,
  email: r.email,
  displayName: r.displayName,
  roles: r.roles,
  disabled: r.disabled,
  emailVerified: r.emailVerified,
  createdAt: r.createdAt.toISOString(),
});

/** Reads of the user list (TypeORM) plus the runner that keeps it current. */
export class UserListReadModel implements UserReadModelPort {
  private readonly records: Repository<UserRecord>;

  constructor(
    dataSource: DataSource,
    private readonly runner: ProjectionRunner,
  ) {
    this.records = dataSource.getRepository(UserRecord);
  }

  async list(limit: number, cursor?: string): Promise<UserPage> {
    const query = this.records.createQueryBuilder('u');
    const { rows, nextCursor } = await keysetPageBySeq(query, {
      alias: 'u',
      order: 'ASC',
      limit,
      cursor,
      invalidCursor: () => new InvalidCursorError(),
    });
    return { items: rows.map(toView), nextCursor };
  }

  refresh(): void {
    this.runner.poke();
  }
}
