"""`import course` is enough, as `import torch` is: course.nn, course.optim, course.functional
and course.data come with it, and importing changes nothing outside the package (no malloc
tuning: that is the explicit course.keep_freed_memory())."""

import pytest
from test_allocator import run_child

USE_THE_SUBMODULES = """
course.nn.Linear(2, 3)
course.optim.SGD(course.nn.Linear(2, 3).parameters(), lr=0.1)
course.functional.relu(course.tensor([-1.0, 2.0]))
course.data.DataLoader(course.data.TensorDataset(course.zeros(4, 2)), batch_size=2)
import course.allocator as a
print(json.dumps({'done': a._done, 'calls': len(mallopt_calls)}))
"""


@pytest.mark.parametrize(
    "imports",
    ["import course", "import course.nn", "from course import nn, optim", "import course.data"],
)
def test_one_import_reaches_nn_optim_functional_and_data_and_leaves_malloc_alone(imports):
    (state,) = run_child(f"{imports}\nimport course\n{USE_THE_SUBMODULES}")
    assert state == {"done": False, "calls": 0}


def test_datasets_load_on_first_use():
    """course.data re-exports the datasets without importing them (their stdlib imports would
    slow every `import course`); the first use loads them."""
    (state,) = run_child(
        "import sys, course\n"
        "lazy = 'course.datasets' not in sys.modules\n"
        "from course.data import CharCorpus, load_digits\n"
        "import course.datasets\n"
        "print(json.dumps({'lazy': lazy, 'same': load_digits is course.datasets.load_digits,\n"
        "                  'listed': 'load_mnist' in dir(course.data)}))\n"
    )
    assert state == {"lazy": True, "same": True, "listed": True}


def test_an_unknown_name_in_course_data_is_an_attribute_error():
    import course.data

    with pytest.raises(AttributeError, match="no_such_thing"):
        course.data.no_such_thing  # noqa: B018


def test_course_tensor_is_the_function_and_the_generator_is_in_course_random():
    """No module is called course.tensor (it used to hide behind the function of that name, so
    `course.tensor.generator()` failed): tensors are created in course.creation, and the
    generator behind randn, init, dropout and shuffling is course.random's, as torch.random."""
    import course
    import course.creation

    assert course.tensor is course.creation.tensor
    assert course.tensor([1.0]).dtype == "float32"
    with pytest.raises(ModuleNotFoundError):
        import course.tensor  # noqa: F401
    course.manual_seed(3)
    first = course.random.generator().random()
    course.random.manual_seed(3)
    assert course.random.generator().random() == first
    course.manual_seed(3)
    a = course.randn(2).tolist()
    course.manual_seed(3)
    assert course.randn(2).tolist() == a


def test_constant_wraps_an_array_without_copying_or_recording():
    import numpy as np

    import course

    array = np.arange(3.0, dtype=np.float32)
    t = course.constant(array)
    assert t.array is array
    assert not t.requires_grad and t.grad_fn is None and t.is_leaf
