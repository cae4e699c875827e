"""Caches keyed by content: a hit for the same content, a miss when the data change."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from indexmodel.core import cache
from indexmodel.core.paths import peers_dir
from indexmodel.data import peers as peers_mod


def test_a_fingerprint_follows_the_content_not_the_object():
    a = pd.DataFrame({"province": ["An Giang", "Bình Định"], "value": [1.0, 2.0]})
    b = a.copy()
    assert cache.fingerprint(a) == cache.fingerprint(b)
    b.loc[1, "value"] = 2.000001
    assert cache.fingerprint(a) != cache.fingerprint(b)
    c = a.rename(columns={"value": "score"})
    assert cache.fingerprint(a) != cache.fingerprint(c)
    assert cache.fingerprint(a, x=1) != cache.fingerprint(a, x=2)
    assert cache.fingerprint(lambda: 1) is None  # not digestible: the call is not cached


def test_the_validated_peer_table_is_read_again_when_its_file_changes(tmp_path):
    path = tmp_path / "components.csv"
    shutil.copyfile(peers_dir() / "components.csv", path)
    info = peers_mod.load_peers.cache_info
    first = peers_mod.load_peers(path)
    before = info()
    again = peers_mod.load_peers(path)
    assert info()["hits"] == before["hits"] + 1 and info()["misses"] == before["misses"]
    pd.testing.assert_frame_equal(first, again)
    again.loc[0, "value"] = -1.0  # a copy: the cached table is not changed through it
    assert peers_mod.load_peers(path).loc[0, "value"] == first.loc[0, "value"]
    # one value changed in the file: a miss, and the new value
    lines = path.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    at = header.index("value")
    old = float(row[at])
    row[at] = f"{old + 0.5:g}" if old + 0.5 <= 100 else f"{old - 0.5:g}"
    path.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    misses = info()["misses"]
    changed = peers_mod.load_peers(path)
    assert info()["misses"] == misses + 1
    assert changed.loc[0, "value"] != first.loc[0, "value"]


def test_an_analysis_is_computed_once_per_inputs_and_again_when_they_change():
    from indexmodel.analysis.index_analysis import _for_plan, for_plan

    info = _for_plan.cache_info
    one = for_plan("papi")
    hits = info()["hits"]
    assert for_plan("papi") is one and info()["hits"] == hits + 1
    table = peers_mod.default_peers()
    row = table.index[(table["index"] == "papi") & (table["year"] == 2022)][0]
    table.loc[row, "value"] = table.loc[row, "value"] * 0.99
    misses = info()["misses"]
    other = for_plan("papi", peers=table)
    assert other is not one and info()["misses"] == misses + 1


def test_a_calibration_is_kept_per_panel():
    from indexmodel.model.calibration import _calibrate_cached, calibrate

    info = _calibrate_cached.cache_info
    table = peers_mod.default_peers()
    first = calibrate(table, "pci")
    hits = info()["hits"]
    assert calibrate(table.copy(), "pci") is first and info()["hits"] == hits + 1
    changed = table.copy()
    rows = changed.index[(changed["index"] == "pci") & (changed["year"] == 2020)]
    changed.loc[rows, "value"] = (changed.loc[rows, "value"] * 1.01).clip(upper=10)
    misses = info()["misses"]
    assert calibrate(changed, "pci") is not first and info()["misses"] == misses + 1


def test_without_caches_every_call_computes(monkeypatch):
    from indexmodel.data.spec import load_specs
    from indexmodel.model.field import year_scores

    peers, results = peers_mod.default_peers(), peers_mod.default_results()
    year_scores("pci", 2014, peers, results, load_specs())
    monkeypatch.setenv(cache.NO_CACHE, "1")
    before = year_scores.cache_info()
    year_scores("pci", 2014, peers, results, load_specs())
    year_scores("pci", 2014, peers, results, load_specs())
    after = year_scores.cache_info()
    assert after["uncached"] == before["uncached"] + 2 and after["hits"] == before["hits"]


@pytest.mark.parametrize("frame", [pd.DataFrame({"a": [[1], [2]]})])
def test_unhashable_cells_are_not_cached(frame):
    assert cache.fingerprint(frame) is None


def test_text_columns_differ_by_where_their_values_split():
    """Text is digested joined by a separator; values holding the separator itself still
    give different digests where they split differently."""
    a = pd.DataFrame({"name": ["a\x1fb", "c"]})
    b = pd.DataFrame({"name": ["a", "b\x1fc"]})
    assert cache.fingerprint(a) != cache.fingerprint(b)
    assert cache.fingerprint(a) == cache.fingerprint(a.copy())
    text = pd.DataFrame({"name": pd.array(["x", "y"], dtype="string")})
    assert cache.fingerprint(text) != cache.fingerprint(text.assign(name=["x", "z"]))


def test_a_kept_table_is_digested_once_and_a_changed_copy_anew():
    """A table a cache hands out shares the kept table's memory (pandas copies on write):
    its columns' digests are the kept ones; a copy changed in place digests anew."""
    @cache.memo(maxsize=2, copy=True)
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"province": [f"p{i}" for i in range(n)],
                             "year": list(range(n)), "value": [i / 3 for i in range(n)]})

    first = table(5)
    deep = first.copy(deep=True)
    assert cache.fingerprint(first) == cache.fingerprint(deep)
    copy = cache.table_copy(first)
    assert cache.fingerprint(copy) == cache.fingerprint(deep)
    copy.loc[2, "value"] = 99.0  # copied on write: the kept memory is not changed
    copy.loc[3, "province"] = "changed"
    changed = deep.copy()
    changed.loc[2, "value"] = 99.0
    changed.loc[3, "province"] = "changed"
    assert cache.fingerprint(copy) == cache.fingerprint(changed) != cache.fingerprint(deep)
    assert cache.fingerprint(table(5)) == cache.fingerprint(deep)
    # a kept table dropped from its cache: its memory is no longer taken as known
    keys = [cache._memory_key(cache._column_values(first, i)) for i in range(3)]
    assert all(key in cache._SHARED_MEMORY for key in keys)
    del first, copy
    table(6), table(7)
    import gc

    gc.collect()
    assert not any(key in cache._SHARED_MEMORY for key in keys)


def test_digests_of_numbers_text_and_indexes_follow_the_content():
    import numpy as np

    a = pd.DataFrame({"x": [1.0, 2.0, 3.0], "t": ["a", "b", "c"]})
    b = a.copy()
    b.index = pd.Index(np.array([0, 1, 2]))  # the same numbers as the range index
    assert cache.fingerprint(a) == cache.fingerprint(b)
    c = a.copy()
    c.index = pd.RangeIndex(1, 4)
    assert cache.fingerprint(a) != cache.fingerprint(c)
    multi = a.set_index(["t", "x"], drop=False)
    assert cache.fingerprint(multi) != cache.fingerprint(multi.iloc[::-1])
    assert cache.fingerprint(a["x"]) != cache.fingerprint(a["x"].rename("y"))
    cat = a.assign(t=a["t"].astype("category"))
    assert cache.fingerprint(cat) != cache.fingerprint(cat.assign(t=cat["t"].cat.rename_categories(["x", "y", "z"])))
