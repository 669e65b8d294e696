# syntax=docker/dockerfile:1
# npr-bot: build, then a small runtime image. test/deploy.e2e.test.ts runs the same steps without
# docker (npm ci, npm run build, npm prune --omit=dev, node dist/server/main.js), since CI has none.
#
#   docker build -t npr-bot .
#   docker run -d --name npr-bot -p 3978:3978 --env-file .env -v npr-bot-data:/data npr-bot
#   docker stop -t 20 npr-bot          # SIGTERM: requests finish (≤ 10 s), then exit 0
#
# Node: the current LTS line. The build stage and the runtime stage must use the same image: the
# native SQLite binding and the start-up cache in dist/cache are made for that Node version.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 downloads a prebuilt binding when one exists for this Node and platform; without
# one (or without network to GitHub) it compiles from source, which needs these
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY knowledge ./knowledge
COPY intents ./intents
# tsc into dist/, then the start-up cache (knowledge checked, models trained) into dist/cache/
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: passes SIGTERM/SIGINT on to node and reaps children (the same as docker run --init)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3978 \
    DATABASE_URL=/data/npr-bot.sqlite
WORKDIR /app
# owned by root, read-only to the user the bot runs as; only /data is writable
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/knowledge ./knowledge
COPY --from=build /app/intents ./intents
# the SQLite file (with its -wal and -shm files); with DATABASE_URL=postgres://… it stays empty
RUN mkdir /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3978
# liveness: /healthz answers while the process runs (no curl in slim images: node's fetch)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3978}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--"]
# the same command and flags as npm start
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=192", "dist/server/main.js"]
