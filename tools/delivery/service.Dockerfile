# syntax=docker/dockerfile:1.7
# The image of every service. Build context: dist/docker/<system>-<service>, prepared by
#   npx nx run <system>-<service>:docker-context   (tools/delivery/docker-context.mjs)
# which holds the compiled service (dist/), its system's .proto files, the alias hook, a
# package.json + package-lock.json generated with only the production dependencies this service
# imports (its "main" is the service's main.js), and this file with the service's build-arg
# defaults filled in (GRPC_PORT for the services that serve gRPC):
#   docker build -t ghcr.io/archipelago/commerce-catalog dist/docker/commerce-catalog
# Runs as a non-root user with a read-only root filesystem (write only to /tmp, an emptyDir in
# Kubernetes). No secret is baked in: DATABASE_URL (identity: also ADMIN_EMAIL/ADMIN_PASSWORD and
# the signing keys, IDENTITY_KEYS_DIR or IDENTITY_SIGNING_KEYS) comes from Secrets or Vault at run
# time; in production identity refuses to start without them and never generates keys.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked; no install scripts (none is needed at run time).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# gRPC port of a service that serves gRPC (catalog, identity: 50051); empty for HTTP-only ones,
# where an empty GRPC_PORT counts as unset.
ARG GRPC_PORT=
# Each image holds only its own system's .proto files; the other system's root is never read.
# Memory (docs/performance.md §3): bounded V8 heap, 8 MB semi-spaces, two glibc malloc arenas —
# peak RSS under the k6 load 158-174 MB per service instead of 175-283 MB, throughput unchanged.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    GRPC_PORT=${GRPC_PORT} \
    ARCHIPELAGO_PROTO_ROOT_COMMERCE=/app/systems/commerce/contracts/proto \
    ARCHIPELAGO_PROTO_ROOT_IDENTITY=/app/systems/identity/contracts/proto \
    ARCHIPELAGO_PROTO_ROOT_REGISTRY=/app/systems/registry/contracts/proto \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS="--enable-source-maps --max-old-space-size=128 --max-semi-space-size=8"
WORKDIR /app
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json tsconfig.base.json ./
COPY --chown=root:root tools/register.mjs ./tools/register.mjs
COPY --chown=root:root systems ./systems
COPY --chown=root:root dist ./dist
USER 10001:10001
EXPOSE 8080 ${GRPC_PORT}
# `.` is the package's "main" (dist/systems/<system>/<service>/src/main.js); `. migrate` runs the
# migrations (the Helm hook Job passes the full path); identity's `rotate-keys` is for local use:
# in Kubernetes the keys dir is a read-only Secret (see docs/deploy.md).
# The OpenTelemetry bootstrap loads first (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; see
# libs/platform/telemetry and the chart's `telemetry` values).
ENTRYPOINT ["node", "--import", "./dist/libs/platform/telemetry/src/register.js", "--import", "./tools/register.mjs"]
CMD ["."]
