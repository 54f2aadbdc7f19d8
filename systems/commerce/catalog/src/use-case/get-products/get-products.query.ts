/** Several products by id (for other services over gRPC); unknown ids are reported, not fatal. */
export class GetProductsQuery {
  constructor(readonly ids: readonly string[]) {}
}
