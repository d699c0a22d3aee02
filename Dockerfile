# syntax=docker/dockerfile:1
# baocao-bot: one image for every process (`web`, `worker`, `migrate`, the admin CLI).
#
# Both stages use the same Debian (glibc) base on purpose: @napi-rs/canvas (the chart) and
# msgpackr-extract install prebuilt native binaries for the platform `npm ci` runs on, so the
# node_modules built in the first stage only work on the same libc. Do not switch to alpine.
# The TypeScript sources run through tsx (a runtime dependency): there is no build step.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY jobs ./jobs
COPY migrations ./migrations
COPY forms ./forms
COPY assets ./assets
# Files stay owned by root (read-only for the app); the process runs as the image's `node` user.
USER node
EXPOSE 8080
# Alive = /healthz answers (no curl in the slim image: Node's own fetch).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Default: both roles in one process (what `npm start` does). Compose runs `web` and `worker` apart:
#   node bin/baocao.js web | worker | migrate | <any admin command>
CMD ["node", "--import", "tsx", "src/main.ts"]
