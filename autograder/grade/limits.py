"""Bounds on one student's grading: kernel memory, output size, and which cell was running.

The memory bound is an address-space limit (``RLIMIT_AS``) set in the worker process before
nbgrader starts the kernel, which inherits it: an answer that allocates past it gets a
``MemoryError`` in its own cell instead of taking the machine down. `TruncateOutput` runs
right after nbgrader's Execute and cuts each output to ``max_chars`` (nbgrader's own
LimitOutput counts lines, so one 50 MB line would pass).
"""

from __future__ import annotations

import resource
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

MARK = "\n... output truncated by the grader ({} characters in all) ...\n"


def limit_memory(megabytes: int) -> None:
    """Cap this process's (and its children's) address space at ``megabytes``."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class TruncateOutput(NbGraderPreprocessor):
    """Cut every output's text to ``max_chars`` characters (streams, errors, rich data)."""

    max_chars = Integer(100_000, help="most characters kept per output").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        total = 0
        kept = []
        for output in cell.outputs:
            if total > self.max_chars:
                continue
            if output.output_type == "stream":
                total += len(output.text)
                if total > self.max_chars:
                    output.text = output.text[: self.max_chars] + MARK.format(total)
            elif output.output_type == "error":
                output.traceback = [t[: self.max_chars // 10] for t in output.traceback[:100]]
                output.evalue = output.evalue[: self.max_chars // 10]
            else:
                data = output.get("data", {})
                for key, value in list(data.items()):
                    text = value if isinstance(value, str) else "".join(value)
                    total += len(text)
                    if total > self.max_chars * 20:  # images are large but bounded
                        data[key] = MARK.format(len(text)) if key == "text/plain" else ""
            kept.append(output)
        cell.outputs = kept
        return cell, resources


class Progress:
    """nbclient hook: write the id of the cell about to run to ``path``."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __call__(self, cell, cell_index, **_):
        self.path.write_text(str(cell.get("id", cell_index)))


def last_cell(path: Path) -> str | None:
    path = Path(path)
    return path.read_text().strip() or None if path.is_file() else None
