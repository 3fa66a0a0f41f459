"""`autograder doctor`: the instructor's tools, the Validate button and the workspace."""

import json

from autograder import doctor
from autograder.cli import main


def row(name):
    [found] = [r for r in doctor.checks() if r[0] == name]
    return found


def missing(monkeypatch, *names):
    real = doctor.machine.version
    monkeypatch.setattr(doctor.machine, "version", lambda d: None if d in names else real(d))


def test_instructor_tools_are_checked(capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for what in ("nbgrader", "jupytext", "nbgrader validate", "workspace"):
        assert f" {what} " in out
    assert row("nbgrader")[2] is None and row("jupytext")[2] is None  # the dev env has both


def test_missing_tools_name_the_instructor_extra(monkeypatch):
    missing(monkeypatch, "nbgrader", "jupytext")
    assert row("nbgrader")[1:] == ("missing", "pip install -e '.[instructor]'")
    assert row("jupytext")[1:] == ("missing", "pip install -e '.[instructor]'")
    assert row("nbgrader validate")[2] == "pip install nbgrader==0.9.6"


def test_workspace_not_built_says_how(monkeypatch, tmp_path):
    (tmp_path / "solutions").mkdir()
    monkeypatch.setenv("COURSE_ROOT", str(tmp_path))
    _, found, fix = row("workspace")
    assert found == f"{tmp_path / 'nbgrader-course'} not built yet" and fix == "autograder build"
    (tmp_path / "nbgrader-course" / "source" / "01_tensors").mkdir(parents=True)
    assert row("workspace")[1:] == (f"{tmp_path / 'nbgrader-course'}: 01_tensors", None)


def test_validate_extension_disabled_names_the_command(monkeypatch):
    monkeypatch.setattr(doctor, "_server_extensions", lambda: {})
    monkeypatch.setattr(doctor, "_disabled_lab_plugins", lambda: {doctor.VALIDATE_LAB})
    _, found, fix = row("nbgrader validate")
    assert found == "not enabled"
    assert fix == (
        "jupyter server extension enable --sys-prefix "
        "nbgrader.server_extensions.validate_assignment && "
        "jupyter labextension enable --level=sys_prefix @jupyter/nbgrader:validate-assignment"
    )


def test_user_config_overrides_the_environments(monkeypatch, tmp_path):
    """The first folder on Jupyter's config path wins (here the user's: env path not preferred)."""
    (tmp_path / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {doctor.VALIDATE_SERVER: False}}})
    )
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")
    assert doctor._server_extensions()[doctor.VALIDATE_SERVER] is False
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {doctor.VALIDATE_LAB: True}})
    )
    assert doctor.VALIDATE_LAB in doctor._disabled_lab_plugins()
    assert row("nbgrader validate")[1] == "not enabled"
