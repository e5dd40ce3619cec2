"""Page text: normalisation against filter evasion and the weighted lexicon.

:mod:`.normalize` folds full-width and traditional forms, removes inserted symbols and keeps a
map back to the page text; :mod:`.lexicon` scores normalised text with weighted phrases. This
package imports nothing heavy: OpenCC, the pinyin tables and the automaton load on first use.
"""
