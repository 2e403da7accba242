"""The OFAC sources: the SDN list (``us-ofac-sdn``) and the non-SDN Consolidated list
(``us-ofac-cons``).

Both accept every format OFAC publishes them in, recognised from the content rather than
the file name: the legacy CSV set, the classic ``sdnList`` XML, ENHANCED_XML
(``sanctionsData``) and the advanced XML (``Sanctions``). The formats share ids
(``ofac-<ent_num>``), so a list loaded from one format can be compared with the same
list loaded from another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

from redline.entities import Entity
from redline.errors import InputError
from redline.sources.base import ParseContext, Source
from redline.sources.files import InputFile
from redline.sources.ofac_advanced import parse_advanced
from redline.sources.ofac_csv import parse_csv_set
from redline.sources.ofac_xml import parse_classic, parse_enhanced

BASE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

XML_PARSERS: dict[str, Callable[[InputFile, ParseContext, str], Iterator[Entity]]] = {
    "sdnList": parse_classic,
    "sanctionsData": parse_enhanced,
    "Sanctions": parse_advanced,
}

# The first element of an XML file, past the declaration, comments and DOCTYPE.
_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff(file: InputFile) -> str:
    """``"csv"`` or the root element name of an XML file."""
    head = file.head()
    if head.startswith(_UTF16_BOMS):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        match = _ROOT.search(text)
        if match is None:
            raise InputError("XML without a root element in its first bytes", path=file.label)
        return match.group(1).decode("ascii", errors="replace")
    return "csv"


def parse_ofac(files: Sequence[InputFile], ctx: ParseContext, source_id: str) -> Iterator[Entity]:
    """Parse any mix of OFAC files: each XML file alone, the CSV files as one set."""
    csv_files: list[InputFile] = []
    xml_files: list[tuple[InputFile, str]] = []
    for file in files:
        kind = sniff(file)
        if kind == "csv":
            csv_files.append(file)
        elif kind in XML_PARSERS:
            xml_files.append((file, kind))
        else:
            raise InputError(
                f"XML root element <{kind}> is not an OFAC format (expected sdnList, "
                "sanctionsData or Sanctions)",
                path=file.label,
            )
    if not files:
        raise InputError("no files given for an OFAC list")
    for file, kind in xml_files:
        yield from XML_PARSERS[kind](file, ctx, source_id)
    if csv_files:
        yield from parse_csv_set(csv_files, ctx, source_id)


class _Ofac(Source):
    publisher = "US Treasury, Office of Foreign Assets Control (OFAC)"
    formats: ClassVar[tuple[str, ...]] = (
        "OFAC legacy CSV set (primary, ADD, ALT, COMMENTS)",
        "OFAC XML (sdnList)",
        "OFAC ENHANCED_XML (sanctionsData)",
        "OFAC advanced XML (Sanctions, sdn_advanced.xsd)",
    )

    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        return parse_ofac(files, ctx, self.id)


class OfacSdn(_Ofac):
    """The Specially Designated Nationals and Blocked Persons list."""

    id = "us-ofac-sdn"
    title = "OFAC Specially Designated Nationals (SDN) List"
    urls = tuple(BASE_URL + name for name in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"))


class OfacCons(_Ofac):
    """OFAC's non-SDN Consolidated Sanctions List (SSI, FSE, NS-MBS, CMIC, CAPTA...)."""

    id = "us-ofac-cons"
    title = "OFAC Consolidated (non-SDN) Sanctions List"
    urls = tuple(
        BASE_URL + name
        for name in ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")
    )
