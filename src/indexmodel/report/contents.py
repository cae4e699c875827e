"""What a yearly run writes beside the reports: the index page and the manifest.

``index.html`` lists the reports (each by the first heading it shows), the figures and
the CSV tables; ``run.json`` records the package, the parameters, the inputs and every
output file with its size and SHA-256. Both are written into the staging folder by
:func:`indexmodel.report.runner.run` before it moves the run into place.
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..core.paths import data_dir

if TYPE_CHECKING:
    from .runner import NotebookRun, RunPlan


# -- the index page and the manifest -----------------------------------------------------
_PAGE = {
    "title": ("Báo cáo năm {year} — {province}", "Reports {year} — {province}"),
    "intro": ("Phân tích các chỉ số PAPI, SIPAS, PAR INDEX và PCI: kết quả năm {baseline}, "
              "chỉ tiêu năm {year}.",
              "Analysis of PAPI, SIPAS, PAR INDEX and PCI: {baseline} results, {year} targets."),
    "intro_year": ("Phân tích các chỉ số năm {year} từ số liệu các tỉnh.",
                   "Analysis of the indices in {year} from the peer data."),
    "former": ("{province}: phân tích của tỉnh cũ theo kế hoạch của tỉnh (chỉ tiêu năm {year} đặt cho "
               "{name}); báo cáo \"Tỉnh sau sắp xếp\" trình bày đơn vị mới.",
               "{province}: the analysis of the former province, as its plan set the {year} goals; the "
               "report \"The merged province\" shows the new unit."),
    "unit": ("{province}.", "{province}."),
    "reports": ("Báo cáo", "Reports"),
    "figures": ("Biểu đồ", "Figures"),
    "tables": ("Bảng số liệu (CSV)", "Tables (CSV)"),
    "manifest": ("Thông tin lần chạy (run.json)", "Run details (run.json)"),
    "made_by": ("Tạo bởi indexmodel {version}; tham số: số lần mô phỏng {sims}, hạt giống {seed}.",
                "Made by indexmodel {version}; parameters: {sims} simulations, seed {seed}."),
    "peers": ("Tệp số liệu các tỉnh của người dùng: {file}", "Analyst's peer file: {file}"),
}


def _page(key: str, lang: str, **values) -> str:
    vi, en = _PAGE[key]
    return (vi if lang == "vi" else en).format(**values)


def merger_sentence(province, year: int, lang: str) -> str | None:
    """Which province a run is of, where the 2025 merger makes it a question: the former
    province of the plan after its merger ("the analysis of the former province"), or a
    unit formed in 2025 (its former provinces); None otherwise."""
    from ..data.provinces import describe, is_merged_unit

    if not province.exists_in(year):
        return _page("former", lang, province=describe(province, lang), year=year,
                     name=province.name(lang))
    if is_merged_unit(province):
        return _page("unit", lang, province=describe(province, lang))
    return None


def _write_index(plan: RunPlan, stage: Path, runs: list[NotebookRun]) -> None:
    import nbformat

    from .runner import INDEX_PAGE, MANIFEST, _notebook_title

    lang, reports, figures = plan.lang, stage / "reports", stage / "figures"
    name = plan.province.name(lang)
    esc = html.escape
    items = []
    for r in runs:
        nb = nbformat.read(str(stage / "executed" / r.notebook), as_version=4)
        title = _notebook_title(nb) or Path(r.notebook).stem
        items.append(f'<li><a href="{esc(r.html.name)}">{esc(title)}</a></li>')
    pngs = sorted(p.relative_to(figures).as_posix() for p in figures.rglob("*.png"))
    rel = f"../../../figures/{plan.year}/{plan.slug}/"
    csvs = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.csv"))
    intro = (_page("intro", lang, baseline=plan.baseline_year, year=plan.year)
             if plan.baseline_year != plan.year else _page("intro_year", lang, year=plan.year))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(_page('title', lang, year=plan.year, province=name))}</title>",
        "<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;"
        "padding:0 1em;line-height:1.5}h1{font-size:1.5em}li{margin:.2em 0}"
        "img{max-width:18em;border:1px solid #ddd;margin:.3em;vertical-align:top}</style></head><body>",
        f"<h1>{esc(_page('title', lang, year=plan.year, province=name))}</h1>",
        f"<p>{esc(intro)}</p>",
    ]
    which = merger_sentence(plan.province, plan.year, lang)
    if which:
        parts.append(f"<p>{esc(which)}</p>")
    parts += [f"<h2>{esc(_page('reports', lang))}</h2><ul>", *items, "</ul>"]
    if pngs:
        parts.append(f"<h2>{esc(_page('figures', lang))}</h2><div>")
        parts += [f'<a href="{esc(rel + p)}"><img src="{esc(rel + p)}" alt="{esc(p)}"></a>'
                  for p in pngs]
        parts.append("</div>")
    if csvs:
        parts.append(f"<h2>{esc(_page('tables', lang))}</h2><ul>")
        parts += [f'<li><a href="{esc(c)}">{esc(c)}</a></li>' for c in csvs]
        parts.append("</ul>")
    parts.append(f'<p><a href="{MANIFEST}">{esc(_page("manifest", lang))}</a></p>')
    footer = _page("made_by", lang, version=__version__, sims=plan.sims, seed=plan.seed)
    if plan.peers_file:
        footer += " " + _page("peers", lang, file=plan.peers_file.name)
    parts.append(f"<p><small>{esc(footer)}</small></p></body></html>")
    (reports / INDEX_PAGE).write_text("\n".join(parts) + "\n", encoding="utf-8")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(plan: RunPlan, stage: Path, runs: list[NotebookRun], seconds: float) -> None:
    from .runner import MANIFEST, _targets

    files = []
    for kind, target in _targets(plan):
        folder = stage / kind
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.name != MANIFEST:
                files.append({"path": (target / p.relative_to(folder)).relative_to(plan.home)
                              .as_posix(), "bytes": p.stat().st_size, "sha256": sha256(p)})
    inputs = []
    for folder in ("plan", "peers"):
        for p in sorted((data_dir() / folder).glob("*.csv")):
            inputs.append({"path": p.as_posix(), "sha256": sha256(p)})
    if plan.peers_file:
        inputs.append({"path": plan.peers_file.as_posix(), "sha256": sha256(plan.peers_file),
                       "analyst_file": True})
    manifest = {
        "package": "indexmodel",
        "version": __version__,
        "python": sys.version.split()[0],
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 1),
        "province": {"name_en": plan.province.name_en, "name_vi": plan.province.name_vi,
                     "slug": plan.slug},
        "year": plan.year,
        "basis": plan.basis,
        "parameters": {k: v for k, v in plan.parameters(Path("."), Path(".")).items()
                       if k not in ("figures_dir", "tables_dir")},
        "outputs": {"reports": plan.reports_dir.relative_to(plan.home).as_posix(),
                    "figures": plan.figures_dir.relative_to(plan.home).as_posix()},
        "notebooks": [{"name": r.notebook, "seconds": round(r.seconds, 2),
                       "sha256": sha256(next(p for p in plan.notebooks if p.name == r.notebook)),
                       "html": r.html.name} for r in runs],
        "inputs": inputs,
        "files": files,
    }
    (stage / "reports" / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
