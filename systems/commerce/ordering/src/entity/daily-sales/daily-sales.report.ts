import { DomainError } from '@archipelago/util-decider';
import { Temporal } from '@archipelago/util-calendar';
import type { OrderLine } from '../order/order.events.js';
import type { Money } from '../money.js';

/**
 * One fact the daily sales report counts, read from an order's events:
 * - `confirmed`: an order confirmed at `at` (ISO 8601 instant), with the lines and total of its OrderPlaced;
 * - `returned`: an order returned at `at`, `refund` paid back (OrderReturned).
 */
export type SalesFact =
  | {
      readonly kind: 'confirmed';
      readonly orderId: string;
      readonly at: string;
      readonly items: readonly OrderLine[];
      readonly total: Money;
    }
  | { readonly kind: 'returned'; readonly orderId: string; readonly at: string; readonly refund: Money };

/** Units and revenue (minor units) of one product in a tally. */
export interface ProductTally {
  readonly units: number;
  readonly revenue: number;
}

/**
 * The running totals of one report run, JSON-serialisable (it is the run's checkpoint). Amounts in
 * minor units of `currency` (null until the first fact). `hourly[h]`: orders confirmed and their
 * gross in local hour `h` (0–23) of the report's time zone.
 */
export interface DailySalesTally {
  readonly currency: string | null;
  readonly orders: number;
  readonly units: number;
  readonly gross: number;
  readonly returns: number;
  readonly refunds: number;
  readonly products: Readonly<Record<string, ProductTally>>;
  readonly hourly: readonly { readonly orders: number; readonly gross: number }[];
}

/** A product in a top-10 list. */
export interface TopProduct {
  readonly productId: string;
  readonly units: number;
  readonly revenue: number;
}

/**
 * The daily sales report of `day` (YYYY-MM-DD) in `timeZone`: orders confirmed that day with their
 * units and gross, orders returned that day with their refunds, net = gross − refunds (all in minor
 * units of `currency`; `currency` null on a day without sales), the 10 products with most units and
 * with most revenue (ties: product id), and the per-hour histogram (24 local hours; on a day with a
 * DST change the repeated hour is counted once, the skipped one stays 0).
 */
export interface DailySalesReport {
  readonly day: string;
  readonly timeZone: string;
  readonly currency: string | null;
  readonly orders: number;
  readonly units: number;
  readonly gross: number;
  readonly returns: number;
  readonly refunds: number;
  readonly net: number;
  readonly topByUnits: readonly TopProduct[];
  readonly topByRevenue: readonly TopProduct[];
  readonly hourly: readonly { readonly hour: number; readonly orders: number; readonly gross: number }[];
}

/** How many products the top lists hold. */
export const TOP_PRODUCTS = 10;

/** Facts of the same report carry different currencies (the report is in one currency). */
export class ReportCurrencyMismatchError extends DomainError {
  readonly code = 'REPORT.CURRENCY_MISMATCH';
  constructor(expected: string, found: string, orderId: string) {
    super(`Order ${orderId} is in ${found}, the report is in ${expected}`, { expected, found, orderId });
  }
}

/**
 * Another run of the same day and zone advanced the checkpoint first (two runs at once, e.g. the
 * CronJob and a manual rerun): this one stops without writing; the other finishes the report.
 */
export class ReportRunConflictError extends DomainError {
  readonly code = 'REPORT.RUN_CONFLICT';
  constructor(runId: string) {
    super(`Report run ${runId} was advanced by another run of the same day`, { runId });
  }
}

/** The day, zone or range of a report request is not valid. */
export class InvalidReportRequestError extends DomainError {
  readonly code = 'REPORT.INVALID';
  constructor(message: string) {
    super(message);
  }
}

/** A tally with nothing counted yet. */
export function emptyTally(): DailySalesTally {
  return {
    currency: null,
    orders: 0,
    units: 0,
    gross: 0,
    returns: 0,
    refunds: 0,
    products: {},
    hourly: Array.from({ length: 24 }, () => ({ orders: 0, gross: 0 })),
  };
}

/**
 * The local hour (0–23) of an ISO 8601 instant in an IANA time zone.
 * @throws RangeError on a malformed instant or an unknown zone
 */
export function localHour(at: string, timeZone: string): number {
  return Temporal.Instant.from(at).toZonedDateTimeISO(timeZone).hour;
}

/**
 * The half-open window `[from, to)` of instants (ISO 8601, UTC) that make `day` in `timeZone`.
 * @throws InvalidReportRequestError when `day` is not a real YYYY-MM-DD date or the zone is unknown
 */
export function dayWindow(day: string, timeZone: string): { readonly from: string; readonly to: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw new InvalidReportRequestError(`day ${JSON.stringify(day)} is not YYYY-MM-DD`);
  let date: Temporal.PlainDate;
  try {
    date = Temporal.PlainDate.from(day, { overflow: 'reject' });
  } catch {
    throw new InvalidReportRequestError(`day ${day} is not a date`);
  }
  try {
    const from = date.toZonedDateTime(timeZone).toInstant().toString();
    const to = date.add({ days: 1 }).toZonedDateTime(timeZone).toInstant().toString();
    return { from, to };
  } catch {
    throw new InvalidReportRequestError(`time zone ${JSON.stringify(timeZone)} is unknown`);
  }
}

function sameCurrency(tally: { currency: string | null }, money: Money, orderId: string): string {
  if (tally.currency !== null && tally.currency !== money.currency)
    throw new ReportCurrencyMismatchError(tally.currency, money.currency, orderId);
  return money.currency;
}

/**
 * Adds facts to a tally (pure: returns a new tally). A confirmed order adds 1 order, its units,
 * its total to gross and to its local hour, and each line's units and `quantity × unitPrice` to its
 * product; a returned order adds 1 return and its refund.
 * @throws ReportCurrencyMismatchError when a fact's currency differs from the tally's
 */
export function tallySales(tally: DailySalesTally, facts: readonly SalesFact[], timeZone: string): DailySalesTally {
  let currency = tally.currency;
  let { orders, units, gross, returns, refunds } = tally;
  const products: Record<string, ProductTally> = { ...tally.products };
  const hourly = tally.hourly.map((h) => ({ ...h }));
  for (const fact of facts) {
    if (fact.kind === 'returned') {
      currency = sameCurrency({ currency }, fact.refund, fact.orderId);
      returns += 1;
      refunds += fact.refund.amount;
      continue;
    }
    currency = sameCurrency({ currency }, fact.total, fact.orderId);
    orders += 1;
    gross += fact.total.amount;
    const bucket = hourly[localHour(fact.at, timeZone)]!;
    bucket.orders += 1;
    bucket.gross += fact.total.amount;
    for (const line of fact.items) {
      sameCurrency({ currency }, line.unitPrice, fact.orderId);
      units += line.quantity;
      const before = products[line.productId] ?? { units: 0, revenue: 0 };
      products[line.productId] = {
        units: before.units + line.quantity,
        revenue: before.revenue + line.quantity * line.unitPrice.amount,
      };
    }
  }
  return { currency, orders, units, gross, returns, refunds, products, hourly };
}

function top(products: Readonly<Record<string, ProductTally>>, by: keyof ProductTally): TopProduct[] {
  return Object.entries(products)
    .map(([productId, p]) => ({ productId, units: p.units, revenue: p.revenue }))
    .sort((a, b) => b[by] - a[by] || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .slice(0, TOP_PRODUCTS);
}

/** The report of `day` in `timeZone` from a finished tally. */
export function dailySalesReport(day: string, timeZone: string, tally: DailySalesTally): DailySalesReport {
  return {
    day,
    timeZone,
    currency: tally.currency,
    orders: tally.orders,
    units: tally.units,
    gross: tally.gross,
    returns: tally.returns,
    refunds: tally.refunds,
    net: tally.gross - tally.refunds,
    topByUnits: top(tally.products, 'units'),
    topByRevenue: top(tally.products, 'revenue'),
    hourly: tally.hourly.map((h, hour) => ({ hour, orders: h.orders, gross: h.gross })),
  };
}
