"""PDQ perceptual hashes of pictures, and an index of known pictures matched by them.

PDQ (Meta's, through the ``pdqhash`` bindings of the reference C++) turns a picture into 256
bits that survive re-encoding and resizing, plus a quality from 0 to 100 (flat or tiny
pictures score low and match unreliably; Meta recommends discarding hashes of quality 49 or
less and calling two hashes a match at a Hamming distance of 31 or less).

Pictures are prepared as Meta's reference hasher prepares them (``pdq/cpp/io/pdqio.cpp``): one
larger than 512 pixels on either side is first shrunk to exactly 512 x 512 with CImg's
nearest-neighbour rule (aspect ratio not kept; output pixel ``x`` reads input
``floor(x * width / 512)``). That keeps hashes comparable with hash lists made by the
reference tools and bounds the cost (the Jarosz filters are linear in pixels).

Hex form: Meta's. The reference prints its sixteen 16-bit words from the last to the first,
each as four hex digits, most significant bit first, so the first hex digit holds bits 255 to
252 and the last one bits 3 to 0. ``pdqhash`` returns the bits in that same order (bit 255
first), so :func:`pdq_hash` packs them most significant bit first and prints the 32 bytes.

:class:`KnownIndex` keeps each known hash as 32 packed bytes in one numpy array and finds the
nearest one by the popcount of the XOR (``np.bitwise_count`` over four 64-bit words a hash),
in one vectorised pass: about 10 ms per million known hashes on the 2-core machine here.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence

import numpy as np
import pdqhash  # type: ignore[import-untyped]  # no type information shipped
from PIL import Image

from jingwang.classify.types import KnownMatch
from jingwang.errors import InvalidInput

HASH_BITS = 256
HASH_BYTES = HASH_BITS // 8
HEX_DIGITS = HASH_BITS // 4
_WORDS = HASH_BYTES // 8  # 64-bit words a hash
DOWNSAMPLE_DIMS = 512  # the reference hasher's intermediate size
# The order of pdqhash.compute_dihedral's hashes (and of pdq_variants), named by the Pillow
# transpose whose picture hashes nearest to each (checked on scikit-image's photos: the flips
# and the transposes land within 0 to 16 bits; the reference filters are not exactly symmetric).
DIHEDRAL = (
    "original",
    "rotate_90_ccw",  # Image.Transpose.ROTATE_90
    "rotate_180",
    "rotate_90_cw",  # Image.Transpose.ROTATE_270
    "flip_top_bottom",
    "flip_left_right",  # a mirrored copy
    "transpose",
    "transverse",
)
_HEX = re.compile(r"[0-9a-fA-F]{64}")


class PdqHashError(InvalidInput):
    """Text that is not a PDQ hash (64 hex digits); the message says where and what."""

    code = "classify.hash_invalid"


def pdq_hash(image: Image.Image) -> tuple[str, int]:
    """``(64 hex digits, quality 0..100)`` of a picture."""
    bits, quality = pdqhash.compute(_luma_source(image))
    return _hex(bits), int(quality)


def pdq_hashes(image: Image.Image) -> tuple[list[str], int]:
    """The picture's eight dihedral hashes (order: DIHEDRAL, so the first is
    :func:`pdq_hash`'s) and their quality, for the cost of one hash."""
    vectors, quality = pdqhash.compute_dihedral(_luma_source(image))
    return [_hex(bits) for bits in vectors], int(quality)


def pdq_variants(image: Image.Image) -> list[str]:
    """The hashes of the picture's eight rotations and mirror images (order: DIHEDRAL)."""
    return pdq_hashes(image)[0]


def hamming(a: str, b: str) -> int:
    """Bits in which two hashes differ (0..256)."""
    return (int(normalize_hash(a), 16) ^ int(normalize_hash(b), 16)).bit_count()


def normalize_hash(value: str) -> str:
    """``value`` as 64 lower-case hex digits; raises :class:`PdqHashError` otherwise."""
    text = value.strip()
    if not _HEX.fullmatch(text):
        raise PdqHashError(
            f"{value[:80]!r} is not a PDQ hash: write 64 hex digits (0-9, a-f)", value=value[:80]
        )
    return text.lower()


def packed(value: str) -> bytes:
    """The 32 bytes of a hash (most significant first, as printed)."""
    return bytes.fromhex(normalize_hash(value))


def _luma_source(image: Image.Image) -> np.ndarray:
    """C-contiguous uint8 RGB pixels, shrunk like the reference hasher does."""
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"), dtype=np.uint8)
    height, width = rgb.shape[:2]
    if height > DOWNSAMPLE_DIMS or width > DOWNSAMPLE_DIMS:
        rows = np.arange(DOWNSAMPLE_DIMS) * height // DOWNSAMPLE_DIMS
        cols = np.arange(DOWNSAMPLE_DIMS) * width // DOWNSAMPLE_DIMS
        rgb = rgb[rows][:, cols]
    return np.ascontiguousarray(rgb)


def _hex(bits: np.ndarray) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


class KnownIndex:
    """Known pictures' hashes; :meth:`match` finds the nearest within a distance.

    Rows are ``(hash id, hex hash, label, source)``. One known picture usually has several
    rows under the same id: its eight dihedral hashes (see
    :func:`jingwang.classify.images.score.add_known_image`), so that a mirrored or rotated
    copy matches. Adding is cheap; the packed array is extended on the next match. The hashes
    are stored as four contiguous columns of 64-bit words (word ``k`` of every row together),
    so a match XORs and counts four long runs of memory. One index may be shared by threads
    (a classifier serving several requests): adding and extending happen under a lock.
    """

    def __init__(self, rows: Iterable[tuple[int, str, str, str]] = ()) -> None:
        self._ids: list[int] = []
        self._tags: list[tuple[str, str]] = []  # (label, source), shared between rows
        self._interned: dict[tuple[str, str], tuple[str, str]] = {}
        self._pending: list[bytes] = []
        self._words = np.empty((_WORDS, 0), dtype=np.uint64)
        self._lock = threading.Lock()
        for hash_id, pdq, label, source in rows:
            self.add(hash_id, pdq, label, source)

    def add(self, hash_id: int, pdq: str, label: str, source: str) -> None:
        """Add one known hash (raises :class:`PdqHashError` for a malformed one)."""
        row = packed(pdq)
        tag = (label, source)
        with self._lock:
            self._pending.append(row)
            self._ids.append(hash_id)
            self._tags.append(self._interned.setdefault(tag, tag))

    def __len__(self) -> int:
        return len(self._ids)

    def distances(self, pdq: str) -> np.ndarray:
        """Hamming distance from ``pdq`` to every row, in the order they were added."""
        query = np.frombuffer(packed(pdq), dtype=np.uint64)
        words = self._array()
        total: np.ndarray = np.bitwise_count(words[0] ^ query[0]).astype(np.uint16)
        for k in range(1, _WORDS):
            total += np.bitwise_count(words[k] ^ query[k])
        return total

    def match_any(self, hashes: Sequence[str], max_distance: int) -> KnownMatch | None:
        """The nearest known hash to any of ``hashes`` (a picture's dihedral variants), so a
        rotated or mirrored copy matches a known hash taken from the original."""
        best: KnownMatch | None = None
        for pdq in hashes:
            found = self.match(pdq, max_distance)
            if found is not None and (best is None or found.distance < best.distance):
                best = found
        return best

    def match(self, pdq: str, max_distance: int) -> KnownMatch | None:
        """The nearest known hash within ``max_distance`` bits (the first added on a tie)."""
        found = self.distances(pdq)  # checks the query even when the index is empty
        if not len(found):
            return None
        nearest = int(np.argmin(found))
        distance = int(found[nearest])
        if distance > max_distance:
            return None
        label, source = self._tags[nearest]
        return KnownMatch(self._ids[nearest], label, source, distance)

    def _array(self) -> np.ndarray:
        with self._lock:
            if self._pending:
                added = np.frombuffer(b"".join(self._pending), dtype=np.uint64)
                columns = added.reshape(-1, _WORDS).T
                self._words = np.ascontiguousarray(np.concatenate([self._words, columns], axis=1))
                self._pending.clear()
            return self._words


def parse_hash_list(text: str) -> list[tuple[str, str | None]]:
    """``(hash, label or None)`` per line of a hash list, hashes lower-cased.

    A line is ``HASH``, ``HASH,label`` or ``HASH<TAB>label``; ``#`` starts a comment line;
    blank lines are skipped; a BOM is ignored. A bad hash raises :class:`PdqHashError` naming
    its line.
    """
    found: list[tuple[str, str | None]] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        head, _, label = _split(stripped)
        try:
            pdq = normalize_hash(head)
        except PdqHashError:
            raise PdqHashError(
                f"line {number}: {head[:80]!r} is not a PDQ hash; each line must start with "
                "64 hex digits, optionally followed by a comma or tab and a label",
                line=number,
            ) from None
        found.append((pdq, label.strip() or None))
    return found


def _split(line: str) -> tuple[str, str, str]:
    cut = min((i for i in (line.find(","), line.find("\t")) if i >= 0), default=-1)
    if cut < 0:
        return line, "", ""
    return line[:cut].strip(), line[cut], line[cut + 1 :]


__all__ = [
    "DIHEDRAL",
    "HASH_BITS",
    "KnownIndex",
    "PdqHashError",
    "hamming",
    "normalize_hash",
    "packed",
    "parse_hash_list",
    "pdq_hash",
    "pdq_variants",
]
