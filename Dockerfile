# The team relay (README: "Team mode"). Build:  docker build -t cobalt-relay .
#
# Stage 1 bundles src/relay/server/node/main.ts and everything it imports (hono, zod, the core) into one
# ES module with vite; stage 2 runs that file on plain Node 20 as the unprivileged `node` user,
# with no node_modules, no TypeScript loader and no build tools in the image.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json vite.relay.config.ts ./
COPY src ./src
# The relay words its messages to the operator from the extension's English catalog.
COPY public/_locales/en/messages.json ./public/_locales/en/messages.json
RUN npm run relay:build

FROM node:20-slim
ENV NODE_ENV=production \
    RELAY_HOST=0.0.0.0 \
    RELAY_PORT=8788 \
    RELAY_DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/dist/relay/relay.mjs ./relay.mjs
RUN mkdir -p /data && chown node:node /data
USER node
# Members (token hashes), the audit log and the last status live here: keep it on a volume.
VOLUME ["/data"]
EXPOSE 8788
# Listening on 0.0.0.0 in the container, the relay refuses to start until it is told a
# TLS-terminating proxy is in front of it: run with -e RELAY_BEHIND_TLS_PROXY=1 behind one.
# Healthy: /v1/health answers and no source's last check of Cobalt failed (a source still on its
# first check is not a failure). Unhealthy says what only the operator can fix or should know:
# the relay does not answer, or it answers but serves old data because Cobalt refuses its key,
# cannot be reached or rate limits it (GET /v1/health says which kind).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RELAY_PORT || 8788) + '/v1/health').then((r) => r.json()).then((h) => process.exit(Array.isArray(h.sources) && h.sources.every((s) => !s.errorKind) ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/relay.mjs"]
CMD ["serve"]
