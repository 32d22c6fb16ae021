# syntax=docker/dockerfile:1
# ra-watch container: build with dev dependencies, run with production ones only.
#   docker build -t ra-watch .
#   docker run -p 3000:3000 -v ra-watch-data:/app/data --env-file .env ra-watch
# deploy/README.md has the Azure and the one-container paths.

# ---- build --------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source: it needs a C++ toolchain here, not at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Reach nothing but the npm registry: no prebuilt binary from GitHub (build from source instead) and node-gyp uses
# the headers the node image already has rather than downloading them.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# `npm ci` runs the prepare script (tsc, then scripts/copy-assets.js) before pruning. bench/ stays out: the
# benchmarks import test support, which is not in the build context, and the image never runs them.
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

# ---- run ----------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS run
# tini as PID 1: it forwards SIGTERM to node and reaps zombie processes, which node as PID 1 does not (the kernel
# gives PID 1 no default signal handlers, and node never waits on orphans it inherits).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=sqlite:/app/data/ra-watch.db
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node bin ./bin
RUN mkdir -p /app/data && chown node:node /app/data
# The SQLite store (embedded default) lives here; mount a volume to keep it across restarts.
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini is PID 1 with no shell in front and passes SIGTERM on to node, so ra-watch drains before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli/main.js", "serve"]
