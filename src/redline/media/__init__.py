"""Adverse media: news articles read from URLs, files and feeds, cleaned of page furniture,
grouped with their syndicated copies and kept with their provenance, so that a hit on a
party can say which outlet said what, when, and on whose authority.

Ingest (:mod:`~redline.media.fetch`, :mod:`~redline.media.extract`), deduplication
(:mod:`~redline.media.dedupe`) and attribution (:mod:`~redline.media.attribution`) build
:class:`~redline.media.article.Article` values; :mod:`redline.store.media` keeps them.
"""
