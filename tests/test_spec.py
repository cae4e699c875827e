"""The index specifications: every era loads, its arithmetic is right, bad specs are refused."""

import shutil
from pathlib import Path

import pytest

from indexmodel.core.errors import DataUnavailableError, SpecError
from indexmodel.core.paths import specs_dir
from indexmodel.data.spec import INDICES, load_specs, load_correspondences


@pytest.fixture(scope="module")
def book():
    return load_specs()


def test_every_index_has_eras_and_no_gaps_from_first_year(book):
    for index in INDICES:
        eras = sorted(book.eras(index), key=lambda s: s.valid_from)
        assert eras, index
        for a, b in zip(eras, eras[1:]):
            assert a.valid_to is not None and a.valid_to + 1 == b.valid_from, (a.era, b.era)
        assert eras[-1].valid_to is None  # the latest era is open-ended


@pytest.mark.parametrize("year,era,weights", [
    (2007, "pci_2006_2008", {"transparency": .15, "labor_training": .15, "policy_bias": .05}),
    (2010, "pci_2009_2012", {"transparency": .20, "time_costs": .15, "entry_costs": .10}),
    (2021, "pci_2013_2021", {"transparency": .20, "business_support": .20, "time_costs": .05}),
    (2023, "pci_2022_on", {"transparency": .05, "business_support": .15, "proactivity": .15,
                           "informal_charges": .15, "labor_training": .10, "land_access": .10}),
])
def test_pci_weights_per_era(book, year, era, weights):
    spec = book.spec_for("pci", year)
    assert spec.era == era
    for component, weight in weights.items():
        assert spec.node(component).weight == pytest.approx(weight)
    assert sum(spec.node(c).weight for c in spec.top_components) == pytest.approx(1.0)
    # composite points per unit of a sub-index: 10 x weight
    assert spec.coefficient("transparency") == pytest.approx(10 * weights["transparency"])


def test_pci_2009_2012_has_no_policy_bias_and_2011_is_published_only(book):
    spec = book.spec_for("pci", 2011)
    assert not spec.has("policy_bias")
    assert spec.is_published_only(2011) and not spec.is_published_only(2012)
    assert book.spec_for("pci", 2005).is_published_only(2005)
    assert book.spec_for("pci", 2005).has("policy_consistency")


def test_pci_component_ids(book):
    assert book.spec_for("pci", 2024).top_components == (
        "entry_costs", "land_access", "transparency", "time_costs", "informal_charges",
        "policy_bias", "proactivity", "business_support", "labor_training", "legal_institutions")


def test_papi_eras(book):
    old = book.spec_for("papi", 2012)
    new = book.spec_for("papi", 2023)
    assert len(old.top_components) == 6 and len(new.top_components) == 8
    assert new.top_components[-2:] == ("environmental_governance", "e_governance")
    assert (new.root.min, new.root.max) == (8, 80)
    assert sum(len(new.children(d)) for d in new.top_components) == 28
    # sub-dimension maxima are 10 / number of sub-dimensions in the dimension
    for dim in new.top_components:
        for sub in new.children(dim):
            assert new.node(sub).max == pytest.approx(10 / len(new.children(dim)), abs=1e-4)
    assert book.spec_for("papi", 2016).leaves == book.spec_for("papi", 2016).top_components


def test_unverified_specs_are_labelled(book):
    sipas = book.spec_for("sipas", 2023)
    par = book.spec_for("par_index", 2023)
    assert not sipas.verified and not par.verified
    assert set(sipas.top_components) == {"policy", "public_services"}
    assert len(sipas.children("policy")) == 4 and len(sipas.children("public_services")) == 5
    assert len(par.top_components) == 8
    assert par.root.rule == "points_to_percent"
    assert set(par.unverified_weights) == set(par.top_components)
    assert book.spec_for("pci", 2023).unverified_weights == ()
    # from 2022 the PCI weights are fitted from published figures: settings with one value
    pci = book.spec_for("pci", 2023)
    assert set(pci.fitted_weights) == set(pci.top_components) and not pci.verified
    assert all("fitted from published figures" in pci.node(c).source for c in pci.top_components)
    assert book.spec_for("pci", 2021).fitted_weights == () and book.spec_for("pci", 2021).verified


def test_no_era_for_year(book):
    with pytest.raises(DataUnavailableError, match="no sipas methodology era covers 2019"):
        book.spec_for("sipas", 2019)
    with pytest.raises(DataUnavailableError, match="unknown index"):
        book.spec_for("pgi", 2023)


def test_with_weights_is_a_cheap_copy(book):
    spec = book.spec_for("par_index", 2023)
    heavy = spec.with_weights({"reform_impact": 25})
    assert spec.node("reform_impact").weight == 12.5
    assert heavy.coefficient("reform_impact") == pytest.approx(25 / (7 * 12.5 + 25))
    with pytest.raises(SpecError, match="positive"):
        spec.with_weights({"reform_impact": -1})
    pci = book.spec_for("pci", 2023)
    with pytest.raises(SpecError, match="add up to"):
        pci.with_weights({"transparency": 0.3})


# -- bad spec files ------------------------------------------------------------------
@pytest.fixture()
def spec_copy(tmp_path):
    folder = tmp_path / "specs"
    shutil.copytree(specs_dir(), folder)
    return folder


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_shipped_specs_copy_loads(spec_copy):
    assert len(load_specs(spec_copy).specs) == len(load_specs().specs)


@pytest.mark.parametrize("file,old,new,message,row", [
    ("pci_2013_2021.csv", "land_access,pci,", "land_access,nowhere,",
     "parent 'nowhere' of 'land_access' is not a component", 4),
    ("pci_2013_2021.csv", "land_access,pci,Tiếp", "entry_costs,pci,Tiếp",
     "duplicate component 'entry_costs' (first on row 3)", 4),
    ("pci_2013_2021.csv", "Land access and security of tenure,0.05,", "Land access and security of tenure,,",
     "missing weight for 'land_access'", 4),
    ("pci_2013_2021.csv", "Land access and security of tenure,0.05,", "Land access and security of tenure,0.15,",
     "add up to 1.1, not 1", 2),
    ("pci_2013_2021.csv", "Entry costs,0.05,,,0,10", "Entry costs,0.05,,,0,-1",
     "min 0 is not below max -1", 3),
    ("pci_2013_2021.csv", ",0,100,weighted_sum,", ",0,100,weighted_median,",
     "unknown rule 'weighted_median'", 2),
    ("pci_2013_2021.csv", "Entry costs,0.05,", "Entry costs,five,", "'five' is not a number", 3),
    ("sipas_2023_on.csv", "Quality of policies,1,0.5,2", "Quality of policies,3,0.5,2",
     "must lie within", 6),
    ("papi_2018_on.csv", ",1,10,sum,,0.021", ",1,9,sum,,0.021",
     "the children of 'participation' give 1..10, outside its range 1..9", 3),
    # PAR INDEX from 2024: the areas' maximum points keep the stated total of 100
    ("par_index_2024_on.csv", "Institutional reform,12.916667,", "Institutional reform,14,",
     "add up to 101.083, not its children_total 100", 2),
])
def test_bad_spec_file_is_refused_with_file_and_row(spec_copy, file, old, new, message, row):
    edit(spec_copy / file, old, new)
    with pytest.raises(SpecError) as err:
        load_specs(spec_copy)
    assert message in str(err.value)
    assert file in str(err.value)
    assert f"row {row}" in str(err.value)


@pytest.mark.parametrize("old,new,message", [
    ("pci_2013_2021,pci,2013,2021", "pci_2013_2021,pci,2012,2021", "overlaps era 'pci_2009_2012'"),
    ("sipas_2023_on,sipas,", "sipas_2023_on,pgi,", "unknown index 'pgi'"),
    ("pci_2005,pci,2005,2005,pci_2005.csv,pci,2005,", "pci_2005,pci,2005,2005,pci_2005.csv,pci,2004,",
     "published-only year 2004 is outside the era"),
    ("pci_2006_2008,pci,2006,2008", "pci_2006_2008,pci,2006,2003", "valid_to 2003 is before"),
])
def test_bad_era_table_is_refused(spec_copy, old, new, message):
    edit(spec_copy / "eras.csv", old, new)
    with pytest.raises(SpecError, match=message) as err:
        load_specs(spec_copy)
    assert "eras.csv" in str(err.value) and "row" in str(err.value)


def test_par_index_eras_and_the_2024_total(book):
    old, new = book.spec_for("par_index", 2023), book.spec_for("par_index", 2024)
    assert (old.era, old.valid_to, new.era, new.valid_to) == ("par_index_2022_2023", 2023,
                                                              "par_index_2024_on", None)
    assert new.root.children_total == 100 and len(new.top_components) == 8
    known = {i: new.node(i).weight for i in new.top_components if i not in new.unverified_weights}
    assert known == {"area_direction": 9.5, "area_procedures": 13.0}
    assert sum(new.node(i).weight for i in new.top_components) == pytest.approx(100, abs=1e-4)
    assert "68" in new.note_in("en") and "32" in new.note_in("vi") and new.note_in("vi") != new.note
    with pytest.raises(SpecError, match="children_total 100"):
        new.with_weights({"area_impact": 20.0})  # a setting keeps the total
    # every era's note has its Vietnamese counterpart (eras.csv note_vi)
    for spec in book.specs:
        assert bool(spec.note) == bool(spec.note_vi), spec.era
    assert old.note_in("vi") != old.note and "điểm tối đa" in old.note_in("vi")
    import dataclasses
    assert dataclasses.replace(old, note_vi="").note_in("vi") == old.note  # none given: English


def test_correspondences_between_eras(spec_copy):
    rows = load_correspondences()
    assert [r["correspondence"] for r in rows].count("same_area") == 2
    assert {r["old_component"] for r in rows} == set(load_specs().spec_for("par_index", 2023).top_components)
    assert all(r["note_vi"] and r["note_en"] and r["source"] for r in rows)
    edit(spec_copy / "par_index_2022_to_2024.csv", "reform_impact,par_index_2024_on,area_impact",
         "reform_impact,par_index_2024_on,area_impakt")
    with pytest.raises(SpecError, match="'area_impakt' is not a component of era par_index_2024_on") as err:
        load_correspondences(spec_copy)
    assert "par_index_2022_to_2024.csv" in str(err.value) and "row 9" in str(err.value)
