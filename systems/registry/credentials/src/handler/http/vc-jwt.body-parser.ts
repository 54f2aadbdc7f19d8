import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Lets Fastify read `application/vc+jwt` request bodies (a compact JWS) as a string, for
 * `POST /registry/v1/credentials/verify`. Registered before the routes (module init).
 */
@Injectable()
export class VcJwtBodyParser implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/vc+jwt')) return;
    fastify.addContentTypeParser('application/vc+jwt', { parseAs: 'string' }, (_request, body, done) => {
      done(null, typeof body === 'string' ? body.trim() : body.toString('utf8').trim());
    });
  }
}
