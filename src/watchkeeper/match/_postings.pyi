"""Types of the compiled candidate search (`_postings.pyx`)."""

import numpy as np
import numpy.typing as npt

def add_token_credit(
    scores: npt.NDArray[np.float32],
    stamp: npt.NDArray[np.int32],
    token_number: int,
    postings: list[tuple[npt.NDArray[np.int32], float]],
    weight: float,
    first_number: int,
    touched: npt.NDArray[np.int32],
    count: int,
) -> int: ...
