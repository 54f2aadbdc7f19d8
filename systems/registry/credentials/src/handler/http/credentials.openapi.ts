import type { OpenAPIObject } from '@nestjs/swagger';
import { EXAMPLE_JWT } from './credential.schemas.js';

/**
 * Declares the two request media types of `POST /registry/v1/credentials/verify`: JSON
 * `{credential}` and the compact JWT itself as `application/vc+jwt`.
 */
export function refineCredentialsOpenApi(document: OpenAPIObject): void {
  const operation = document.paths['/registry/v1/credentials/verify']?.post;
  if (!operation) return;
  operation.requestBody = {
    required: true,
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/VerifyCredential' },
        example: { credential: EXAMPLE_JWT },
      },
      'application/vc+jwt': {
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$' },
        example: EXAMPLE_JWT,
      },
    },
  };
}
