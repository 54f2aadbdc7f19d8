import { Body, Controller, Get, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { currentRequestContext } from '../src/context/request-context.js';
import { ApiProblemResponses, ApiZodBody, ApiZodResponse } from '../src/openapi/zod-openapi.decorators.js';
import { ZodBody, ZodParams, ZodQuery, ZodValidationPipe } from '../src/validation/zod-validation.pipe.js';
import { ReadinessRegistry } from '../src/health/readiness.registry.js';

// A tiny controller exercising the platform the way a service's HTTP handlers do.

export const Money = z.object({ amount: z.number().positive(), currency: z.string().length(3) }).meta({ id: 'Money' });
export const CreateProductBody = z
  .object({ name: z.string().min(1), price: Money, tags: z.array(z.string()).default([]) })
  .strict()
  .meta({ id: 'CreateProductBody' });
export const Product = z.object({ id: z.uuid(), name: z.string(), price: Money }).meta({ id: 'Product' });
export const ImportBody = z.object({ skus: z.array(z.string()).min(1) }).meta({ id: 'ImportProductsBody' });
const ProductParams = z.object({ id: z.uuid() });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

class ProductNotFound extends Error {
  readonly code = 'PRODUCT.NOT_FOUND';
  readonly details = { productId: '' };
  constructor(id: string) {
    super(`Product ${id} does not exist.`);
    this.details.productId = id;
  }
}

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

@ApiTags('products')
@Controller('products')
export class FixtureController {
  private readonly logger = new Logger(FixtureController.name);

  constructor(@Inject(ReadinessRegistry) readonly readiness: ReadinessRegistry) {}

  @Post()
  @HttpCode(201)
  @ApiZodResponse(201, Product, 'Created')
  create(@ZodBody(CreateProductBody) body: z.output<typeof CreateProductBody>) {
    this.logger.log(`creating ${body.name}`);
    return { id: '11111111-1111-4111-8111-111111111111', ...body, context: currentRequestContext() };
  }

  // The explicit form: a pipe instance and a documentation decorator instead of ZodBody.
  @Post('import')
  @HttpCode(202)
  @ApiZodBody(ImportBody)
  import(@Body(new ZodValidationPipe(ImportBody)) body: z.output<typeof ImportBody>) {
    return { accepted: body.skus.length };
  }

  @Get()
  list(@ZodQuery(ListQuery) query: z.output<typeof ListQuery>) {
    return { limit: query.limit };
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret internals: password=hunter2');
  }

  @Get(':id')
  @ApiZodResponse(200, Product)
  @ApiProblemResponses(404)
  get(@ZodParams(ProductParams) params: z.output<typeof ProductParams>) {
    if (params.id === MISSING_ID) throw new ProductNotFound(params.id);
    return { id: params.id, name: 'Tea', price: { amount: 3, currency: 'EUR' }, context: currentRequestContext() };
  }
}
