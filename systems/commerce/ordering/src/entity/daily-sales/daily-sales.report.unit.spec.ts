import { describe, expect, it } from 'vitest';
import {
  dailySalesReport,
  dayWindow,
  emptyTally,
  InvalidReportRequestError,
  ReportCurrencyMismatchError,
  tallySales,
  type SalesFact,
} from './daily-sales.report.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const line = (productId: string, quantity: number, unit: number) => ({ productId, quantity, unitPrice: usd(unit) });
const confirmed = (orderId: string, at: string, items: ReturnType<typeof line>[]): SalesFact => ({
  kind: 'confirmed',
  orderId,
  at,
  items,
  total: usd(items.reduce((s, l) => s + l.quantity * l.unitPrice.amount, 0)),
});

describe('daily sales aggregation', () => {
  it('counts orders, units, gross, refunds and net in minor units, with the hour histogram', () => {
    const tally = tallySales(
      emptyTally(),
      [
        confirmed('o1', '2026-12-05T09:15:00Z', [line('a', 2, 1000), line('b', 1, 250)]),
        confirmed('o2', '2026-12-05T09:59:59.999Z', [line('a', 1, 1000)]),
        confirmed('o3', '2026-12-05T23:00:00Z', [line('c', 5, 100)]),
        { kind: 'returned', orderId: 'o0', at: '2026-12-05T10:00:00Z', refund: usd(700) },
      ],
      'UTC',
    );
    const report = dailySalesReport('2026-12-05', 'UTC', tally);
    expect(report).toMatchObject({
      currency: 'USD',
      orders: 3,
      units: 9,
      gross: 3750,
      returns: 1,
      refunds: 700,
      net: 3050,
    });
    expect(report.hourly).toHaveLength(24);
    expect(report.hourly[9]).toEqual({ hour: 9, orders: 2, gross: 3250 });
    expect(report.hourly[23]).toEqual({ hour: 23, orders: 1, gross: 500 });
    expect(report.hourly[10]).toEqual({ hour: 10, orders: 0, gross: 0 });
    expect(report.topByUnits.map((p) => p.productId)).toEqual(['c', 'a', 'b']);
    expect(report.topByRevenue).toEqual([
      { productId: 'a', units: 3, revenue: 3000 },
      { productId: 'c', units: 5, revenue: 500 },
      { productId: 'b', units: 1, revenue: 250 },
    ]);
  });

  it('keeps 10 products per top list, ties broken by product id', () => {
    const facts = Array.from({ length: 12 }, (_, i) =>
      confirmed(`o${i}`, '2026-12-05T12:00:00Z', [line(`p${String(i).padStart(2, '0')}`, i < 6 ? 1 : 2, 100)]),
    );
    const report = dailySalesReport('2026-12-05', 'UTC', tallySales(emptyTally(), facts, 'UTC'));
    expect(report.topByUnits).toHaveLength(10);
    expect(report.topByUnits.map((p) => p.productId)).toEqual([
      'p06',
      'p07',
      'p08',
      'p09',
      'p10',
      'p11',
      'p00',
      'p01',
      'p02',
      'p03',
    ]);
  });

  it('tallies page by page to the same result as all at once (the checkpoint is the tally)', () => {
    const facts = Array.from({ length: 7 }, (_, i) =>
      confirmed(`o${i}`, `2026-12-05T0${i}:00:00Z`, [line('a', i + 1, 10)]),
    );
    const once = tallySales(emptyTally(), facts, 'UTC');
    const paged = [facts.slice(0, 3), facts.slice(3)].reduce(
      (t, page) => JSON.parse(JSON.stringify(tallySales(t, page, 'UTC'))),
      emptyTally(),
    );
    expect(paged).toEqual(JSON.parse(JSON.stringify(once)));
  });

  it('puts an order in the local hour of the report zone', () => {
    const tally = tallySales(
      emptyTally(),
      [confirmed('o1', '2026-12-05T09:30:00Z', [line('a', 1, 1)])],
      'Europe/Paris',
    );
    expect(tally.hourly[10]!.orders).toBe(1);
  });

  it('refuses facts in two currencies', () => {
    const eur: SalesFact = {
      kind: 'returned',
      orderId: 'o9',
      at: '2026-12-05T10:00:00Z',
      refund: { amount: 1, currency: 'EUR' },
    };
    expect(() =>
      tallySales(emptyTally(), [confirmed('o1', '2026-12-05T09:00:00Z', [line('a', 1, 1)]), eur], 'UTC'),
    ).toThrow(ReportCurrencyMismatchError);
  });

  it('reports an empty day with a null currency and zeroes', () => {
    expect(dailySalesReport('2026-12-05', 'UTC', emptyTally())).toMatchObject({
      currency: null,
      orders: 0,
      net: 0,
      topByUnits: [],
    });
  });
});

describe('dayWindow', () => {
  it('is the UTC day, or the local day of a zone (23 hours on a DST change)', () => {
    expect(dayWindow('2026-12-05', 'UTC')).toEqual({ from: '2026-12-05T00:00:00Z', to: '2026-12-06T00:00:00Z' });
    expect(dayWindow('2026-12-05', 'Europe/Paris')).toEqual({
      from: '2026-12-04T23:00:00Z',
      to: '2026-12-05T23:00:00Z',
    });
    expect(dayWindow('2026-03-29', 'Europe/Paris')).toEqual({
      from: '2026-03-28T23:00:00Z',
      to: '2026-03-29T22:00:00Z',
    });
  });

  it('refuses a malformed or impossible day and an unknown zone', () => {
    expect(() => dayWindow('2026-02-30', 'UTC')).toThrow(InvalidReportRequestError);
    expect(() => dayWindow('05/12/2026', 'UTC')).toThrow(InvalidReportRequestError);
    expect(() => dayWindow('2026-12-05', 'Mars/Olympus')).toThrow(InvalidReportRequestError);
  });
});
