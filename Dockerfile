# syntax=docker/dockerfile:1
# Pressure Board: one image for servers and workers (compose.yaml picks the command).
# Stage 1 builds everything with dev dependencies; stage 2 installs production
# dependencies only; the final stage holds those and the compiled code, and runs as `node`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
COPY cli/package.json cli/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
COPY cli/package.json cli/
# With its bin file present, npm links node_modules/.bin/pressure-board.
COPY cli/bin cli/bin
COPY test/package.json test/
RUN npm ci --omit=dev --no-audit --no-fund -w shared -w server -w workers -w cli && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=production-deps --chown=root:root /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/shared/package.json shared/
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/shared/data shared/data
COPY --from=build /app/server/package.json server/
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/workers/package.json workers/
COPY --from=build /app/workers/dist workers/dist
COPY --from=build /app/workers/data workers/data
COPY --from=build /app/client/dist client/dist
# The command line, for operators: docker compose exec -e PB_KEY server npx pressure-board keys list
COPY --from=build /app/cli/package.json cli/
COPY --from=build /app/cli/bin cli/bin
COPY --from=build /app/cli/dist cli/dist
# Code and dependencies belong to root and are read-only to the process.
USER node
EXPOSE 3000
# The compiled packages are found through the "pressure-board-dist" export condition.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--conditions=pressure-board-dist", "server/dist/main.js"]
