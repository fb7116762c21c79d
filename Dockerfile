# The bot in one container: `docker build .` gives the runtime image (the last stage); `--target dev`
# gives an image for working inside the container. Heroku builds the same default target (heroku.yml).
#
#   docker build -t snake-bot .
#   docker build --build-context wheels=DIR --build-arg TORCH_INDEX_URL= -t snake-bot .
#       (where the PyTorch CPU index can't be reached: pip takes the CPU torch wheel from DIR instead)
#
# Only Dockerfile features the classic builder also has (no RUN --mount, no heredocs), so a builder
# without BuildKit builds it too; `--build-context` needs BuildKit, which `docker build` uses by default.

ARG PYTHON_IMAGE=python:3.11-slim

# Wheels pip may install from (/wheels in the build stage). Empty by default; replace it with
# `docker build --build-context wheels=DIR ...`.
FROM scratch AS wheels


# Build stage: every runtime package in a virtual environment at /opt/venv, trimmed.
FROM ${PYTHON_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Where CPU-only PyTorch comes from; PyPI's default torch drags in gigabytes of CUDA libraries.
# Empty: no extra index (use with the `wheels` build context).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_FIND_LINKS=/wheels \
    PIP_ROOT_USER_ACTION=ignore \
    PATH=/opt/venv/bin:$PATH
WORKDIR /src
# binutils (strip) only for trimming below; this stage never ships. Not pinned: it is whatever version
# the base image's Debian release carries, and a pinned Debian version disappears with point releases.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheels / /wheels/
COPY pyproject.toml ./
# The runtime dependencies from pyproject.toml (not the train/dev extras), except fastai's own list:
# fastai wants spacy (~200 MB, only for fastai.text), which an image classifier never imports, and
# pandas, SciPy, scikit-learn and matplotlib (~215 MB), which it imports but the bot leaves out
# (model/left_out.py). Installed: fastai without dependencies, then the rest of its metadata's list.
RUN python -m venv /opt/venv \
    && python -c 'import tomllib; print(*[d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"] if not d.startswith("fastai")], sep="\n")' > requirements.txt \
    && python -c 'import tomllib; print(*[d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"] if d.startswith("fastai")], sep="\n")' > fastai.txt \
    && pip install --no-cache-dir ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -r requirements.txt \
    && pip install --no-cache-dir --no-deps -r fastai.txt \
    && python -c 'import re; from importlib.metadata import requires; print(*[r for r in requires("fastai") if "extra ==" not in r and re.match(r"[\w.-]+", r)[0].lower() not in {"spacy", "pandas", "scipy", "scikit-learn", "matplotlib"}], sep="\n")' > fastai-deps.txt \
    && pip install --no-cache-dir ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -r fastai-deps.txt \
    && python -c 'import sys, torch; from importlib.metadata import distributions as ds; cuda = sorted(n for d in ds() if (n := d.metadata["Name"]).lower().startswith("nvidia")); sys.exit(f"CUDA in the image: torch {torch.__version__}, {cuda}" if cuda or torch.version.cuda else 0)'
# Trim what the bot never loads: torch's C++ headers, test programs and test libraries (but not
# bin/torch_shm_manager, which `import torch` checks for), every package's test suite, pip, and the
# parts of fasthtml's dependencies that serve only fasthtml's web server (fastprogress imports fasthtml,
# never its server). Strip symbol tables from torch's big libraries (~90 MB) and from extensions that
# auditwheel left alone: stripping a library it patched (an RPATH, or under *.libs/) breaks it.
# Then write bytecode for the libraries the bot imports, so start-up doesn't recompile ~90 MB of Python
# every time (the bot's user cannot write it): ~10 s to ready instead of ~25 s here. Bytecode for every
# file would add ~200 MB. It is `-OO` bytecode, what the runtime's PYTHONOPTIMIZE=2 loads.
COPY model/compat.py model/left_out.py /tmp/guards/
RUN site=/opt/venv/lib/python3.11/site-packages \
    && rm -rf "$site"/torch/include "$site"/torch/test "$site"/torch/share \
        "$site"/torch/bin/*Test "$site"/torch/bin/test_* "$site"/torch/bin/protoc* \
        "$site"/torch/lib/*test*.so "$site"/torch/lib/libbackend_with_compiler.so \
        "$site"/torch/lib/libaoti_custom_ops.so \
    && pip uninstall --yes pip setuptools hf-xet \
        uvicorn uvloop watchfiles httptools websockets oauthlib beautifulsoup4 soupsieve \
    && find "$site" -depth -type d \( -name tests -o -name __pycache__ \) -exec rm -rf {} + \
    && strip --strip-unneeded "$site"/torch/lib/libtorch_cpu.so "$site"/torch/lib/libtorch_python.so \
    && find "$site" -name '*.so' -not -path '*.libs/*' -not -path "$site/torch/*" \
        -exec sh -c 'readelf -d "$1" | grep -qE "RPATH|RUNPATH" || strip --strip-unneeded "$1"' sh {} \; \
    && python -OO -c 'import sys; sys.path.insert(0, "/tmp/guards"); import compat, left_out; left_out.leave_out_unused_libraries(); compat.ensure_torchvision_importable(); import fastai.vision.all, fastai.metrics, fastai.losses, timm, telegram.ext, aiohttp, pillow_heif, dotenv'


# The bot's own environment, /opt/serve: every runtime dependency but PyTorch, torchvision, fastai, timm
# and the ONNX exporter, which only compile the model (next stage); the bot serves the compiled model
# with ONNX Runtime (model/compiled.py) and never imports them.
RUN python -c 'import re, tomllib; print(*[d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"] if re.match(r"[\w.-]+", d)[0] not in {"torch", "torchvision", "fastai", "timm", "onnx"}], sep="\n")' > serve.txt \
    && /usr/local/bin/python -m venv --without-pip /opt/serve \
    && /usr/local/bin/python -m pip --python /opt/serve/bin/python install --no-cache-dir -r serve.txt \
    && find /opt/serve -depth -type d \( -name tests -o -name __pycache__ \) -exec rm -rf {} +


# The shipped learner compiled for serving, with the full environment.
FROM build AS compiled
COPY model/ model/
RUN python -m model.compile model/snake_classifier.pkl


# Development target: the full project (train and dev extras too), editable, for working inside the
# container: `docker build --target dev -t snake-bot:dev . && docker run --rm -it -v "$PWD:/app" snake-bot:dev`
FROM build AS dev
WORKDIR /app
COPY . .
# The project itself, editable, from pyproject.toml (whose versions are pinned there, not here).
# hadolint ignore=DL3013
RUN python -m ensurepip \
    && python -m pip install --no-cache-dir ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -e ".[train,dev]" \
    && pybabel compile --domain messages --directory bot/locales
CMD ["bash"]


# Runtime: the slim base, the bot's own environment, the code and the model (compiled); nothing else.
# PYTHONOPTIMIZE=2 drops the docstrings of the modules the bot imports: less memory.
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONOPTIMIZE=2 \
    PATH=/opt/serve/bin:$PATH \
    PORT=8080
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --no-log-init --home-dir /app --shell /usr/sbin/nologin bot
COPY --from=build /opt/serve /opt/serve
WORKDIR /app
COPY bot/ bot/
COPY model/ model/
COPY --from=compiled /src/model/snake_classifier.onnx model/
COPY feedback/ feedback/
# The translations compiled from their .po files (compiled catalogs are never committed). Bytecode for
# the bot, and for the standard library modules it imports (the base image ships none): the bot's user
# cannot write it, so without it every start would compile them again. data/ is the only folder the bot
# writes: the SQLite feedback database when DATABASE_URL is unset (a volume in compose).
RUN pybabel compile --domain messages --directory bot/locales \
    && PYTHONDONTWRITEBYTECODE='' python -c 'import bot.__main__' && python -m compileall -q bot model feedback \
    && mkdir data && chown 10001:10001 data
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8080\")}/healthz', timeout=4)"]
# Exec form: python is PID 1 and gets SIGTERM itself (bot/server.py stops cleanly on it).
CMD ["python", "-m", "bot"]
