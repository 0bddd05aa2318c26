# One entry point for learners, teachers and CI. `make help` lists the targets.
#
# Offline room? Point the data tool at a course mirror for every target:
#   COURSE_DATA_MIRROR=/media/usb/course-mirror make test
# (the variable is read by `python -m utils.prepare_data`, which every target below calls).

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
JUPYTER = $(VENV)/bin/jupyter
STAMP   = $(VENV)/.installed-requirements
LAB_ARGS ?=   # extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port 8890"

.DEFAULT_GOAL := help
.PHONY: help setup data weights lab run test unit notebooks benchmark verify mirror clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (VGG16 course)"
	touch $@

setup: $(STAMP)  ## create .venv with every package and the python3 Jupyter kernel

data: $(STAMP)  ## fetch and verify the data set, class index and photo (idempotent)
	$(PY) -m utils.prepare_data

weights: $(STAMP)  ## also prefetch the VGG16 ImageNet weights (528 MB) into the torch hub cache
	$(PY) -m utils.prepare_data --weights

verify: $(STAMP)  ## re-check every data file on disk; names each missing or changed file
	$(PY) -m utils.prepare_data --verify

mirror: $(STAMP)  ## write a mirror folder for an offline classroom: make mirror DIR=/media/usb/course
	@test -n "$(DIR)" || { echo "usage: make mirror DIR=/path/to/folder"; exit 2; }
	$(PY) -m utils.prepare_data --export "$(DIR)"

lab: data  ## open the course in JupyterLab
	$(JUPYTER) lab --notebook-dir="$(CURDIR)" $(LAB_ARGS) notebooks/01_pretrained_vgg_inference.ipynb

run: data  ## execute all four notebooks headless into build/ (executed .ipynb plus an HTML copy each)
	mkdir -p build/notebooks build/html
	$(JUPYTER) nbconvert --to notebook --execute --ExecutePreprocessor.timeout=-1 \
		--output-dir build/notebooks notebooks/0*.ipynb
	$(JUPYTER) nbconvert --to html --output-dir build/html build/notebooks/0*.ipynb
	@echo "Executed notebooks: build/notebooks/   HTML to publish: build/html/"

test: data  ## the unit tests plus every notebook (nbmake) in smoke mode
	COURSE_SMOKE=1 $(PY) -m pytest --nbmake --nbmake-timeout=900 --durations=6 tests notebooks

unit: data  ## only the unit tests (fast)
	$(PY) -m pytest tests

notebooks: data  ## only the notebooks, in smoke mode
	COURSE_SMOKE=1 $(PY) -m pytest --nbmake --nbmake-timeout=900 notebooks

benchmark: data  ## print speed figures for this machine (forward, training step, data loading)
	$(PY) -m utils.benchmark

clean:  ## remove what the tools generated: build/, caches, left-over .fetch-* folders (keeps weights/, data/)
	rm -rf build .pytest_cache .ruff_cache data/.fetch-*
	rm -rf "$${TORCH_HOME:-$${XDG_CACHE_HOME:-$$HOME/.cache}/torch}"/hub/checkpoints/.fetch-*
	find . -path ./.venv -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

.PHONY: purge
purge:  ## delete YOUR trained weights and summaries in weights/ (lists them, asks first)
	@if [ -z "$$(ls -A weights 2>/dev/null)" ]; then echo "weights/ is empty: nothing to delete."; exit 0; fi; \
	echo "This deletes your trained weights and run summaries:"; ls -l weights; \
	printf "Delete everything in weights/? [y/N] "; read answer || answer=; \
	if [ "$$answer" = y ] || [ "$$answer" = yes ]; then rm -rf weights && echo "weights/ deleted."; \
	else echo "Nothing deleted."; fi
