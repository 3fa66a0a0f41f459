"""The course index (lessons/README.md) links every lesson, and every link resolves."""

import re

from lessonkit import ROOT

from autograder import sources


def test_index_links_every_lesson_and_nothing_missing():
    index = (ROOT / "lessons" / "README.md").read_text()
    links = re.findall(r"\]\(([^)]+\.ipynb)\)", index)
    assert all((ROOT / "lessons" / link).is_file() for link in links), links
    linked = {link.split("/")[0] for link in links}
    assert linked == set(sources.lesson_ids(ROOT)), "lessons/README.md must link every lesson"
