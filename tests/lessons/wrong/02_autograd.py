"""Plausible wrong answers for lesson 02_autograd: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to the full source of a wrong answer cell;
VISIBLE_PASSES names the exercises whose wrong answer passes the visible tests (only the
hidden tests catch it).
"""

WRONG = {
    # Overwrites the gradient instead of adding: right for a * b, wrong for a * a.
    "ex_value_mul": """\
def value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad = other.data * out.grad
        other.grad = self.data * out.grad

    out._backward = _backward
    return out


Value.__mul__ = value_mul
""",
    # The textbook formula: exp(2x) overflows for large x.
    "ex_value_tanh": """\
def value_tanh(self):
    e = math.exp(2 * self.data)
    t = (e - 1) / (e + 1)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


Value.tanh = value_tanh
""",
    # micrograd's recursive depth-first search: right, until the graph is deeper than 1000.
    "ex_topological_order": """\
def topological_order(root):
    order, visited = [], set()

    def build(v):
        if id(v) not in visited:
            visited.add(id(v))
            for p in v._prev:
                build(p)
            order.append(v)

    build(root)
    return order
""",
    # Walks from the root and recurses into the inputs: a shared Value passes its gradient on
    # once per path (and deep graphs overflow the stack).
    "ex_backward": """\
def backward(root):
    root.grad = 1.0

    def visit(v):
        v._backward()
        for p in v._prev:
            visit(p)

    visit(root)


Value.backward = backward
""",
    # Sums only the leading axes: right for (4, 3) -> (3,), wrong for (2, 3) -> (1, 3).
    "ex_sum_to": """\
def sum_to(grad, shape):
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    return grad
""",
    # Forgets broadcasting: the gradients keep the output's shape.
    "ex_mul_function": """\
class Mul(course.Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        need_a, need_b = self.needs_grad
        return (grad * self.b if need_a else None, grad * self.a if need_b else None)
""",
    # The transposes on the wrong side: runs on square matrices, gives wrong numbers.
    "ex_matmul_function": """\
class MatMul(course.Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        return self.b.T @ grad, grad @ self.a.T
""",
    # One-sided differences with a big step, in the input's dtype.
    "ex_numerical_grad": """\
def numerical_grad(f, x, eps=1e-3):
    x = x.copy()
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - fx) / eps
        x[i] = old
    return grad
""",
}

VISIBLE_PASSES = {
    "ex_value_mul",
    "ex_value_tanh",
    "ex_topological_order",
    "ex_backward",
    "ex_sum_to",
    "ex_mul_function",
    "ex_numerical_grad",
}
