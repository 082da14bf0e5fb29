"""Percentiles of measured times (the benchmark: ``bench_search`` and ``bench/run.py``, which runs outside
Django and imports only this module)."""


def percentile(values, p):
    """The ``p``-th percentile of ``values``, interpolated between the two nearest ranks."""
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)
