"""nbgrader's configuration for the course: read by the `autograder` tools and by nbgrader.

The course directory is not set here: the tools name theirs, and `autograder build` writes an
``nbgrader_config.py`` into its workspace (``nbgrader-course/`` at the repository's top) that
loads this file, so nbgrader's own commands run in that folder use these settings.
"""

import os
import tempfile
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file

c.CourseDirectory.course_id = "dl-from-scratch"

# One cell may run for at most this long; lessons in quick mode take a few seconds in all.
c.Execute.timeout = 120
c.ExecutePreprocessor.timeout = 120
# Every output is collected once the last cell has run, so the kernel can be killed rather
# than asked to exit: measured here, a graceful shutdown cost 1.2 s of a 4.6 s grade.
c.ExecutePreprocessor.shutdown_kernel = "immediate"

# Each stub names its exercise (autograder/stubs.py): NamedStubs takes ClearSolutions' place in
# nbgrader's list; solution markers outside answer cells are an error.
from nbgrader.converters import GenerateAssignment  # noqa: E402

from autograder.stubs import STUB, NamedStubs  # noqa: E402

c.ClearSolutions.code_stub = {"python": STUB}
c.ClearSolutions.enforce_metadata = True
c.GenerateAssignment.preprocessors = [
    NamedStubs if p.__name__ == "ClearSolutions" else p
    for p in GenerateAssignment.class_traits()["preprocessors"].default()
]

# A learner who deletes a test cell still gets it graded (not left for manual grading).
c.OverwriteCells.add_missing_cells = True

# The exchange (release/collect) needs a writable folder; callers that use it set their own.
if "root" not in c.Exchange:
    _user = getattr(os, "getuid", lambda: "user")()
    _exchange = Path(tempfile.gettempdir()) / f"nbgrader-exchange-{_user}"
    _exchange.mkdir(mode=0o777, exist_ok=True)
    c.Exchange.root = str(_exchange)
