import { AUTH_REALM, Caller, Public, Roles } from '@archipelago/platform-auth';
import { Controller, Get, HttpCode, Patch, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
  ProblemException,
  problemTypeUri,
  ZodBody,
  ZodParams,
  ZodQuery,
} from '@archipelago/platform-service';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { availableUnits, type ProductState } from '../../entity/product/product.state.js';
import { AdjustStockCommand } from '../../use-case/adjust-stock/adjust-stock.command.js';
import { CreateProductCommand } from '../../use-case/create-product/create-product.command.js';
import { GetProductQuery } from '../../use-case/get-product/get-product.query.js';
import { ListProductsQuery } from '../../use-case/list-products/list-products.query.js';
import { SetLowStockThresholdCommand } from '../../use-case/set-low-stock-threshold/set-low-stock-threshold.command.js';
import type { ProductPage } from '../../use-case/port/product.read-model.port.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createProductBody,
  listProductsQuery,
  productDto,
  productIdParams,
  productPageDto,
  stockAdjustmentBody,
  updateProductBody,
  type CreateProductBody,
  type ListProductsQueryDto,
  type ProductDto,
  type StockAdjustmentBody,
  type UpdateProductBody,
} from './product.schemas.js';

type ActiveProduct = Extract<ProductState, { status: 'active' }>;

const toDto = (p: ActiveProduct): ProductDto => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price: p.price,
  available: availableUnits(p),
  lowStockThreshold: p.lowStockThreshold,
});

/** Event metadata from the request: correlation id, causation = request id, actor (the verified caller's `sub`), traceparent. */
function commandContext(): CommandContext {
  const ctx = currentRequestContext();
  return {
    correlationId: ctx?.correlationId,
    causationId: ctx?.requestId,
    actor: ctx?.actor?.id,
    traceparent: ctx?.traceparent,
  };
}

/**
 * `?lowStock=true` is for admins: 401 (with the RFC 6750 challenge) without a valid token, 403 without the role.
 * @throws ProblemException
 */
function requireAdmin(caller: Caller | undefined, reply: FastifyReply): void {
  if (!caller) {
    void reply.header('WWW-Authenticate', `Bearer realm="${AUTH_REALM}"`);
    throw new ProblemException(401, { type: problemTypeUri('unauthorized'), title: 'Unauthorized', detail: 'lowStock=true needs an admin access token.' });
  }
  if (!caller.roles.includes('admin')) {
    throw new ProblemException(403, { type: problemTypeUri('forbidden'), title: 'Forbidden', detail: 'lowStock=true needs the role admin.' });
  }
}

/**
 * Public HTTP API of the catalog: `/commerce/v1/products`. Translates, never decides.
 * Reads are public; writes (create, stock adjustments) need a bearer token with the `admin` role
 * (401 without a valid token, 403 without the role).
 */
@ApiTags('products')
@Controller('commerce/v1/products')
export class ProductsHttpHandler {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a product with its initial stock',
    description:
      'Admins only (bearer token with the role `admin`; 401 without a valid token, 403 without the role). Creates an active product priced in the deployment currency and answers it with `Location`. 409 `PRODUCT.DUPLICATE_SKU` when another product has the SKU; 422 `MONEY.CURRENCY_MISMATCH` when the price is not in the deployment currency; 400 on invalid fields.',
  })
  @ApiZodBody(createProductBody)
  @ApiZodResponse(201, productDto, 'Created; Location names the product')
  @ApiProblemResponses(400, 401, 403, 409, 422)
  async create(
    @ZodBody(createProductBody) body: CreateProductBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductDto> {
    const product: ActiveProduct = await this.commands.execute(new CreateProductCommand(body, commandContext()));
    reply.header('Location', `/commerce/v1/products/${product.id}`);
    return toDto(product);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List products in creation order (keyset pagination)',
    description:
      'Public (no token). Pages of `limit` (1–100, default 20) products in creation order; pass `nextCursor` back as `cursor` for the next page (400 `PAGINATION.INVALID_CURSOR` for a cursor this API did not give). `lowStock=true` lists only products with available ≤ lowStockThreshold and needs an admin token (401 without, 403 without the role).',
  })
  @ApiZodResponse(200, productPageDto)
  @ApiProblemResponses(400, 401, 403)
  async list(
    @ZodQuery(listProductsQuery) query: ListProductsQueryDto,
    @Caller() caller: Caller | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.lowStock) requireAdmin(caller, reply);
    const page: ProductPage = await this.queries.execute(new ListProductsQuery(query.limit, query.cursor, { lowStock: query.lowStock }));
    return {
      items: page.items.map((p) => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        price: p.price,
        available: p.available,
        lowStockThreshold: p.lowStockThreshold,
      })),
      nextCursor: page.nextCursor,
    };
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({
    summary: "Change a product's low-stock threshold (alerts or clears at once when that crosses available)",
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). Sets `lowStockThreshold`; when that puts the product at or below it (or above it again) the low-stock event is published at once. 404 `PRODUCT.NOT_FOUND` for an unknown id; 409 `PRODUCT.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again).',
  })
  @ApiZodBody(updateProductBody)
  @ApiZodResponse(200, productDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async update(
    @ZodParams(productIdParams) params: { id: string },
    @ZodBody(updateProductBody) body: UpdateProductBody,
  ): Promise<ProductDto> {
    const { state } = await this.commands.execute(new SetLowStockThresholdCommand(params.id, body.lowStockThreshold, commandContext()));
    return toDto(state as ActiveProduct);
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: 'One product',
    description: 'Public (no token). The product with its price and the units available now (stock less reserved). 404 `PRODUCT.NOT_FOUND` for an unknown id; 400 when `id` is not a UUID.',
  })
  @ApiZodResponse(200, productDto)
  @ApiProblemResponses(400, 404)
  async get(@ZodParams(productIdParams) params: { id: string }): Promise<ProductDto> {
    const { state } = await this.queries.execute(new GetProductQuery(params.id));
    return toDto(state);
  }

  @Post(':id/stock-adjustments')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Adjust stock by a non-zero delta; 409 when stock would fall below the units reserved for orders',
    description:
      'Admins only (401 without a valid token, 403 without the role `admin`). Adds `delta` units (negative: removes) with a reason kept in the event. 404 `PRODUCT.NOT_FOUND` for an unknown id; 409 `PRODUCT.INSUFFICIENT_STOCK` when stock would fall below the units reserved for orders; 409 `PRODUCT.CONCURRENCY_CONFLICT` when concurrent changes kept winning over the retries of the service (try again).',
  })
  @ApiZodBody(stockAdjustmentBody)
  @ApiZodResponse(200, productDto)
  @ApiProblemResponses(400, 401, 403, 404, 409)
  async adjust(
    @ZodParams(productIdParams) params: { id: string },
    @ZodBody(stockAdjustmentBody) body: StockAdjustmentBody,
  ): Promise<ProductDto> {
    const { state } = await this.commands.execute(
      new AdjustStockCommand(params.id, body.delta, body.reason, commandContext()),
    );
    return toDto(state as ActiveProduct);
  }
}
