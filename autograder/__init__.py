"""The instructor's side of the course: build the lessons from ``solutions/``, grade a notebook
or a class, export the student repository (``autograder --help``; docs/instructors.md).

Learners never need it: the framework and their tools are the package ``course``. nbgrader and
jupytext come with the ``instructor`` extra (``pip install -e '.[instructor]'``).
"""
