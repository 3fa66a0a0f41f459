"""Interactive pieces for the lessons (ipywidgets 8), each with a static fallback.

In JupyterLab they are live widgets; run headless (nbclient, the grader, plain Python, or
``COURSE_HEADLESS=1``) they return static HTML/SVG or a matplotlib figure and open no widget
comms. They belong in ungraded cells only.

>>> from course.widgets import im2col_explorer
>>> im2col_explorer(height=5, width=5, kernel_size=3)  # doctest: +SKIP
"""

from course.widgets.arrays import broadcast_explorer, strides_explorer
from course.widgets.base import StaticView, headless
from course.widgets.dashboard import TrainingDashboard
from course.widgets.graph import graph_view
from course.widgets.im2col import im2col_explorer

__all__ = [
    "StaticView",
    "TrainingDashboard",
    "broadcast_explorer",
    "graph_view",
    "headless",
    "im2col_explorer",
    "strides_explorer",
]
