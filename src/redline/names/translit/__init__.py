"""Latin readings of names written in any script, so that a name in Burmese, Arabic or Hangul
can be compared with the Latin spelling a sanctions list gives it.

There is rarely one right romanisation: lists write the same person "Dmitriy", "Dmitry" or
"Dmitrii", and a Burmese company "Yadanar" or "Yadana". So `latinize` returns up to four
readings (the conventional one first) and the scorer keeps the best; abjad scripts (Arabic,
Hebrew), written without short vowels, yield consonantal readings that the scorer compares
as consonant skeletons (`is_abjad`). Tables are facts (letter values, conventional name
spellings); the script-specific rules are in one module per script family, the long word
lists in ``redline/names/data/``. ``readings`` is the driver; ``scriptdetect`` tells scripts
apart; ``common`` holds output cleaning and table loading.
"""

from __future__ import annotations

from redline.names.translit.readings import latinize
from redline.names.translit.scriptdetect import is_abjad, scripts

__all__ = ["is_abjad", "latinize", "scripts"]
