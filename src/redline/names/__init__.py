"""Name handling: cleaning, transliteration, phonetic keys, legal forms and name analysis."""
