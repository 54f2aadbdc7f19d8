/** Cancel with `timeout` up to `limit` pending orders past their deadline (run by the timeout job). */
export class ExpireOrdersCommand {
  constructor(
    readonly limit = 50,
    /** How long a claimed deadline stays leased to this instance, ms. */
    readonly leaseMs = 30_000,
  ) {}
}
