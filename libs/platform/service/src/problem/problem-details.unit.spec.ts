import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError } from '@archipelago/util-decider';
import { describe, expect, it } from 'vitest';
import { ProblemException, problemTypeUri, toProblemDetails, ValidationProblemException } from './problem-details.js';

class InsufficientStock extends DomainError {
  readonly code = 'PRODUCT.INSUFFICIENT_STOCK';
}

const context = {
  path: '/products/p-1',
  requestId: 'req-1',
  domainErrors: { 'PRODUCT.NOT_FOUND': 404, 'PRODUCT.INSUFFICIENT_STOCK': { status: 409, title: 'Not enough stock' } },
};

describe('toProblemDetails', () => {
  it('maps a DomainError code to its status, with the code, message and details', () => {
    const error = new InsufficientStock('Only 2 left.', { available: 2 });
    expect(toProblemDetails(error, context)).toEqual({
      unexpected: false,
      problem: {
        type: 'https://archipelago.dev/problems/product-insufficient-stock',
        title: 'Not enough stock',
        status: 409,
        detail: 'Only 2 left.',
        instance: '/products/p-1',
        code: 'PRODUCT.INSUFFICIENT_STOCK',
        details: { available: 2 },
        requestId: 'req-1',
      },
    });
  });

  it('maps any error with a mapped string code, deriving the title from the code', () => {
    const error = Object.assign(new Error('No such product.'), { code: 'PRODUCT.NOT_FOUND' });
    const { problem } = toProblemDetails(error, context);
    expect(problem).toMatchObject({ status: 404, title: 'Product not found', detail: 'No such product.' });
    expect(problem).not.toHaveProperty('details');
  });

  it('treats an unmapped code (e.g. a pg error) as unexpected, without leaking its message', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' });
    const { problem, unexpected } = toProblemDetails(error, context);
    expect(unexpected).toBe(true);
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('duplicate');
    expect(problem.detail).toContain('req-1');
  });

  it.each(['22P05', '22021', '22003', '54000', '22023', '42622', '22007', '22008'])(
    'answers a Postgres refusal of client input (SQLSTATE %s) with 400, flagged, without its message',
    (sqlState) => {
      const error = Object.assign(new Error('index row size 3000 exceeds maximum 2704 for index "products_sku_key"'), {
        code: sqlState,
        severity: 'ERROR',
      });
      const outcome = toProblemDetails(error, context);
      expect(outcome).toMatchObject({
        unexpected: false,
        storageRefusal: true,
        problem: { status: 400, type: 'https://archipelago.dev/problems/unstorable-input' },
      });
      expect(outcome.problem.detail).not.toContain('products_sku_key');
    },
  );

  it('renders a ProblemException as given, with extensions', () => {
    const error = new ProblemException(422, {
      type: problemTypeUri('ORDER.ALREADY_PLACED'),
      title: 'Order already placed',
      detail: 'Order o-1 was placed at 10:00.',
      extensions: { orderId: 'o-1' },
    });
    expect(toProblemDetails(error, context).problem).toEqual({
      type: 'https://archipelago.dev/problems/order-already-placed',
      title: 'Order already placed',
      status: 422,
      detail: 'Order o-1 was placed at 10:00.',
      instance: '/products/p-1',
      orderId: 'o-1',
      requestId: 'req-1',
    });
  });

  it('renders a validation problem with its errors', () => {
    const error = new ValidationProblemException([{ pointer: '/price/amount', detail: 'Too small' }]);
    expect(toProblemDetails(error, context).problem).toMatchObject({
      status: 400,
      type: 'https://archipelago.dev/problems/validation-failed',
      errors: [{ pointer: '/price/amount', detail: 'Too small' }],
    });
  });

  it.each([
    [new NotFoundException('Cannot GET /x'), 404, 'Not Found', 'Cannot GET /x'],
    [new ForbiddenException(), 403, 'Forbidden', 'Forbidden'],
    [new BadRequestException(['a must be set', 'b must be set']), 400, 'Bad Request', 'a must be set; b must be set'],
  ])('renders a Nest HttpException as about:blank with its status', (error, status, title, detail) => {
    expect(toProblemDetails(error, context).problem).toMatchObject({ type: 'about:blank', status, title, detail });
  });

  it('hides the message of a 5xx HttpException', () => {
    const { problem, unexpected } = toProblemDetails(new HttpException('db password wrong', 502), context);
    expect(unexpected).toBe(true);
    expect(problem).toMatchObject({ status: 502, title: 'Bad Gateway' });
    expect(problem.detail).not.toContain('password');
  });

  it('renders a non-Error throw as a 500', () => {
    expect(toProblemDetails('oops', context)).toMatchObject({ unexpected: true, problem: { status: 500 } });
  });
});

describe('problemTypeUri', () => {
  it.each([
    ['PRODUCT.NOT_FOUND', 'https://archipelago.dev/problems/product-not-found'],
    ['validation-failed', 'https://archipelago.dev/problems/validation-failed'],
    ['OrderAlreadyPlaced', 'https://archipelago.dev/problems/order-already-placed'],
  ])('%s → %s', (code, uri) => {
    expect(problemTypeUri(code)).toBe(uri);
  });
});
