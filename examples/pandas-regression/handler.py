"""Fits a straight line y = intercept + slope * x to the event's points with pandas and numpy.

Needs the pandas layer (python3.11-python3.13). Event: {"x": [...], "y": [...]}.
"""

import numpy as np
import pandas as pd


def handler(event, context):
    frame = pd.DataFrame({"x": event.get("x", []), "y": event.get("y", [])}, dtype="float64")
    frame = frame.dropna()
    if len(frame) < 3:
        raise ValueError("the event needs x and y: numeric arrays of the same length, at least 3 points")
    # Least squares on [1, x]: the same line R's lm(y ~ x) or numpy.polyfit(x, y, 1) gives.
    design = np.column_stack([np.ones(len(frame)), frame["x"].to_numpy()])
    (intercept, slope), *_ = np.linalg.lstsq(design, frame["y"].to_numpy(), rcond=None)
    predicted = intercept + slope * frame["x"]
    residual = ((frame["y"] - predicted) ** 2).sum()
    total = ((frame["y"] - frame["y"].mean()) ** 2).sum()
    return {
        "intercept": round(float(intercept), 10),
        "slope": round(float(slope), 10),
        "r_squared": round(float(1 - residual / total), 10),
        "n": int(len(frame)),
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }
