import { Public, Roles } from '@archipelago/platform-auth';
import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiProblemResponses,
  ApiZodBody,
  ApiZodResponse,
  currentRequestContext,
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
import type { ProductPage } from '../../use-case/port/product.read-model.port.js';
import type { CommandContext } from '../../use-case/port/command-context.js';
import {
  createProductBody,
  listProductsQuery,
  productDto,
  productIdParams,
  productPageDto,
  stockAdjustmentBody,
  type CreateProductBody,
  type ProductDto,
  type StockAdjustmentBody,
} from './product.schemas.js';

type ActiveProduct = Extract<ProductState, { status: 'active' }>;

const toDto = (p: ActiveProduct): ProductDto => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price: p.price,
  available: availableUnits(p),
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
  @ApiOperation({ summary: 'Add a product with its initial stock' })
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
  @ApiOperation({ summary: 'List products in creation order (keyset pagination)' })
  @ApiZodResponse(200, productPageDto)
  @ApiProblemResponses(400)
  async list(@ZodQuery(listProductsQuery) query: { limit: number; cursor?: string }) {
    const page: ProductPage = await this.queries.execute(new ListProductsQuery(query.limit, query.cursor));
    return {
      items: page.items.map((p) => ({ id: p.id, sku: p.sku, name: p.name, price: p.price, available: p.available })),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One product' })
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
