# acr-chatops image: two stages. "build" installs the pinned, hashed dependencies and the bot's
# wheel into a virtual environment; "runtime" copies only that environment onto the same slim
# Python base (no compilers, no pip cache, no source tree) and runs it as UID 10001.
#
#   docker build -t <registry>.azurecr.io/acr-chatops:0.1.0 .
#   docker run --read-only --tmpfs /tmp -e SLACK_BOT_TOKEN=... -e SLACK_APP_TOKEN=... <image>
#
# Pin the base by digest for bit-for-bit repeatable builds:
#   --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:<digest>
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# Dependencies first (their layer is reused while only the bot's code changes).
COPY requirements.lock requirements-build.lock ./
RUN python -m venv /opt/acrbot \
 && /opt/acrbot/bin/pip install --no-deps --require-hashes --only-binary=:all: -r requirements.lock \
 && python -m venv /opt/build \
 && /opt/build/bin/pip install --no-deps --require-hashes --only-binary=:all: -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
RUN /opt/build/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
 && /opt/acrbot/bin/pip install --no-deps --no-index /wheels/*.whl \
 && /opt/acrbot/bin/python -m compileall -q /opt/acrbot/lib \
 && /opt/acrbot/bin/pip uninstall --yes pip

FROM ${PYTHON_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="acr-chatops" \
      org.opencontainers.image.description="Slack bot for Azure Container Registry on-call teams" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="${PYTHON_IMAGE}"
RUN groupadd --system --gid 10001 acrbot \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin acrbot
COPY --from=build /opt/acrbot /opt/acrbot
ENV PATH=/opt/acrbot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ACRBOT_METRICS_PORT=9090
# A read-only root filesystem works: nothing is written outside /tmp (mount an emptyDir/tmpfs).
WORKDIR /tmp
USER 10001:10001
EXPOSE 3000 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.observe.probe", "/healthz"]
ENTRYPOINT ["acrbot"]
CMD ["serve"]
