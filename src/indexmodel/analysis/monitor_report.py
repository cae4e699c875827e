"""The release-day review as a report: its table, labels, text and Markdown, its files.

:class:`MonitorReport` is what :func:`indexmodel.analysis.monitor.monitor` returns: one
row per index × component × agency and a summary per index, rendered for an analyst
(:meth:`MonitorReport.to_text`, :meth:`MonitorReport.to_markdown`) and written as CSV
and Markdown (:meth:`MonitorReport.write`, atomic). :func:`report_deadline` gives the
date the agencies' reports are due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from ..core.i18n import check_lang, index_label, translate
from ..core.output import csv_text, write_files_atomic
from ..data.provinces import UNITS_2025, resolve
from ..model.field import Note
from .monitor_brief import _finite, _num, _signed  # noqa: F401  (one definition, shared)

#: Working days the plan allows after publication (section IV.10).
WORKING_DAYS = 5

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
    "avg_missing": ("{index} {year}: chưa biết TB cả nước — cần điểm của mọi tỉnh, thành phố trong năm "
                    "hoặc TB cả nước đã công bố.",
                    "{index} {year}: national average unknown — it needs every province's scores for the "
                    "year or the published national mean."),
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
                 "({index}, {era}) được ghép với nhiệm vụ theo cùng chỉ số thành phần.",
                 "The action table follows the current methodology; {index} {year} components ({era}) "
                 "are matched to its tasks component by component."),
    "avg_source.full": ("trung bình {n} tỉnh, thành phố", "mean of {n} provinces"),
    "avg_source.full_units": ("trung bình {n} đơn vị hành chính cấp tỉnh", "mean of {n} provincial units"),
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
    #: (vi, en) the province's name saying which it is where two maps share it
    province_long: tuple[str, str] | None = None
    #: why each index's rank moved from the year before (:mod:`indexmodel.analysis.explain`)
    rank_changes: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        from ..core.reprs import concise

        return concise(self, province=self.province, year=self.year,
                       indices=[i for i, d in zip(self.summary["index"], self.summary["has_data"]) if d],
                       components=int(self.table[["index", "component"]].drop_duplicates().shape[0]),
                       flagged=int(self.summary["flagged"].sum()) if len(self.summary) else 0)

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
        if self.province_long is not None:
            return self.province_long[lang == "en"]
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
            change = (_t("change", lang, year=_approx(row) + str(int(row.previous_year)),
                         prev=_num(row.previous_value), delta=_signed(row.change))
                      if _finite(row.change) else "")
            avg = ""
            if _finite(row.national_average):
                avg = _t("avg", lang, avg=_num(row.national_average))
                if isinstance(row.average_source, str) and row.average_source:
                    key = f"avg_source.{row.average_source}"
                    if row.average_source == "full" and self.year >= UNITS_2025:
                        key = "avg_source.full_units"  # the 34 provincial units
                    avg += " (" + _t(key, lang, n=int(row.average_n) if _finite(row.average_n) else "?") + ")"
            rank = (_t("rank", lang, rank=int(row.rank), n=int(row.ranked))
                    if pd.notna(row.rank) else "")
            text = _t("summary_line", lang, index=label, year=self.year, value=_num(row.composite),
                      change=change, avg=avg, rank=rank, flagged=int(row.flagged),
                      total=int(row.components))
            if _false(row.verified):
                text += f" ({_t('unverified', lang)})"
            if _true(row.average_uncertain):
                text += "; " + _t("uncertain", lang, low=_num(row.value_low), high=_num(row.value_high))
            out.append(text)
        return out

    def _describe(self, row, lang: str, with_link: bool = True) -> str:
        name = row["name_vi"] if lang == "vi" else row["name_en"]
        label = index_label(row["index"], lang)
        parts = [f"{label} · {name}: {_num(row['value'])}"]
        if _finite(row["change"]):  # a missing previous year or average is said once, in the summary
            parts[0] += (f" ({_approx(row)}{int(row['previous_year'])}: {_num(row['previous_value'])}, "
                         f"{_signed(row['change'])})")
        if _finite(row["national_average"]):
            parts.append(f"{_t('avg_inline', lang)} {_num(row['national_average'])}")
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
        from .monitor_brief import via_names

        link = row["link"]
        if link in ("parent", "sub_component"):
            return _t(f"link.{link}", lang, via=via_names(row["index"], row["via"], lang))
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

    def _summary_text(self, lang: str) -> list[str]:
        """The one-screen summary as plain lines (see :mod:`.monitor_brief`)."""
        from . import monitor_brief as brief

        lines = self._header(lang) + ["", brief._t("summary", lang)]
        lines += ["  " + s for s in self._summary_lines(lang)]
        for heading, items in brief.summary_blocks(self, lang):
            lines += ["", heading + ":"] + ["  - " + i for i in items]
        agencies = brief.agency_table(self, lang)
        lines += ["", brief._t("act", lang, due=brief.due_text(self, lang)) + ":"]
        if agencies.empty:
            lines.append("  " + brief._t("act_none", lang))
        for row in agencies.itertuples(index=False):
            lines.append(f"  - {row[0]} ({row[1]}): {row[2]}")
        return lines

    def to_text(self, lang: str | None = None) -> str:
        """The summary first (one screen), then why the ranks moved, then per agency."""
        from . import monitor_brief as brief

        lang = check_lang(lang or self.lang)
        lines = self._summary_text(lang)
        if self.rank_changes:
            from .explain_report import section_text
            lines += [""] + section_text(self.rank_changes, lang)
        lines += ["", brief._t("details", lang).upper()]
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

    def summary_markdown(self, lang: str | None = None, level: int = 1) -> str:
        """The one-screen summary as Markdown (``level``: the title's heading level)."""
        from . import monitor_brief as brief

        lang = check_lang(lang or self.lang)
        h = "#" * level
        head = self._header(lang)
        lines = [f"{h} {head[0]}", ""] + [x + "\n" for x in head[1:]]
        lines += [f"{h}# {brief._t('summary', lang)}", ""] + [f"- {s}" for s in self._summary_lines(lang)]
        for heading, items in brief.summary_blocks(self, lang):
            lines += ["", f"**{heading}**", ""] + [f"- {i}" for i in items]
        lines += ["", f"**{brief._t('act', lang, due=brief.due_text(self, lang))}**", ""]
        agencies = brief.agency_table(self, lang)
        lines += [brief._t("act_none", lang)] if agencies.empty else _md_table(agencies)
        return "\n".join(lines) + "\n"

    def details_markdown(self, lang: str | None = None, level: int = 2) -> str:
        """Per agency, its components to review (a table) and the others it answers for (names)."""
        from . import monitor_brief as brief

        lang = check_lang(lang or self.lang)
        h = "#" * level
        lines = [f"{h} {brief._t('details', lang)}"]
        quiet = []
        for heading, flagged, other, other_head in self._sections(lang):
            if flagged.empty:  # agencies named once below; unowned components need no line
                prefix = _t("agency", lang, agency="")
                if heading.startswith(prefix):
                    quiet.append(heading[len(prefix):])
                continue
            lines += ["", f"{h}# {heading}", ""]
            lines += _md_table(brief.detail_table(self, flagged, lang)) + [""]
            if len(other):
                lines.append(brief._t("others", lang, names=brief.other_names(other, lang)))
        if quiet:
            lines += ["", brief._t("quiet", lang, names="; ".join(quiet))]
        lines += ["", f"*{AGENCY_RULE(lang)}*"] + [f"- {n(lang)}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_markdown(self, lang: str | None = None, rank_changes: bool = True) -> str:
        """The review as Markdown: the one-screen summary, why the ranks moved (with
        ``rank_changes``), then the details by agency."""
        lang = check_lang(lang or self.lang)
        lines = [self.summary_markdown(lang)]
        if self.rank_changes and rank_changes:
            from .explain_report import section_markdown
            lines += section_markdown(self.rank_changes, lang) + [""]
        lines.append(self.details_markdown(lang))
        return "\n".join(lines)

    def write_docx(self, folder: str | Path, lang: str | None = None) -> Path:
        """Write the Word brief ``<stem>.<lang>.docx`` (atomically)."""
        from .monitor_brief import docx_bytes, docx_path

        lang = check_lang(lang or self.lang)
        path = docx_path(self, folder, lang)
        return write_files_atomic({path: docx_bytes(self, lang)})[0]

    def file_stem(self) -> str:
        return f"monitor_{resolve(self.province, self.year).id}_{self.year}"

    def file_paths(self, folder: str | Path, lang: str | None = None) -> list[Path]:
        """The files :meth:`write` writes: ``<stem>.csv`` and ``<stem>.<lang>.md``."""
        lang = check_lang(lang or self.lang)
        stem = self.file_stem()
        return [Path(folder) / f"{stem}.csv", Path(folder) / f"{stem}.{lang}.md"]

    def write(self, folder: str | Path, lang: str | None = None) -> list[Path]:
        """Write ``<stem>.csv`` (the tidy table) and ``<stem>.<lang>.md``, together and
        atomically (both or neither)."""
        lang = check_lang(lang or self.lang)
        csv_path, md_path = self.file_paths(folder, lang)
        return write_files_atomic({csv_path: csv_text(_csv_ready(self.table)).encode("utf-8"),
                                   md_path: self.to_markdown(lang).encode("utf-8")})

    def csv(self) -> str:
        return csv_text(_csv_ready(self.table))


def _md_table(frame: pd.DataFrame) -> list[str]:
    """A Markdown table: one header row, no row numbers."""
    def cell(v) -> str:
        return str(v).replace("|", "/").replace("\n", " ")
    lines = ["| " + " | ".join(cell(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return lines


def _csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for col in ("below_average", "average_uncertain", "fell", "flagged", "verified", "same_methodology"):
        out[col] = out[col].map(lambda v: "" if v is None or pd.isna(v) else str(bool(v)).lower())
    return out


def _approx(row) -> str:
    """'≈ ' before a previous year approximated on the new map (a merged unit's first year)."""
    source = row["previous_source"] if isinstance(row, (dict, pd.Series)) else getattr(
        row, "previous_source", "")
    return "≈ " if isinstance(source, str) and source.startswith("approximate") else ""


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _false(value) -> bool:
    return value is not None and not pd.isna(value) and not bool(value)
