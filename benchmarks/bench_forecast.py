"""Benchmark: the field model's simulation, province-years per second on one core.

Run on demand (not a test): ``python benchmarks/bench_forecast.py [--sims N]``.
The aim is at least 10,000,000 simulated province-years per second on one core, shown
beside numpy's own normal-draw rate measured in the same run (the floor any simulation
that draws one normal per province-year is held to).

A province-year is one peer's score drawn for one simulated test year. Measured:

- numpy's ``Generator.standard_normal(out=…)`` into a reused buffer (the reference);
- the numpy path of :mod:`indexmodel.model.fastsim`: simulation only (buffers reused in
  place), and simulation + leave-one-out ranks by sorting;
- the numba path (where numba is installed): simulation + ranks in one compiled pass;
- the yearly reshuffle (each simulated year with its own persistence and residual spread;
  numpy path only);
- the leave-one-out ranks alone: the sorting implementation against the quadratic
  comparison the package used before (``sims × n × n``);
- a prepared PCI forecast (real 2013 → 2014 data) through ``FieldForecast.ranks``.

Both paths draw the same stream; the run checks that their ranks agree exactly.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402

from timing import best_time as _best_time  # noqa: E402  (benchmarks/timing.py)

import numpy as np  # noqa: E402

from indexmodel.model import fastsim  # noqa: E402

N = 63
REPEATS = 5


def best_time(fn, repeats: int = REPEATS) -> float:
    return _best_time(fn, repeats)


def quadratic_ranks(own, sim):
    """The package's former leave-one-out ranks: every simulated value against every own
    score (sims × n × n comparisons)."""
    above = sim[:, None, :] > own[None, :, None]
    idx = np.arange(len(own))
    above[:, idx, idx] = False
    return 1 + above.sum(axis=2)


def main(sims: int) -> None:
    rng0 = np.random.default_rng(1)
    w = rng0.standard_normal(N) * 0.9
    sd = np.full(N, 0.45)
    base = 65 + rng0.standard_normal(sims) * 1.8
    gain = np.full(sims, 3.0)
    own = 65 + 3 * rng0.standard_normal(N)
    exclude = np.arange(N)
    work = sims * N
    rows = []

    buf = np.empty((sims, N))
    rng = np.random.default_rng(7)
    rows.append(("numpy standard_normal(out=) (reference)", work / best_time(
        lambda: rng.standard_normal(out=buf))))

    def numpy_simulation():
        y = buf
        rng.standard_normal(out=y)
        y *= sd
        y += w
        y *= gain[:, None]
        y += base[:, None]
    rows.append(("numpy simulation, buffers reused in place", work / best_time(numpy_simulation)))
    rows.append(("numpy simulation + leave-one-out ranks (sorting)", work / best_time(
        lambda: fastsim.numpy_kernel(rng, w, sd, base, gain, own, exclude))))
    same = None
    if fastsim.numba_available():
        rows.append(("numba simulation + ranks (one compiled pass)", work / best_time(
            lambda: fastsim.numba_kernel(rng, w, sd, base, gain, own, exclude))))
        a = fastsim.numpy_kernel(np.random.default_rng(3), w, sd, base, gain, own, exclude)
        b = fastsim.numba_kernel(np.random.default_rng(3), w, sd, base, gain, own, exclude)
        same = bool(np.array_equal(a, b))
    slopes = 0.8 + 0.1 * rng0.standard_normal(sims)            # each simulated year its own
    resid = np.full(sims, 0.2)
    rows.append(("numpy yearly-reshuffle simulation + ranks", work / best_time(
        lambda: fastsim.simulate_ranks_yearly(rng, w / 0.8, np.zeros(N), slopes, resid, base, gain,
                                              own, exclude))))
    y = fastsim.simulate_field(np.random.default_rng(3), w, sd, base, gain)
    small = y[: min(sims, 4000)]
    rows.append(("leave-one-out ranks alone, by sorting", small.size / best_time(
        lambda: fastsim.ranks_among(own, small, exclude))))
    rows.append(("leave-one-out ranks alone, quadratic (before)", small.size / best_time(
        lambda: quadratic_ranks(own, small))))
    assert np.array_equal(fastsim.ranks_among(own, small, exclude), quadratic_ranks(own, small))

    from indexmodel.analysis.backtest import field_panels
    from indexmodel.model.fieldmodel import prepare

    fp = field_panels()["pci"]
    provinces = fp.ranked(2014)
    own14 = fp.column(2014)[np.isfinite(fp.column(2014))]
    fc = prepare(fp, 2013, 2014, provinces)
    rows.append(("PCI 2013→2014 forecast (FieldForecast.ranks, auto kernel)", sims * len(provinces)
                 / best_time(lambda: fc.ranks(own14, np.arange(len(provinces)), sims, [1]))))

    print(f"{sims} simulations x {N} provinces, one thread; simulated province-years per second:")
    for name, rate in rows:
        print(f"  {name:58s} {rate:14,.0f}")
    print(f"numba installed: {fastsim.numba_available()}; numpy and numba ranks identical: {same}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=20_000)
    main(parser.parse_args().sims)
