"""TrainingDashboard: history, progress, a plot; static output headless, a widget when live."""

import math

import ipywidgets as w
import pytest
from conftest import find

from course.widgets import TrainingDashboard


def test_history_records_each_update(static):
    with TrainingDashboard(3, metrics=("loss", "accuracy")) as dash:
        dash.update(0, loss=2.0, accuracy=0.1)
        dash.update(1, loss=1.0)
        dash.update(2, loss=0.5, accuracy=0.9)
    history = dash.history
    assert history["step"] == [0, 1, 2] and history["loss"] == [2.0, 1.0, 0.5]
    assert history["accuracy"][0] == 0.1 and math.isnan(history["accuracy"][1])
    assert dash._bar.n == 3
    history["loss"].append(9)  # a copy: the dashboard's own record is untouched
    assert len(dash.history["loss"]) == 3


def test_unknown_metric_is_named(static):
    dash = TrainingDashboard(2, metrics=("loss",))
    with pytest.raises(ValueError, match=r"unknown metric\(s\) \['acc'\].*\['loss'\]"):
        dash.update(0, loss=1.0, acc=0.5)
    dash.close()
    dash.close()  # closing twice is harmless


def test_figure_has_one_panel_per_metric(static):
    dash = TrainingDashboard(4, metrics=("loss", "accuracy", "lr"), title="run")
    for step in range(4):
        dash.update(step, loss=1 / (step + 1), accuracy=step / 4, lr=0.1)
    fig = dash.figure()
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy", "lr"]
    assert list(fig.axes[0].lines[0].get_ydata()) == dash.history["loss"]
    dash.close()


def test_live_dashboard_builds_bar_and_plot(live):
    dash = TrainingDashboard(10, title="training", refresh_s=0.0)
    [bar] = find(dash.widget, w.FloatProgress) or find(dash.widget, w.IntProgress)
    [image] = find(dash.widget, w.Image)
    dash.update(4, loss=1.0, accuracy=0.5)
    assert bar.value == 5 and bar.max == 10
    first = image.value
    assert first[:4] == b"\x89PNG"
    dash.update(9, loss=0.5, accuracy=0.8)
    dash.close()
    assert image.value != first and bar.value == 10
