import { Controller, Get, Header, SetMetadata } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { platformMetricsRegistry } from './platform-metrics.registry.js';

/** `GET /metrics`: {@link platformMetricsRegistry} in the Prometheus text exposition format. */
@ApiExcludeController()
// Scraped without a token: `archipelago:public` is @archipelago/platform-auth's PUBLIC_ROUTE_KEY.
@SetMetadata('archipelago:public', true)
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', platformMetricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  metrics(): Promise<string> {
    return platformMetricsRegistry.metrics();
  }
}
