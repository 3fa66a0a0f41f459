"""keep_freed_memory: applied once on glibc, harmless elsewhere."""

import sys

from course.allocator import keep_freed_memory


def test_keep_freed_memory_is_idempotent_and_reports_what_it_did():
    first = keep_freed_memory()
    assert isinstance(first, bool)
    assert keep_freed_memory() == first
    if sys.platform.startswith("linux"):
        assert first  # glibc's mallopt is always there on these machines
