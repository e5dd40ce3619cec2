"""PDQ hashes (Meta's hex form), robustness to copies, the known-image index, hash lists."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pdqhash  # type: ignore[import-untyped]
import pytest
from PIL import Image
from skimage import data

from jingwang.classify.images.pdq import (
    DIHEDRAL,
    KnownIndex,
    PdqHashError,
    hamming,
    normalize_hash,
    parse_hash_list,
    pdq_hash,
    pdq_variants,
)
from jingwang.classify.images.score import add_known_image
from jingwang.classify.types import KnownMatch
from jingwang.errors import InvalidInput

MATCH = 31  # Meta's recommended match distance (and the setting's default)
# Photographs. PDQ is made for them: fine repetitive texture (scikit-image's "page", "brick",
# "grass") moves 40 to 110 bits when halved or mirrored, past any useful threshold.
PHOTOS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "camera",
    "coins",
    "hubble_deep_field",
    "retina",
    "cell",
)


def photo(name: str) -> Image.Image:
    return Image.fromarray(getattr(data, name)()).convert("RGB")


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def half(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)


def mirror(image: Image.Image) -> Image.Image:
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def test_the_hex_is_metas_word_order_most_significant_bit_first() -> None:
    picture = photo("astronaut")
    bits, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(picture)))
    value, reported = pdq_hash(picture)
    assert reported == quality == 100
    assert len(value) == 64
    assert value == value.lower()
    # pdqhash lists bit 255 first; Meta prints words w[15]..w[0], each high nibble first, so
    # hex digit i holds bits 255-4i .. 252-4i: the integer of the hex has bit k = bits[255-k]
    number = int(value, 16)
    assert all((number >> k) & 1 == bits[255 - k] for k in range(256))
    # and reading it back as Meta's sixteen 16-bit words, w[15] is the first four digits
    words = [int(value[60 - 4 * i : 64 - 4 * i], 16) for i in range(16)]
    assert all((words[k >> 4] >> (k & 15)) & 1 == bits[255 - k] for k in range(256))


def test_large_pictures_are_shrunk_like_the_reference_hasher() -> None:
    big = photo("hubble_deep_field")  # 1000 x 872
    assert max(big.size) > 512
    rows = np.arange(512) * big.height // 512
    cols = np.arange(512) * big.width // 512
    shrunk = np.ascontiguousarray(np.asarray(big)[rows][:, cols])
    bits, _ = pdqhash.compute(shrunk)
    assert pdq_hash(big)[0] == np.packbits(bits.astype(np.uint8)).tobytes().hex()
    assert pdq_hash(big.convert("L"))[0] == pdq_hash(big.convert("L").convert("RGB"))[0]


def test_flat_and_tiny_pictures_have_low_quality() -> None:
    assert pdq_hash(Image.new("RGB", (300, 200), (120, 80, 40)))[1] == 0
    assert pdq_hash(Image.new("RGB", (1, 1)))[1] == 0
    assert pdq_hash(photo("coffee"))[1] >= 50


@pytest.mark.parametrize("name", PHOTOS)
def test_copies_match_after_reencoding_resizing_and_mirroring(name: str) -> None:
    original = photo(name)
    index = KnownIndex()
    add_known_image(index, 7, original, "porn", "test")
    copies = {
        "jpeg q40": jpeg(original, 40),
        "50%": half(original),
        "mirrored": mirror(original),
        "mirrored, 50%, jpeg q40": jpeg(half(mirror(original)), 40),
        "rotated 90°": original.transpose(Image.Transpose.ROTATE_90),
    }
    for what, copy in copies.items():
        found = index.match(pdq_hash(copy)[0], MATCH)
        assert found is not None, f"{name}: {what} did not match"
        assert found.hash_id == 7
        assert found.distance <= MATCH
    # without the variants, only the unmirrored copies match
    plain = KnownIndex([(7, pdq_hash(original)[0], "porn", "test")])
    assert plain.match(pdq_hash(jpeg(original, 40))[0], MATCH) is not None
    assert plain.match(pdq_hash(mirror(original))[0], MATCH) is None


def test_the_variants_are_the_eight_transposes() -> None:
    picture = photo("astronaut")
    variants = pdq_variants(picture)
    assert len(variants) == len(DIHEDRAL) == 8
    assert variants[0] == pdq_hash(picture)[0]
    transposes = {
        "rotate_90_ccw": Image.Transpose.ROTATE_90,
        "rotate_180": Image.Transpose.ROTATE_180,
        "rotate_90_cw": Image.Transpose.ROTATE_270,
        "flip_top_bottom": Image.Transpose.FLIP_TOP_BOTTOM,
        "flip_left_right": Image.Transpose.FLIP_LEFT_RIGHT,
        "transpose": Image.Transpose.TRANSPOSE,
        "transverse": Image.Transpose.TRANSVERSE,
    }
    for name, method in transposes.items():
        copy = pdq_hash(picture.transpose(method))[0]
        distances = [hamming(copy, variant) for variant in variants]
        assert distances.index(min(distances)) == DIHEDRAL.index(name)
        assert min(distances) <= 20


def test_unrelated_photos_are_far_apart() -> None:
    hashes = {name: pdq_hash(photo(name))[0] for name in PHOTOS}
    distances = {
        (a, b): hamming(hashes[a], hashes[b]) for a, b in itertools.combinations(PHOTOS, 2)
    }
    assert min(distances.values()) > MATCH, distances
    # nor does an unrelated photo match any of another's eight variants
    index = KnownIndex()
    add_known_image(index, 1, photo("astronaut"), "porn", "test")
    for name in PHOTOS[1:]:
        assert index.match(hashes[name], MATCH) is None, name


def test_hamming_counts_differing_bits() -> None:
    zero, ones = "0" * 64, "f" * 64
    assert hamming(zero, ones) == 256
    assert hamming(zero, "0" * 63 + "7") == 3
    assert hamming("A" * 64, "a" * 64) == 0
    with pytest.raises(PdqHashError):
        hamming(zero, "0" * 63)


def hash_with(bits: int, offset: int = 0) -> str:
    """A hash whose ``bits`` lowest bits after ``offset`` are set."""
    return f"{((1 << bits) - 1) << offset:064x}"


def test_the_index_returns_the_nearest_known_hash_within_the_distance() -> None:
    index = KnownIndex(
        [
            (1, hash_with(40), "porn", "list-a"),
            (2, hash_with(10), "porn", "list-b"),
            (3, hash_with(12, 100), "other", "list-c"),
        ]
    )
    assert len(index) == 3
    assert index.match(hash_with(0), MATCH) == KnownMatch(2, "porn", "list-b", 10)
    assert index.match(hash_with(40), MATCH) == KnownMatch(1, "porn", "list-a", 0)
    assert list(index.distances(hash_with(0))) == [40, 10, 12]
    index.add(4, hash_with(5), "porn", "list-d")  # added after a match: seen by the next
    assert index.match(hash_with(0), MATCH) == KnownMatch(4, "porn", "list-d", 5)


def test_the_distance_threshold_is_inclusive() -> None:
    index = KnownIndex([(9, hash_with(31), "porn", "t")])
    assert index.match(hash_with(0), 31) == KnownMatch(9, "porn", "t", 31)
    assert index.match(hash_with(0), 30) is None
    assert index.match(hash_with(31), 0) == KnownMatch(9, "porn", "t", 0)
    assert index.match(hash_with(32), 0) is None
    opposite = KnownIndex([(5, hash_with(0), "porn", "t")])
    assert opposite.match(hash_with(256), 255) is None
    assert opposite.match(hash_with(256), 256) == KnownMatch(5, "porn", "t", 256)


def test_ties_go_to_the_first_added() -> None:
    index = KnownIndex([(1, hash_with(3), "a", "s"), (2, hash_with(3, 200), "b", "s")])
    found = index.match(hash_with(0), MATCH)
    assert found is not None
    assert found.hash_id == 1


def test_an_empty_index_matches_nothing_but_still_checks_the_query() -> None:
    index = KnownIndex()
    assert len(index) == 0
    assert index.match(hash_with(0), 256) is None
    with pytest.raises(PdqHashError):
        index.match("not a hash", MATCH)
    with pytest.raises(PdqHashError):
        index.add(1, "12345", "porn", "t")
    assert len(index) == 0


def test_a_large_index_finds_the_one_near_hash() -> None:
    rng = np.random.default_rng(6)
    index = KnownIndex((n, rng.bytes(32).hex(), "porn", "random") for n in range(20_000))
    target = rng.bytes(32).hex()
    near = f"{int(target, 16) ^ 0b1011:064x}"  # three bits off
    index.add(99_999, near, "porn", "seeded")
    assert index.match(target, MATCH) == KnownMatch(99_999, "porn", "seeded", 3)


def test_hash_lists_accept_bare_comma_and_tab_lines() -> None:
    a, b, c = "a" * 64, "B" * 64, "0123456789abcdef" * 4
    text = f"\ufeff# known images\n\n{a}\n{b},porn site banner\n  {c}\tsource 3  \n{a},\n"
    assert parse_hash_list(text) == [
        (a, None),
        (b.lower(), "porn site banner"),
        (c, "source 3"),
        (a, None),
    ]
    assert parse_hash_list("") == []
    assert normalize_hash(f" {b} ") == b.lower()


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("a" * 63, "a" * 63),
        ("g" * 64, "g" * 64),
        ("a" * 65, "a" * 65),
        ("a" * 64 + " porn", "a" * 64 + " porn"),  # a label needs a comma or a tab
        (",label only", ""),
    ],
)
def test_a_bad_line_is_named(line: str, shown: str) -> None:
    with pytest.raises(PdqHashError) as caught:
        parse_hash_list(f"# list\n{'c' * 64}\n{line}\n")
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.code == "classify.hash_invalid"
    assert error.details == {"line": 3}
    assert error.message.startswith(f"line 3: {shown!r} is not a PDQ hash")
