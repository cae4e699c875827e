"""report.quantize: Pillow's median cut computed on the distinct colours gives Pillow's image
and palette to the byte."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from indexmodel.report import plots, quantize as module
from indexmodel.report.quantize import quantize

# the steps are Pillow 13's; under another Pillow the module hands every image to Pillow
pytestmark = pytest.mark.skipif(module._pillow_major() != module.PORTED_FROM,
                                reason="the median cut is followed from Pillow 13 only")


def pillow(image: Image.Image) -> Image.Image:
    return image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(120, 120))
    return out.getvalue()


def figure_image() -> Image.Image:
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    frame = pd.DataFrame({"component": ["land", "e_gov"], "name_vi": ["Tiếp cận đất đai", "Đắk Lắk"],
                          "name_en": ["Land", "Dak Lak"], "baseline": [6.84, 3.27],
                          "target": [7.3, 4.0], "best": [8.0, 9.0], "max": [10.0, 10.0]})
    fig = plots.plot_components(frame, lang="vi", baseline_year=2023, target_year=2025)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    w, h = canvas.get_width_height()
    return Image.frombuffer("RGBA", (w, h), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")


def images():
    rng = np.random.default_rng(7)
    yield "figure", figure_image()
    few = rng.integers(0, 6, size=(48, 64, 3)) * 50  # 216 colours at most: no merging
    yield "few colours", Image.fromarray(few.astype(np.uint8), "RGB")
    x, y = np.meshgrid(np.linspace(0, 255, 320), np.linspace(0, 255, 200))
    gradient = np.stack([x, y, (x + y) / 2], axis=2)
    yield "gradient", Image.fromarray(gradient.astype(np.uint8), "RGB")
    page = np.full((120, 200, 3), 255, dtype=np.uint8)  # a white page, text-like strokes
    page[20:90, 30:34] = (31, 111, 180)
    page[40:44, 10:190] = (209, 73, 91)
    page[60:100, 100:160] = rng.integers(0, 256, size=(40, 60, 3))
    yield "page", Image.fromarray(page, "RGB")
    yield "no white", Image.fromarray((few // 2 + 3).astype(np.uint8), "RGB")
    yield "one colour", Image.new("RGB", (30, 20), (255, 255, 255))
    yield "one pixel", Image.new("RGB", (1, 1), (10, 20, 30))
    # more colours than Pillow's hash keeps at full precision: Pillow's own quantize
    yield "noise", Image.fromarray(rng.integers(0, 256, size=(300, 300, 3)).astype(np.uint8), "RGB")


@pytest.mark.parametrize("name,image", list(images()))
def test_the_median_cut_is_pillows_to_the_byte(name, image):
    ours, theirs = quantize(image), pillow(image)
    assert ours.mode == theirs.mode == "P"
    assert ours.tobytes() == theirs.tobytes(), name
    assert ours.palette.tobytes() == theirs.palette.tobytes(), name
    assert ours.im.getpalette() == theirs.im.getpalette(), name
    assert png(ours) == png(theirs), name


def test_fewer_colours_asked():
    image = figure_image()
    for colors in (2, 16, 100):
        ours = quantize(image, colors=colors)
        theirs = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                dither=Image.Dither.NONE)
        assert ours.tobytes() == theirs.tobytes() and png(ours) == png(theirs)


def test_another_pillow_quantizes_by_itself(monkeypatch):
    def never(*_args, **_kwargs):  # pragma: no cover - failing is the point
        raise AssertionError("the port ran under another Pillow")

    monkeypatch.setattr(module, "_pillow_major", lambda: module.PORTED_FROM + 1)
    monkeypatch.setattr(module, "_median_cut", never)
    image = figure_image()
    assert quantize(image).tobytes() == pillow(image).tobytes()
