"""Figures: the right bars and labels, in either language, saved as repeatable bytes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from indexmodel.core.errors import UsageError
from indexmodel.report import plots

VI_NAMES = ["Tiếp cận đất đai", "Quản trị điện tử", "Đắk Lắk"]


def components(best=(8.0, np.nan, 9.0)) -> pd.DataFrame:
    return pd.DataFrame({
        "component": ["land_access", "e_governance", "dak_lak"],
        "name_vi": VI_NAMES,
        "name_en": ["Land access", "E-governance", "Dak Lak"],
        "baseline": [6.84, 3.27, 5.0],
        "target": [7.30, 4.0, np.nan],
        "best": list(best),
        "max": [10.0, 10.0, 10.0],
    })


def ticklabels(ax) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]


def test_components_bars_labels_and_language():
    fig = plots.plot_components(components(), lang="vi", baseline_year=2023, target_year=2025)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 3 + 2 + 2  # NaN values draw no bar
    assert ticklabels(ax) == VI_NAMES
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Năm 2023", "Chỉ tiêu 2025", "Cao nhất đã biết"]
    assert ax.get_xlim() == (0.0, 10.0)
    en = plots.plot_components(components(), lang="en", baseline_year=2023, target_year=2025)
    assert ticklabels(en.axes[0]) == ["Land access", "E-governance", "Dak Lak"]
    assert [t.get_text() for t in en.axes[0].get_legend().get_texts()] == [
        "2023", "Target 2025", "Best known"]


def test_components_without_any_best_has_two_series_and_mixed_maxima_use_percent():
    frame = components(best=(np.nan, np.nan, np.nan))
    frame.loc[2, "max"] = 100.0
    ax = plots.plot_components(frame, lang="en").axes[0]
    assert len(ax.get_legend().get_texts()) == 2
    assert ax.get_xlim() == (0.0, 100.0) and "%" in ax.get_xlabel()
    widths = sorted(round(p.get_width(), 2) for p in ax.patches)
    assert 68.4 in widths and 5.0 in widths  # 6.84/10 and 5/100 as percentages


def test_leverage_bars_and_intervals():
    frame = pd.DataFrame({"name_vi": VI_NAMES, "name_en": ["a", "b", "c"],
                          "gain": [3.0, 1.0, np.nan], "low": [1.0, 1.0, np.nan],
                          "high": [5.0, 2.0, np.nan]})
    ax = plots.plot_leverage(frame, lang="vi").axes[0]
    assert len(ax.patches) == 2
    assert ticklabels(ax) == VI_NAMES
    assert ax.get_ylim() == (2.5, -0.5)  # the row without data stays in view
    errorbars = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
    assert len(errorbars) == 1
    # other column names
    renamed = frame.rename(columns={"gain": "target_rank_gain", "low": "target_rank_gain_low",
                                    "high": "target_rank_gain_high"})
    ax = plots.plot_leverage(renamed, lang="en", gain="target_rank_gain",
                             low="target_rank_gain_low", high="target_rank_gain_high").axes[0]
    assert len(ax.patches) == 2 and ax.get_title() == "Ranks gained per component"


def test_rank_probabilities_goal_line_and_title():
    probs = pd.Series([0.1, 0.2, 0.3, 0.4], index=[18, 19, 20, 21])
    fig = plots.plot_rank_probabilities(probs, goal=20, lang="en")
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert "60%" in ax.get_title() and "rank 20 or better" in ax.get_title()
    assert len(ax.get_lines()) == 1
    vi = plots.plot_rank_probabilities(probs, goal=20, lang="vi").axes[0]
    assert "P(đạt hạng 20 trở lên) = 60%" in vi.get_title()
    assert plots.plot_rank_probabilities(probs, lang="en").axes[0].get_title() == \
        "Rank distribution"


def test_peer_distribution_marks_the_province_and_its_target():
    peers = pd.Series(np.linspace(55, 75, 63))
    ax = plots.plot_peer_distribution(peers, 66.26, target=70.7, province="Bình Định",
                                      lang="vi").axes[0]
    assert sum(p.get_height() for p in ax.patches) == 63
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Bình Định: 66.26", "Chỉ tiêu: 70.70"]
    ax = plots.plot_peer_distribution(peers, 66.26, lang="en").axes[0]
    assert len(ax.get_lines()) == 1


def test_recommendations_bars_and_costs():
    frame = pd.DataFrame({"name_vi": ["Tính minh bạch", "Đào tạo lao động"],
                          "name_en": ["Transparency", "Labor"], "move": [0.5, 1.2],
                          "cost": [0.8, 2.1]})
    ax = plots.plot_recommendations(frame, lang="en").axes[0]
    assert len(ax.patches) == 2
    assert ticklabels(ax) == ["Transparency", "Labor"]
    assert [t.get_text() for t in ax.texts] == ["+0.50 (cost 0.80)", "+1.20 (cost 2.10)"]
    ax = plots.plot_recommendations(frame, lang="vi").axes[0]
    assert ax.texts[0].get_text() == "+0.50 (chi phí 0.80)"


def test_trajectory_actual_and_targets_ahead():
    frame = pd.DataFrame({"year": [2021, 2022, 2023, 2025], "composite": [64.0, 65.5, 66.26, 70.7],
                          "rank": [30, 21, 25, 20],
                          "status": ["actual", "actual", "actual", "target"]})
    fig = plots.plot_trajectory(frame, lang="en", out_of=63)
    ax_c, ax_r = fig.axes
    # rank 1 at the top; the axis spans the ranks drawn (20-30) with a margin, not down to 63
    assert ax_r.get_ylim() == (32.0, 18.0)
    # each panel: the actual line, its markers, the dashed link ahead, the target markers
    for ax in (ax_c, ax_r):
        lines = ax.get_lines()
        assert len(lines) == 4
        assert list(lines[0].get_xdata()) == [2021, 2022, 2023]
        assert list(lines[2].get_xdata()) == [2023, 2025] and lines[2].get_linestyle() == "--"


def test_trajectory_lines_break_at_years_without_data_and_estimates_are_hollow():
    frame = pd.DataFrame({"year": [2017, 2018, 2021, 2022, 2023], "composite": [60, 61, 64, 65, 66],
                          "rank": [30, 28, 25, 24, 22], "status": ["actual"] * 5,
                          "unverified": [False, False, False, False, True]})
    ax_c, ax_r = plots.plot_trajectory(frame, lang="en", out_of=63).axes
    solid = [list(l.get_xdata()) for l in ax_r.get_lines() if l.get_linestyle() == "-"]
    assert solid == [[2017, 2018], [2021, 2022, 2023]]  # nothing drawn across 2019-2020
    solid_c = [list(l.get_xdata()) for l in ax_c.get_lines() if l.get_linestyle() == "-"]
    assert solid_c == [[2017, 2018], [2021, 2022]]  # 2023 rests on unverified settings
    hollow = [l for l in ax_c.get_lines() if l.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [2023]
    assert "Estimated (unverified settings)" in [t.get_text() for t in ax_c.get_legend().get_texts()]


def test_sweep_is_sorted_widest_first():
    frame = pd.DataFrame({"setting": ["w1", "w2", "w3"],
                          "name_vi": ["Trọng số I", "Trọng số II", "Trọng số III"],
                          "low": [83.38, 83.1, 83.3], "high": [83.42, 83.7, 83.5]})
    ax = plots.plot_sweep(frame, base=83.4, lang="vi").axes[0]
    assert len(ax.patches) == 3
    assert ticklabels(ax) == ["Trọng số II", "Trọng số III", "Trọng số I"]
    assert len(ax.get_lines()) == 1


def test_unknown_language_is_a_usage_error():
    with pytest.raises(UsageError):
        plots.plot_components(components(), lang="fr")


def test_saving_twice_gives_identical_bytes(tmp_path):
    from indexmodel.core import cache

    fig = plots.plot_components(components(), lang="vi", baseline_year=2023, target_year=2025)
    with cache.disabled():  # each drawn (not the PNG of the same content kept in memory)
        a = plots.save_figure(fig, tmp_path / "a.png")
        b = plots.save_figure(fig, tmp_path / "sub" / "b.png")
        again = plots.plot_components(components(), lang="vi", baseline_year=2023,
                                      target_year=2025)
        c = plots.save_figure(again, tmp_path / "c.png")
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    assert a.read_bytes().startswith(b"\x89PNG")
    assert b"Software" not in a.read_bytes() and b"matplotlib" not in a.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "c.png", "sub"]  # no temp files


def test_vietnamese_text_is_drawn_with_a_font_that_has_its_letters():
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.ft2font import FT2Font

    plots.use_style()
    font = FT2Font(findfont(FontProperties(family=plots.FONT)))
    charmap = font.get_charmap()
    for ch in "".join(VI_NAMES) + "ắằẳẵặấầẩẫậếềểễệốồổỗộớờởỡợứừửữựỳỷỹỵđĐ":
        assert ord(ch) in charmap, ch


def test_a_figure_of_the_same_content_is_drawn_once_and_a_changed_one_again(monkeypatch):
    """The PNG of a figure whose content was drawn before in this process is the one drawn
    then (two separately built, equal figures); any change to what it shows draws anew."""
    from indexmodel.core import cache

    drawn = []
    original = plots._draw_png
    monkeypatch.setattr(plots, "_draw_png", lambda fig, dpi: drawn.append(fig) or original(fig, dpi))
    plots._PNGS.store.clear()

    def figure(target=7.30):
        frame = components()
        frame.loc[0, "target"] = target
        return plots.plot_components(frame, lang="vi", baseline_year=2023, target_year=2025)

    first, second = figure(), figure()
    assert plots.figure_key(first) == plots.figure_key(second) is not None
    png = plots.figure_png(first)
    assert plots.figure_png(second) == png and drawn == [first]
    changed = figure(7.31)
    assert plots.figure_key(changed) != plots.figure_key(first)
    assert plots.figure_png(changed) != png and drawn == [first, changed]
    titled = figure()
    titled.axes[0].set_title("another title")
    plots.figure_png(titled)
    assert drawn[-1] is titled
    assert plots.figure_png(first, dpi=60) != png and len(drawn) == 4  # another resolution
    monkeypatch.setenv(cache.NO_CACHE, "1")  # without caches every figure is drawn
    assert plots.figure_png(figure()) == png and len(drawn) == 5


def test_the_figures_canvas_is_matplotlibs_own_under_another_release(monkeypatch):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from indexmodel.report import agg

    assert agg.canvas_class() is (agg.Canvas if matplotlib.__version__.startswith("3.11.")
                                  else FigureCanvasAgg)
    monkeypatch.setattr(matplotlib, "__version__", "3.12.0")
    assert agg.canvas_class() is FigureCanvasAgg


WRITTEN_FOR = pytest.mark.skipif(not __import__("matplotlib").__version__.startswith("3.11."),
                                 reason="report.agg follows matplotlib 3.11's renderer")


@WRITTEN_FOR
def test_text_laid_out_once_gives_matplotlibs_own_pixels():
    """The canvas that keeps each string's size and layout by content draws the pixels of
    matplotlib's own Agg canvas: first with its caches empty, then with them filled (by
    the same strings in another figure of another size)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from indexmodel.core import cache
    from indexmodel.report import agg

    def pixels(canvas_type, fig):
        canvas = canvas_type(fig)
        canvas.draw()
        return bytes(canvas.buffer_rgba())

    def figure(width):
        fig = plots.plot_components(components(), lang="vi", baseline_year=2023, target_year=2025)
        fig.set_size_inches(width, 4.0)
        fig.axes[0].set_xlabel("Điểm (Tiếp cận đất đai, Đắk Lắk) — 10 = cao nhất")
        return fig

    agg._METRICS.store.clear()
    agg._LAYOUTS.store.clear()
    for width in (7.5, 6.0):
        own = pixels(FigureCanvasAgg, figure(width))
        hits = agg._LAYOUTS.hits
        assert pixels(agg.Canvas, figure(width)) == own
        assert pixels(agg.Canvas, figure(width)) == own  # every string from the caches
        assert agg._LAYOUTS.hits > hits
    with cache.disabled():
        assert pixels(agg.Canvas, figure(7.5)) == pixels(FigureCanvasAgg, figure(7.5))


@WRITTEN_FOR
def test_a_glyphs_bitmap_is_the_same_at_every_whole_pixel():
    """What report.agg's glyph cache rests on: FreeType's bitmap of a glyph placed at a
    fraction of a pixel is the same bitmap, shifted, at another whole pixel."""
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties, fontManager, get_font
    from matplotlib.ft2font import RenderMode

    plots.use_style()
    font = get_font(fontManager._find_fonts_by_props(FontProperties(size=9)))
    flags = get_hinting_flag()
    font.set_size(9, plots.DPI)
    glyphs = {item.glyph_index for item in font._layout("Tiếp cận đất đai — Đắk Lắk 2025", flags=flags)}
    for matrix in ([[0x10000, 0], [0, 0x10000]], [[0, -0x10000], [0x10000, 0]]):
        for glyph in glyphs:
            for fraction in (0, 13, 32, 63):
                seen = []
                for whole in ((3, 5), (811, 402)):
                    font.set_size(9, plots.DPI)
                    font._set_transform(np.array(matrix), [whole[0] * 64 + fraction,
                                                           whole[1] * 64 + 63 - fraction])
                    bitmap = font._render_glyph(glyph, flags, RenderMode.NORMAL)
                    seen.append((bitmap.buffer.tobytes(), bitmap.buffer.shape,
                                 bitmap.left - whole[0], bitmap.top - whole[1]))
                if seen[0][1][0] * seen[0][1][1]:  # a space draws nothing wherever it is
                    assert seen[0] == seen[1], (glyph, fraction)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork")
def test_a_forked_worker_does_not_use_the_parents_fonts():
    """The run's workers are forked: a font object of the parent (kept in report.agg's
    layouts and glyph bitmaps) reads its file through a descriptor and offset the workers
    share, so two workers drawing at once read each other's bytes. A fork forgets them."""
    import os

    from indexmodel.report import agg

    plots.figure_png(plots.plot_components(components(), lang="vi", baseline_year=2023,
                                           target_year=2025), dpi=50)
    assert len(agg._LAYOUTS.store) and len(agg._GLYPHS.store)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, f"{len(agg._LAYOUTS.store)} {len(agg._GLYPHS.store)}".encode())
        os._exit(0)
    os.close(write)
    seen = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    assert seen == "0 0"
    assert len(agg._LAYOUTS.store) and len(agg._GLYPHS.store)  # the parent keeps its own
