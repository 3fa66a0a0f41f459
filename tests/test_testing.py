"""course.testing must catch wrong gradients and say where: op, input, index, expected, got."""

import numpy as np
import pytest
import torch

import course
from course import Function
from course.testing import assert_close, compare_with_torch, gradcheck

pytestmark = pytest.mark.lesson02


class SwappedMul(Function):
    """a * b whose backward swaps the inputs (a classic mistake)."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        return grad * self.a, grad * self.b


class FlippedTimesThree(Function):
    """3x whose gradient comes back in reverse order: right under .sum(), wrong otherwise."""

    def forward(self, x):
        return x * 3

    def backward(self, grad):
        return grad[::-1] * 3


class HalfMissing(Function):
    """x ** 2 whose backward forgets the factor 2."""

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return grad * self.x


A = np.array([[1.0, 2.0, -1.0], [0.5, -3.0, 2.0]])
B = np.array([[0.3, -1.0, 4.0], [2.0, 1.5, -0.5]])


def test_gradcheck_passes_a_correct_op():
    gradcheck(lambda a, b: a * b, A, B, name="mul")
    gradcheck(lambda x: x.max(1), A)  # a tuple output (values, indices)


def test_gradcheck_catches_swapped_inputs_and_names_op_input_and_index():
    with pytest.raises(AssertionError) as info:
        gradcheck(SwappedMul.apply, A, B, name="SwappedMul")
    msg = str(info.value)
    assert "gradcheck SwappedMul" in msg and "input 0 (shape (2, 3))" in msg
    assert "at index (0, 0)" in msg and "finite differences" in msg and "backward" in msg
    assert f"got {A[0, 0] * _projection_weight(A.shape):.6g}" in msg


def _projection_weight(shape):
    """The weight gradcheck puts on output element (0, 0) (its first random draw)."""
    rng = np.random.default_rng(0)
    w = rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
    return w[0, 0]


def test_gradcheck_catches_a_sum_preserving_wrong_gradient():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    # Under a plain .sum() the upstream gradient is all ones and the flip goes unnoticed:
    t = course.tensor(x, requires_grad=True)
    FlippedTimesThree.apply(t).sum().backward()
    assert t.grad.tolist() == [3.0, 3.0, 3.0, 3.0]
    # The random projection notices.
    with pytest.raises(AssertionError, match=r"gradcheck lambda \(FlippedTimesThree\): .*index"):
        gradcheck(lambda v: FlippedTimesThree.apply(v), x)


def test_gradcheck_names_a_lambda_by_its_op_and_requires_an_input_with_grad():
    with pytest.raises(AssertionError, match=r"lambda \(HalfMissing\).*input 0 \(shape \(2, 3\)\)"):
        gradcheck(lambda x: HalfMissing.apply(x), A)
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda x: x * 2, course.tensor(A))


def test_gradcheck_only_perturbs_inputs_that_require_grad():
    a = course.tensor(A, requires_grad=True)
    b = course.tensor(B)  # would fail if checked: SwappedMul is wrong for both inputs
    with pytest.raises(AssertionError, match="input 0"):
        gradcheck(SwappedMul.apply, a, b)
    gradcheck(lambda x, k: x * k, a, 3)  # a plain number passes through


def test_compare_with_torch_catches_a_wrong_gradient_and_names_input_and_index():
    with pytest.raises(AssertionError) as info:
        compare_with_torch(SwappedMul.apply, A, B, torch_fn=lambda a, b: a * b, name="SwappedMul")
    msg = str(info.value)
    assert "SwappedMul: gradient of input 0 (shape (2, 3), float64)" in msg
    assert "differs at index (0, 0)" in msg and "max abs error" in msg


def test_compare_with_torch_catches_sum_preserving_wrong_gradient():
    x = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    with pytest.raises(AssertionError, match=r"gradient of input 0 .* differs at index \(0,\)"):
        compare_with_torch(FlippedTimesThree.apply, x, torch_fn=lambda t: t * 3, name="flip")


def test_compare_with_torch_catches_wrong_values_dtypes_shapes_and_indices():
    x = np.array([[3.0, 1.0], [2.0, 5.0]], dtype=np.float32)
    with pytest.raises(AssertionError, match=r"exp: differs at index \(0, 0\): expected"):
        compare_with_torch(lambda t: t.exp(), x, torch_fn=lambda t: t.exp() * 1.01, name="exp")
    with pytest.raises(AssertionError, match="dtype float64 \\(course\\) != float32 \\(torch\\)"):
        compare_with_torch(lambda t: t.double(), x, torch_fn=lambda t: t)
    with pytest.raises(AssertionError, match=r"shape \(4,\) \(got\) != \(2, 2\) \(expected\)"):
        compare_with_torch(lambda t: t.reshape(-1), x, torch_fn=lambda t: t)
    wrong_indices = lambda t: (t.max(1).values, t.argmin(1))  # noqa: E731
    with pytest.raises(AssertionError, match=r"max output 1: differs at index \(0,\)"):
        compare_with_torch(lambda t: t.max(1), x, torch_fn=wrong_indices, name="max")


def test_compare_with_torch_tolerances_are_dtype_aware_and_explicit():
    x = np.array([1.0, 2.0])
    off = lambda t: t * (1 + 1e-6)  # noqa: E731 - within float32's tolerance, not float64's
    compare_with_torch(lambda t: t, x.astype(np.float32), torch_fn=off, grad=False)
    with pytest.raises(AssertionError, match="rtol=1e-07"):
        compare_with_torch(lambda t: t, x, torch_fn=off, grad=False)
    compare_with_torch(lambda t: t, x, torch_fn=off, rtol=1e-5, grad=False)


def test_assert_close_accepts_every_kind_and_explains_failures():
    assert_close(course.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0]))
    assert_close(np.array([1.0, np.nan]), np.array([1.0, float("nan")]))
    assert_close((2, (3.0, True)), [2, (3.0, True)])  # sequences item by item
    assert_close(3.0, np.float64(3.0))
    with pytest.raises(AssertionError) as info:
        assert_close(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), name="y_hat")
    msg = str(info.value)
    assert msg.startswith("y_hat: differs at index (2,): expected 3.0, got 3.5")
    assert "1 of 3 elements" in msg and "max abs error 0.5" in msg
    with pytest.raises(AssertionError, match="shape"):
        assert_close(np.ones(3), np.ones((3, 1)))
    with pytest.raises(AssertionError, match="differs"):
        assert_close(np.array([np.nan]), np.array([1.0]))
    with pytest.raises(AssertionError, match="differs"):
        assert_close(np.array([1, 2]), np.array([1, 3]))  # integers compare exactly


class EqualsEverything:
    """A submission's trick: says yes to ==, to every ufunc and to every NumPy function."""

    shape = (2,)
    dtype = np.dtype(np.float64)

    def __eq__(self, other):
        return True

    def __array_ufunc__(self, *args, **kwargs):
        return True

    def __array_function__(self, *args, **kwargs):
        return True


@pytest.mark.parametrize(
    "expected", [np.array([1.0, 2.0]), course.tensor([1.0, 2.0]), 2.0, 3, True, (1, 2)]
)
def test_assert_close_checks_the_type_before_any_value(expected):
    with pytest.raises(AssertionError, match="expected an? .*, got a EqualsEverything"):
        assert_close(EqualsEverything(), expected)


def test_assert_close_checks_type_then_dtype_then_shape_and_says_which():
    with pytest.raises(AssertionError, match="expected an ndarray, got a course Tensor"):
        assert_close(course.tensor([1.0]), np.array([1.0]))
    with pytest.raises(AssertionError, match="expected a course Tensor, got an ndarray"):
        assert_close(np.array([1.0]), course.tensor([1.0]))
    with pytest.raises(AssertionError, match="x: dtype float32, expected float64"):
        assert_close(np.ones(2, np.float32), np.ones(2), name="x")
    with pytest.raises(AssertionError, match="dtype int64, expected float64"):
        assert_close(np.ones((2, 2), np.int64), np.ones(3))  # dtype is named before shape
    with pytest.raises(AssertionError, match=r"strides\[1\]: differs"):
        assert_close((8, 5), (8, 4), name="strides")
    with pytest.raises(AssertionError, match="expected an int, got a float"):
        assert_close(8.0, 8)
    with pytest.raises(AssertionError, match="expected a bool, got an int"):
        assert_close(1, True)
    assert_close(np.ones(2, np.float32), np.ones(2), check_dtype=False)
    with pytest.raises(AssertionError, match="differs"):
        assert_close(0.0, float("inf"))  # rtol * |inf| is no tolerance: inf equals only inf
    assert_close(np.array([np.inf, -np.inf]), np.array([np.inf, -np.inf]))
