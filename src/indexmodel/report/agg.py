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

The same holds for a font's line metrics (read from its tables for every text, every time
it is measured) and for each glyph's bitmap: FreeType draws a glyph at a position given in
64ths of a pixel, and the bitmap of one fraction of a pixel is the same at every whole pixel
(shifted), so a glyph is rendered once per font, size, hinting, rotation and fraction.

The caches are :func:`indexmodel.core.cache.keyed` (emptied and disabled with the others).
The renderer overrides parts of matplotlib's own (its text methods, as of 3.11): under
another matplotlib release :func:`canvas_class` gives matplotlib's canvas itself.
"""

from __future__ import annotations

import math
import os

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

from ..core.cache import NO_CACHE, keyed

WRITTEN_FOR = (3, 11)  # the matplotlib release whose RendererAgg this one follows
_METRICS = keyed(maxsize=8192)
_LAYOUTS = keyed(maxsize=8192)
_HEIGHTS = keyed(maxsize=256)
_GLYPHS = keyed(maxsize=65536)
_MISSING = object()


def _forget_fonts() -> None:
    """In a forked process: drop what holds the parent's font objects (the layouts' glyphs
    and the bitmaps keyed by font). A font reads its file as it goes, through a descriptor
    the fork shares with the parent and the other workers — one file offset for all, so two
    processes reading at once read each other's bytes (FreeType: "invalid outline").
    matplotlib drops its own fonts at a fork for the same reason."""
    _LAYOUTS.store.clear()
    _GLYPHS.store.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_fonts)


def _font_key(paths: tuple, prop, dpi: float) -> tuple:
    """What a string's layout depends on besides the string: the font files, size,
    resolution, hinting and kerning (matplotlib's ``get_font`` keys its fonts by the
    kerning and the last-resort font)."""
    params = matplotlib.rcParams
    return (paths, prop.get_size_in_points(), dpi, get_hinting_flag(),
            params["text.hinting_factor"], params["text.kerning_factor"],
            params["font.enable_last_resort"])


class Renderer(RendererAgg):
    """Agg's renderer, measuring and laying out each string once per content."""

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._keys: dict[tuple, tuple] = {}

    def _key(self, prop) -> tuple:
        """:func:`_font_key` of ``prop``, found once per font properties in a drawing
        (matplotlib's ``findfont`` reads a dozen style settings each time it is asked)."""
        at = (id(prop), hash(prop))  # a drawing's texts keep their properties alive
        key = self._keys.get(at)
        if key is None:
            paths = tuple(fontManager._find_fonts_by_props(prop))
            key = self._keys[at] = _font_key(paths, prop, self.dpi)
        return key

    def _prepare_font(self, font_prop):
        # RendererAgg's, the font files found once per font properties (:meth:`_key`)
        font = get_font(list(self._key(font_prop)[0]))
        font.clear()
        font.set_size(font_prop.get_size_in_points(), self.dpi)
        return font

    def _get_font_height_metrics(self, prop):
        # matplotlib's Text asks a renderer that has it for the font's line metrics, and
        # else reads them as here (Text._get_layout), from the font's tables for each text
        return _HEIGHTS.lookup(("heights", self._key(prop)),
                               lambda: _height_metrics(prop, self.dpi))

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:  # mathtext and TeX as matplotlib does them
            return super().get_text_width_height_descent(s, prop, ismath)
        return _METRICS.lookup(("metrics", s, self._key(prop)),
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
        key = ("layout", s, self._key(prop),
               tuple(features) if features is not None else None, language)
        items = _LAYOUTS.lookup(key, lambda: list(font._layout(
            s, flags=flags, features=features, language=language)))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle,
            ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y)
             for item in items),
            [])


    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        # RendererAgg's, each glyph's bitmap rendered once per font, size, hinting,
        # rotation and fraction of a pixel (the same bitmap, shifted, at each whole pixel)
        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        load_flags = get_hinting_flag()
        antialiased = gc.get_antialiased()
        mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
        matrices: dict[tuple, np.ndarray] = {}
        # the kept bitmaps read directly (a keyed lookup for each glyph cost more than half
        # of what it saved), unless caches are off
        store = _GLYPHS.store if _GLYPHS.maxsize > 0 and not os.environ.get(NO_CACHE) else None
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards.
            matrix = matrices.get((slant, extend))
            if matrix is None:
                matrix = matrices[slant, extend] = (
                    0x10000 * np.array([[cos, -sin], [sin, cos]])
                    @ [[extend, extend * slant], [0, 1]]).round().astype(int)
            # FreeType's y is upwards.
            at_x = round(0x40 * (x + dx * cos - dy * sin))
            at_y = round(0x40 * (self.height - y + dx * sin + dy * cos))
            key = (font, size, self.dpi, glyph_index, load_flags, mode, matrix.tobytes(),
                   at_x & 63, at_y & 63)
            found = store.get(key, _MISSING) if store is not None else _MISSING
            if found is _MISSING:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, [at_x, at_y])
                bitmap = font._render_glyph(glyph_index, load_flags, mode)
                buffer = np.array(bitmap.buffer)
                if not antialiased:
                    buffer *= 0xff
                # nothing drawn (a space): kept as None
                found = (buffer, bitmap.left - (at_x >> 6), bitmap.top - (at_y >> 6)) \
                    if buffer.size else None
                if store is not None:
                    if len(store) >= _GLYPHS.maxsize:
                        store.popitem(last=False)
                    store[key] = found
                    _GLYPHS.misses += 1
            else:
                _GLYPHS.hits += 1
            if found is None:
                continue
            buffer, left, top = found
            # draw_text_image's y is downwards & the bitmap bottom side.
            self._renderer.draw_text_image(
                buffer, left + (at_x >> 6), int(self.height) - (top + (at_y >> 6)) + buffer.shape[0],
                0, gc)
        super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)


def _height_metrics(prop, dpi: float) -> tuple:
    """The font's line metrics as matplotlib's ``Text._get_layout`` reads them (min ascent,
    min descent, line gap), or Nones (it then measures "lp")."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    possible = [
        ('OS/2', 'sTypoLineGap', 'sTypoAscender', 'sTypoDescender'),
        ('hhea', 'lineGap', 'ascent', 'descent')
    ]
    for table_name, linegap_key, ascent_key, descent_key in possible:
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        fontsize = prop.get_size_in_points()
        units_per_em = font.get_sfnt_table('head')['unitsPerEm']
        scale = 1 / units_per_em * fontsize * dpi / 72
        return (table[ascent_key] * scale, -table[descent_key] * scale,
                table[linegap_key] * scale)
    return None, None, None


class Canvas(FigureCanvasAgg):
    """Agg's canvas drawing with :class:`Renderer`."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = Renderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def canvas_class() -> type[FigureCanvasAgg]:
    """:class:`Canvas` under the matplotlib release it was written for, else Agg's own."""
    try:
        release = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
    except ValueError:
        return FigureCanvasAgg
    return Canvas if release == WRITTEN_FOR else FigureCanvasAgg
