# corpusanalysis — two commands on a fresh machine: `make figures` and `make test`.
# Everything runs inside .venv, built from the pinned requirements.lock; the system
# Python is only used to create the virtual environment.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
# The environment stamp is keyed on the lock file's content: change the lock and the
# environment is rebuilt from scratch; otherwise it is reused in seconds. Editing
# pyproject.toml only re-installs the package itself (second stamp).
LOCKHASH := $(shell sha256sum requirements.lock | cut -c1-16)
ENV_STAMP := $(VENV)/.installed-$(LOCKHASH)
STAMP  := $(VENV)/.package-installed
KERNEL := corpusanalysis
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# The figure regression test regenerates figures here, never in figures/.
TEST_FIGURES := build/test-figures

export PYTHONHASHSEED := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: figures test test-fast check test-browser lab env lock clean-env help

help:
	@echo "make figures   build the pinned environment, run every notebook on seeds/, write figures/"
	@echo "make test      same environment, then unit tests, nbval on every notebook, figure regression"
	@echo "make check     ruff (lint) and mypy (types) on the package, tests and benchmarks"
	@echo "make test-fast the unit tests without the slow ones (no notebooks, processes or clusters), under a minute"
	@echo "make lab       open JupyterLab on notebooks/ with the project kernel"
	@echo "make test-browser  run every notebook in JupyterLab in headless Chromium, screenshots in browser-screenshots/"

env: $(STAMP)

$(ENV_STAMP): requirements.lock
	@echo ">> building $(VENV) from requirements.lock (python: $(PYTHON))"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (corpusanalysis)" >/dev/null
	touch $@

$(STAMP): $(ENV_STAMP) pyproject.toml
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $@
	@echo ">> environment ready ($(VENV))"

figures: $(STAMP)
	@mkdir -p figures
	@for nb in $(NOTEBOOKS); do \
	  echo ">> executing $$nb"; \
	  (cd notebooks && ../$(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	     --ExecutePreprocessor.kernel_name=$(KERNEL) --ExecutePreprocessor.timeout=1800 \
	     --ExecutePreprocessor.record_timing=False \
	     $$(basename $$nb)) || exit 1; \
	  $(PY) -m corpusanalysis._notebooks $$nb || exit 1; \
	done
	@echo ">> figures written to figures/"

test: $(STAMP)
	rm -rf $(TEST_FIGURES) && mkdir -p $(TEST_FIGURES)
	CORPUSANALYSIS_FIGURE_DIR=$(abspath $(TEST_FIGURES)) $(PY) -m pytest \
	  --nbval --nbval-kernel-name=$(KERNEL) --nbval-sanitize-with=tests/nbval_sanitize.cfg \
	  notebooks tests corpusanalysis

# The inner loop while editing: unit tests and doctests not marked slow.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -q tests corpusanalysis

check: $(STAMP)
	$(PY) -m ruff check corpusanalysis tests benchmarks
	$(PY) -m mypy

# Not part of `make test`: needs Debian's chromium and fonts-noto-cjk.
test-browser: $(STAMP)
	@test -x /usr/bin/chromium || { echo "make test-browser needs Debian packages: apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	rm -rf browser-screenshots
	CORPUSANALYSIS_BROWSER=1 $(PY) -m pytest tests/browser -v
	@echo ">> screenshots in browser-screenshots/ — look at them"

# --allow-root only when run as root (containers): Jupyter refuses to start as root without it.
lab: $(STAMP)
	$(PY) -m jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root,) --notebook-dir=notebooks --ServerApp.kernel_manager_class=jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager \
	  --MappingKernelManager.default_kernel_name=$(KERNEL)

# Maintainers only: re-pin every transitive dependency after editing pyproject.toml.
# The current pins are constraints, so adding a dependency does not move the others (delete a line to
# let that package move).
lock:
	$(PYTHON) -m pip install --quiet --target build/uv uv
	grep -v '^#' requirements.lock | sed 's/ *#.*//' > build/lock-constraints.txt
	PYTHONPATH=build/uv build/uv/bin/uv pip compile pyproject.toml --extra dev \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	  --no-header --annotation-style line -c build/lock-constraints.txt -o requirements.lock
	sed -i -e 's/, -c build\/lock-constraints.txt//' -e 's/# via -c build\/lock-constraints.txt, /# via /' requirements.lock
	sed -i '1i # Pinned lock of every transitive dependency (Python 3.11, Linux x86_64).\n# Regenerate with `make lock` after editing pyproject.toml.' requirements.lock

clean-env:
	rm -rf $(VENV)
