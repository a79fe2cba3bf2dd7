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
# /v1/health answers 503 while a source fails (a rejected key, Cobalt down), so the container is
# marked unhealthy; the start period lets the first check of a large org finish.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RELAY_PORT || 8788) + '/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/relay.mjs"]
CMD ["serve"]
