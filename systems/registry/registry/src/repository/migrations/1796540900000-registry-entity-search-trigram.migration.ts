import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SQL that creates `extension` in `schema` when the database can (a `DO` block: the error is
 * caught in a subtransaction, so the migration's transaction goes on), and only raises a NOTICE
 * when it cannot: the extension's files are not installed (`undefined_file`), the role may not
 * create it (`insufficient_privilege`), or a managed database does not offer it
 * (`feature_not_supported`). Any other error fails the migration.
 * @param extension an extension name, a plain identifier (inlined)
 * @param schema the service's schema (inlined, quoted)
 * @throws Error for an extension name that is not a plain identifier (a programming error)
 */
export function createExtensionIfAvailableSql(extension: string, schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(extension)) throw new Error(`not an extension name: ${JSON.stringify(extension)}`);
  return `
    DO $$ BEGIN
      CREATE EXTENSION IF NOT EXISTS ${extension} WITH SCHEMA "${schema}";
    EXCEPTION WHEN undefined_file OR insufficient_privilege OR feature_not_supported THEN
      RAISE NOTICE 'extension ${extension} not created (%): searches that need it scan', SQLERRM;
    END $$;`;
}

/**
 * `pg_trgm` (trigram matching), for the trigram GIN indexes the search index reconciler builds on
 * every `indexFields` string field so that `endsWith` and `contains` (`LIKE '%…'`, `'%…%'`) use an
 * index (ADR 0012). A trusted extension since PostgreSQL 13: the database owner may create it. It
 * goes into the service's schema (the service may always create objects there; a database where it
 * already exists, in any schema, keeps it there: the reconciler looks it up). Where it cannot be
 * created the migration still succeeds and the reconciler builds no trigram index (those searches
 * scan the type's rows, as before). `down` leaves the extension: the reconciler's indexes depend
 * on it, and it is database-wide.
 */
export function registryEntitySearchTrigramMigration(schema: string): new () => MigrationInterface {
  return class RegistryEntitySearchTrigram1796540900000 implements MigrationInterface {
    name = 'RegistryEntitySearchTrigram1796540900000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(createExtensionIfAvailableSql('pg_trgm', schema));
    }

    async down(): Promise<void> {
      // Nothing: see above.
    }
  };
}
