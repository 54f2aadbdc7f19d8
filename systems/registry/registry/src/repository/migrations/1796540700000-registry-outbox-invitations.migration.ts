import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partial index on the outbox's `EntityInvitedV1` rows by message key (the entity id): an entity's
 * DELETE removes its invitations from the outbox (they carry the invitee's e-mail, which may be a
 * private field) without scanning the outbox. Only invitations enter it, so the outbox's insert
 * path is otherwise unchanged.
 */
export function registryOutboxInvitationsMigration(schema: string): new () => MigrationInterface {
  return class RegistryOutboxInvitations1796540700000 implements MigrationInterface {
    name = 'RegistryOutboxInvitations1796540700000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE INDEX IF NOT EXISTS outbox_entity_invited_key ON "${schema}".outbox (message_key)
         WHERE message_type = 'archipelago.registry.registry.EntityInvitedV1';`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP INDEX IF EXISTS "${schema}".outbox_entity_invited_key;`);
    }
  };
}
