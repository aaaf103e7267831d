# syntax=docker/dockerfile:1
# PhotoMemory service image: the compiled service (dist/) on Node 20 + Debian's ffmpeg and fonts, run as `node`
# under tini. Build: docker build -t photomemory .   Run: see README, "Production".

# ── build: every dependency (TypeScript included), compile src/ to dist/ ──
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --ignore-scripts --no-audit --no-fund && npx patch-package
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# ── deps: production dependencies only. Optional dependencies stay: sharp's libvips (@img/sharp-linux-*) and other
# platform binaries are optionalDependencies, so --omit=optional would drop them. Install scripts stay off (sharp
# ships prebuilt, ffmpeg-static's download is unused: Debian's ffmpeg is); the one that matters, patch-package
# (postinstall), runs explicitly. ──
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package && npm cache clean --force

# ── runtime ──
FROM node:20-bookworm-slim
# ffmpeg (xfade, overlay, libx264, aac); Noto (every script, CJK, colour emoji) and fontconfig, by which sharp/Pango
# find them, for the titles and captions; tini reaps ffmpeg children and forwards SIGTERM (PID 1 ignores it otherwise).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fontconfig fonts-noto-core fonts-noto-cjk \
      fonts-noto-color-emoji ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data PORT=3000 HOST=0.0.0.0
# glibc otherwise keeps the large buffers sharp frees (hundreds of MB of RSS) in one arena per libvips thread;
# see bench/render-bench.ts.
ENV MALLOC_TRIM_THRESHOLD_=131072 MALLOC_ARENA_MAX=2
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY supabase ./supabase
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# No curl in the image: Node's fetch checks the database through /healthz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM stops taking requests and lets renders finish or stop within SHUTDOWN_TIMEOUT_MS (30 s): give the
# container more than that before SIGKILL (`docker stop -t 45`, compose `stop_grace_period: 45s`,
# Kubernetes `terminationGracePeriodSeconds: 45`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
# --import loads Sentry before anything else when SENTRY_DSN is set (a no-op otherwise).
CMD ["node", "--import", "./dist/instrument.js", "dist/main.js"]
