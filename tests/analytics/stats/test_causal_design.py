"""The fast linear algebra under ``analytics.stats.causal``: the indicator design's products and
weighted Gram matrix equal the dense matrix computations (numpy, written out), and ``_solve``
equals the pseudo-inverse solution on positive definite and singular matrices alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.stats import causal as sc


def _design(seed: int, rows: int, sizes: tuple[int, ...]):
    rng = np.random.default_rng(seed)
    codes = np.column_stack([rng.integers(0, s, rows) for s in sizes])
    weight = rng.random(rows) * 10
    return sc._dummies(codes, sizes, weight), rng


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 80),
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=5).map(tuple),
)
def test_the_design_products_equal_the_dense_ones(seed, rows, sizes):
    x, rng = _design(seed, rows, sizes)
    dense = x.toarray()
    # Intercept plus one indicator per level present but the reference, each row one per block.
    assert np.all(dense[:, 0] == 1)
    assert dense.shape[1] == x.width
    b = rng.normal(size=x.width)
    v = rng.normal(size=rows)
    w = rng.random(rows)
    np.testing.assert_allclose(x.dot(b), dense @ b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.tdot(v), dense.T @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.gram(w), dense.T @ (dense * w[:, None]), rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    rows=st.integers(1, 60),
    extra_rows=st.integers(1, 120),
    sizes=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
)
def test_the_pattern_design_equals_the_materialised_rows(seed, rows, extra_rows, sizes):
    xc, rng = _design(seed, rows, sizes)
    cell = rng.integers(0, rows, extra_rows)
    extra = rng.integers(0, 2, extra_rows).astype(float)
    x = sc._CellDesign(xc, cell, extra)
    dense = np.column_stack([xc.toarray()[cell], extra])
    np.testing.assert_array_equal(x.toarray(), dense)
    b = rng.normal(size=x.width)
    v = rng.normal(size=extra_rows)
    w = rng.random(extra_rows)
    np.testing.assert_allclose(x.dot(b), dense @ b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.tdot(v), dense.T @ v, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.gram(w), dense.T @ (dense * w[:, None]), rtol=1e-12, atol=1e-12)


def test_solve_equals_the_pseudo_inverse_on_definite_and_singular_matrices():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(50, 8))
    m = a.T @ a
    b = rng.normal(size=8)
    np.testing.assert_allclose(sc._solve(m, b), np.linalg.pinv(m) @ b, rtol=1e-10)
    # Two equal columns (collinear levels): singular; the minimum-norm solution, as before.
    a[:, 5] = a[:, 4]
    m = a.T @ a
    np.testing.assert_allclose(sc._solve(m, b), np.linalg.pinv(m) @ b, rtol=1e-8, atol=1e-10)
    assert np.all(np.isfinite(sc._solve(np.zeros((3, 3)), np.ones(3))))


def test_categorical_covariates_code_as_their_text_does():
    text = pd.Series(["b", "a", "c", "a", "b"], dtype="str")
    categorical = pd.Series(pd.Categorical(text, categories=["a", "b", "c", "d"]))
    codes_text, levels_text = sc._codes(text)
    codes_cat, levels_cat = sc._codes(categorical)
    np.testing.assert_array_equal(codes_text, codes_cat)
    assert list(levels_text) == list(levels_cat[:3])
    # Unsorted categories are not taken as they are.
    shuffled = pd.Series(pd.Categorical(text, categories=["c", "a", "b"]))
    codes_shuffled, levels_shuffled = sc._codes(shuffled)
    np.testing.assert_array_equal(codes_shuffled, codes_text)
    assert list(levels_shuffled) == ["a", "b", "c"]
