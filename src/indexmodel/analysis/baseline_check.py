"""Is the province's own baseline composite consistent with its published rank?

The plan states component values and a rank, never a composite: the composite is
recomputed from the components. This check places that composite among the year's real
peers (exactly where every peer is known; among the published anchors alone otherwise)
and says whether the published rank lies where it places, and

- where the peer tables hold another figure for the province itself (PAPI 2023: UNDP's
  file gives 43.5718 where the plan's dimensions add up to 43.45), places that figure
  too and says which figure each result uses;
- where the era's weights are fitted from published figures (PCI from 2022), places the
  composite the previous era's weights would give, to show how much rests on the fit
  (Bình Định PCI 2023: 67.45 places 25th-30th among the published anchors, consistent
  with its 25th; 66.26 under the 2013-2021 weights could not be 25th).

Indices whose composite rests on unverified settings with a plausible range (SIPAS,
PAR INDEX) are left to the settings' own consistency analysis.
"""

from __future__ import annotations

import math

from ..core.errors import DataUnavailableError
from ..core.i18n import index_label, translate
from ..data.provinces import resolve
from ..data.spec import SpecBook
from ..model.ranking import RankInterval
from ..model.scoring import score

LABELS = {
    "placed": ("{index} {year}: điểm tổng hợp {value:.2f} của {name} (tính từ các thành phần "
               "trong kế hoạch) xếp hạng {where} trong số các tỉnh {among}",
               "{index} {year}: {name}'s composite {value:.2f} (computed from the plan's "
               "components) places at rank {where} among {among}"),
    "among.full": ("của bảng đầy đủ năm {year}", "the full {year} table"),
    "among.anchors": ("có điểm và thứ hạng công bố năm {year} (không giả định gì thêm)",
                      "the provinces with a published {year} score and rank (nothing assumed)"),
    "consistent": ("phù hợp với thứ hạng công bố {rank}.", "consistent with its published rank {rank}."),
    "inconsistent": ("không phù hợp với thứ hạng công bố {rank}.",
                     "not consistent with its published rank {rank}."),
    "other_figure": ("Bảng số liệu của các tỉnh ghi cho {name} điểm {value:.4f}, xếp hạng {where}.",
                     "The peer tables give {name} {value:.4f}, which places at rank {where}."),
    "uses_plan": ("Điểm tổng hợp, mức tăng, đòn bẩy, xác suất và lộ trình ít tốn kém nhất tính từ số "
                  "liệu của kế hoạch ({plan:.2f} → chỉ tiêu); các tỉnh khác lấy từ bảng số liệu "
                  "(trong đó {name} có {other:.2f}).",
                  "Composites, gains, leverage, odds and the cheapest path start from the plan's "
                  "figures ({plan:.2f} and its targets); the peers come from the peer tables "
                  "(which give {name} {other:.2f})."),
    "fitted": ("Trọng số {index} từ năm {valid_from} được ước lượng từ số liệu công bố (chưa có văn bản "
               "của VCCI); với trọng số giai đoạn trước ({era_years}), điểm của {name} là {value:.2f}, "
               "xếp hạng {where}: {verdict}",
               "The {index} weights from {valid_from} are fitted from published figures (no VCCI text "
               "states them); under the weights of {era_years} {name} would score {value:.2f}, placing at "
               "rank {where}: {verdict}"),
    "evidence": ("Trọng số {index} từ năm {valid_from}: ước lượng từ {n} hồ sơ tỉnh năm {fit_year} có "
                 "đủ chỉ số thành phần và điểm tổng hợp công bố; sai số lớn nhất {max_resid:.3f} điểm "
                 "(làm tròn 2 chữ số); kiểm tra ngoài mẫu: {checks}; không dùng: {excluded}.",
                 "{index} weights from {valid_from}: fitted to the {n} province profiles of "
                 "{fit_year} with every sub-index and the composite published; largest residual "
                 "{max_resid:.3f} points (2-decimal rounding); out-of-sample checks: {checks}; not "
                 "used: {excluded}."),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


def _interval(place: RankInterval) -> dict:
    return {"low": int(place.low), "high": int(place.high)}


def _where(place: RankInterval) -> str:
    return f"{place.low}" if place.low == place.high else f"{place.low}–{place.high}"


def baseline_check(analysis, book: SpecBook) -> dict | None:
    """The check for one plan analysis (:func:`indexmodel.analysis.for_plan`), or None
    where the field or the published rank is missing or the composite rests on
    unverified settings with a range."""
    spec = analysis.spec
    fld = analysis.field
    rank = fld.own_rank
    if spec.unverified_weights or rank is None or fld.national is None:
        return None
    value = analysis.composite
    if not math.isfinite(value):
        return None
    placer = fld.national if fld.coverage == "full" else fld.guaranteed
    if placer is None:
        return None
    among = "full" if fld.coverage == "full" else "anchors"
    province = resolve(analysis.province)
    year = analysis.year
    place = placer.place(value)
    ok = place.covers(int(rank))
    out: dict = {"composite": round(value, 4), "published_rank": int(rank),
                 "placement": _interval(place), "placement_among": among, "consistent": bool(ok)}
    text = {}
    for lang in ("vi", "en"):
        name = province.name(lang)
        text[lang] = [_t("placed", lang, index=index_label(spec.index, lang), year=year, value=value,
                         name=name, where=_where(place),
                         among=_t(f"among.{among}", lang, year=year)) + "; "
                      + _t("consistent" if ok else "inconsistent", lang, rank=rank)]
    other = _other_figure(analysis)
    if other is not None:
        o_value, o_source = other
        o_place = placer.place(o_value)
        out["peer_table_composite"] = {"composite": round(o_value, 4), "source": o_source,
                                       "placement": _interval(o_place),
                                       "consistent": bool(o_place.covers(int(rank)))}
        out["uses"] = "plan"
        for lang in ("vi", "en"):
            name = province.name(lang)
            text[lang].append(_t("other_figure", lang, name=name, value=o_value,
                                 where=_where(o_place)))
            text[lang].append(_t("uses_plan", lang, plan=value, name=name, other=o_value))
    if spec.fitted_weights:
        alt = _previous_weights(analysis, book)
        if alt is not None:
            a_value, a_era = alt
            a_place = placer.place(a_value)
            a_ok = a_place.covers(int(rank))
            out["previous_weights"] = {"era": a_era.era, "composite": round(a_value, 4),
                                       "placement": _interval(a_place), "consistent": bool(a_ok)}
            years = f"{a_era.valid_from}–{a_era.valid_to}"
            for lang in ("vi", "en"):
                verdict = _t("consistent" if a_ok else "inconsistent", lang, rank=rank)
                text[lang].append(_t("fitted", lang, index=index_label(spec.index, lang),
                                     valid_from=spec.valid_from, era_years=years,
                                     name=province.name(lang), value=a_value,
                                     where=_where(a_place), verdict=verdict))
    out["text"] = {lang: " ".join(lines) for lang, lines in text.items()}
    return out


def _other_figure(analysis) -> tuple[float, str] | None:
    """The province's own composite in the results table, where it differs from the plan's
    beyond a rounding (PAPI 2023: 43.5718 against 43.45)."""
    results = analysis.results
    if results is None:
        return None
    rows = results[(results["index"] == analysis.index) & (results["year"] == analysis.year)
                   & (results["province"] == analysis.province) & results["composite"].notna()]
    if rows.empty:
        return None
    value = float(rows["composite"].iloc[0])
    if abs(value - analysis.composite) < 0.01:
        return None
    source = str(rows["source"].iloc[0])
    return value, source


def _previous_weights(analysis, book: SpecBook):
    """The composite of the province's values under the previous era's weights, where that
    era has the same top components."""
    spec = analysis.spec
    try:
        prev = book.spec_for(spec.index, spec.valid_from - 1)
    except DataUnavailableError:  # no earlier era
        return None
    if set(prev.top_components) != set(spec.top_components):
        return None
    own = {c: analysis.scored[c] for c in spec.top_components}
    if not all(math.isfinite(v) for v in own.values()):
        return None
    return float(score(prev, own, warn=False).composite), prev


def fitted_weights_evidence(analysis, book: SpecBook) -> dict | None:
    """The fit behind an era's fitted weights (:mod:`indexmodel.model.weight_fit`): the
    weights, every profile's residual and a sentence in each language; None where the
    weights are not fitted."""
    from ..model.weight_fit import fit_weights

    spec = analysis.spec
    if not spec.fitted_weights or analysis.peers is None or analysis.results is None:
        return None
    try:
        prev = book.spec_for(spec.index, spec.valid_from - 1)
    except DataUnavailableError:
        prev = None
    try:
        fit = fit_weights(analysis.peers, analysis.results, spec, previous=prev)
    except DataUnavailableError:
        return None
    prof = fit.profiles
    rows = [{"year": int(r.year), "province": r.province, "published": round(float(r.published), 4),
             "fitted": round(float(r.composite), 4), "residual": round(float(r.residual), 4),
             "role": r.role, "note": r.note} for r in prof.itertuples()]
    checks = prof[prof["role"] == "check"]
    excluded = prof[prof["role"] == "excluded"]
    text = {}
    for lang in ("vi", "en"):
        def name(p):
            return resolve(p).name(lang)
        text[lang] = _t("evidence", lang, index=index_label(spec.index, lang), valid_from=spec.valid_from,
                        n=len(fit.fitted), fit_year=fit.fit_year, max_resid=fit.max_residual,
                        checks=", ".join(f"{name(r.province)} {r.year} {r.residual:+.3f}"
                                         for r in checks.itertuples()) or "—",
                        excluded=", ".join(f"{name(r.province)} {r.year} {r.residual:+.3f}"
                                           for r in excluded.itertuples()) or "—")
    return {"status": "fitted from published figures", "era": spec.era,
            "weights": {c: spec.node(c).weight for c in spec.fitted_weights},
            "least_squares": {c: round(w, 4) for c, w in fit.weights.items()},
            "fit_year": fit.fit_year, "profiles_fitted": int(len(fit.fitted)),
            "max_residual": round(fit.max_residual, 4), "profiles": rows,
            "override": "data/specs/" + spec.file.rsplit("/", 1)[-1] + ", or IndexAnalysis.with_weights",
            "text": text}
