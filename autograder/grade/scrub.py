"""Outputs that show hidden tests or solutions: found in the feedback, removed, and flagged.

A learner's code can print what it must never see: the kernel's history (``In``, ``Out``, the
history manager, linecache) holds every test cell that ran before it, hidden block included. A
sandbox cannot stop that, so every output of the notebook a learner gets back is checked
against the lines only the source notebook has (hidden tests, solutions). A line counts when
it has at least `MIN_CHARS` characters and is in neither the release nor the learner's own
submission (a learner who wrote a solution's line knows it). Text is compared with runs of
whitespace collapsed, after undoing HTML escapes and a ``repr``'s escapes, so printing ``In``
(a list of strings) is caught too. Encoded copies (base64, reversed) are not: the static scan
flags the reads of the history that would make them.
"""

from __future__ import annotations

import html

import nbformat

from autograder.grade.feedback import ANSI

MIN_CHARS = 20
NOTE = "(output removed by the grader: it showed hidden tests or solutions)\n"
_UNESCAPE = (("\\n", "\n"), ("\\t", "\t"), ("\\'", "'"), ('\\"', '"'), ("\\\\", "\\"))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _lines(nb) -> set[str]:
    return {_norm(line) for c in nb.cells for line in c.get("source", "").splitlines()}


def secret_lines(source, release, submitted) -> set[str]:
    """Lines of the source's answer and test cells that the learner was not shown."""
    public = _lines(release) | _lines(submitted)
    found = set()
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("solution") or meta.get("grade")):
            continue
        for line in cell.source.splitlines():
            line = _norm(line)
            if len(line) >= MIN_CHARS and any(ch.isalnum() for ch in line) and line not in public:
                found.add(line)
    return found


def _texts(output) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        return [output.get("text", "")]
    if kind == "error":
        return [output.get("evalue", ""), *output.get("traceback", [])]
    data = output.get("data", {})
    return [v if isinstance(v, str) else "".join(v) for k, v in data.items() if "image" not in k]


def leaks(output, secrets: set[str]) -> bool:
    """Whether ``output`` shows one of ``secrets``."""
    for text in _texts(output):
        text = html.unescape(ANSI.sub("", text))
        plain = text
        for escaped, char in _UNESCAPE:
            plain = plain.replace(escaped, char)
        for candidate in {_norm(text), _norm(plain)}:
            if any(secret in candidate for secret in secrets):
                return True
    return False


def scrub(nb, secrets: set[str]) -> list[str]:
    """Replace every output of ``nb`` that shows a secret line (in place); return the cells'
    ids."""
    cells = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if not any(leaks(o, secrets) for o in outputs):
            continue
        kept = [o for o in outputs if not leaks(o, secrets)]
        cell.outputs = kept + [nbformat.v4.new_output("stream", name="stdout", text=NOTE)]
        cells.append(cell.get("id", "?"))
    return cells
