# One image for the API and the worker (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 TS_NODE_BASEURL=./dist
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The console's page, script and styles: static files, not compiled (apps/api/src/console/console-assets.ts finds them here).
COPY apps/api/console-ui apps/api/console-ui
COPY package.json tsconfig.json ./
USER node
EXPOSE 3000
CMD ["node", "-r", "tsconfig-paths/register", "dist/apps/api/src/main.js"]
