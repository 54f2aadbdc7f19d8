import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Wallet withdrawals: `wallet_transactions.type` may be `withdrawal` as well. */
export function paymentsWithdrawalsMigration(schema: string): new () => MigrationInterface {
  return class PaymentsWithdrawals1765000000000 implements MigrationInterface {
    name = 'PaymentsWithdrawals1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".wallet_transactions DROP CONSTRAINT IF EXISTS wallet_transactions_type_check`);
      await runner.query(`
        ALTER TABLE "${schema}".wallet_transactions ADD CONSTRAINT wallet_transactions_type_check
          CHECK (type IN ('deposit', 'withdrawal', 'payment', 'refund'))`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}".wallet_transactions DROP CONSTRAINT IF EXISTS wallet_transactions_type_check`);
      await runner.query(`
        ALTER TABLE "${schema}".wallet_transactions ADD CONSTRAINT wallet_transactions_type_check
          CHECK (type IN ('deposit', 'payment', 'refund'))`);
    }
  };
}
