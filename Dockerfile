# Image of the journal-import command line, which the docker-compose stack runs as the worker and as the PM
# simulator. The command line runs the TypeScript sources through tsx, so there is no build step.
FROM node:20.20.2-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so that a change in the sources reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src

USER node
ENTRYPOINT ["node", "bin/journal-import.js"]
CMD ["--help"]
