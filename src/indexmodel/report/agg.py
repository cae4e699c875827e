"""The canvas figures are drawn on: matplotlib's Agg canvas, with text laid out once per
content in a process.

matplotlib (3.11) lays text out with FreeType and HarfBuzz each time it measures a string
(the constrained layout measures every label, twice) and again each time it draws one:
0.2 ms for a tick label, 3 ms for a title. A string's size and its glyphs' places depend
only on the string, the font files, the size, the resolution and the hinting and kerning
settings, so a run of every province (the same axis labels, ticks and legends in every
unit's figures) measures and lays out most of its text once. The glyphs are drawn as
matplotlib draws them; the pixels are the same (a test compares them with matplotlib's own
canvas).

Both caches are :func:`indexmodel.core.cache.keyed` (emptied and disabled with the others).
"""

from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager

from ..core.cache import keyed

_METRICS = keyed(maxsize=8192)
_LAYOUTS = keyed(maxsize=8192)


def _font_key(prop, dpi: float) -> tuple:
    """What a string's layout depends on besides the string: the font files, size,
    resolution, hinting and kerning (matplotlib's ``get_font`` keys its fonts by the last
    two)."""
    params = matplotlib.rcParams
    return (tuple(fontManager._find_fonts_by_props(prop)), prop.get_size_in_points(), dpi,
            get_hinting_flag(), params["text.hinting_factor"], params["text.kerning_factor"])


class Renderer(RendererAgg):
    """Agg's renderer, measuring and laying out each string once per content."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX as matplotlib does them
            return super().get_text_width_height_descent(s, prop, ismath)
        return _METRICS.lookup(("metrics", s, _font_key(prop, self.dpi)),
                               lambda: super(Renderer, self).get_text_width_height_descent(
                                   s, prop, ismath))

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        # RendererAgg.draw_text with the layout (font._layout) kept by content
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        font = self._prepare_font(prop)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        flags = get_hinting_flag()
        key = ("layout", s, _font_key(prop, self.dpi),
               tuple(features) if features is not None else None, language)
        items = _LAYOUTS.lookup(key, lambda: list(font._layout(
            s, flags=flags, features=features, language=language)))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle,
            ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
             for item in items),
            [])


class Canvas(FigureCanvasAgg):
    """Agg's canvas drawing with :class:`Renderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = Renderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
