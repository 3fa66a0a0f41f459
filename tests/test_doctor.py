"""`course doctor` names what the machine has and the fix for each gap."""

from course import doctor
from course.cli import main


def test_doctor_lists_the_essentials():
    names = [what for what, _, _ in doctor.checks()]
    assert names[0] == "Python"
    assert any(n.startswith("NumPy") for n in names)
    assert "PyTorch" in names and "GPU" in names


def test_every_gap_has_a_fix(capsys):
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("-> "):
            assert "fix:" in lines[i + 1], f"no fix printed after {line!r}"
