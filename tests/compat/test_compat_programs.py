"""Textbook PyTorch programs that run unchanged on course: see docs/compatibility.md."""

import pytest

from compat import harness

PROGRAMS = [
    "poly_manual",
    "poly_sequential",
    "poly_adam",
    "custom_module",
    "cnn_classifier",
    "char_lstm",
    "gru_language_model",
    "transformer_block",
    "char_gpt",
    "sdpa_attention",
    "schedulers",
    "dataloader_pipeline",
    "optimizers",
    "nll_log_softmax",
    "checkpoint_roundtrip",
    "data_idioms",
    "device_dtype",
    "module_dtypes",
    "label_smoothing",
    "autograd_function",
    "iterable_dataset",
    "random_split",
    "soft_label_cnn",
]

# Programs that need something course lacks: each must fail until course gains the feature.
GAPS = {
    "gap_inplace_nonleaf": "course does not rebase the graph for in-place ops on non-leaf tensors",
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_torch(name):
    harness.check(name)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=r)) for n, r in GAPS.items()],
)
def test_known_gap(name):
    harness.check(name)
