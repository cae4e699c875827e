"""What the benchmarks share: the best of several timed calls."""

import time


def best_time(fn, repeats: int = 5) -> float:
    """The shortest of ``repeats`` timed calls of ``fn`` after one untimed warm-up call
    (which also compiles numba's functions)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)
