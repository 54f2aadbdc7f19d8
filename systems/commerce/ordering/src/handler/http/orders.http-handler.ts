import { Caller, Roles } from '@archipelago/platform-auth';
import {
  ApiIdempotencyKey,
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { PlacedOrderState } from '../../entity/order/order.state.js';
import { CancelOrderCommand } from '../../use-case/cancel-order/cancel-order.command.js';
import { DeliverOrderCommand } from '../../use-case/deliver-order/deliver-order.command.js';
import { GetOrderTimelineQuery } from '../../use-case/get-order-timeline/get-order-timeline.query.js';
import type { OrderTimeline } from '../../use-case/get-order-timeline/get-order-timeline.use-case.js';
import { RequestReturnCommand } from '../../use-case/request-return/request-return.command.js';
import { ShipOrderCommand } from '../../use-case/ship-order/ship-order.command.js';
import { GetOrderQuery } from '../../use-case/get-order/get-order.query.js';
import { GetOrderSagaQuery } from '../../use-case/get-order-saga/get-order-saga.query.js';
import type { OrderSaga } from '../../use-case/get-order-saga/get-order-saga.use-case.js';
import { ListOrdersQuery } from '../../use-case/list-orders/list-orders.query.js';
import { PlaceOrderCommand } from '../../use-case/place-order/place-order.command.js';
import type { PlaceOrderResult } from '../../use-case/place-order/place-order.use-case.js';
import type { CommandContext, Viewer } from '../../use-case/port/command-context.js';
import type { OrderPage, OrderSummary } from '../../use-case/port/order.read-model.port.js';
import {
  listOrdersQuery,
  orderDto,
  orderIdParams,
  orderPageDto,
  orderSagaDto,
  orderTimelineDto,
  parseIdempotencyKey,
  placedOrderDto,
  placeOrderBody,
  shipmentBody,
  type ListOrdersQueryDto,
  type OrderDto,
  type PlaceOrderBody,
  type ShipmentBody,
} from './order.schemas.js';

type CallerShape = { readonly id: string; readonly roles: readonly string[] };

const viewerOf = (caller: CallerShape): Viewer => ({ id: caller.id, admin: caller.roles.includes('admin') });

/** Event metadata from the request: correlation id, causation = request id, actor (the caller's `sub`), traceparent. */
function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return { correlationId: ctx?.correlationId, causationId: ctx?.requestId, actor: ctx?.actor?.id, traceparent: ctx?.traceparent };
}

const toDto = (o: PlacedOrderState | OrderSummary): OrderDto => ({
  id: o.id,
  customerId: o.customerId,
  status: o.status,
  items: [...o.items],
  total: o.total,
  cancellationReason: o.cancellationReason,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
});

/**
 * Public HTTP API of ordering: `/commerce/v1/orders`. Translates, never decides. Every route needs
 * a bearer token with role `customer` or `admin`; a customer sees only their own orders (another
 * customer's is 404), an admin sees all; the saga view is admin-only.
 */
@ApiTags('orders')
@Controller('commerce/v1/orders')
@Roles('customer', 'admin')
export class OrdersHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Place an order for the caller; the saga confirms or cancels it asynchronously',
    description:
      'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). The order is the caller\'s (the token\'s `sub`); 202 `pending` with `Location`, then the saga reserves stock, takes the payment from the wallet and confirms, or cancels (`out_of_stock`, `payment_declined`, `timeout`). ' +
      '422 `ORDER.EMPTY` without lines, 422 `ORDER.UNKNOWN_PRODUCT` for a product the catalog does not know, 422 `ORDER.INVALID` for an order it cannot take, 503 `CATALOG.UNAVAILABLE` when the catalog cannot be asked (retry later), 409 `ORDER.IDEMPOTENCY_KEY_TAKEN` while a request with the same key is in flight. ' +
      'Unit prices come from the catalog now. Lines of the same product are merged. Honours `Idempotency-Key` (per customer): ' +
      'the same key with the same body answers 200 with the same order (its current status; header `Idempotent-Replayed: true`); ' +
      'with another body 422.',
  })
  @ApiIdempotencyKey()
  @ApiZodBody(placeOrderBody)
  @ApiZodResponse(202, placedOrderDto, 'Accepted; Location names the order')
  @ApiProblemResponses(400, 401, 403, 422, 503)
  async place(
    @Caller() caller: CallerShape,
    @ZodBody(placeOrderBody) body: PlaceOrderBody,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = parseIdempotencyKey(rawKey);
    const { order, replayed }: PlaceOrderResult = await this.commands.execute(new PlaceOrderCommand(caller.id, body.items, key, commandContext()));
    reply.header('Location', `/commerce/v1/orders/${order.id}`);
    if (replayed) void reply.status(200).header('Idempotent-Replayed', 'true');
    return { id: order.id, status: order.status, items: order.items, total: order.total, createdAt: order.createdAt };
  }

  @Get()
  @ApiOperation({
    summary: "Orders, newest first: the caller's own, everyone's for an admin (keyset pagination)",
    description:
      'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). A customer sees their own orders, an admin everyone\'s; `status` filters, `limit` per page; pass `nextCursor` back as `cursor` (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give). Read from the order list projection: a just-placed order may take a moment to appear.',
  })
  @ApiZodResponse(200, orderPageDto)
  @ApiProblemResponses(400, 401, 403)
  async list(@Caller() caller: CallerShape, @ZodQuery(listOrdersQuery) query: ListOrdersQueryDto) {
    const page: OrderPage = await this.queries.execute(new ListOrdersQuery(viewerOf(caller), query.limit, query.status, query.cursor));
    return { items: page.items.map(toDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One order (read from its stream: always current)',
    description: 'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). 404 `ORDER.NOT_FOUND` for an unknown id and for another customer\'s order (an admin sees every order).',
  })
  @ApiZodResponse(200, orderDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async get(@Caller() caller: CallerShape, @ZodParams(orderIdParams) params: { id: string }): Promise<OrderDto> {
    return toDto(await this.queries.execute(new GetOrderQuery(params.id, viewerOf(caller))));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a pending order (409 once confirmed, cancelled or its payment is captured)',
    description:
      'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). The owner or an admin cancels a `pending` order (reason `cancelled_by_customer`); reserved stock is released and nothing is charged. 404 `ORDER.NOT_FOUND` (also for another customer\'s order); 409 `ORDER.NOT_CANCELLABLE` once confirmed, cancelled or paid; 409 `ORDER.CONCURRENCY_CONFLICT` when the saga moved it at the same time (retry).',
  })
  @ApiZodResponse(200, orderDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async cancel(@Caller() caller: CallerShape, @ZodParams(orderIdParams) params: { id: string }): Promise<OrderDto> {
    return toDto(await this.commands.execute(new CancelOrderCommand(params.id, viewerOf(caller), commandContext())));
  }

  @Post(':id/shipment')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ship a confirmed order (admin): status shipped, OrderShippedV1; the same shipment again changes nothing',
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). Records the carrier and tracking number; the same shipment again answers 200 and changes nothing. 404 `ORDER.NOT_FOUND`; 409 `ORDER.FULFILMENT_CONFLICT` when the order is not confirmed or was shipped with another tracking number.',
  })
  @ApiZodBody(shipmentBody)
  @ApiZodResponse(200, orderDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async ship(@ZodParams(orderIdParams) params: { id: string }, @ZodBody(shipmentBody) body: ShipmentBody): Promise<OrderDto> {
    return toDto(await this.commands.execute(new ShipOrderCommand(params.id, body.carrier, body.trackingNumber, commandContext())));
  }

  @Post(':id/delivery')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark a shipped order delivered (admin): status delivered, OrderDeliveredV1; idempotent',
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). A delivered order again answers 200 and changes nothing; the return window starts now. 404 `ORDER.NOT_FOUND`; 409 `ORDER.FULFILMENT_CONFLICT` when the order was not shipped.',
  })
  @ApiZodResponse(200, orderDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async deliver(@ZodParams(orderIdParams) params: { id: string }): Promise<OrderDto> {
    return toDto(await this.commands.execute(new DeliverOrderCommand(params.id, commandContext())));
  }

  @Post(':id/return')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Return a delivered order within the return window (the owner or an admin)',
    description:
      'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). The owner or an admin (another customer\'s order is 404 `ORDER.NOT_FOUND`). ' +
      '202 `returning`: the refund to the wallet and the units back to stock run through the saga; the order ends `returned` ' +
      '(OrderReturnedV1). A repeated request changes nothing. 409 when not delivered or past ORDER_RETURN_WINDOW_MS after delivery.',
  })
  @ApiZodResponse(202, orderDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async requestReturn(@Caller() caller: CallerShape, @ZodParams(orderIdParams) params: { id: string }): Promise<OrderDto> {
    return toDto(await this.commands.execute(new RequestReturnCommand(params.id, viewerOf(caller), commandContext())));
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary: "Every step of the order with its time, oldest first (the owner or an admin; another customer's order is 404)",
    description:
      'Customers and admins (bearer token with the role `customer` or `admin`; 401 without a valid token, 403 without either role). Placed, reserved, paid, confirmed, shipped (with carrier and tracking number), delivered, the return steps or the cancellation, each with its time, read from the order\'s stream. 404 `ORDER.NOT_FOUND` for an unknown id or another customer\'s order.',
  })
  @ApiZodResponse(200, orderTimelineDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async timeline(@Caller() caller: CallerShape, @ZodParams(orderIdParams) params: { id: string }) {
    const { state, steps }: OrderTimeline = await this.queries.execute(new GetOrderTimelineQuery(params.id, viewerOf(caller)));
    return { orderId: state.id, status: state.status, shipment: state.shipment, steps };
  }

  @Get(':id/saga')
  @Roles('admin')
  @ApiOperation({
    summary: "The order's saga step by step with times (admin; for a stuck order)",
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). Where the saga is (`step`), when a pending order times out (`deadline`) and every saga event with its data, to diagnose a stuck order (docs/operate.md). 404 `ORDER.NOT_FOUND` for an unknown id.',
  })
  @ApiZodResponse(200, orderSagaDto)
  @ApiProblemResponses(400, 401, 403, 404)
  async saga(@ZodParams(orderIdParams) params: { id: string }) {
    const { state, history }: OrderSaga = await this.queries.execute(new GetOrderSagaQuery(params.id));
    return {
      orderId: state.id,
      status: state.status,
      step: state.step,
      deadline: state.deadline,
      steps: history.map((r) => ({ version: r.version, step: r.event.type, at: r.recordedAt, data: r.event.data })),
    };
  }
}
