"""The registry of sources: short stable ids mapped to the classes that parse them.

Classes are imported on first use so that the CLI starts fast and a broken optional
parser cannot stop the others from loading.
"""

from __future__ import annotations

from importlib import import_module

from redline.errors import UnknownSourceError
from redline.sources.base import ParseContext, Source

__all__ = ["ParseContext", "Source", "get_source", "source_class", "source_ids"]

_REGISTRY: dict[str, str] = {
    "us-ofac-sdn": "redline.sources.ofac:OfacSdn",
    "us-ofac-cons": "redline.sources.ofac:OfacCons",
    "un-sc": "redline.sources.un:UnSecurityCouncil",
    "eu-fsf": "redline.sources.eu:EuFinancialSanctions",
    "uk-ofsi": "redline.sources.uk:UkOfsi",
    "uk-sanctions-list": "redline.sources.uk:UkSanctionsList",
    "us-csl": "redline.sources.csl:UsConsolidatedScreeningList",
    "ca-sema": "redline.sources.canada:CanadaSema",
    "us-bis-dpl": "redline.sources.bis:BisDeniedPersons",
    "ftm": "redline.sources.ftm:FollowTheMoney",
    "csv": "redline.sources.watchlist:CsvWatchlist",
    "user-ownership": "redline.sources.ownership:UserOwnership",
}


def source_ids() -> list[str]:
    """Every registered source id, in the order ``lists sources`` shows them."""
    return list(_REGISTRY)


def source_class(source_id: str) -> type[Source]:
    """The class registered under ``source_id``."""
    try:
        target = _REGISTRY[source_id]
    except KeyError:
        raise UnknownSourceError(source_id, source_ids()) from None
    module_name, class_name = target.split(":")
    cls: type[Source] = getattr(import_module(module_name), class_name)
    return cls


def get_source(source_id: str, options: dict[str, str] | None = None) -> Source:
    """An instance of the source, configured with per-load ``options``."""
    return source_class(source_id)(options)
