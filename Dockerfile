# Rebound's image: the compiled package (dist/) and its production dependencies, run as the
# unprivileged `node` user. The experiment is mounted at /experiments, the reports go to /reports.
#   docker build -t rebound:0.1.0 .
#   docker run --rm -v "$PWD/experiments:/experiments:ro" -v "$PWD/reports:/reports" \
#     rebound:0.1.0 run /experiments/payments-primary-down.yaml --out /reports/run1
# In a cluster: `rebound rbac experiment.yaml --job` prints the ServiceAccount, Role and Job (docs/in-cluster.md).

# Build: every dependency (TypeScript included), then tsc into dist/.
FROM node:20-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/ ./scripts/
COPY src/ ./src/
RUN npm run build

# Runtime: production dependencies only, the build, the CLI entry point.
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /opt/rebound
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/dist/ ./dist/
COPY bin/ ./bin/
COPY README.md ./
COPY docs/ ./docs/
# A writable working directory (the default journal, .rebound/) and the mount points.
RUN mkdir -p /work /reports /experiments && chown node:node /work /reports
USER node
WORKDIR /work
ENTRYPOINT ["node", "/opt/rebound/bin/rebound.mjs"]
CMD ["--help"]
