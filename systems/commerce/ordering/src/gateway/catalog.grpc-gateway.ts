import {
  CATALOG_PROTO_FILE,
  CATALOG_SERVICE_FQN,
  commerceProtoRoot,
  type CatalogServiceClient,
} from '@archipelago/commerce-contracts';
import { createGrpcClient, readGrpcFailure, type GrpcClient } from '@archipelago/platform-grpc';
import { currentRequestContext } from '@archipelago/platform-service';
import type { Money } from '../entity/money.js';
import { CatalogUnavailableError, type CatalogGatewayPort } from '../use-case/port/catalog.gateway.port.js';

/** Options of {@link CatalogGrpcGateway}. */
export interface CatalogGrpcGatewayOptions {
  /** `host:port` of catalog's gRPC server (`CATALOG_GRPC_ADDRESS`). */
  readonly address: string;
  /** Deadline of one GetProducts call in ms, retries included (default 2000). */
  readonly deadlineMs?: number;
  /**
   * This service's token for catalog (client credentials, audience catalog), sent as
   * `authorization` on every call: catalog's gRPC server authenticates its callers.
   */
  readonly serviceToken?: () => Promise<string>;
}

/**
 * Prices from catalog over gRPC `CatalogService/GetProducts` (anti-corruption layer: proto →
 * domain Money). Every call has a deadline; the method is NO_SIDE_EFFECTS, so UNAVAILABLE is
 * retried within it. The request's trace context and request id are propagated; the call is
 * authenticated with ordering's own service token (not the end user's).
 */
export class CatalogGrpcGateway implements CatalogGatewayPort {
  private readonly client: GrpcClient<CatalogServiceClient>;
  private readonly serviceToken: (() => Promise<string>) | undefined;

  constructor(options: CatalogGrpcGatewayOptions) {
    this.serviceToken = options.serviceToken;
    this.client = createGrpcClient<CatalogServiceClient>({
      address: options.address,
      service: CATALOG_SERVICE_FQN,
      protoRoot: commerceProtoRoot(),
      protoFiles: [CATALOG_PROTO_FILE],
      deadlineMs: options.deadlineMs ?? 2_000,
      getContextMetadata: () => {
        const ctx = currentRequestContext();
        return { traceparent: ctx?.traceparent, 'x-request-id': ctx?.requestId };
      },
    });
  }

  async pricesOf(productIds: readonly string[]): Promise<{ prices: Record<string, Money>; missingIds: string[] }> {
    try {
      const token = await this.serviceToken?.();
      const response = await this.client.getProducts(
        { ids: [...productIds] },
        token === undefined ? {} : { metadata: { authorization: `Bearer ${token}` } },
      );
      const prices: Record<string, Money> = {};
      for (const product of response.products) {
        if (product.price)
          prices[product.id] = { amount: Number(product.price.amount), currency: product.price.currency };
      }
      return { prices, missingIds: response.missingIds ?? productIds.filter((id) => !prices[id]) };
    } catch (error) {
      const failure = readGrpcFailure(error);
      throw new CatalogUnavailableError(failure ? `gRPC status ${failure.code}: ${failure.details}` : String(error));
    }
  }

  close(): void {
    this.client.close();
  }
}
