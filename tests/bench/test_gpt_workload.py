"""`course bench gpt`: the GPT twins are one architecture, causal, and train alike with AdamW."""

import numpy as np
import pytest
import torch

import course
from course import functional as F  # noqa: N812
from course.bench import workloads as W
from course.cli import main

SIZES = dict(vocab=11, ctx=8, d=16, heads=2, layers=2)


def _models():
    torch.manual_seed(0)
    theirs = W.gpt_model(torch, torch.nn.functional, *SIZES.values())
    ours = W.gpt_model(course, F, *SIZES.values())
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def test_gpt_twins_have_the_same_parameters():
    ours, theirs = _models()
    shapes = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
    assert shapes == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert "blocks.1.ln2.weight" in shapes and "pos.weight" in shapes


def test_gpt_twins_give_the_same_logits_and_gradients():
    ours, theirs = _models()
    idx = np.random.default_rng(0).integers(0, SIZES["vocab"], size=(3, SIZES["ctx"]))
    a, b = ours(course.tensor(idx)), theirs(torch.tensor(idx))
    assert a.shape == (3 * SIZES["ctx"], SIZES["vocab"])
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5)
    a.square().sum().backward()
    b.square().sum().backward()
    grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(), grads[name].grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=name
        )


def test_gpt_is_causal_a_later_token_never_changes_earlier_logits():
    ours, _ = _models()
    idx = np.random.default_rng(1).integers(0, SIZES["vocab"], size=(1, SIZES["ctx"]))
    changed = idx.copy()
    changed[0, 5] = (changed[0, 5] + 1) % SIZES["vocab"]
    with course.no_grad():
        a, b = ours(course.tensor(idx)).numpy(), ours(course.tensor(changed)).numpy()
    np.testing.assert_array_equal(a[:5], b[:5])
    assert not np.allclose(a[5:], b[5:]), "the changed token and later ones must see it"


@pytest.mark.parametrize("scale", [1, 4])
def test_gpt_scale_multiplies_the_batch(scale):
    # the twins' agreement is test_workloads.py's (every workload); here only the sizes
    assert f"batch {16 * scale} x" in W.gpt(scale=scale).description


def test_cli_lists_and_accepts_the_gpt_workload():
    with pytest.raises(SystemExit, match="choose from mlp cnn lstm gpt tiny matmul"):
        main(["bench", "gpt", "resnet"])
    assert W.TRAINING["gpt"] is W.gpt
