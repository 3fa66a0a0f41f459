"""Deciding between a live widget and static output, and the pieces both share."""

from __future__ import annotations

import html
import io
import os
import sys

# Jupyter servers (JupyterLab, Notebook 7, JupyterHub) start kernels with JPY_SESSION_NAME set to
# the notebook's path; nbclient and nbconvert (which run lessons for grading) do not. Colab and
# VS Code draw widgets too.
_FRONTEND_MARKERS = ("JPY_SESSION_NAME", "VSCODE_PID")


def headless() -> bool:
    """True when no frontend will draw widgets: static output instead, no comm traffic.

    ``COURSE_HEADLESS=1`` forces static output and ``COURSE_HEADLESS=0`` forces widgets;
    otherwise widgets are used only inside an IPython kernel started by a live frontend.
    """
    forced = os.environ.get("COURSE_HEADLESS", "")
    if forced:
        return forced != "0"
    shell = _shell()
    if shell is None or not hasattr(shell, "kernel"):
        return True  # plain Python or a terminal IPython: nothing renders a widget
    if "google.colab" in sys.modules:
        return False
    return not any(os.environ.get(name) for name in _FRONTEND_MARKERS)


def _shell():
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


class StaticView:
    """Static HTML (tables, inline SVG) shown in a notebook; its text form in a terminal."""

    def __init__(self, body_html: str, text: str, title: str = ""):
        self.body_html = body_html
        self.text = text
        self.title = title

    def _repr_html_(self) -> str:
        title = f"<b>{html.escape(self.title)}</b><br>" if self.title else ""
        return f'<div class="course-static">{title}{self.body_html}</div>'

    def __repr__(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


def svg_of(fig) -> str:
    """A matplotlib figure as an inline SVG string (the figure is closed)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def png_of(fig) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def grid_html(
    values,
    highlight: set[tuple[int, ...]] = frozenset(),
    caption: str = "",
    color: str = "#ffb347",
) -> str:
    """A 1-D or 2-D array as an HTML table; cells whose index is in ``highlight`` are coloured."""
    import numpy as np

    a = np.asarray(values)
    rows = a.reshape(1, -1) if a.ndim <= 1 else a.reshape(-1, a.shape[-1])
    cells = []
    for i, row in enumerate(rows):
        tds = []
        for j, value in enumerate(row):
            index = (j,) if a.ndim <= 1 else np.unravel_index(i * rows.shape[1] + j, a.shape)
            index = tuple(int(k) for k in index)
            style = f"background:{color};" if index in highlight else ""
            tds.append(
                f'<td style="{style}border:1px solid #999;padding:2px 6px;'
                f'text-align:right;font-family:monospace">{_fmt(value)}</td>'
            )
        cells.append("<tr>" + "".join(tds) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table style="border-collapse:collapse;margin:4px">{cap}{"".join(cells)}</table>'


def _fmt(value) -> str:
    if isinstance(value, str):
        return html.escape(value)
    if float(value).is_integer():
        return str(int(value))
    return f"{float(value):.3g}"
