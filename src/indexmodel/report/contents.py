"""What a yearly run writes beside the reports: the index page and the manifest.

``index.html`` lists the reports (each by the first heading it shows), the figures (each
captioned), the CSV tables and the executed notebooks, every link relative and inside the
report folder; ``run.json`` records the package, the parameters, the inputs and every
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
from ..core.cache import file_digest
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
    "manifest": ("Thông tin lần chạy (tham số, phiên bản, dấu vân tay của số liệu)",
                 "Run details (parameters, versions, fingerprints of the data)"),
    "notebooks": ("Sổ tính đã chạy (mở bằng JupyterLab)", "Executed notebooks (open in JupyterLab)"),
    "back": ("← Mục lục báo cáo", "← Contents of the reports"),
    "vintage": ("Số liệu: kết quả công bố đến năm {year} (bộ số liệu {digest})",
                "Data: results published up to {year} (data set {digest})"),
    "figure_of": ("Hình trong báo cáo “{title}”", "A figure of the report “{title}”"),
    "all_title": ("Báo cáo năm {year} — tất cả các tỉnh", "Reports {year} — every province"),
    "all_intro": ("Mỗi tỉnh, thành phố được xếp hạng năm {year}, phân tích từ số liệu các tỉnh.",
                  "Every province ranked in {year}, analysed from the peer data."),
    "made_by": ("Tạo bởi indexmodel {version}; tham số: số lần mô phỏng {sims}, hạt giống {seed}.",
                "Made by indexmodel {version}; parameters: {sims} simulations, seed {seed}."),
    "peers": ("Tệp số liệu các tỉnh của người dùng: {file}", "Analyst's peer file: {file}"),
    "made_by_all": ("Tạo bởi indexmodel {version}.", "Made by indexmodel {version}."),
}


#: What each kind of report table holds (the file ``NN_kind[_index][_year].csv``).
_TABLES = {
    "overview": ("Tổng quan các chỉ số", "Overview of the indices"),
    "components": ("Các chỉ số thành phần: hiện trạng và chỉ tiêu", "Components: baseline and targets"),
    "leverage": ("Đòn bẩy của các chỉ số thành phần", "Leverage of the components"),
    "odds": ("Xác suất đạt hạng", "Rank odds"),
    "paths": ("Lộ trình ít tốn kém nhất", "Cheapest paths"),
    "settings": ("Các thiết lập chưa kiểm chứng", "Unverified settings"),
    "criteria_change": ("Thay đổi bộ tiêu chí", "Change of the criteria set"),
    "backtest": ("Kiểm định ngược từng cặp năm", "Backtest of every year pair"),
    "deadlines": ("Nhiệm vụ theo thời hạn", "Tasks by deadline"),
    "ownership": ("Cơ quan chịu trách nhiệm", "Responsible agencies"),
    "monitor": ("Theo dõi kết quả", "Release-day review"),
    "rank_change": ("Vì sao thứ hạng thay đổi", "Why the rank moved"),
    "sensitivity": ("Độ nhạy theo thiết lập", "Sensitivity to the settings"),
    "trajectory": ("Điểm tổng hợp và thứ hạng qua các năm", "Composites and ranks over the years"),
    "history": ("Điểm tổng hợp các tỉnh cũ và của đơn vị mới", "Former provinces and the merged unit"),
    "coverage": ("Mức độ đầy đủ của số liệu", "Coverage of the data"),
    "inventory": ("Danh mục số liệu", "Inventory of the data"),
}
_TABLE_INDICES = ("par_index", "papi", "sipas", "pci")


def table_title(name: str, lang: str, fallback: str) -> str:
    """A reader's name for a report table from its file name (``02_odds_papi.csv`` →
    "Xác suất đạt hạng — Chỉ số PAPI"); ``fallback`` where the kind is not known."""
    from ..core.i18n import index_label

    stem = Path(name).stem
    head, _, rest = stem.partition("_")
    rest = rest if head.isdigit() else stem
    year = ""
    if rest[-4:].isdigit() and rest[-5:-4] == "_":
        rest, year = rest[:-5], rest[-4:]
    index = next((i for i in _TABLE_INDICES if rest.endswith("_" + i)), None)
    if index:
        rest = rest[:-len(index) - 1]
    if rest not in _TABLES:
        return fallback
    title = _TABLES[rest][0 if lang == "vi" else 1]
    if index:
        title += " — " + index_label(index, lang)
    return title + (f", {year}" if year else "")


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


def page_text(key: str, lang: str, **values) -> str:
    """A sentence of the index pages and of the reports' navigation line, in ``lang``."""
    return _page(key, lang, **values)


def data_vintage(lang: str) -> str:
    """The data a run rests on: the latest year of the shipped published results, and a
    short digest of the shipped tables (it changes when any of them changes)."""
    digest = hashlib.sha256()
    for folder in ("peers", "plan"):
        for p in sorted((data_dir() / folder).glob("*.csv")):
            digest.update(p.name.encode() + b"\0" + sha256(p).encode())
    from ..data.peers import default_results

    year = int(default_results()["year"].max())
    return _page("vintage", lang, year=year, digest=digest.hexdigest()[:10])


def figure_caption(png: Path) -> str | None:
    """The caption a figure carries in its PNG (its title, written by the plots)."""
    try:
        from PIL import Image

        with Image.open(png) as image:
            text = getattr(image, "text", {}) or {}
        caption = (text.get("Title") or text.get("Description") or "").strip()
        return caption or None
    except Exception:  # not a PNG we wrote: the caller falls back to its report's title
        return None


_STYLE = ("<style>body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;"
          "padding:0 1em;line-height:1.5}h1{font-size:1.5em}li{margin:.2em 0}"
          "figure{display:inline-block;width:18em;margin:.3em;vertical-align:top}"
          "figure img{max-width:100%;border:1px solid #ddd}"
          "figcaption{font-size:.85em;color:#333}</style>")


def _write_index(plan: RunPlan, unit: Path, runs: list[NotebookRun]) -> None:
    """``index.html`` of one report folder: every link relative and inside the folder."""
    import nbformat

    from .runner import FIGURES, INDEX_PAGE, MANIFEST, _notebook_title

    lang, reports = plan.lang, unit / "reports"
    name = plan.province.name(lang)
    esc = html.escape
    items, titles, books = [], {}, []
    for r in runs:
        nb = nbformat.read(str(reports / r.notebook), as_version=4)
        title = _notebook_title(nb) or Path(r.notebook).stem
        titles[Path(r.notebook).stem.split("_")[0]] = title
        items.append(f'<li><a href="{esc(r.html.name)}">{esc(title)}</a></li>')
        books.append(f'<li><a href="{esc(r.notebook)}">{esc(title)}</a></li>')
    figures = reports / FIGURES
    pngs = sorted(figures.rglob("*.png")) if figures.is_dir() else []
    csvs = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.csv"))
    intro = (_page("intro", lang, baseline=plan.baseline_year, year=plan.year)
             if plan.baseline_year != plan.year else _page("intro_year", lang, year=plan.year))
    heading = _page("title", lang, year=plan.year, province=name)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(heading)}</title>", _STYLE, "</head><body>",
        f"<h1>{esc(heading)}</h1>",
        f"<p>{esc(intro)}</p>",
        f"<p><small>{esc(data_vintage(lang))}</small></p>",
    ]
    which = merger_sentence(plan.province, plan.year, lang)
    if which:
        parts.append(f"<p>{esc(which)}</p>")
    parts += [f"<h2>{esc(_page('reports', lang))}</h2><ul>", *items, "</ul>"]
    if pngs:
        parts.append(f"<h2>{esc(_page('figures', lang))}</h2><div>")
        for png in pngs:
            rel = png.relative_to(reports).as_posix()
            caption = figure_caption(png) or _page(
                "figure_of", lang, title=titles.get(png.stem.split("_")[0], heading))
            parts.append(f'<figure><a href="{esc(rel)}"><img src="{esc(rel)}" '
                         f'alt="{esc(caption)}"></a><figcaption>{esc(caption)}</figcaption></figure>')
        parts.append("</div>")
    if csvs:
        parts.append(f"<h2>{esc(_page('tables', lang))}</h2><ul>")
        for c in csvs:
            owner = titles.get(Path(c).stem.split("_")[0], heading)
            parts.append(f'<li><a href="{esc(c)}">{esc(table_title(c, lang, owner))}</a></li>')
        parts.append("</ul>")
    parts += [f"<h2>{esc(_page('notebooks', lang))}</h2><ul>", *books, "</ul>"]
    parts.append(f'<p><a href="{MANIFEST}">{esc(_page("manifest", lang))}</a></p>')
    footer = _page("made_by", lang, version=__version__, sims=plan.sims, seed=plan.seed)
    if plan.peers_file:
        footer += " " + _page("peers", lang, file=plan.peers_file.name)
    parts.append(f"<p><small>{esc(footer)}</small></p></body></html>")
    (reports / INDEX_PAGE).write_text("\n".join(parts) + "\n", encoding="utf-8")


def write_overall_index(folder: Path, year: int, lang: str, units: list) -> Path:
    """One ``index.html`` over the report folders of every province of a run
    (``reports/<year>/all/<lang>/``): links to ``../../<province>/<lang>/index.html``;
    ``units`` the (folder name, province) pairs."""
    from .runner import INDEX_PAGE

    esc = html.escape
    heading = _page("all_title", lang, year=year)
    rows = [f'<li><a href="../../{esc(slug)}/{esc(lang)}/{INDEX_PAGE}">{esc(province.name(lang))}'
            "</a></li>" for slug, province in sorted(units, key=lambda u: u[1].name(lang))]
    parts = ["<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
             f"<title>{esc(heading)}</title>", _STYLE, "</head><body>",
             f"<h1>{esc(heading)}</h1>", f"<p>{esc(_page('all_intro', lang, year=year))}</p>",
             f"<p><small>{esc(data_vintage(lang))}</small></p>", "<ul>", *rows, "</ul>",
             f"<p><small>{esc(_page('made_by_all', lang, version=__version__))}</small></p>",
             "</body></html>"]
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / INDEX_PAGE
    page.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return page


sha256 = file_digest   # a file's SHA-256 (the name the manifests and callers use)


def _write_manifest(plan: RunPlan, unit: Path, runs: list[NotebookRun], seconds: float) -> None:
    from .runner import MANIFEST, _targets

    files = []
    for kind, target in _targets(plan):
        folder = unit / Path(kind).name
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
        "lang": plan.lang,
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
    (unit / "reports" / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
