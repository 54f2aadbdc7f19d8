import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { CatalogGrpcGateway } from './gateway/catalog.grpc-gateway.js';
import { OrdersHttpHandler } from './handler/http/orders.http-handler.js';
import { ReportsHttpHandler } from './handler/http/reports.http-handler.js';
import { ORDER_TIMEOUT_JOB_OPTIONS, OrderTimeoutJob, type OrderTimeoutJobOptions } from './handler/job/order-timeout.job.js';
import { SAGA_MESSAGING, SagaRepliesKafkaHandler } from './handler/kafka/saga-replies.kafka-handler.js';
import { OrderingInfrastructure } from './repository/ordering.infrastructure.js';
import { CancelOrderUseCase } from './use-case/cancel-order/cancel-order.use-case.js';
import { ListDailySalesReportsUseCase } from './use-case/daily-sales-report/list-daily-sales-reports.use-case.js';
import { DeliverOrderUseCase } from './use-case/deliver-order/deliver-order.use-case.js';
import { GetOrderTimelineUseCase } from './use-case/get-order-timeline/get-order-timeline.use-case.js';
import { RequestReturnUseCase } from './use-case/request-return/request-return.use-case.js';
import { ShipOrderUseCase } from './use-case/ship-order/ship-order.use-case.js';
import { ExpireOrdersUseCase } from './use-case/expire-orders/expire-orders.use-case.js';
import { GetOrderUseCase } from './use-case/get-order/get-order.use-case.js';
import { GetOrderSagaUseCase } from './use-case/get-order-saga/get-order-saga.use-case.js';
import { HandleSagaReplyUseCase } from './use-case/handle-saga-reply/handle-saga-reply.use-case.js';
import { ListOrdersUseCase } from './use-case/list-orders/list-orders.use-case.js';
import { PlaceOrderUseCase } from './use-case/place-order/place-order.use-case.js';
import { CATALOG_GATEWAY } from './use-case/port/catalog.gateway.port.js';
import { DAILY_SALES_REPORTS } from './use-case/port/daily-sales.port.js';
import { ORDER_DEADLINES } from './use-case/port/order-deadlines.port.js';
import { ORDER_READ_MODEL } from './use-case/port/order.read-model.port.js';
import { ORDER_REPOSITORY } from './use-case/port/order.repository.port.js';
import { ORDERING_SETTINGS, type OrderingSettings } from './use-case/port/ordering-settings.port.js';
import { SAGA_INBOX } from './use-case/port/saga-inbox.port.js';

/** Domain error code → HTTP status of ordering's public API. */
export const ORDERING_DOMAIN_ERRORS = {
  'ORDER.NOT_FOUND': 404,
  'ORDER.ALREADY_EXISTS': 409,
  'ORDER.NOT_CANCELLABLE': 409,
  'ORDER.FULFILMENT_CONFLICT': 409,
  'ORDER.NOT_RETURNABLE': 409,
  'ORDER.CONCURRENCY_CONFLICT': 409,
  'ORDER.EMPTY': 422,
  'ORDER.UNKNOWN_PRODUCT': 422,
  'ORDER.INVALID': 422,
  'ORDER.IDEMPOTENCY_KEY_REUSED': 422,
  'ORDER.IDEMPOTENCY_KEY_TAKEN': 409,
  'CATALOG.UNAVAILABLE': 503,
  'PAGINATION.INVALID_CURSOR': 400,
  'REPORT.INVALID': 422,
  'REPORT.CURRENCY_MISMATCH': 409,
} as const;

/** What the module is built from: infrastructure, the catalog gateway and settings. */
export interface OrderingModuleOptions {
  readonly infrastructure: OrderingInfrastructure;
  readonly catalog: CatalogGrpcGateway;
  readonly settings: OrderingSettings;
  readonly auth: AuthOptions;
  readonly timeoutJob: OrderTimeoutJobOptions;
}

/**
 * Wiring of the ordering service: ports bound to adapters, handlers (HTTP, the saga's reply
 * consumer, the timeout job) to use cases, and access-token validation (every route needs a
 * `customer` or `admin` token).
 */
@Module({})
export class OrderingModule {
  static forRoot(options: OrderingModuleOptions): DynamicModule {
    const { infrastructure } = options;
    return {
      module: OrderingModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(options.auth)],
      controllers: [OrdersHttpHandler, ReportsHttpHandler],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: OrderingInfrastructure, useValue: infrastructure },
        { provide: ORDER_REPOSITORY, useValue: infrastructure.repository },
        { provide: ORDER_READ_MODEL, useValue: infrastructure.readModel },
        { provide: SAGA_INBOX, useValue: infrastructure.inbox },
        { provide: ORDER_DEADLINES, useValue: infrastructure.deadlines },
        { provide: DAILY_SALES_REPORTS, useValue: infrastructure.salesReports },
        { provide: SAGA_MESSAGING, useValue: infrastructure.messaging },
        { provide: CATALOG_GATEWAY, useValue: options.catalog },
        { provide: ORDERING_SETTINGS, useValue: options.settings },
        { provide: ORDER_TIMEOUT_JOB_OPTIONS, useValue: options.timeoutJob },
        SagaRepliesKafkaHandler,
        OrderTimeoutJob,
        PlaceOrderUseCase,
        CancelOrderUseCase,
        ShipOrderUseCase,
        RequestReturnUseCase,
        DeliverOrderUseCase,
        GetOrderTimelineUseCase,
        ExpireOrdersUseCase,
        HandleSagaReplyUseCase,
        GetOrderUseCase,
        ListOrdersUseCase,
        GetOrderSagaUseCase,
        ListDailySalesReportsUseCase,
      ],
    };
  }
}
