"""Latin readings of names written in any script, so that a name in Burmese, Arabic or Hangul
can be compared with the Latin spelling a sanctions list gives it.

There is rarely one right romanisation: lists write the same person "Dmitriy", "Dmitry" or
"Dmitrii", and a Burmese company "Yadanar" or "Yadana". So `latinize` returns up to four
readings (the conventional one first) and the scorer keeps the best; abjad scripts (Arabic,
Hebrew), written without short vowels, yield consonantal readings that the scorer compares
as consonant skeletons (`is_abjad`). Tables are facts (letter values, conventional name
spellings); the script-specific rules are in one module per script family, the long word
lists in ``redline/names/data/``. ``readings`` is the driver; ``scriptdetect`` tells scripts
apart; ``common`` holds output cleaning and table loading. Chinese words also have a
Wade-Giles spelling (`wade_giles`), the romanisation of Taiwan and older records, which
the scorer compares as a whole word, not reading by reading.
"""

from __future__ import annotations

from redline.names.translit.han import chinese_surname, han_pinyin, pinyin_syllables, wade_giles
from redline.names.translit.readings import latinize
from redline.names.translit.scriptdetect import is_abjad, scripts

__all__ = [
    "chinese_surname",
    "han_pinyin",
    "is_abjad",
    "latinize",
    "pinyin_syllables",
    "scripts",
    "wade_giles",
]
