/** The saga of one order, step by step with times (for an admin inspecting a stuck order). */
export class GetOrderSagaQuery {
  constructor(readonly orderId: string) {}
}
