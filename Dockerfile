# gogate container image: `docker run --rm -v "$PWD":/src IMAGE` runs `gogate check` on the mounted repository.
#
# Build:  docker build -t gogate .            (multi-arch: docker buildx build --platform linux/amd64,linux/arm64 .)
# Run:    docker run --rm -v "$PWD":/src gogate [check --junit gogate-junit.xml ...]
#
# As a GitLab CI job image the job MUST set `entrypoint: [""]`: GitLab's Docker executor keeps the image's
# ENTRYPOINT and hands it the shell that runs the job script, and `gogate sh ...` is not a shell. With the
# entrypoint cleared, the image's /bin/sh runs the script and `gogate` is on PATH.
#
# The base is pinned by tag AND digest: the tag says what it is, the digest (the multi-platform index of
# python:3.12.13-slim-bookworm, amd64 and arm64) is what is pulled. Update both together, deliberately:
#   docker buildx imagetools inspect python:3.12.13-slim-bookworm
# (the builder stage must use the same base, because the venv's python is a link to the base's interpreter).

# --- build: gogate and its `network` extra, in a virtualenv that is copied whole into the runtime stage -------
FROM python:3.12.13-slim-bookworm@sha256:4766d8b510c428e595d74b9cc5bbb2fae8e26316fffb4adc89908d79aacd58a2 AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /build
# Only what the wheel is built from: a change in tests or examples does not invalidate this layer.
COPY pyproject.toml README.md ./
COPY gogate ./gogate

# The venv gets no pip of its own (the base's pip installs into it), so the runtime stage carries no
# installer. Byte code is compiled here, because the runtime user cannot write into the venv.
RUN python -m venv --without-pip /opt/gogate \
    && python -m pip --python /opt/gogate/bin/python install --no-cache-dir ".[network]" \
    && /opt/gogate/bin/python -m compileall -q /opt/gogate/lib \
    && /opt/gogate/bin/gogate --version

# --- runtime --------------------------------------------------------------------------------------------------
FROM python:3.12.13-slim-bookworm@sha256:4766d8b510c428e595d74b9cc5bbb2fae8e26316fffb4adc89908d79aacd58a2

LABEL org.opencontainers.image.title="gogate" \
      org.opencontainers.image.description="CI gate: is this build using exactly the Go toolchain and dependencies the repository pinned?" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/python:3.12.13-slim-bookworm" \
      org.opencontainers.image.base.digest="sha256:4766d8b510c428e595d74b9cc5bbb2fae8e26316fffb4adc89908d79aacd58a2"

# A fixed numeric UID (65532, the conventional "nonroot" id), so that Kubernetes' runAsNonRoot can verify it
# without a passwd lookup. HOME is sticky and world-writable like /tmp: a run with another UID
# (`docker run -u "$(id -u):$(id -g)"`, so report files belong to the caller; OpenShift's random UIDs) still
# has a writable HOME, and with it writable Go and gogate caches.
RUN groupadd --gid 65532 gogate \
    && useradd --uid 65532 --gid 65532 --no-log-init --create-home --home-dir /home/gogate \
        --shell /usr/sbin/nologin gogate \
    && chmod 1777 /home/gogate

COPY --from=build /opt/gogate /opt/gogate

# No git, on purpose. gogate's own go invocations (go env, go list, go mod tidy -diff, and the snapshot
# builds, which pass -buildvcs=false) never need it: with git absent, Go's default -buildvcs=auto silently
# leaves VCS stamping out. With git present, a /src mounted from the host belongs to another UID, git
# refuses it ("dubious ownership") and `go list`/`go build` of a main package fail with "error obtaining
# VCS status". The cost: modules that only a `direct` (version control) GOPROXY entry can fetch cannot be
# fetched in this image; serve them from a module proxy, or run gogate inside the project's build image.
#
# No Go either: the job's own Go is what gogate verifies. Where the job runs in this image and needs Go,
# `gogate toolchain install` provisions the pinned release (verified against gogate.lock and the official
# SHA-256 before it is unpacked into GOGATE_CACHE_DIR/toolchains) and prints the GOROOT:
#   GOROOT="$(gogate toolchain install)" && export GOROOT PATH="$GOROOT/bin:$PATH"
# GOTOOLCHAIN=local: the go that runs here is the verified one, never a toolchain Go downloads by itself.
#
# GOGATE_CACHE_DIR holds those toolchains, the checksum database's last signed tree head (the fork check
# needs it) and verified module zips. In CI point it at a cached directory inside the project (GitLab:
# under $CI_PROJECT_DIR, the only place `cache:paths` can save).
ENV PATH=/opt/gogate/bin:$PATH \
    HOME=/home/gogate \
    GOGATE_CACHE_DIR=/home/gogate/.cache/gogate \
    GOTOOLCHAIN=local \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 65532:65532
WORKDIR /src

ENTRYPOINT ["gogate"]
CMD ["check"]
