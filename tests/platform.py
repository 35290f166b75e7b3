"""What a test needs of the platform, as skip marks that say so.

`bit_exact_blas`: the batch of rnn.batch gives each model its lone run's weights to the last bit
because OpenBLAS, as NumPy's wheels carry it, computes the batched and the lone products with the
same order of additions; another BLAS (Apple's Accelerate in NumPy's macOS wheels, MKL) may round
one of them differently, and a difference grows over thousands of iterations. Such a test runs
where NumPy's BLAS is OpenBLAS and is skipped elsewhere with that reason; the agreement to
rounding is checked everywhere by the others.
"""
import numpy as np
import pytest


def blas_name():
    """The BLAS NumPy was built with, as NumPy reports it ('scipy-openblas', 'accelerate', ...)."""
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except (KeyError, TypeError):
        return "unknown"


bit_exact_blas = pytest.mark.skipif(
    "openblas" not in blas_name().lower(),
    reason=f"bit for bit needs NumPy built with OpenBLAS (this NumPy: {blas_name()})")
