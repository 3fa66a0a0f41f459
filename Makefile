# One command to set up and open the course, one to run every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: course test setup dev lessons check clean

course: setup  ## set up (first time) and open the course in JupyterLab
	$(VENV)/bin/jupyter lab lessons/

test: dev  ## run every test (CPU; GPU tests skip without CUDA)
	$(PY) -m pytest -n 2

setup: $(VENV)/.installed
dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

lessons: setup  ## rebuild lessons/ from solutions/
	$(VENV)/bin/course release

clean:
	rm -rf $(VENV) autograder/course .pytest_cache
