# aidp: the webhook server (`server`), a worker (`worker`), or both (`start`, the default).
#
#   docker build -t aidp:local .
#   docker run --rm -e AIDP_ENGINE=temporal -e TEMPORAL_ADDRESS=temporal:7233 aidp:local worker
#
# The image holds git but no agent CLI: add the ones your repositories use in an image of
# your own (`FROM aidp:local`, `USER root`, `RUN npm install -g ...`, `USER aidp`).

# Both stages on the same pinned base; bump them together.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /src
# Dependencies first: this layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc into dist/, then the prebuilt workflow bundle (dist/workflow-bundle.js).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20.2-bookworm-slim AS runtime
# git: mirrors, worktrees, commits and pushes; ca-certificates: HTTPS remotes;
# bubblewrap: the sandbox every agent and check runs in (see docker-compose.yml for the
# security options it needs inside a container).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates bubblewrap \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 aidp \
 && useradd --system --uid 10001 --gid aidp --create-home --home-dir /home/aidp --shell /usr/sbin/nologin aidp \
 && mkdir -p /var/lib/aidp \
 && chown aidp:aidp /var/lib/aidp

WORKDIR /app
ENV NODE_ENV=production \
    AIDP_WORKDIR=/var/lib/aidp
COPY --from=build --chown=root:root /src/package.json /src/package-lock.json ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --from=build --chown=root:root /src/bin ./bin
# Probot's setup page registers the GitHub App from this manifest.
COPY --from=build --chown=root:root /src/app.yml ./app.yml

USER aidp
# Mirrors, worktrees and prompts; a worker's worktrees must outlive a container restart.
VOLUME ["/var/lib/aidp"]
# 3000: webhooks; 9464: aidp's /metrics and /healthz; 9465: the Temporal SDK's /metrics.
EXPOSE 3000 9464 9465

# Slim images have no curl: ask node. AIDP_METRICS_PORT is read when the check runs.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.AIDP_METRICS_PORT || '9464') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "bin/aidp.js"]
CMD ["start"]
