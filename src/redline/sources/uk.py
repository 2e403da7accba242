"""The two UK lists: OFSI's ConList.csv (:class:`UkOfsi`, in :mod:`.uk_ofsi`) and the
FCDO's UK Sanctions List XML (:class:`UkSanctionsList`, in :mod:`.uk_fcdo`).

The registry names ``redline.sources.uk``; the parsers live in their own modules to keep
each one readable, and are re-exported here.
"""

from __future__ import annotations

from redline.sources.uk_fcdo import UkSanctionsList
from redline.sources.uk_ofsi import UkOfsi

__all__ = ["UkOfsi", "UkSanctionsList"]
