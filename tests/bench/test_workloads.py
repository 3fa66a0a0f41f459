"""Each `course bench` workload builds twins that compute the same step; the CLI writes JSON."""

import json

import pytest

from course.bench import run
from course.bench import workloads as W
from course.cli import main


@pytest.mark.parametrize("name", sorted(W.TRAINING))
def test_twins_agree_on_the_first_step_and_keep_agreeing(name):
    pair = W.TRAINING[name]()
    run.check_twins(name, pair)
    run.check_twins(name, pair)  # a second step from the updated weights agrees too


def test_check_twins_refuses_different_computations():
    pair = W.Pair(lambda: 1.0, lambda: 1.5, "differs")
    with pytest.raises(AssertionError, match="ours gives 1.0 but torch gives 1.5"):
        run.check_twins("differs", pair)


def test_matmul_twins_agree():
    run.check_twins("matmul", W.matmul(n=64))


def test_cli_writes_results_with_machine_facts(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "tiny", "--quick", "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert payload["machine"]["cpu"] and payload["machine"]["torch"]
    [row] = payload["results"]
    assert row["workload"] == "tiny" and row["ours_ms"] > 0 and row["torch_ms"] > 0
    assert "ours/torch" in capsys.readouterr().out


def test_cli_rejects_unknown_workloads():
    with pytest.raises(SystemExit, match="unknown workload"):
        main(["bench", "resnet"])
