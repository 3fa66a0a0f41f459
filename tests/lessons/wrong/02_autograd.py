"""Plausible wrong answers for lesson 02_autograd: each must fail its exercise's visible test.

WRONG maps an answer cell's grade_id to its wrong variants, {description: full answer cell};
HIDDEN_ONLY would name the (grade_id, description) pairs only the hidden tests catch: none here.
"""

WRONG = {
    "ex_value_mul": {
        # Overwrites the gradient instead of adding: right for a * b, wrong for a * a.
        "gradient overwritten (=) instead of accumulated (+=)": """\
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
        # The same mistake in one line: a tuple assignment overwrites both.
        "both gradients set in one tuple assignment": """\
def value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad, other.grad = other.data * out.grad, self.data * out.grad

    out._backward = _backward
    return out


Value.__mul__ = value_mul
""",
        # Half fixed: += on self, = on other; a * a still loses a contribution.
        "only self accumulates, other is overwritten": """\
def value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad = self.data * out.grad

    out._backward = _backward
    return out


Value.__mul__ = value_mul
""",
        # Forgets the chain rule: the local derivative without out.grad.
        "local derivative without out.grad": """\
def value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data
        other.grad += self.data

    out._backward = _backward
    return out


Value.__mul__ = value_mul
""",
        # Derivatives swapped: each input gets its own value instead of the other's.
        "derivatives swapped (self.data for self)": """\
def value_mul(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += self.data * out.grad
        other.grad += other.data * out.grad

    out._backward = _backward
    return out


Value.__mul__ = value_mul
""",
    },
    "ex_topological_order": {
        # micrograd's recursive depth-first search: right, until the graph is deeper than 1000.
        "recursive depth-first search": """\
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
        # An explicit stack but no visited set: a shared Value is listed once per use.
        "no visited set": """\
def topological_order(root):
    order, stack = [], [(root, False)]
    while stack:
        v, inputs_done = stack.pop()
        if inputs_done:
            order.append(v)
        else:
            stack.append((v, True))
            for p in v._prev:
                stack.append((p, False))
    return order
""",
        # Breadth-first from the root, then reversed: right for trees, wrong when a shared
        # Value is reached by paths of different lengths.
        "reversed breadth-first walk from the root": """\
def topological_order(root):
    order, visited, queue = [], {id(root)}, [root]
    while queue:
        v = queue.pop(0)
        order.append(v)
        for p in v._prev:
            if id(p) not in visited:
                visited.add(id(p))
                queue.append(p)
    return order[::-1]
""",
        # Depth-first with a stack, but each Value is appended when first reached (pre-order),
        # then the list is reversed: not a topological order when Values are shared.
        "reversed pre-order depth-first walk": """\
def topological_order(root):
    order, visited, stack = [], set(), [root]
    while stack:
        v = stack.pop()
        if id(v) in visited:
            continue
        visited.add(id(v))
        order.append(v)
        stack.extend(v._prev)
    return order[::-1]
""",
    },
    "ex_backward": {
        # Walks from the root and recurses into the inputs: a shared Value passes its gradient on
        # once per path (and deep graphs overflow the stack).
        "walks every path instead of a topological order": """\
def backward(root):
    root.grad = 1.0

    def visit(v):
        v._backward()
        for p in v._prev:
            visit(p)

    visit(root)


Value.backward = backward
""",
        # Breadth-first from the root, each Value once: a Value used by a longer path passes its
        # gradient on before that path has delivered its contribution.
        "breadth-first from the root": """\
def backward(root):
    root.grad = 1.0
    queue, seen = [root], {id(root)}
    while queue:
        v = queue.pop(0)
        v._backward()
        for p in v._prev:
            if id(p) not in seen:
                seen.add(id(p))
                queue.append(p)


Value.backward = backward
""",
        # The topological order, but not reversed: inputs go before the Values that use them.
        "topological order not reversed": """\
def backward(root):
    root.grad = 1.0
    for v in topological_order(root):
        v._backward()


Value.backward = backward
""",
        # Zeroes every gradient first, like zero_grad: what the leaves held is lost.
        "zeroes all gradients first": """\
def backward(root):
    order = topological_order(root)
    for v in order:
        v.grad = 0.0
    root.grad = 1.0
    for v in reversed(order):
        v._backward()


Value.backward = backward
""",
    },
    "ex_sum_to": {
        # Sums only the leading axes: right for (4, 3) -> (3,), wrong for (2, 3) -> (1, 3).
        "sums only the leading axes": """\
def sum_to(grad, shape):
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    return grad
""",
        # Sums the right axes but drops them: (2, 3) -> (1, 3) comes back as (3,).
        "sums the size-1 axes without keepdims": """\
def sum_to(grad, shape):
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    return grad.sum(axis=axes) if axes else grad
""",
        # Looks for the size-1 axes of shape at the same positions in grad, counted from the
        # left, before the leading axes are dropped.
        "size-1 axes counted from the left": """\
def sum_to(grad, shape):
    ones = tuple(i for i, n in enumerate(shape) if n == 1)
    if ones:
        grad = grad.sum(axis=ones, keepdims=True)
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    return grad
""",
        # Right everywhere but shape (): grad.sum() is a NumPy scalar, not an array.
        "a NumPy scalar for shape ()": """\
def sum_to(grad, shape):
    shape = tuple(shape)
    if shape == ():
        return grad.sum()
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=axes, keepdims=True) if axes else grad
""",
    },
    "ex_matmul_function": {
        # The transposes on the wrong side: runs on square matrices, gives wrong numbers.
        "transposes on the wrong side": """\
class MatMul(course.Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        return self.b.T @ grad, grad @ self.a.T
""",
        # No transposes at all: runs on square matrices only.
        "no transposes": """\
class MatMul(course.Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        need_a, need_b = self.needs_grad
        return (grad @ self.b if need_a else None, self.a @ grad if need_b else None)
""",
        # The two gradients returned in the wrong order.
        "gradients returned in swapped order": """\
class MatMul(course.Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        return self.a.T @ grad, grad @ self.b.T
""",
    },
    "ex_numerical_grad": {
        # One-sided differences with a big step, in the input's dtype.
        "one-sided, big eps, input dtype": """\
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
        # One-sided differences, otherwise right (float64, eps=1e-6): error grows with eps.
        "one-sided differences in float64": """\
def numerical_grad(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    fx = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (float(f(x)) - fx) / eps
        x[i] = old
    return grad
""",
        # Central differences, but with a "safe" big step: error ~ eps**2 is too big.
        "central differences with eps=1e-2": """\
def numerical_grad(f, x, eps=1e-2):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
""",
        # A float64 gradient, but the nudges go into a copy in x's own dtype (float32).
        "nudges a copy in the input's dtype": """\
def numerical_grad(f, x, eps=1e-6):
    x = np.array(x, copy=True)
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
""",
        # Nudges the caller's array in place with += and -=: rounding leaves it changed.
        "nudges the caller's array in place": """\
def numerical_grad(f, x, eps=1e-6):
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = float(f(x))
        x[i] -= 2 * eps
        f_minus = float(f(x))
        x[i] += eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
""",
    },
}

HIDDEN_ONLY = {}
