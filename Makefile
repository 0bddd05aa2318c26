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
# The lock file: the exact versions the course is tested with. `make setup CONSTRAINTS=` installs the
# newest versions requirements.txt allows instead (to refresh the lock: README, "Pinned versions (the lock)").
CONSTRAINTS ?= constraints.txt
# TORCH=cpu installs PyTorch's CPU-only wheels (on Linux .venv takes about 1.5 GB instead of 6 GB):
# make setup TORCH=cpu on a fresh .venv. Leave it empty for PyPI's default build (CUDA on Linux).
TORCH ?=
TORCH_CPU_INDEX = https://download.pytorch.org/whl/cpu
# The Jupyter kernel the course installs; the notebooks' stored kernelspec must match it
# (tests/test_notebooks_clean.py reads this line).
KERNEL_DISPLAY_NAME = Python 3 (VGG16 course)
PIP_CONSTRAINTS = $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
# An offline room: when the course mirror holds a wheelhouse (make wheelhouse DIR=...), `make setup` installs
# every package from it and asks no index: COURSE_DATA_MIRROR=/media/usb/vgg16-course-mirror make setup
WHEELS = $(if $(COURSE_DATA_MIRROR),$(wildcard $(patsubst %/,%,$(COURSE_DATA_MIRROR))/wheels))
PIP_SOURCE = $(if $(WHEELS),--no-index --find-links "$(WHEELS)")
# Where the notebooks save in full mode (COURSE_OUTPUT_DIR moves it; a hub sets "~/vgg16-course"), for `make clean`
# and `make purge`.
WEIGHTS = $(if $(COURSE_OUTPUT_DIR),$(patsubst ~%,$(HOME)%,$(COURSE_OUTPUT_DIR))/weights,weights)
# Where the data tool fetches into (COURSE_DATA_DIR moves it), for the .fetch-* folders `make clean` removes.
DATA_DIR = $(if $(COURSE_DATA_DIR),$(patsubst ~%,$(HOME)%,$(COURSE_DATA_DIR)),data)

.DEFAULT_GOAL := help
.PHONY: help setup data weights lab lab-ko ko run test unit notebooks benchmark verify mirror wheelhouse lock clean purge \
	colab-cells student student-test student-branch binder-branch site hub-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml $(CONSTRAINTS) jupyter-settings/overrides.json
	$(PYTHON) -m venv $(VENV)
	@$(if $(WHEELS),echo "Installing from the wheelhouse $(WHEELS) (--no-index: no internet needed)")
	$(PY) -m pip install $(PIP_SOURCE) --upgrade pip
ifeq ($(TORCH),cpu)
	@# --no-deps: only torch and torchvision come from the CPU index; the next line brings their
	@# dependencies from PyPI, and keeps this torch (its version satisfies the lock).
	$(PY) -m pip install $(PIP_CONSTRAINTS) --no-deps $(or $(PIP_SOURCE),--index-url $(TORCH_CPU_INDEX)) torch torchvision
else ifneq ($(TORCH),)
	$(error TORCH=$(TORCH): use TORCH=cpu, or leave it empty for the default build)
endif
	$(PY) -m pip install $(PIP_SOURCE) $(PIP_CONSTRAINTS) -e ".[lab,dev]"  # the lessons, JupyterLab, the test tools
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "$(KERNEL_DISPLAY_NAME)"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter-settings/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

setup: $(STAMP)  ## create .venv: the course (pip install -e ".[lab,dev]") with the locked versions, the kernel
	@# Git compares notebooks without outputs (cell ids and metadata kept): the outputs JupyterLab
	@# autosaves into a notebook never show in `git diff` or a commit. Re-run after moving the folder.
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '"$(abspath $(PY))" -m nbstripout --keep-id' && \
	  git config filter.nbstripout.smudge cat && \
	  git config diff.ipynb.textconv '"$(abspath $(PY))" -m nbstripout --keep-id -t' && \
	  echo "git: notebooks are compared without their outputs (.gitattributes, filter nbstripout)"; \
	else echo "not a git clone: no output filter installed"; fi

data: $(STAMP)  ## fetch and verify the data set, class index and photo (idempotent)
	$(PY) -m utils.prepare_data

weights: $(STAMP)  ## also prefetch the VGG16 ImageNet weights (528 MB) into the torch hub cache
	$(PY) -m utils.prepare_data --weights

verify: $(STAMP)  ## re-check every data file on disk; names each missing or changed file
	$(PY) -m utils.prepare_data --verify

mirror: $(STAMP)  ## write a mirror folder for an offline classroom: make mirror DIR=/media/usb/course
	@test -n "$(DIR)" || { echo "usage: make mirror DIR=/path/to/folder"; exit 2; }
	$(PY) -m utils.prepare_data --export "$(DIR)"

# The wheelhouse: every locked package for an offline room, into DIR/wheels of the course mirror (PLATFORM= the
# room's pip platform tag, e.g. win_amd64, when it differs from this machine; TORCH=cpu: PyTorch's CPU wheels).
wheelhouse: $(STAMP)  ## the locked Python packages into a mirror: make wheelhouse DIR=... [PLATFORM=...] [TORCH=cpu]
	@test -n "$(DIR)" || { echo "usage: make wheelhouse DIR=/path/to/mirror [PLATFORM=win_amd64] [TORCH=cpu]"; exit 2; }
	$(PY) -m classroom.wheelhouse "$(DIR)" $(if $(PLATFORM),--platform "$(PLATFORM)") $(if $(TORCH),--torch $(TORCH))

lab: data  ## open the course in JupyterLab
	$(JUPYTER) lab --notebook-dir="$(CURDIR)" $(LAB_ARGS) notebooks/01_pretrained_vgg_inference.ipynb

# The Korean edition: JupyterLab's language pack (the .[ko] extra) and, in a settings folder of its own under
# build/, the course's overrides plus jupyter-settings/ko.json (locale ko_KR): `make lab` stays in English.
KO_STAMP = $(VENV)/.installed-ko
KO_SETTINGS = build/lab-ko/settings

$(KO_STAMP): $(STAMP) pyproject.toml $(CONSTRAINTS)
	$(PY) -m pip install $(PIP_SOURCE) $(PIP_CONSTRAINTS) -e ".[ko]"
	touch $@

lab-ko: data $(KO_STAMP)  ## open the Korean edition (notebooks/ko/) in JupyterLab with Korean menus
	mkdir -p $(KO_SETTINGS)/overrides.d
	cp jupyter-settings/overrides.json $(KO_SETTINGS)/overrides.json
	cp jupyter-settings/ko.json $(KO_SETTINGS)/overrides.d/ko.json
	$(JUPYTER) lab --notebook-dir="$(CURDIR)" --LabApp.app_settings_dir="$(abspath $(KO_SETTINGS))" $(LAB_ARGS) \
		notebooks/ko/01_pretrained_vgg_inference.ipynb

ko: $(STAMP)  ## rebuild the Korean notebooks (notebooks/ko/) from the English ones and notebooks/ko/translations/
	$(PY) -m utils.tools.translate

# COURSE_LANG=ko: `make run` and `make site` build the Korean edition (notebooks/ko/) into build/ko/.
EDITION = $(if $(filter ko,$(COURSE_LANG)),notebooks/ko,notebooks)
EDITION_BUILD = $(if $(filter ko,$(COURSE_LANG)),build/ko,build)

# The headless run saves its weights and summaries under build/run/ (COURSE_OUTPUT_DIR), never in weights/, where
# a learner's own trained files live (saving there again would rotate out their oldest kept copy).
run: data  ## execute all five notebooks headless into build/ (executed .ipynb plus an HTML copy each; COURSE_LANG=ko: Korean)
	mkdir -p $(EDITION_BUILD)/notebooks $(EDITION_BUILD)/html build/run
	COURSE_OUTPUT_DIR="$(abspath build/run)" $(JUPYTER) nbconvert --to notebook --execute --ExecutePreprocessor.timeout=-1 \
		--output-dir $(EDITION_BUILD)/notebooks $(EDITION)/0*.ipynb
	$(JUPYTER) nbconvert --to html --output-dir $(EDITION_BUILD)/html $(EDITION_BUILD)/notebooks/0*.ipynb
	@echo "Executed notebooks: $(EDITION_BUILD)/notebooks/   HTML to publish: $(EDITION_BUILD)/html/"

# -p tests.nbmake_try_it: each notebook runs with its Try-it solutions typed in at the end, in the same kernel
# (tests/nbmake_try_it.py), in a temporary folder; a solution whose check fails fails its notebook.
# The Korean notebooks have the English code (tests/test_translations.py proves it, token by token): only the first
# runs here, to prove the Korean messages, font and text in a real kernel; the others' code has just run in English.
KO_SKIP = --ignore-glob='notebooks/ko/0[2-9]_*'
test: data  ## the unit tests plus every notebook (nbmake) in smoke mode, with its Try-it solutions; Korean 01
	COURSE_SMOKE=1 $(PY) -m pytest -p tests.nbmake_try_it --nbmake --nbmake-timeout=900 --durations=6 $(KO_SKIP) \
		tests notebooks

unit: data  ## only the unit tests (fast)
	$(PY) -m pytest tests

notebooks: data  ## only the notebooks (English, and Korean 01), in smoke mode, with their Try-it solutions
	COURSE_SMOKE=1 $(PY) -m pytest -p tests.nbmake_try_it --nbmake --nbmake-timeout=900 $(KO_SKIP) notebooks

colab-cells: $(STAMP)  ## the Colab first cell into every notebook + README badges (REPO_URL=https://github.com/...)
	$(PY) -m classroom.colab_cells $(if $(REPO_URL),--repo-url "$(REPO_URL)")

student: $(STAMP)  ## the student edition: the notebooks without their solutions, into build/student/ (Korean: ko/)
	rm -rf build/student    # a renamed or removed notebook must not linger there
	$(PY) -m classroom.student_edition --out build/student notebooks/*.ipynb
	$(PY) -m classroom.student_edition --out build/student/ko notebooks/ko/*.ipynb

# STUDENT_TEST=changed (CI, right after make test): only the first student notebook and those whose code differs
# from notebooks/ (a cell tagged solution removed); the others hold exactly the code make test has just executed.
STUDENT_TEST ?= all
student-test: student data  ## execute the student edition in smoke mode (nbmake); STUDENT_TEST=changed as CI runs it
	run="build/student"; if [ "$(STUDENT_TEST)" = changed ]; then \
	  run="$$($(PY) -m classroom.student_edition --to-run notebooks build/student/*.ipynb)" && [ -n "$$run" ]; fi && \
	COURSE_SMOKE=1 $(PY) -m pytest --nbmake --nbmake-timeout=900 $$run

# STUDENT=1: the site of the student edition (the solutions left out, outputs kept). COURSE_LANG=ko: the Korean site,
# in build/ko/site/.
site: run  ## an offline static site of the executed notebooks into build/site/ (STUDENT=1: no solutions; COURSE_LANG=ko)
	rm -rf $(EDITION_BUILD)/site    # a page of a solution-bearing site must not linger in a student one
	$(PY) -m classroom.static_site --out $(EDITION_BUILD)/site $(EDITION_BUILD)/notebooks/*.ipynb \
		--markdown $(EDITION)/README.md --source $(EDITION) $(if $(STUDENT),--student)

# The branches learners and Binder use, committed from HEAD with git plumbing: your working tree, index and branch
# stay as they are; push them yourself (git push origin student binder).
student-branch: $(STAMP)  ## commit the student edition (no solutions, no tests/) to the branch student, for nbgitpuller and Colab
	$(PY) -m classroom.branches student

binder-branch: $(STAMP)  ## commit what Binder builds from (binder/, utils/, requirements) to the branch binder
	$(PY) -m classroom.branches binder

benchmark: data  ## speed here: the course's choice and why, against the book's fp32 loop (forward, steps, loading)
	$(PY) -m utils.tools.benchmark

# A classroom hub: the .[classroom] extra (JupyterHub, nbgitpuller) in .venv, configurable-http-proxy (npm, the
# locked version) in build/.
HUB_STAMP = $(VENV)/.installed-classroom
HUB_PROXY = build/hub-proxy/node_modules/.bin/configurable-http-proxy

$(HUB_STAMP): $(STAMP) pyproject.toml $(CONSTRAINTS)
	$(PY) -m pip install $(PIP_CONSTRAINTS) -e ".[classroom]"
	touch $@

$(HUB_PROXY): classroom/proxy/package.json classroom/proxy/package-lock.json
	mkdir -p build/hub-proxy
	cp classroom/proxy/package.json classroom/proxy/package-lock.json build/hub-proxy/
	cd build/hub-proxy && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub-check: data $(HUB_STAMP) $(HUB_PROXY)  ## the course on a real JupyterHub here: 3 learners at once (as root)
	$(PY) -m classroom.hub_check

lock: $(STAMP)  ## rewrite constraints.txt from what .venv has installed (after testing it)
	{ grep '^#' constraints.txt; $(PY) -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:  ## remove what the tools generated: build/, caches, .fetch-* folders, temporary files of killed saves (keeps weights/, data/)
	rm -rf build .pytest_cache .ruff_cache "$(DATA_DIR)"/.fetch-*
	rm -rf "$${TORCH_HOME:-$${XDG_CACHE_HOME:-$$HOME/.cache}/torch}"/hub/checkpoints/.fetch-*
	find . -path ./.venv -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	@# A save killed mid-write leaves a hidden .NAME.<random>.tmp (up to 540 MB); a day old, it is a leftover.
	@if [ -d "$(WEIGHTS)" ]; then find "$(WEIGHTS)" -maxdepth 1 -type f -name '.*.tmp' -mmin +1440 -print -delete \
	  | sed 's|^|removed the leftover temporary file of an interrupted save: |'; fi
	@if [ -n "$$(ls -A "$(WEIGHTS)" 2>/dev/null)" ]; then \
	  echo "kept $(WEIGHTS)/: $$(du -sh "$(WEIGHTS)" | cut -f1) of your weights and summaries (make purge deletes them)"; fi

purge:  ## delete YOUR trained weights, earlier copies and summaries in weights/ (lists them, asks first)
	@if [ -z "$$(ls -A "$(WEIGHTS)" 2>/dev/null)" ]; then echo "$(WEIGHTS)/ is empty: nothing to delete."; exit 0; fi; \
	echo "This deletes your trained weights, their earlier copies and run summaries ($$(du -sh "$(WEIGHTS)" | cut -f1)):"; \
	ls -lAh "$(WEIGHTS)"; \
	printf "Delete everything in $(WEIGHTS)/? [y/N] "; read answer || answer=; \
	if [ "$$answer" = y ] || [ "$$answer" = yes ]; then rm -rf "$(WEIGHTS)" && echo "$(WEIGHTS)/ deleted."; \
	else echo "Nothing deleted."; fi
