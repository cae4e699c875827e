"""Benchmark: simulated province-years per second on one core.

Run on demand (not a test): ``python benchmarks/bench_movement.py``. The aim is at
least 1,000,000 simulated province-years per second. The figure counts one
province moved one year ahead (all its components, the composite included) as one
province-year; the iterated dynamics make one pass per year, so they are the
honest per-year figure; the persistent dynamics jump a whole horizon in one pass and
are shown for comparison.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"


from timing import best_time as _best_time  # noqa: E402  (benchmarks/timing.py)

import numpy as np  # noqa: E402

from indexmodel.data.peers import default_peers  # noqa: E402
from indexmodel.model.calibration import calibrate  # noqa: E402
from indexmodel.model.panel import build_panel  # noqa: E402
from indexmodel.model.simulation import leave_one_out_ranks, rank_distribution, simulate  # noqa: E402

SIMS = 20_000
YEARS = 2
REPEATS = 5


def best_time(fn, repeats: int = REPEATS) -> float:
    return _best_time(fn, repeats)


def main() -> None:
    peers = default_peers()
    panel = build_panel(peers, "pci")
    X = panel.components(2014, calibrate(panel, "pci", target_year=2014).components)
    X = X.to_numpy()
    n, m = X.shape
    print(f"PCI peers: {n} provinces x {m} sub-indices (2014), {SIMS} simulations, "
          f"{YEARS} years ahead, one thread")
    for dynamics in ("iterate", "persistent"):
        model = calibrate(panel, "pci", target_year=2014, dynamics=dynamics, shift_pool="none")
        for noise in ("normal", "bootstrap"):
            seconds = best_time(lambda: simulate(model, X, YEARS, SIMS, seed=1, noise=noise))
            rate = SIMS * n * YEARS / seconds
            print(f"  simulate ({dynamics:10s}, {noise:9s} noise): {seconds * 1e3:7.1f} ms  "
                  f"{rate:14,.0f} province-years/s")
    model = calibrate(panel, "pci", target_year=2014, shift_pool="none")
    sim = simulate(model, X, YEARS, SIMS, seed=1)
    own = float(np.median(sim))
    seconds = best_time(lambda: rank_distribution(own, sim[:, 1:], goal=20))
    print(f"  rank_distribution over {SIMS} simulations: {seconds * 1e3:.1f} ms")
    seconds = best_time(lambda: leave_one_out_ranks(sim[0], sim[:2000]))
    print(f"  leave_one_out_ranks, 2000 simulations x {n} provinces: {seconds * 1e3:.1f} ms")
    iterate = calibrate(panel, "pci", target_year=2014, dynamics="iterate", shift_pool="none")
    seconds = best_time(lambda: simulate(iterate, X, YEARS, SIMS, seed=1))
    rate = SIMS * n * YEARS / seconds
    verdict = "meets" if rate >= 1_000_000 else "misses"
    print(f"simulated province-years per second (iterated, normal noise): {rate:,.0f} "
          f"({verdict} the aim of 1,000,000)")


if __name__ == "__main__":
    main()
