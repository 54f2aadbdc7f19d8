import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily sales report (issue 18 §5): `daily_sales_reports` (one row per day and zone, replaced
 * by each run), `daily_sales_report_runs` (a checkpoint per run: cursor and running tally), and a
 * partial index over the two event types the job reads, in (recorded_at, global_position) order,
 * so a day is read by keyset pages without scanning the whole log. Writers pay one small index
 * entry per OrderConfirmed/OrderReturned only.
 */
export function dailySalesReportMigration(schema: string): new () => MigrationInterface {
  return class DailySalesReport1765000000000 implements MigrationInterface {
    name = 'DailySalesReport1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE INDEX IF NOT EXISTS events_sales_report_idx ON "${schema}".events (recorded_at, global_position)
          WHERE event_type IN ('OrderConfirmed', 'OrderReturned');
        CREATE TABLE IF NOT EXISTS "${schema}".daily_sales_reports (
          day            DATE        NOT NULL,
          time_zone      TEXT        NOT NULL,
          currency       CHAR(3),
          orders         INTEGER     NOT NULL,
          units          BIGINT      NOT NULL,
          gross          BIGINT      NOT NULL,
          returns        INTEGER     NOT NULL,
          refunds        BIGINT      NOT NULL,
          net            BIGINT      NOT NULL,
          top_by_units   JSONB       NOT NULL,
          top_by_revenue JSONB       NOT NULL,
          hourly         JSONB       NOT NULL,
          run_id         UUID        NOT NULL,
          generated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
          CONSTRAINT daily_sales_reports_pkey PRIMARY KEY (day, time_zone)
        );
        CREATE TABLE IF NOT EXISTS "${schema}".daily_sales_report_runs (
          id          UUID PRIMARY KEY,
          day         DATE        NOT NULL,
          time_zone   TEXT        NOT NULL,
          cursor      JSONB,
          tally       JSONB       NOT NULL,
          pages       INTEGER     NOT NULL DEFAULT 0,
          started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
          finished_at TIMESTAMPTZ
        );
        CREATE UNIQUE INDEX IF NOT EXISTS daily_sales_report_runs_open_uq
          ON "${schema}".daily_sales_report_runs (day, time_zone) WHERE finished_at IS NULL;`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`
        DROP TABLE IF EXISTS "${schema}".daily_sales_report_runs, "${schema}".daily_sales_reports;
        DROP INDEX IF EXISTS "${schema}".events_sales_report_idx;`);
    }
  };
}
