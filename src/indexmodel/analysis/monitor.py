"""The yearly review the plan asks for when a year's results come out.

The plan (section IV.1c and IV.10) requires that, within 5 working days after the
central agencies publish a year's results, every agency responsible for an index
reviews the components of that index that are **below the national average** or
**fell from the previous year**, and proposes remedies (report to the Department of
Home Affairs). :func:`monitor` prepares that review for one province and year:

For each index with values for the province in ``year`` and for each component at
every level the data has (the composite included):

- the new value and the previous year's value and change — from the peer data (the
  shipped tables plus the analyst's release file), or, for the plan's baseline year,
  from the plan;
- the national average: the plain mean over every province of the year's full peer
  table (all provinces ranked that year; PAPI leaves up to two out), else the
  published national mean (``region_means.csv``, region ``national``; composites
  only), else unknown — never guessed;
- the flags: ``below_average`` (new < national average), ``fell`` (new < previous);
- the agencies responsible (rule :data:`AGENCY_RULE`, below);
- on-track status within the plan's period (baseline year ≤ ``year`` ≤ target year):
  the gain still needed (target − new) against the gain made so far (new −
  baseline), the gain a linear pace would have made by now, and where the still
  needed gain sits among the real changes of that component over the remaining years
  (:func:`indexmodel.model.panel.gain_percentile`; unknown where there is no panel).

Agency rule (:data:`AGENCY_RULE`): an agency answers for a component when the plan's
action table gives it a task on that component (``direct``), on a component above it
other than the whole index (``parent``: a SIPAS area task covers its criteria, a PAPI
dimension task its sub-dimensions), or on a component below it (``sub_component``: a
task on a PAPI sub-dimension makes the agency answer for its dimension). The
composite row lists only the agencies with a task on the whole index (``index``).
Task components are matched by id to the spec of ``year``.

:func:`load_release` lays an analyst's release file over the shipped data and
refuses what cannot be used faithfully; :func:`monitor_command` is the command line
(``indexmodel monitor``).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import DataUnavailableError, IndexModelError, InputFileError, UsageError
from ..core.i18n import check_lang, index_label, translate
from ..core.output import csv_text, write_csv_atomic, write_text_atomic
from ..data.plan import Plan, load_plan
from ..data.provinces import NATIONAL, all_provinces, resolve
from ..data.spec import INDICES, Spec, SpecBook, load_specs
from ..model.field import Note, year_scores
from ..model.scoring import score, score_peers
from ..model.settings import composite_range

#: PAPI leaves provinces out of a year's ranking when their survey error is too large
#: (two in 2014 and 2023): without a published count of ranked provinces, a table with
#: at most this many provinces missing still counts as the full table.
ALLOWED_UNRANKED = 2
#: Two values closer than this are the same value (a release written and read back).
SAME_VALUE = 1e-6
#: Working days the plan allows after publication (section IV.10).
WORKING_DAYS = 5
EPS = 1e-9

LINKS = ("direct", "parent", "sub_component", "index")

AGENCY_RULE = Note(
    "Quy tắc giao trách nhiệm: cơ quan chịu trách nhiệm về một chỉ số thành phần khi Phụ lục của Kế hoạch "
    "giao cho cơ quan đó nhiệm vụ về chính chỉ số thành phần này (trực tiếp), về chỉ số thành phần cấp trên "
    "(trừ toàn bộ chỉ số) hoặc về một chỉ số nội dung thuộc nó; dòng điểm tổng hợp chỉ ghi các cơ quan có "
    "nhiệm vụ về toàn bộ chỉ số.",
    "Agency rule: an agency answers for a component when the plan's appendices give it a task on that "
    "component (direct), on a component above it (other than the whole index) or on a component below it; "
    "the composite row lists only the agencies with a task on the whole index.")

LABELS: dict[str, tuple[str, str]] = {
    "title": ("RÀ SOÁT KẾT QUẢ CÁC CHỈ SỐ — {province}, năm {year}",
              "REVIEW OF THE {year} RESULTS — {province}"),
    "duty": ("Theo mục IV.1c và IV.10 của Kế hoạch: trong {days} ngày làm việc kể từ khi cơ quan Trung ương "
             "công bố, mỗi cơ quan rà soát các chỉ số thành phần thấp hơn trung bình chung cả nước hoặc giảm "
             "điểm so với năm trước liền kề, đề xuất giải pháp và gửi báo cáo về Sở Nội vụ.",
             "Plan sections IV.1c and IV.10: within {days} working days after the central agencies publish "
             "the results, each agency reviews the components below the national average or down from the "
             "previous year, proposes remedies and reports to the Department of Home Affairs."),
    "deadline": ("Công bố ngày {published}; hạn gửi báo cáo: {deadline} (đã trừ thứ Bảy, Chủ nhật; chưa trừ ngày lễ).",
                 "Published on {published}; reports due by {deadline} (weekends skipped; public holidays not)."),
    "summary": ("Tóm tắt theo chỉ số", "Summary by index"),
    "summary_line": ("{index} {year}: {value}{change}{avg}{rank}; {flagged}/{total} chỉ số thành phần cần rà soát",
                     "{index} {year}: {value}{change}{avg}{rank}; {flagged} of {total} components to review"),
    "incomplete": ("; {n} chỉ số thành phần chưa đánh giá đủ (thiếu TB cả nước hoặc số năm trước)",
                   "; {n} not fully judged (national average or previous year unknown)"),
    "avg_missing": ("{index} {year}: chưa biết TB cả nước — cần bảng số liệu đầy đủ của mọi tỉnh, thành phố "
                    "(--peers TỆP) hoặc TB cả nước đã công bố (region_means.csv, vùng 'national').",
                    "{index} {year}: national average unknown — supply the full table of every province "
                    "(--peers FILE) or the published national mean (region_means.csv, region 'national')."),
    "change": (" (năm {year}: {prev}, {delta})", " ({year}: {prev}, {delta})"),
    "avg": ("; TB cả nước {avg}", "; national average {avg}"),
    "rank": ("; hạng {rank}/{n}", "; rank {rank} of {n}"),
    "no_data": ("{index} {year}: chưa có số liệu của tỉnh ({why})", "{index} {year}: no values for the province ({why})"),
    "agency": ("Cơ quan: {agency}", "Agency: {agency}"),
    "unowned": ("Chỉ số thành phần chưa giao cơ quan nào", "Components no agency answers for"),
    "flagged_head": ("Cần rà soát, đề xuất giải pháp", "To review and propose remedies for"),
    "other_head": ("Các chỉ số thành phần khác được giao", "Other components assigned"),
    "unflagged_head": ("Không cần rà soát", "Not flagged"),
    "none_flagged": ("không có chỉ số thành phần nào cần rà soát", "no component to review"),
    "below": ("thấp hơn TB cả nước", "below the national average"),
    "fell": ("giảm điểm", "fell"),
    "avg_unknown": ("chưa biết TB cả nước", "national average unknown"),
    "prev_unknown": ("chưa có số năm trước", "previous year unknown"),
    "link.direct": ("trực tiếp", "direct"),
    "link.parent": ("qua chỉ số cấp trên {via}", "via the component above, {via}"),
    "link.sub_component": ("qua chỉ số nội dung {via}", "via the component(s) below, {via}"),
    "link.index": ("nhiệm vụ chung của chỉ số", "task on the whole index"),
    "status.reached": ("đã đạt chỉ tiêu {target_year}", "{target_year} target reached"),
    "status.on_pace": ("đúng tiến độ", "on pace"),
    "status.behind": ("chậm tiến độ", "behind pace"),
    "status.baseline": ("năm gốc của kế hoạch", "the plan's baseline year"),
    "track": ("chỉ tiêu {target_year}: {target}; còn cần {needed}, đã tăng {made} so với {baseline_year} "
              "(tiến độ đều: {pace}); {status}{pct}",
              "{target_year} target {target}: {needed} still needed, {made} gained since {baseline_year} "
              "(a steady pace: {pace}); {status}{pct}"),
    "pct": ("; mức còn cần lớn hơn {pct:.0f}% các thay đổi thực tế trong {h} năm",
            "; the gain still needed exceeds {pct:.0f}% of real {h}-year changes"),
    "pct_unknown": ("; chưa có số liệu bảng để so sánh mức còn cần", "; no panel to judge the gain still needed"),
    "methodology": ("phương pháp năm {prev} khác năm {year}", "{prev} used another methodology than {year}"),
    "unverified": ("dựa trên thiết lập chưa kiểm chứng", "rests on unverified settings"),
    "uncertain": ("so sánh với TB cả nước phụ thuộc thiết lập chưa kiểm chứng (khoảng {low} – {high})",
                  "how it compares with the national average depends on unverified settings "
                  "(range {low} – {high})"),
    "avg_source.regions": ("suy từ TB 6 vùng đã công bố, theo số tỉnh mỗi vùng",
                           "derived from the six published regional means, weighted by provinces"),
    "era_note": ("Bảng nhiệm vụ được lập theo phương pháp hiện hành; các chỉ số thành phần năm {year} "
                 "({index}, phương pháp {era}) được ghép theo mã.",
                 "The action table follows the current methodology; {index} {year} components (era {era}) "
                 "are matched to it by id."),
    "avg_source.full": ("trung bình {n} tỉnh, thành phố", "mean of {n} provinces"),
    "avg_source.published": ("trung bình cả nước theo công bố", "published national mean"),
    "col.index": ("Chỉ số", "Index"),
    "col.component": ("Chỉ số thành phần", "Component"),
    "col.new": ("{year}", "{year}"),
    "col.change": ("Thay đổi", "Change"),
    "col.avg": ("TB cả nước", "National average"),
    "avg_inline": ("TB cả nước", "national average"),
    "col.flags": ("Cờ", "Flags"),
    "col.link": ("Liên quan", "Link"),
    "col.track": ("Tiến độ chỉ tiêu", "Progress to target"),
}


def _t(key: str, lang: str, **values) -> str:
    return translate(LABELS, key, lang, **values)


TABLE_COLUMNS = [
    "index", "year", "province", "component", "level", "name_vi", "name_en", "verified",
    "value", "value_low", "value_high", "value_source", "previous_year", "previous_value", "previous_source", "change",
    "same_methodology", "national_average", "average_source", "average_n", "rank", "ranked",
    "below_average", "average_uncertain", "fell", "flagged",
    "agency_id", "agency_vi", "agency_en", "link", "via", "tasks",
    "baseline_year", "baseline", "target_year", "target", "gain_made", "gain_needed",
    "pace_gain", "status", "needed_gain_percentile", "percentile_horizon",
]


# -- the release file -------------------------------------------------------------------
def load_release(path: str | Path, year: int, province: str = "Bình Định", *,
                 index: str | None = None, replace: bool = False,
                 shipped: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped peer table with an analyst's release file laid over it, checked.

    Refused, each with the file and the reason:

    - anything :func:`indexmodel.peers.load_peers` refuses (unknown province,
      component, out-of-range value …);
    - rows of another index than ``index``, when it is given;
    - no row of ``year`` in the file;
    - a year of the file (for one index) without the monitored province;
    - an index and year already in the data with different values, unless
      ``replace``: the rows that differ are listed (with their spreadsheet rows).

    A release that agrees with the data already held adds its new rows to it (a full
    table over a partial one); with ``replace`` it replaces the index and year whole.
    """
    from ..data.peers import PEER_COLUMNS, default_peers, load_peers
    from ..data.sources.tables import read_table

    base = default_peers() if shipped is None else shipped
    release = load_peers(path)
    rows_of = None
    try:  # the spreadsheet row of each release row (load_peers keeps them in file order)
        table = read_table(path, PEER_COLUMNS[:5], optional=("source",))
        if len(table.rows) == len(release):
            rows_of = [r for r, _ in table.rows]
    except IndexModelError:  # pragma: no cover - load_peers read it already
        rows_of = None
    release = release.assign(file_row=rows_of if rows_of is not None else [None] * len(release))
    if index is not None:
        if index not in INDICES:
            _unknown_index(index)
        other = sorted(set(release["index"]) - {index})
        if other:
            first = release[release["index"] != index].iloc[0]
            raise InputFileError(
                f"the file holds {', '.join(other)} rows, not {index} as claimed",
                file=path, row=_int_or_none(first["file_row"]), column="index",
                hint=f"check the file, or pass the index it holds ({', '.join(other)})")
    years = sorted(int(y) for y in release["year"].unique())
    if int(year) not in years:
        raise InputFileError(f"the file holds no {year} rows (it holds {', '.join(map(str, years))})",
                             file=path, column="year")
    name = resolve(province, year).name_en
    for (ix, yr), rows in release.groupby(["index", "year"], sort=True):
        if int(yr) == int(year) and name not in set(rows["province"]):
            raise InputFileError(
                f"the {ix} {yr} release has no rows for {name}, the province being monitored",
                file=path, hint=f"it holds {rows['province'].nunique()} other provinces")
    replaced = []
    for (ix, yr), rows in release.groupby(["index", "year"], sort=True):
        held = base[(base["index"] == ix) & (base["year"] == yr)]
        if held.empty:
            continue
        both = rows.merge(held[["province", "component", "value"]], on=["province", "component"],
                          suffixes=("", "_held"))
        differ = both[(both["value"] - both["value_held"]).abs() > SAME_VALUE]
        if len(differ) and not replace:
            listed = "; ".join(
                (f"row {int(r.file_row)} " if r.file_row is not None and not pd.isna(r.file_row) else "")
                + f"{r.province} {r.component}: {r.value_held:g} held, {r.value:g} in the file"
                for r in differ.head(10).itertuples())
            more = f" (and {len(differ) - 10} more)" if len(differ) > 10 else ""
            raise InputFileError(
                f"{ix} {yr} is already in the data with different values in {len(differ)} "
                f"row(s): {listed}{more}", file=path,
                hint="pass --replace (replace=True) to use the file's values for the whole year")
        if len(differ):
            replaced.append((ix, int(yr)))
    release = release.drop(columns="file_row")
    keep = [(i, int(y)) not in replaced for i, y in zip(base["index"], base["year"])]
    kept = base[keep]
    key = ["index", "year", "province", "component"]
    new = release.merge(kept[key], on=key, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    combined = pd.concat([kept, new[list(base.columns)]], ignore_index=True)
    return combined.sort_values(key, kind="mergesort").reset_index(drop=True)


def _unknown_index(index: str):
    raise UsageError(f"unknown index '{index}'", hint="one of " + ", ".join(INDICES))


def _int_or_none(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


# -- working days ---------------------------------------------------------------------
def report_deadline(published_on: date, days: int = WORKING_DAYS) -> date:
    """``days`` working days after ``published_on`` (weekends skipped; holidays are not known)."""
    day, left = published_on, days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


# -- the report ------------------------------------------------------------------------
@dataclass
class MonitorReport:
    """The review of one province's results in one year (see the module docstring).

    ``table``: one row per index × component × agency (a component no agency answers
    for has one row with empty agency cells); ``summary``: one row per index.
    """

    year: int
    province: str
    province_vi: str
    table: pd.DataFrame
    summary: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    lang: str = "vi"
    published_on: date | None = None
    agencies: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def deadline(self) -> date | None:
        return report_deadline(self.published_on) if self.published_on else None

    @property
    def components(self) -> pd.DataFrame:
        """One row per index × component, agencies joined (``agency_ids``; ``;``-separated)."""
        cols = [c for c in TABLE_COLUMNS if c not in ("agency_id", "agency_vi", "agency_en",
                                                       "link", "via", "tasks")]
        rows = []
        for _, group in self.table.groupby(["index", "component"], sort=False):
            first = group.iloc[0]
            row = {c: first[c] for c in cols}
            ids = [a for a in group["agency_id"] if isinstance(a, str) and a]
            row["agency_ids"] = "; ".join(ids)
            row["agencies_vi"] = "; ".join(a for a in group["agency_vi"] if isinstance(a, str) and a)
            row["agencies_en"] = "; ".join(a for a in group["agency_en"] if isinstance(a, str) and a)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=cols + ["agency_ids", "agencies_vi", "agencies_en"])
        for col in ("below_average", "average_uncertain", "fell", "flagged", "verified", "same_methodology"):
            frame[col] = frame[col].astype("boolean")
        for col in ("average_n", "rank", "ranked", "baseline_year", "target_year", "percentile_horizon"):
            frame[col] = frame[col].astype("Int64")
        return frame

    @property
    def flagged(self) -> pd.DataFrame:
        comps = self.components
        return comps[comps["flagged"].fillna(False).astype(bool)].reset_index(drop=True)

    # -- rendering ---------------------------------------------------------------------
    def _province_name(self, lang: str) -> str:
        return self.province_vi if lang == "vi" else self.province

    def _agency_order(self) -> list[tuple[str, str, str]]:
        owned = self.table.dropna(subset=["agency_id"])
        ids = list(dict.fromkeys(owned["agency_id"]))
        if self.agencies is not None and len(self.agencies):
            order = {a: i for i, a in enumerate(self.agencies["agency_id"])}
            ids.sort(key=lambda a: order.get(a, len(order)))
        flagged = set(owned.loc[owned["flagged"].fillna(False).astype(bool), "agency_id"])
        ids = [a for a in ids if a in flagged] + [a for a in ids if a not in flagged]
        names = owned.drop_duplicates("agency_id").set_index("agency_id")
        return [(a, names.loc[a, "agency_vi"], names.loc[a, "agency_en"]) for a in ids]

    def _header(self, lang: str) -> list[str]:
        lines = [_t("title", lang, province=self._province_name(lang), year=self.year),
                 _t("duty", lang, days=WORKING_DAYS)]
        if self.published_on:
            lines.append(_t("deadline", lang, published=self.published_on.isoformat(),
                            deadline=self.deadline.isoformat()))
        return lines

    def _summary_lines(self, lang: str) -> list[str]:
        out = []
        for row in self.summary.itertuples():
            label = index_label(row.index, lang)
            if not row.has_data:
                out.append(_t("no_data", lang, index=label, year=self.year,
                              why=row.why_vi if lang == "vi" else row.why_en))
                continue
            change = (_t("change", lang, year=int(row.previous_year), prev=_num(row.previous_value),
                         delta=_signed(row.change)) if _finite(row.change) else "")
            avg = ""
            if _finite(row.national_average):
                avg = _t("avg", lang, avg=_num(row.national_average))
                if isinstance(row.average_source, str) and row.average_source:
                    avg += " (" + _t(f"avg_source.{row.average_source}", lang, n=int(row.average_n) if _finite(row.average_n) else "?") + ")"
            rank = (_t("rank", lang, rank=int(row.rank), n=int(row.ranked))
                    if pd.notna(row.rank) else "")
            text = _t("summary_line", lang, index=label, year=self.year, value=_num(row.composite),
                      change=change, avg=avg, rank=rank, flagged=int(row.flagged),
                      total=int(row.components))
            if row.incomplete:
                text += _t("incomplete", lang, n=int(row.incomplete))
            if _false(row.verified):
                text += f" ({_t('unverified', lang)})"
            if _true(row.average_uncertain):
                text += "; " + _t("uncertain", lang, low=_num(row.value_low), high=_num(row.value_high))
            out.append(text)
        return out

    def _describe(self, row, lang: str, with_link: bool = True) -> str:
        name = row["name_vi"] if lang == "vi" else row["name_en"]
        label = index_label(row["index"], lang)
        parts = [f"{label} · {name} ({row['component']}): {_num(row['value'])}"]
        if _finite(row["change"]):
            parts[0] += f" ({int(row['previous_year'])}: {_num(row['previous_value'])}, {_signed(row['change'])})"
        else:
            parts.append(_t("prev_unknown", lang))
        if _finite(row["national_average"]):
            parts.append(f"{_t('avg_inline', lang)} {_num(row['national_average'])}")
        else:
            parts.append(_t("avg_unknown", lang))
        flags = self._flags(row, lang)
        if flags:
            parts.append(flags)
        if _true(row["average_uncertain"]):
            parts.append(_t("uncertain", lang, low=_num(row["value_low"]), high=_num(row["value_high"])))
        if _false(row["same_methodology"]):
            parts.append(_t("methodology", lang, prev=int(row["previous_year"]), year=self.year))
        if with_link and isinstance(row.get("link"), str):
            parts.append(self._link(row, lang))
        track = self._track(row, lang)
        if track:
            parts.append(track)
        return "; ".join(parts)

    @staticmethod
    def _flags(row, lang: str) -> str:
        flags = []
        if _true(row["below_average"]):
            flags.append(_t("below", lang))
        if _true(row["fell"]):
            flags.append(_t("fell", lang))
        return ", ".join(flags)

    @staticmethod
    def _link(row, lang: str) -> str:
        link = row["link"]
        if link in ("parent", "sub_component"):
            return _t(f"link.{link}", lang, via=row["via"])
        return _t(f"link.{link}", lang)

    @staticmethod
    def _track(row, lang: str) -> str:
        status = row["status"]
        if not isinstance(status, str) or status not in ("reached", "on_pace", "behind", "baseline"):
            return ""
        target_year = int(row["target_year"])
        label = _t(f"status.{status}", lang, target_year=target_year)
        if status == "reached":
            return label
        if _finite(row["needed_gain_percentile"]):
            pct = _t("pct", lang, pct=row["needed_gain_percentile"], h=int(row["percentile_horizon"]))
        else:
            pct = _t("pct_unknown", lang)
        return _t("track", lang, target_year=target_year, target=_num(row["target"]),
                  needed=_signed(row["gain_needed"]), made=_signed(row["gain_made"]),
                  baseline_year=int(row["baseline_year"]), pace=_signed(row["pace_gain"]),
                  status=label, pct=pct)

    def _sections(self, lang: str):
        """(heading, flagged rows, other rows) per agency, then the unowned components."""
        out = []
        for agency_id, vi, en in self._agency_order():
            rows = self.table[self.table["agency_id"] == agency_id]
            flagged = rows[rows["flagged"].fillna(False).astype(bool)]
            other = rows[~rows["flagged"].fillna(False).astype(bool)]
            out.append((_t("agency", lang, agency=vi if lang == "vi" else en), flagged, other,
                        _t("other_head", lang)))
        unowned = self.table[self.table["agency_id"].isna()]
        if len(unowned):
            flagged = unowned[unowned["flagged"].fillna(False).astype(bool)]
            other = unowned[~unowned["flagged"].fillna(False).astype(bool)]
            out.append((_t("unowned", lang), flagged, other, _t("unflagged_head", lang)))
        return out

    def to_text(self, lang: str | None = None) -> str:
        lang = check_lang(lang or self.lang)
        lines = self._header(lang) + ["", _t("summary", lang)]
        lines += ["  " + s for s in self._summary_lines(lang)]
        for heading, flagged, other, other_head in self._sections(lang):
            lines += ["", heading]
            lines.append(f"  {_t('flagged_head', lang)}:")
            if flagged.empty:
                lines.append(f"    {_t('none_flagged', lang)}")
            for _, row in flagged.iterrows():
                lines.append(f"    [!] {self._describe(row, lang)}")
            if len(other):
                lines.append(f"  {other_head}:")
                for _, row in other.iterrows():
                    lines.append(f"    {self._describe(row, lang)}")
        lines += ["", AGENCY_RULE(lang)] + [n(lang) for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_markdown(self, lang: str | None = None) -> str:
        lang = check_lang(lang or self.lang)
        head = self._header(lang)
        lines = [f"# {head[0]}", ""] + [h + "\n" for h in head[1:]]
        lines += [f"## {_t('summary', lang)}", ""] + [f"- {s}" for s in self._summary_lines(lang)]
        columns = [_t("col.index", lang), _t("col.component", lang), _t("col.new", lang, year=self.year),
                   _t("col.change", lang), _t("col.avg", lang), _t("col.flags", lang),
                   _t("col.link", lang), _t("col.track", lang)]
        for heading, flagged, other, _ in self._sections(lang):
            lines += ["", f"## {heading}", ""]
            if flagged.empty:
                lines += [f"*{_t('flagged_head', lang)}: {_t('none_flagged', lang)}*", ""]
            lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            for is_flagged, rows in ((True, flagged), (False, other)):
                for _, row in rows.iterrows():
                    name = row["name_vi"] if lang == "vi" else row["name_en"]
                    flags = self._flags(row, lang)
                    cells = [
                        index_label(row["index"], lang),
                        ("**" + name + "**" if is_flagged else name) + f" (`{row['component']}`)",
                        _num(row["value"]),
                        (f"{_signed(row['change'])} ({int(row['previous_year'])}: "
                         f"{_num(row['previous_value'])})" if _finite(row["change"])
                         else _t("prev_unknown", lang)),
                        _num(row["national_average"]) if _finite(row["national_average"])
                        else _t("avg_unknown", lang),
                        flags,
                        self._link(row, lang) if isinstance(row["link"], str) else "",
                        self._track(row, lang),
                    ]
                    lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        lines += ["", f"*{AGENCY_RULE(lang)}*"] + [f"- {n(lang)}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def file_stem(self) -> str:
        return f"monitor_{resolve(self.province).id}_{self.year}"

    def write(self, folder: str | Path, lang: str | None = None) -> list[Path]:
        """Write ``<stem>.csv`` (the tidy table) and ``<stem>.<lang>.md``, each atomically."""
        lang = check_lang(lang or self.lang)
        folder = Path(folder)
        stem = self.file_stem()
        csv_path = write_csv_atomic(_csv_ready(self.table), folder / f"{stem}.csv")
        md_path = write_text_atomic(self.to_markdown(lang), folder / f"{stem}.{lang}.md")
        return [csv_path, md_path]

    def csv(self) -> str:
        return csv_text(_csv_ready(self.table))


def _csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for col in ("below_average", "average_uncertain", "fell", "flagged", "verified", "same_methodology"):
        out[col] = out[col].map(lambda v: "" if v is None or pd.isna(v) else str(bool(v)).lower())
    return out


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _false(value) -> bool:
    return value is not None and not pd.isna(value) and not bool(value)


def _finite(value) -> bool:
    try:
        return value is not None and not pd.isna(value) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num(value) -> str:
    return f"{float(value):.2f}" if _finite(value) else "—"


def _signed(value) -> str:
    return f"{float(value):+.2f}" if _finite(value) else "—"


# -- computing -------------------------------------------------------------------------
def _preorder(spec: Spec) -> list[str]:
    out: list[str] = []

    def visit(node_id: str) -> None:
        out.append(node_id)
        for child in spec.nodes[node_id].children:
            visit(child)

    visit(spec.composite)
    return out


def _values_of(peers: pd.DataFrame, index: str, year: int, province: str) -> dict[str, float]:
    rows = peers[(peers["index"] == index) & (peers["year"] == year) & (peers["province"] == province)]
    return dict(zip(rows["component"], rows["value"].astype(float)))


def _published_composite(results: pd.DataFrame, index: str, year: int, province: str) -> float:
    rows = results[(results["index"] == index) & (results["year"] == year)
                   & (results["province"] == province) & results["composite"].notna()]
    return float(rows["composite"].iloc[0]) if len(rows) else math.nan


def _own_scored(index: str, year: int, province: str, peers: pd.DataFrame, results: pd.DataFrame,
                plan: Plan | None, book: SpecBook
                ) -> tuple[dict[str, float], str, Spec | None, dict[str, float]]:
    """Every node's value for the province in ``year``, where the values come from, and
    which nodes were given (rather than computed)."""
    try:
        spec = book.spec_for(index, year)
    except DataUnavailableError:
        return {}, "", None, {}
    values = _values_of(peers, index, year, province)
    source = "peer data"
    if not values and plan is not None and year == plan.baseline_year:
        values = plan.component_values(index, "baseline")
        source = "plan"
    if not values:
        composite = _published_composite(results, index, year, province)
        if math.isfinite(composite):
            return ({spec.composite: composite}, "published results", spec,
                    {spec.composite: composite})
        return {}, "", spec, {}
    given = dict(values)
    scored = dict(score(spec, values, year=year, warn=False).values)
    if not math.isfinite(scored[spec.composite]):
        published = _published_composite(results, index, year, province)
        if math.isfinite(published):
            scored[spec.composite] = published
            given[spec.composite] = published
    return {k: v for k, v in scored.items() if math.isfinite(v)}, source, spec, given


def _expected_count(results: pd.DataFrame, index: str, year: int) -> tuple[int, bool]:
    counts = results.loc[(results["index"] == index) & (results["year"] == year),
                         "ranked_provinces"].dropna()
    if len(counts):
        return int(counts.max()), True
    return len(all_provinces(year)), False


def _national(index: str, year: int, spec: Spec, peers: pd.DataFrame, results: pd.DataFrame,
              region_means: pd.DataFrame | None, book: SpecBook, province: str) -> dict[str, dict]:
    """Per node: national average, its source, n, and the province's rank where the table is full."""
    expected, published_count = _expected_count(results, index, year)
    needed = expected if published_count else expected - ALLOWED_UNRANKED
    table = score_peers(peers, spec, year)
    out: dict[str, dict] = {}
    columns = {c: table[c] for c in table.columns if c != spec.composite}
    composites = year_scores(index, year, peers, results, book)["composite"].dropna()
    columns[spec.composite] = composites
    for node, column in columns.items():
        column = column.dropna()
        if len(column) and len(column) >= needed:
            entry = dict(average=float(column.mean()), source="full", n=int(len(column)))
            if province in column.index:
                own = float(column[province])
                others = column.drop(index=province).to_numpy(dtype=float)
                entry.update(rank=int(1 + np.sum(others > own + 1e-12)), ranked=int(len(column)))
            out[node] = entry
    if spec.composite not in out and region_means is not None and len(region_means):
        rows = region_means[(region_means["index"] == index) & (region_means["year"] == year)
                            & (region_means["region"] == NATIONAL)]
        if len(rows):
            out[spec.composite] = dict(average=float(rows["mean_value"].iloc[0]), source="published",
                                       n=None)
        else:
            derived = _from_regions(region_means, index, year)
            if derived is not None:
                out[spec.composite] = dict(average=derived[0], source="regions", n=derived[1])
    return out


def _from_regions(region_means: pd.DataFrame, index: str, year: int) -> tuple[float, int] | None:
    """The national mean from the six published regional means, each weighted by its number
    of provinces (exact when each regional mean is the plain mean of its provinces)."""
    from ..data.provinces import REGIONS, provinces_in_region

    rows = region_means[(region_means["index"] == index) & (region_means["year"] == year)
                        & (region_means["region"] != NATIONAL)]
    means = dict(zip(rows["region"], rows["mean_value"].astype(float)))
    if set(means) != set(REGIONS):
        return None
    counts = {r: len(provinces_in_region(r, year)) for r in REGIONS}
    total = sum(counts.values())
    return sum(means[r] * counts[r] for r in REGIONS) / total, total


def _agency_links(actions: pd.DataFrame, spec: Spec, node: str) -> list[dict]:
    """The agencies answering for ``node`` by :data:`AGENCY_RULE`, strongest link first."""
    rows = actions[actions["index"] == spec.index]
    found: dict[str, dict] = {}

    def add(row, link: str, via: str | None) -> None:
        entry = found.setdefault(row["agency_id"], dict(
            agency_id=row["agency_id"], agency_vi=row["agency_vi"], agency_en=row["agency_en"],
            links=set(), via=set(), tasks=0))
        entry["links"].add(link)
        if via:
            entry["via"].add(via)
        entry["tasks"] += 1

    if node == spec.composite:
        for _, row in rows[rows["scope"] == "index"].iterrows():
            add(row, "index", None)
    else:
        above = set(spec.ancestors(node)) - {spec.composite}
        below = set(spec.descendants(node))
        for _, row in rows[rows["scope"] == "component"].iterrows():
            comp = row["component"]
            if comp == node:
                add(row, "direct", None)
            elif comp in above:
                add(row, "parent", comp)
            elif comp in below:
                add(row, "sub_component", comp)
    out = []
    for entry in found.values():
        link = next(l for l in ("direct", "parent", "sub_component", "index") if l in entry["links"])
        out.append(dict(agency_id=entry["agency_id"], agency_vi=entry["agency_vi"],
                        agency_en=entry["agency_en"], link=link,
                        via="; ".join(sorted(entry["via"])) if link != "direct" else "",
                        tasks=entry["tasks"]))
    return out


def monitor(year: int, province: str = "Bình Định", peers: pd.DataFrame | None = None,
            results: pd.DataFrame | None = None, lang: str = "vi", *, index: str | None = None,
            plan: Plan | None = None, actions: pd.DataFrame | None = None,
            region_means: pd.DataFrame | None = None, book: SpecBook | None = None,
            published_on: date | None = None) -> MonitorReport:
    """The review of ``province``'s ``year`` results, index by index (see the module docstring).

    ``peers``: the tidy peer table (the shipped one plus the analyst's release, e.g.
    from :func:`load_release`; default: the shipped table); ``results`` and
    ``region_means``: published composites and means (default: shipped); ``plan``:
    the province's plan (default: the shipped plan when it is the province's);
    ``actions``: the action table (default: the shipped one); ``index``: one index
    only; ``published_on``: the publication date, for the report's deadline.
    """
    from ..data.actions import load_actions, load_agencies
    from ..data.peers import default_peers, default_region_means, default_results

    check_lang(lang)
    year = int(year)
    book = book or load_specs()
    peers = default_peers() if peers is None else peers
    results = default_results() if results is None else results
    region_means = default_region_means() if region_means is None else region_means
    prov = resolve(province, year)
    name = prov.name_en
    shipped_plan = load_plan()
    own_plan = resolve(shipped_plan.province).name_en == name
    if plan is None:
        plan = shipped_plan if own_plan else None
    elif resolve(plan.province).name_en != name:
        plan = None
    notes_first: list[Note] = []
    if actions is None:
        if own_plan:
            actions = load_actions()
        else:  # the shipped action table is the plan of another province
            actions = pd.DataFrame(columns=["index", "scope", "component", "agency_id",
                                            "agency_vi", "agency_en"])
            notes_first.append(Note(
                f"Chưa có bảng phân công nhiệm vụ của {prov.name_vi}: chưa ghi cơ quan chịu trách nhiệm.",
                f"No action table for {name}: no agency is named."))
    indices = INDICES if index is None else (index,)
    if index is not None and index not in INDICES:
        _unknown_index(index)
    current_era = {ix: book.latest(ix).era for ix in INDICES}

    rows: list[dict] = []
    summary: list[dict] = []
    notes: list[Note] = notes_first
    for ix in indices:
        own, source, spec, given = _own_scored(ix, year, name, peers, results, plan, book)
        label_vi, label_en = index_label(ix, "vi"), index_label(ix, "en")
        if spec is None or not own:
            why = (("chưa có phương pháp của năm này", "no methodology era covers the year")
                   if spec is None else ("không có trong số liệu", "not in the data"))
            summary.append(dict(index=ix, has_data=False, why_vi=why[0], why_en=why[1]))
            continue
        prev_year = year - 1
        prev, prev_source, prev_spec, _ = _own_scored(ix, prev_year, name, peers, results, plan, book)
        same_era = prev_spec is not None and prev_spec.era == spec.era
        national = _national(ix, year, spec, peers, results, region_means, book, name)
        if spec.era != current_era[ix]:
            notes.append(Note(_t("era_note", "vi", year=year, index=label_vi, era=spec.era),
                              _t("era_note", "en", year=year, index=label_en, era=spec.era)))
        if spec.composite not in national:
            notes.append(Note(_t("avg_missing", "vi", index=label_vi, year=year),
                              _t("avg_missing", "en", index=label_en, year=year)))
        track = _tracking(ix, year, spec, own, plan, book)
        panel = None
        for node in _preorder(spec):
            if node not in own:
                continue
            node_obj = spec.node(node)
            value = own[node]
            previous = prev.get(node, math.nan) if prev_spec is not None and prev_spec.has(node) else math.nan
            change = value - previous if math.isfinite(previous) else math.nan
            nat = national.get(node, {})
            avg = nat.get("average", math.nan)
            low = high = math.nan
            verified = _verified_node(spec, node, given)
            if not verified:
                span = composite_range(spec, given, year=year, node=node)
                if span is not None:
                    low, high = span.low, span.high
            below = bool(value < avg - EPS) if math.isfinite(avg) else None
            fell = bool(change < -EPS) if math.isfinite(change) else None
            flagged = bool(below) or bool(fell)
            t = track.get(node, {})
            pct, horizon = math.nan, None
            if t.get("status") in ("on_pace", "behind", "baseline"):
                horizon = t["target_year"] - year
                if horizon >= 1:
                    if panel is None:
                        panel = _panel(peers, ix, results, book)
                    if panel is not False:
                        pct = _percentile(t["gain_needed"], panel, ix, node, horizon)
            base = dict(
                index=ix, year=year, province=name, component=node, level=spec.level(node),
                name_vi=node_obj.name_vi, name_en=node_obj.name_en,
                verified=verified, value_low=low, value_high=high,
                average_uncertain=(bool(low - EPS <= avg <= high + EPS)
                                   if math.isfinite(avg) and math.isfinite(low) else None),
                value=value, value_source=source,
                previous_year=prev_year, previous_value=previous,
                previous_source=prev_source if math.isfinite(previous) else "",
                change=change, same_methodology=same_era if math.isfinite(previous) else None,
                national_average=avg,
                average_source={"full": "full peer table", "published": "published national mean",
                                "regions": "six published regional means, weighted by provinces"}.get(
                    nat.get("source"), "unknown"),
                average_n=nat.get("n"), rank=nat.get("rank"), ranked=nat.get("ranked"),
                below_average=below, fell=fell, flagged=flagged,
                baseline_year=t.get("baseline_year"), baseline=t.get("baseline", math.nan),
                target_year=t.get("target_year"), target=t.get("target", math.nan),
                gain_made=t.get("gain_made", math.nan), gain_needed=t.get("gain_needed", math.nan),
                pace_gain=t.get("pace_gain", math.nan), status=t.get("status"),
                needed_gain_percentile=pct, percentile_horizon=horizon,
            )
            links = _agency_links(actions, spec, node)
            if not links:
                rows.append(dict(base, agency_id=None, agency_vi=None, agency_en=None, link=None,
                                 via=None, tasks=0))
            for link in links:
                rows.append(dict(base, **link))
        comp_rows = [r for r in rows if r["index"] == ix]
        by_node = {r["component"]: r for r in comp_rows}
        top = by_node.get(spec.composite, {})
        nat_c = national.get(spec.composite, {})
        summary.append(dict(
            index=ix, has_data=True, why_vi="", why_en="", year=year,
            composite=own.get(spec.composite, math.nan), previous_year=prev_year,
            previous_value=top.get("previous_value", math.nan), change=top.get("change", math.nan),
            national_average=nat_c.get("average", math.nan), average_source=nat_c.get("source", ""),
            average_n=nat_c.get("n"), rank=nat_c.get("rank"),
            value_low=top.get("value_low", math.nan), value_high=top.get("value_high", math.nan),
            average_uncertain=top.get("average_uncertain"),
            ranked=nat_c.get("ranked"), verified=_verified_node(spec, spec.composite, given),
            components=sum(1 for n in by_node if n != spec.composite),
            flagged=sum(1 for n, r in by_node.items() if n != spec.composite and r["flagged"]),
            incomplete=sum(1 for n, r in by_node.items() if n != spec.composite and not r["flagged"]
                           and (r["below_average"] is None or r["fell"] is None)),
            value_source=source))
    if not any(s["has_data"] for s in summary):
        held = sorted({int(y) for y in peers.loc[peers["province"] == name, "year"]})
        raise DataUnavailableError(
            f"no {'/'.join(indices)} values for {name} in {year}",
            hint="years held for the province: " + (", ".join(map(str, held)) or "none")
            + ("; the plan's baseline year is " + str(plan.baseline_year) if plan is not None else ""))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for col in ("below_average", "average_uncertain", "fell", "flagged", "verified", "same_methodology"):
        table[col] = table[col].astype("boolean")
    for col in ("average_n", "rank", "ranked", "baseline_year", "target_year", "percentile_horizon"):
        table[col] = table[col].astype("Int64")
    summary_cols = ["index", "has_data", "why_vi", "why_en", "year", "composite", "previous_year",
                    "previous_value", "change", "national_average", "average_source", "average_n",
                    "rank", "ranked", "verified", "value_low", "value_high", "average_uncertain",
                    "components", "flagged", "incomplete", "value_source"]
    summary_frame = pd.DataFrame(summary, columns=summary_cols)
    for col in ("verified", "average_uncertain"):
        summary_frame[col] = summary_frame[col].astype("boolean")
    for col in ("rank", "ranked", "components", "flagged", "incomplete", "previous_year"):
        summary_frame[col] = summary_frame[col].astype("Int64")
    try:
        agencies = load_agencies()
    except IndexModelError:  # pragma: no cover - shipped
        agencies = None
    return MonitorReport(year=year, province=name, province_vi=prov.name_vi, table=table,
                         summary=summary_frame, notes=notes, lang=lang,
                         published_on=published_on, agencies=agencies)


def _panel(peers, index, results, book):
    """The real panel of ``index`` (False where there is none, or no movement module)."""
    try:
        from ..model.panel import build_panel
        return build_panel(peers, index, results, book=book)
    except (ImportError, AttributeError, DataUnavailableError):
        return False


def _percentile(gain: float, panel, index: str, node: str, horizon: int) -> float:
    """Where ``gain`` sits among the real ``horizon``-year changes of ``node`` (NaN: no panel)."""
    from ..model.panel import gain_percentile
    try:
        return float(gain_percentile(gain, panel, index, node, horizon=horizon))
    except DataUnavailableError:
        return math.nan


def _verified_node(spec: Spec, node: str, given) -> bool:
    """A value is verified when it was given (published), or its spec is verified, or no
    unverified weight sits below it."""
    if spec.verified or node in given:
        return True
    return not (set(spec.descendants(node)) & set(spec.unverified_weights))


def _tracking(index: str, year: int, spec: Spec, own: dict[str, float], plan: Plan | None,
              book: SpecBook) -> dict[str, dict]:
    """Per node: baseline, target, gains and pace status within the plan's period."""
    if plan is None:
        return {}
    base_vals = plan.component_values(index, "baseline")
    target_vals = plan.component_values(index, "target")
    if not target_vals or not base_vals:
        return {}
    b_year, t_year = plan.baseline_year, plan.target_year
    if not b_year <= year <= t_year:
        return {}
    b_spec, t_spec = book.spec_for(index, b_year), book.spec_for(index, t_year)
    if b_spec.era != spec.era or t_spec.era != spec.era:
        return {}
    baseline = score(spec, base_vals, year=b_year, warn=False).values
    target = score(spec, target_vals, warn=False).values
    share = (year - b_year) / (t_year - b_year) if t_year > b_year else 1.0
    out = {}
    for node, value in own.items():
        b, t = baseline.get(node, math.nan), target.get(node, math.nan)
        if not (math.isfinite(b) and math.isfinite(t)):
            continue
        made, needed = value - b, t - value
        pace = (t - b) * share
        if needed <= EPS:
            status = "reached"
        elif year == b_year:
            status = "baseline"
        else:
            status = "on_pace" if made >= pace - EPS else "behind"
        out[node] = dict(baseline_year=b_year, baseline=b, target_year=t_year, target=t,
                         gain_made=made, gain_needed=needed, pace_gain=pace, status=status)
    return out


# -- the command ---------------------------------------------------------------------------
def monitor_command(year: int, province: str = "Bình Định", peers_path: str | Path | None = None,
                    lang: str = "vi", out: str | Path | None = None, replace: bool = False,
                    index: str | None = None, *, published_on: date | None = None) -> int:
    """``indexmodel monitor``: print the review, write it to ``out`` when given.

    Returns 0, or 2 after printing a one-line message for a user's mistake (a bad
    release file, an unknown province, no values for the year).
    """
    try:
        check_lang(lang)
        if index is not None and index not in INDICES:
            _unknown_index(index)
        peers = (load_release(peers_path, year, province, index=index, replace=replace)
                 if peers_path else None)
        report = monitor(year, province, peers=peers, lang=lang, index=index,
                         published_on=published_on)
        sys.stdout.write(report.to_text(lang))
        if out:
            for path in report.write(out, lang):
                print(f"written {path}")
        return 0
    except IndexModelError as exc:
        print(f"indexmodel: error: {exc.message}", file=sys.stderr)
        return 2
