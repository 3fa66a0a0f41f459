"""Plausible wrong answers for lesson 07_performance: each must score 0 on its exercise.

WRONG maps an answer cell's grade_id to the full source of a wrong answer cell;
VISIBLE_PASSES names the exercises whose wrong answer passes the visible tests (only the
hidden tests catch it).
"""

WRONG = {
    # Sorts by cumtime: right when the slow function is called directly (the visible test),
    # wrong when a wrapper calls it (the wrapper's cumtime includes the callee's).
    "ex_profile_top": """\
def profile_top(fn, n):
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    stats = pstats.Stats(profiler)
    rows = [(key[2], record[3]) for key, record in stats.stats.items()]
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:n]
""",
    # No try/finally: a block that raises is not recorded.
    "ex_SectionTimer": """\
class SectionTimer:
    def __init__(self, clock=time.perf_counter):
        self.clock = clock
        self.totals = {}
        self.counts = {}

    @contextlib.contextmanager
    def section(self, name):
        start = self.clock()
        yield
        self.totals[name] = self.totals.get(name, 0.0) + self.clock() - start
        self.counts[name] = self.counts.get(name, 0) + 1
""",
    # Right formulas, but an empty chain still "reads x and writes y" when fused.
    "ex_bytes_moved": """\
def bytes_moved(num_elements, itemsize, extra_inputs, fused):
    if fused:
        arrays = 1 + sum(extra_inputs) + 1
    else:
        arrays = sum(2 + extra for extra in extra_inputs)
    return int(arrays * num_elements * itemsize)
""",
    # Compares with the product of the ROUNDED inputs: misses the error of rounding A and B.
    "ex_half_matmul_error": """\
def half_matmul_error(A, B, dtype):
    A_low, B_low = A.astype(dtype), B.astype(dtype)
    exact = A_low.astype(np.float64) @ B_low.astype(np.float64)
    low = (A_low @ B_low).astype(np.float64)
    norm = np.linalg.norm(exact)
    if norm == 0:
        return 0.0
    return float(np.linalg.norm(low - exact) / norm)
""",
    # Checks only for inf (a nan slips through), and grows one step too late (> instead of >=).
    "ex_loss_scale_step": """\
def loss_scale_step(
    grads, scale, good_steps, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
):
    if any(np.isinf(g).any() for g in grads):
        return False, float(scale * backoff_factor), 0
    for g in grads:
        g /= scale
    good_steps += 1
    if good_steps > growth_interval:
        return True, float(scale * growth_factor), 0
    return True, float(scale), good_steps
""",
    # Right values, but every line makes new arrays (copied back with [...] = ...).
    "ex_sgd_momentum_": """\
def sgd_momentum_(param, grad, buf, scratch, lr, momentum):
    buf[...] = momentum * buf + grad
    param[...] = param - lr * buf
""",
    # Divides without looking at zero bytes: ZeroDivisionError instead of inf.
    "ex_arithmetic_intensity": """\
def arithmetic_intensity(flops, bytes):
    return float(flops / bytes)
""",
    # Python's min: fine for one number, fails for an array of intensities.
    "ex_attainable_gflops": """\
def attainable_gflops(intensity, peak, bandwidth):
    return float(min(peak, intensity * bandwidth))
""",
}

VISIBLE_PASSES = set(WRONG)
