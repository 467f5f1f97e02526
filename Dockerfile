# qfbench in a container, the image `qfbench k8s` manifests run (default name qfbench:<version>):
#   docker build -t qfbench:$(node -p "require('./package.json').version") .
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY datasets ./datasets
COPY schema ./schema
# `qfbench` on the PATH: the manifests' shell steps call it by name.
RUN chmod +x dist/cli/main.js && ln -s /app/dist/cli/main.js /usr/local/bin/qfbench
# The image's `node` user (uid 1000), whom the manifests run as; runs without --out write under its home.
USER node
WORKDIR /home/node
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
