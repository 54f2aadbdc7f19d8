import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotificationsInfrastructure } from './notifications.infrastructure.js';

/**
 * Prometheus metrics of the outbound deliveries, registered on `registry`:
 * - `notifications_delivery_attempts_total{channel,outcome}` (counter): delivery attempts of this
 *   process by channel (`email`, `push`) and committed outcome (`sent`, `retry`, `dead`, `gone`);
 * - `notifications_deliveries{channel,status}` (gauge, computed when scraped): deliveries waiting
 *   to be sent (`pending`) and dead ones not retried (`dead`), across replicas (from the database).
 * A dead delivery stays dead until an operator retries it (`npm run dead-deliveries`, docs/operate.md).
 */
export function registerDeliveryMetrics(
  registry: Registry,
  infrastructure: Pick<NotificationsInfrastructure, 'deliveries' | 'pushDeliveries' | 'deadDeliveries'>,
): void {
  const attempts = new Counter({
    name: 'notifications_delivery_attempts_total',
    help: 'Delivery attempts of notifications (e-mail, web push) by channel and outcome (sent, retry, dead, gone).',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  for (const queue of [infrastructure.deliveries, infrastructure.pushDeliveries]) {
    queue.observe((channel, outcome) => attempts.inc({ channel, outcome }));
  }
  const deliveries = new Gauge({
    name: 'notifications_deliveries',
    help: 'Deliveries of notifications waiting to be sent (status pending) or dead and not retried (status dead), by channel.',
    labelNames: ['channel', 'status'],
    registers: [registry],
    async collect() {
      const counts = await infrastructure.deadDeliveries.countByStatus().catch(() => undefined);
      if (!counts) return; // database unreachable: keep the last values rather than report zero
      deliveries.reset();
      for (const channel of ['email', 'push']) {
        for (const status of ['pending', 'dead'] as const) {
          const found = counts.find((c) => c.channel === channel && c.status === status);
          deliveries.set({ channel, status }, found?.count ?? 0);
        }
      }
    },
  });
}
