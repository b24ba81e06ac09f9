# labops: bot and workers share one image; the command picks the role:
#   node dist/cli.js        bot and worker in one process
#   node dist/cli.js bot    the Slack app only
#   node dist/cli.js worker the job and drift-watch workers only
# Compiled JavaScript, run by node itself: no TypeScript loader and no npm between the container's stop signal and
# labops (src/cli.ts stops gracefully on SIGTERM, within LAB_SHUTDOWN_GRACE_MS). Run with an init (compose
# `init: true`, `docker run --init`) so a PID 1 reaps what it should.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
# fonts-dejavu-core: the text of the offset charts (resvg draws with the system's fonts)
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
ENV NODE_ENV=production
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli.js"]
