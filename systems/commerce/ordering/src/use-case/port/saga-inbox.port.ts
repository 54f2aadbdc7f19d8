import type { OrderStreamsPort } from './order.repository.port.js';

/**
 * The inbox of the saga's reply consumer: runs `work` once per message id, in one transaction with
 * the inbox row, giving it the order streams bound to that transaction (implemented in repository/).
 */
export interface SagaInboxPort {
  /**
   * @returns true when `work` ran and committed, false for a message already processed
   * @throws whatever `work` throws (the transaction and the inbox row roll back)
   */
  once(messageId: string, topic: string, work: (orders: OrderStreamsPort) => Promise<void>): Promise<boolean>;
}

export const SAGA_INBOX = Symbol('SagaInboxPort');
