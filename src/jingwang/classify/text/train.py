"""Train a text model from a labelled JSONL dataset: ``python -m jingwang.classify.text.train``.

::

    python -m jingwang.classify.text.train datasets/dev.jsonl --out model.npz

reads the dataset (:func:`jingwang.classify.evaluate.load_dataset`: each example's text, else
its evidence, else its URL), scores it with the lexicon (the bundled one unless
``--no-bundled-lexicon``, plus any ``--lexicon`` files or folders), trains the n-gram model and
the combiner (:func:`~jingwang.classify.text.model.train_text_model`), and writes ``model.npz``
and ``model.json``. The dataset's SHA-256 goes into the meta, so a model names its data.
``jingwang classify train`` is the same thing behind the CLI; the bundled model
(``classify/data/models/text.npz``) is made this way from ``datasets/dev.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jingwang.classify.evaluate import load_dataset
from jingwang.classify.text.model import TextModel, model_paths, train_text_model

if TYPE_CHECKING:
    from jingwang.classify.text.lexicon import Lexicon


def train_file(dataset: Path, *, lexicon: Lexicon | None = None, seed: int = 0) -> TextModel:
    """A model trained on a JSONL dataset (the bundled lexicon unless one is given). When every
    example has a ``kind``, cross-validation holds out whole kinds (see ``train_text_model``)."""
    from jingwang.classify.text.lexicon import load_lexicon

    examples = load_dataset(dataset)
    digest = hashlib.sha256(dataset.read_bytes()).hexdigest()
    kinds = [example.kind for example in examples]
    return train_text_model(
        [example.content for example in examples],
        [example.label for example in examples],
        lexicon=lexicon if lexicon is not None else load_lexicon(),
        seed=seed,
        data_digest=digest,
        groups=kinds if all(kinds) else None,
    )


def summary(model: TextModel, out: Path) -> str:
    """What was trained, in a few lines (the CLI prints the same)."""
    weights, meta = model_paths(out)
    cv = model.meta["cv"]["porn"]
    labels = model.meta["labels"]
    return (
        f"{model.version}: {model.meta['examples']} examples "
        f"({labels['porn']} porn, {labels['clean']} clean)\n"
        f"cross-validated at porn >= {model.thresholds.porn:.4f}: precision "
        f"{cv['precision']:.3f}, recall {cv['recall']:.3f}, F1 {cv['f1']:.3f}; "
        f"suspect >= {model.thresholds.suspect:.4f}\n"
        f"wrote {weights} and {meta}\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jingwang.classify.text.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument("dataset", type=Path, help="labelled JSONL (text|url|evidence, label)")
    parser.add_argument("--out", type=Path, required=True, help="model file to write (.npz)")
    parser.add_argument("--seed", type=int, default=0, help="cross-validation split seed")
    parser.add_argument(
        "--lexicon", type=Path, action="append", default=[], help="extra lexicon file or folder"
    )
    parser.add_argument(
        "--no-bundled-lexicon", action="store_true", help="leave out the bundled lexicon"
    )
    args = parser.parse_args(argv)

    from jingwang.classify.text.lexicon import load_lexicon
    from jingwang.errors import JingwangError

    try:
        lexicon = load_lexicon(args.lexicon, bundled=not args.no_bundled_lexicon)
        model = train_file(args.dataset, lexicon=lexicon, seed=args.seed)
        model.save(args.out)
    except JingwangError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return 2
    sys.stdout.write(summary(model, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
