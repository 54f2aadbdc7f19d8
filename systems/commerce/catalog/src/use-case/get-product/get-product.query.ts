/** Read one product by id, from its event stream (always up to date). */
export class GetProductQuery {
  constructor(readonly productId: string) {}
}
