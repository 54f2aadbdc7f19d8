import { AuthModule, type AuthOptions } from '@archipelago/platform-auth';
import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CatalogGrpcHandler } from './handler/grpc/catalog.grpc-handler.js';
import { ProductsHttpHandler } from './handler/http/products.http-handler.js';
import { StockCommandsMessageHandler } from './handler/messaging/stock-commands.message-handler.js';
import { CatalogInfrastructure } from './repository/catalog.infrastructure.js';
import { AdjustStockUseCase } from './use-case/adjust-stock/adjust-stock.use-case.js';
import { CommitStockUseCase } from './use-case/commit-stock/commit-stock.use-case.js';
import { CreateProductUseCase } from './use-case/create-product/create-product.use-case.js';
import { GetProductUseCase } from './use-case/get-product/get-product.use-case.js';
import { GetProductsUseCase } from './use-case/get-products/get-products.use-case.js';
import { ListProductsUseCase } from './use-case/list-products/list-products.use-case.js';
import { CATALOG_SETTINGS, type CatalogSettings } from './use-case/port/catalog-settings.port.js';
import { PRODUCT_READ_MODEL } from './use-case/port/product.read-model.port.js';
import { PRODUCT_REPOSITORY } from './use-case/port/product.repository.port.js';
import { RESERVATION_REPOSITORY } from './use-case/port/reservation.repository.port.js';
import { ReleaseStockUseCase } from './use-case/release-stock/release-stock.use-case.js';
import { ReserveStockUseCase } from './use-case/reserve-stock/reserve-stock.use-case.js';
import { ReturnStockUseCase } from './use-case/return-stock/return-stock.use-case.js';
import { SetLowStockThresholdUseCase } from './use-case/set-low-stock-threshold/set-low-stock-threshold.use-case.js';

/** Domain error code → HTTP status of the catalog's public API. */
export const CATALOG_DOMAIN_ERRORS = {
  'PRODUCT.NOT_FOUND': 404,
  'PRODUCT.ALREADY_EXISTS': 409,
  'PRODUCT.DUPLICATE_SKU': 409,
  'PRODUCT.INSUFFICIENT_STOCK': 409,
  'PRODUCT.OUT_OF_STOCK': 409,
  'PRODUCT.CONCURRENCY_CONFLICT': 409,
  'PRODUCT.INVALID': 400,
  'MONEY.CURRENCY_MISMATCH': 422,
  'MONEY.INVALID': 400,
  'PAGINATION.INVALID_CURSOR': 400,
} as const;

/**
 * Wiring of the catalog service: ports bound to adapters, handlers to use cases, and access-token
 * validation (`auth`: every route needs a token unless `@Public()`; writes need `admin`).
 * Ordering's stock commands reach {@link StockCommandsMessageHandler} once the caller subscribes
 * it (`CatalogInfrastructure.subscribeStockCommands`, done by main.ts).
 */
@Module({})
export class CatalogModule {
  static forRoot(infrastructure: CatalogInfrastructure, settings: CatalogSettings, auth: AuthOptions): DynamicModule {
    return {
      module: CatalogModule,
      imports: [CqrsModule.forRoot(), AuthModule.forRoot(auth)],
      controllers: [ProductsHttpHandler, CatalogGrpcHandler],
      providers: [
        // Closed by Nest on shutdown (ServiceInfrastructure.onApplicationShutdown), after the providers using it.
        { provide: CatalogInfrastructure, useValue: infrastructure },
        { provide: PRODUCT_REPOSITORY, useValue: infrastructure.repository },
        { provide: PRODUCT_READ_MODEL, useValue: infrastructure.readModel },
        { provide: RESERVATION_REPOSITORY, useValue: infrastructure.reservations },
        { provide: CATALOG_SETTINGS, useValue: settings },
        CreateProductUseCase,
        AdjustStockUseCase,
        SetLowStockThresholdUseCase,
        GetProductUseCase,
        ListProductsUseCase,
        GetProductsUseCase,
        ReserveStockUseCase,
        ReturnStockUseCase,
        ReleaseStockUseCase,
        CommitStockUseCase,
        StockCommandsMessageHandler,
      ],
    };
  }
}
