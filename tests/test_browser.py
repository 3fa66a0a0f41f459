"""A real browser: JupyterLab on localhost, lesson 00 run in headless Chromium (Playwright).

The released lesson 00 with the solution's answers filled in (what a learner who solved it has)
is copied to a temporary folder, opened in JupyterLab, and run with "Run All Cells" in quick
mode. The test asserts that every code cell ran, no cell shows an error, and a widget (the tqdm
progress bar of the matmul sweep) rendered; the screenshot is test-artifacts/lesson00.png.
It skips only where Chromium is not installed (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.sources import source_notebook

ROOT = Path(__file__).resolve().parent.parent
LESSON = "00_speed"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = ROOT / "test-artifacts" / "lesson00.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every code cell has run (or one failed), and the kernel is idle again.
DONE_JS = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model || !panel.sessionContext) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== "idle") return false;
  const cells = panel.content.model.toJSON().cells.filter(c => c.cell_type === "code");
  const failed = cells.some(c => (c.outputs || []).some(o => o.output_type === "error"));
  return failed || cells.every(c => c.execution_count);
}"""
NOTEBOOK_JS = "() => window.jupyterapp.shell.currentWidget.content.model.toJSON()"


def solved_lesson(path: Path) -> None:
    """lessons/00_speed's notebook with each answer cell replaced by the solution's."""
    released = nbformat.read(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb", as_version=4)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source_notebook(LESSON, ROOT).cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("ex_")
    }
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in solutions:
            cell.source = solutions[grade_id]
    path.parent.mkdir(parents=True)
    nbformat.write(released, path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_jupyterlab(tmp: Path, port: int, token: str) -> subprocess.Popen:
    """JupyterLab on 127.0.0.1 with config, runtime, settings and workspaces all under ``tmp``."""
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (no virtual scrolling), so widgets far down exist in the page.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    labconfig = tmp / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    news = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
    (labconfig / "page_config.json").write_text(json.dumps(news))  # no news pop-up
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    env.update(
        COURSE_QUICK="1",
        PYTHONPATH=str(ROOT),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    )
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--expose-app-in-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp / 'root'}",
        f"--LabApp.user_settings_dir={tmp / 'settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = open(tmp / "jupyterlab.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_up(server: subprocess.Popen, url: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.slow
@pytest.mark.lesson00
def test_lesson00_runs_in_jupyterlab_in_chromium(tmp_path):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` failed or was not run "
            "(.ci/run installs it where apt-get works)"
        )
    from playwright.sync_api import sync_playwright

    notebook = tmp_path / "root" / "lessons" / LESSON / f"{LESSON}.ipynb"
    solved_lesson(notebook)
    port, token = free_port(), secrets.token_hex(16)
    server = start_jupyterlab(tmp_path, port, token)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(server, f"{base}/api/status?token={token}", tmp_path / "jupyterlab.log")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/lessons/{LESSON}/{LESSON}.ipynb?token={token}")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                "&& window.jupyterapp.shell.currentWidget.sessionContext "
                "&& window.jupyterapp.shell.currentWidget.sessionContext.isReady",
                timeout=60_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            # About 15 s on an idle 2-core CPU; generous for a CI machine that is busy.
            page.wait_for_function(DONE_JS, timeout=240_000, polling=500)
            nb = page.evaluate(NOTEBOOK_JS)
            widget = page.locator(".jp-OutputArea-output .jupyter-widgets").first
            widget.wait_for(timeout=15_000)
            widget.scroll_into_view_if_needed()
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            browser.close()
    finally:
        stop(server)

    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    errors = [
        (c.get("metadata", {}).get("nbgrader", {}).get("grade_id", c.get("id")), o.get("ename"))
        for c in code
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]
    assert not errors, f"cells raised in the browser: {errors}"
    assert all(c["execution_count"] for c in code), "not every code cell ran"
    widget_outputs = [
        o
        for c in code
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widget_outputs, "no cell displayed a widget (lesson 00's progress bar should)"
