"""Schemathesis hooks for `npm run fuzz` (loaded through SCHEMATHESIS_HOOKS=hooks by tools/fuzz/run.mjs).

Media types our documents declare that schemathesis has no serializer for. Each is sent as the text
the schema generates, like text/plain:
- application/vc+jwt: a compact JWS (VC-JOSE, W3C VC 2.0), POST /registry/v1/credentials/verify.
- text/csv and application/x-ndjson: a bulk import file, POST /registry/v1/entity/{type}/import.
"""

import schemathesis

schemathesis.serializer.alias("application/vc+jwt", "text/plain")
schemathesis.serializer.alias("text/csv", "text/plain")
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
