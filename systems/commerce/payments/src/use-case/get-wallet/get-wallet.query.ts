/** The wallet of one customer (balance read from the event stream: always current). */
export class GetWalletQuery {
  constructor(readonly customerId: string) {}
}
