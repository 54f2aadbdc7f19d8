/** The stored daily sales reports of the days `from`..`to` (YYYY-MM-DD, inclusive); admin only (checked by the handler). */
export class ListDailySalesReportsQuery {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {}
}
