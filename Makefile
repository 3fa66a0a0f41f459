# One command to set up and open the course, one to run every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# JupyterLab refuses to start as root (a container's usual user) unless told it may.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: course test setup instructor dev lessons clean

course: setup  ## set up (first time) and open the course in JupyterLab
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) lessons/

test: dev  ## run every test (CPU; GPU tests skip without CUDA)
	$(PY) -m pytest -n 2 --durations=15

setup: $(VENV)/.installed
instructor: $(VENV)/.installed-instructor
dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-instructor: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[instructor]'
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[instructor,dev]'
	touch $@ $(VENV)/.installed-instructor

lessons: instructor  ## rebuild lessons/ from solutions/
	$(VENV)/bin/autograder build

clean:
	rm -rf $(VENV) nbgrader-course .pytest_cache
