"""Matching: candidate retrieval, name comparison, features and versioned algorithms."""

from __future__ import annotations

from redline.matching.algorithms import ALGORITHMS, Algorithm, Explanation, get_algorithm
from redline.matching.pairs import PairScore, score_pair, score_pairs_file
from redline.matching.screener import Match, Screener

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "Explanation",
    "Match",
    "PairScore",
    "Screener",
    "get_algorithm",
    "score_pair",
    "score_pairs_file",
]
