"""A live training dashboard: a tqdm progress bar and loss/accuracy curves that redraw as you train.

>>> with TrainingDashboard(total_steps=100) as dash:  # doctest: +SKIP
...     for step in range(100):
...         dash.update(step, loss=..., accuracy=...)
"""

from __future__ import annotations

import math
import os
import time

from course.widgets.base import _shell, headless, png_of


class TrainingDashboard:
    """Progress bar plus one curve per metric; headless, a text bar and a final static figure."""

    def __init__(
        self,
        total_steps: int,
        metrics: tuple[str, ...] = ("loss", "accuracy"),
        title: str | None = None,
        refresh_s: float = 0.5,
    ):
        self.total_steps = int(total_steps)
        self.metrics = tuple(metrics)
        self.title = title
        self.refresh_s = refresh_s
        self.headless = headless()
        self._history: dict[str, list[float]] = {"step": [], **{m: [] for m in self.metrics}}
        self._drawn_at = 0.0
        self._closed = False
        self.widget = None
        if self.headless:
            from tqdm.std import tqdm

            self._bar = tqdm(
                total=self.total_steps,
                desc=title,
                mininterval=0.5,
                disable=os.environ.get("COURSE_NO_PROGRESS") == "1",
            )
        else:
            import ipywidgets as w
            from IPython.display import display
            from tqdm.notebook import tqdm

            self._bar = tqdm(total=self.total_steps, desc=title, display=False)
            self._image = w.Image(format="png")
            self.widget = w.VBox([self._bar.container, self._image])
            display(self.widget)

    @property
    def history(self) -> dict[str, list[float]]:
        """``{"step": [...], metric: [...]}``, one entry per `update` (NaN where not given)."""
        return {key: list(values) for key, values in self._history.items()}

    def update(self, step: int, **values: float) -> None:
        """Record the metrics of step ``step`` (0-based) and move the bar to ``step + 1``."""
        unknown = sorted(set(values) - set(self.metrics))
        if unknown:
            raise ValueError(
                f"TrainingDashboard.update: unknown metric(s) {unknown}; "
                f"this dashboard tracks {list(self.metrics)}"
            )
        self._history["step"].append(int(step))
        for m in self.metrics:
            self._history[m].append(float(values[m]) if m in values else math.nan)
        self._bar.update(max(0, min(step + 1, self.total_steps) - self._bar.n))
        self._bar.set_postfix({k: f"{float(v):.4g}" for k, v in values.items()}, refresh=False)
        now = time.perf_counter()
        if not self.headless and now - self._drawn_at >= self.refresh_s:
            self._drawn_at = now
            self._bar.refresh()
            self._image.value = png_of(self.figure())

    def figure(self):
        """One panel per metric against the step (a matplotlib Figure, not shown by pyplot)."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(3.6 * len(self.metrics), 2.6), layout="constrained")
        axes = fig.subplots(1, len(self.metrics), squeeze=False)[0]
        steps = self._history["step"]
        for ax, m in zip(axes, self.metrics):
            # A metric given only now and then (accuracy per epoch) is a sparse series:
            # drop the steps without it, or its line would be all gaps.
            points = [(x, y) for x, y in zip(steps, self._history[m]) if not math.isnan(y)]
            xs, ys = zip(*points) if points else ((), ())
            ax.plot(xs, ys, color="C0", marker="o" if len(points) < 50 else None, ms=3)
            ax.set_xlabel("step")
            ax.set_ylabel(m)
            ax.set_xlim(0, max(self.total_steps - 1, 1))
            ax.grid(alpha=0.3)
        if self.title:
            fig.suptitle(self.title)
        return fig

    def close(self) -> None:
        """Finish the bar and draw the final curves (once)."""
        if self._closed:
            return
        self._closed = True
        self._bar.close()
        if not self.headless:
            self._image.value = png_of(self.figure())
        elif _shell() is not None and self._history["step"]:
            from IPython.display import Image, display

            display(Image(png_of(self.figure())))

    def __enter__(self) -> TrainingDashboard:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
