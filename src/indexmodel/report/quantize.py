"""A figure's colours reduced to a 256-colour palette: Pillow's median cut, computed on the
image's distinct colours instead of its pixels.

Pillow's median cut (``Image.quantize(method=MEDIANCUT)``, libImaging/Quant.c) hashes every
pixel twice (to count the colours, then to map each pixel to its palette entry): 45 ms for a
900×600 figure, most of it per pixel, though a figure holds a thousand distinct colours at
most (flat colours, anti-aliased edges). Its result depends only on the distinct colours and
how many pixels hold each, so here the colours are counted with numpy (the white page apart:
most pixels) and Pillow's steps are followed on the counts — the same boxes (split along the
same axis at the same median, taken in the same order from the same heap), the same averages
(rounded as it rounds them), each colour mapped to the same entry (the nearest, ties as its
search meets them). The image and palette are Pillow's to the byte (a test compares them on
many figures); an image it would treat otherwise (over 65 536 colours, two colours sharing
its hash, more pixels than its sums hold) is quantized by Pillow itself, and so is every
image under a Pillow other than the major release the steps were followed from
(:data:`PORTED_FROM`): a later Quant.c may differ.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd
from PIL import Image

PORTED_FROM = 13  # Pillow's major release whose Quant.c these steps follow (13.0.0)
_MAX_HASH_ENTRIES = 65536
_WEIGHTS = (77, 150, 29)  # Quant.c's split: the axis of the widest range, weighted by these


def quantize(image: Image.Image, colors: int = 256) -> Image.Image:
    """``image.quantize(colors, method=MEDIANCUT, dither=NONE)`` of an RGB image."""
    fallback = lambda: image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT,  # noqa: E731
                                      dither=Image.Dither.NONE)
    if (image.mode != "RGB" or not 1 <= colors <= 256
            or _pillow_major() != PORTED_FROM):
        return fallback()
    width, height = image.size
    n = width * height
    if n == 0 or n * 255 >= 2 ** 32:  # Pillow sums a box's channel in 32 bits
        return fallback()
    # each pixel as one number, red in the low byte (RGBX: four bytes a pixel)
    codes = np.frombuffer(image.tobytes("raw", "RGBX"), dtype="<u4") & np.uint32(0xFFFFFF)
    white = np.uint32(0xFFFFFF)
    other = codes != white
    # the distinct colours by a hash table (pandas' factorize: a sort, np.unique, took twice
    # as long); their order does not matter (the boxes are split by value)
    inverse, found = pd.factorize(codes[other])
    counts = np.bincount(inverse, minlength=len(found))
    found = np.asarray(found, dtype=np.uint32)
    whites = n - int(other.sum())
    if whites:
        found = np.append(found, white)
        counts = np.append(counts, whites)
    if len(found) > _MAX_HASH_ENTRIES:
        return fallback()
    cols = np.stack([found & 255, (found >> 8) & 255, (found >> 16) & 255], axis=1).astype(np.int64)
    if len(np.unique(_pixel_hash(cols))) != len(cols):
        return fallback()  # Pillow would take two colours for one
    boxes = _median_cut(tuple(cols[:, i].tolist() for i in range(3)), counts.tolist(), n, colors)
    box_of = np.empty(len(cols), dtype=np.int64)
    for i, members in enumerate(boxes):
        box_of[members] = i
    palette = _palette(cols, counts, box_of, len(boxes))
    entry = _nearest(cols, box_of, palette)
    indices = np.empty(n, dtype=np.uint8)
    if whites:
        indices[~other] = entry[-1]
    indices[other] = entry[inverse].astype(np.uint8)
    out = Image.frombytes("P", (width, height), indices.tobytes())
    out.putpalette(palette.astype(np.uint8).tobytes(), "RGB")
    out.info = image.info.copy()
    return out


def _pillow_major() -> int | None:
    import PIL

    try:
        return int(PIL.__version__.split(".")[0])
    except (AttributeError, ValueError):
        return None


def _pixel_hash(cols: np.ndarray) -> np.ndarray:
    r, g, b = (cols[:, i].astype(np.uint32) for i in range(3))
    return (r * np.uint32(463)) ^ ((g << np.uint32(8)) * np.uint32(10069)) ^ \
        ((b << np.uint32(16)) * np.uint32(64997))


class _Box:
    __slots__ = ("members", "count", "lo", "hi", "left", "right")

    def __init__(self, members: list[int], count: int, channels: tuple[list, list, list]) -> None:
        self.members, self.count = members, count
        if len(members) > 1:
            get = itemgetter(*members)
            values = [get(c) for c in channels]
            self.lo = tuple(map(min, values))
            self.hi = tuple(map(max, values))
        elif members:
            self.lo = self.hi = tuple(c[members[0]] for c in channels)
        else:
            self.lo = self.hi = None
        self.left = self.right = None

    def volume(self) -> int:
        if not self.members:
            return 0
        lo, hi = self.lo, self.hi
        return (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1)


def _median_cut(channels: tuple[list, list, list], counts: list[int], total: int,
                colors: int) -> list[list[int]]:
    """The leaves of Quant.c's median cut (left before right), as lists of colour indices
    (plain Python: most boxes split hold a few colours, where numpy's calls cost more)."""
    root = _Box(list(range(len(counts))), total, channels)
    heap: list = [None, root]  # Quant.c's binary heap (QuantHeap.c), 1-based, by pixel count
    remaining = colors - 1
    while remaining:
        remaining -= 1
        while True:
            node = _heap_remove(heap)
            if node is None or node.volume() != 1:  # a single colour is not split
                break
        if node is None:
            break
        _split(node, channels, counts)
        _heap_add(heap, node.left)
        _heap_add(heap, node.right)
    leaves: list[list[int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.left is not None:
            stack.append(node.right)
            stack.append(node.left)
        elif node.members:
            leaves.append(node.members)
    return leaves


def _split(node: _Box, channels: tuple[list, list, list], counts: list[int]) -> None:
    lo, hi = node.lo, node.hi
    spans = [(hi[i] - lo[i]) * _WEIGHTS[i] for i in range(3)]
    axis = 0
    for i in (1, 2):
        if spans[axis] < spans[i]:
            axis = i
    value = channels[axis]
    members = node.members
    # Quant.c walks the colours from the highest value until half the pixels are passed;
    # the colour where that happens and its equals go left, the rest right
    walk = sorted(members, key=value.__getitem__, reverse=True)
    passed, total, at = 0, node.count, len(walk) - 1
    for k, i in enumerate(walk):
        passed += counts[i]
        if passed * 2 > total:
            at = k
            break
    split_value = value[walk[at]] if at + 1 < len(walk) else lo[axis]
    left = [i for i in members if value[i] >= split_value]
    if len(left) == len(members):  # nothing right: the lowest value's colours go right
        split_value = lo[axis]
        left = [i for i in members if value[i] != split_value]
        right = [i for i in members if value[i] == split_value]
    else:
        right = [i for i in members if value[i] < split_value]
    left_count = sum(map(counts.__getitem__, left))
    node.left = _Box(left, left_count, channels)
    node.right = _Box(right, total - left_count, channels)


def _heap_add(heap: list, node: _Box) -> None:
    heap.append(None)
    k = len(heap) - 1
    while k != 1:
        if node.count - heap[k // 2].count <= 0:
            break
        heap[k] = heap[k // 2]
        k >>= 1
    heap[k] = node


def _heap_remove(heap: list) -> _Box | None:
    count = len(heap) - 1
    if not count:
        return None
    top = heap[1]
    v = heap.pop()
    count -= 1
    if not count:
        return top
    k = 1
    while k * 2 <= count:
        child = k * 2
        if child < count and heap[child].count - heap[child + 1].count < 0:
            child += 1
        if v.count - heap[child].count > 0:
            break
        heap[k] = heap[child]
        k = child
    heap[k] = v
    return top


def _palette(cols: np.ndarray, counts: np.ndarray, box_of: np.ndarray, boxes: int) -> np.ndarray:
    """Each box's colour: its pixels' mean, rounded as Quant.c rounds it."""
    n = np.bincount(box_of, weights=counts, minlength=boxes)
    sums = np.stack([np.bincount(box_of, weights=cols[:, i] * counts, minlength=boxes)
                     for i in range(3)], axis=1)
    return np.trunc(0.5 + sums / n[:, None]).astype(np.int64)


def _nearest(cols: np.ndarray, box_of: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Each colour's palette entry as Quant.c's search finds it. From its box's entry it
    visits the entries in order of their distance to that entry (then of their index) while
    that distance is at most four times the colour's own to its box's entry, and a strictly
    nearer entry replaces the best so far: the box's entry unless another is strictly
    nearer, else the nearest (every entry nearer than the box's lies within the visited
    distance), the first visited among equally near ones."""
    cols32, pal32 = cols.astype(np.int32), palette.astype(np.int32)
    d = sum((cols32[:, i, None] - pal32[None, :, i]) ** 2 for i in range(3))
    rows = np.arange(len(cols))
    own = d[rows, box_of]
    nearest = d.argmin(axis=1)
    best = d[rows, nearest]
    entry = box_of.copy()
    for u in np.nonzero(best < own)[0]:
        tied = np.nonzero(d[u] == best[u])[0]
        if len(tied) > 1:  # visited in order of distance to the box's entry, then index
            to_box = ((pal32[tied] - pal32[box_of[u]]) ** 2).sum(axis=1)
            entry[u] = tied[np.lexsort((tied, to_box))[0]]
        else:
            entry[u] = nearest[u]
    return entry
