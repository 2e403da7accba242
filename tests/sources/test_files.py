"""Opening files safely: archives, encodings, CSV line numbers and hostile XML."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from redline.errors import InputError, XMLSecurityError
from redline.sources.files import child_text, expand, iter_csv, iter_text_lines, iter_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol4;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">
<CONSOLIDATED_LIST/>
"""

GOOD_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<LIST generated="2026-01-01"><ITEM><NAME>One</NAME></ITEM><ITEM><NAME>Two</NAME></ITEM></LIST>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_hostile_xml_is_refused_with_a_clear_error(tmp_path: Path, payload: bytes) -> None:
    with pytest.raises(XMLSecurityError) as info:
        expand([write(tmp_path, "evil.xml", payload)])
    assert "evil.xml" in str(info.value)
    assert "refused" in str(info.value)


def test_hostile_xml_inside_gzip_is_refused(tmp_path: Path) -> None:
    with pytest.raises(XMLSecurityError):
        expand([write(tmp_path, "evil.xml.gz", gzip.compress(BILLION_LAUGHS))])


def test_iter_xml_refuses_hostile_xml_on_its_own(tmp_path: Path) -> None:
    from redline.sources.files import InputFile

    file = InputFile(write(tmp_path, "evil.xml", BILLION_LAUGHS))
    with pytest.raises(XMLSecurityError):
        list(iter_xml(file, ["INDIVIDUAL"]))


def test_iter_xml_streams_records_and_sees_header(tmp_path: Path) -> None:
    (file,) = expand([write(tmp_path, "list.xml", GOOD_XML)])
    seen: list[str] = []
    names = [
        child_text(e, "NAME")
        for e in iter_xml(file, ["ITEM"], on_start=lambda e: seen.append(str(e.get("generated"))))
    ]
    assert names == ["One", "Two"]
    assert seen[0] == "2026-01-01"


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    (file,) = expand([write(tmp_path, "broken.xml", b"<LIST>\n<ITEM><NAME>x</ITEM>\n</LIST>")])
    with pytest.raises(InputError) as info:
        list(iter_xml(file, ["ITEM"]))
    assert "broken.xml" in str(info.value)
    assert "line 2" in str(info.value)


def test_empty_and_missing_files_fail_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        expand([write(tmp_path, "empty.csv", b"")])
    with pytest.raises(InputError, match="not found"):
        expand([tmp_path / "nope.csv"])
    with pytest.raises(InputError, match="empty"):
        expand([write(tmp_path, "empty.csv.gz", gzip.compress(b""))])


def test_truncated_gzip_fails_with_the_file_named(tmp_path: Path) -> None:
    data = gzip.compress(b"a,b\n" * 50_000)
    path = write(tmp_path, "list.csv.gz", data[: len(data) // 2])
    (file,) = expand([path])
    with pytest.raises(InputError) as info:
        list(iter_csv(file))
    assert "list.csv.gz" in str(info.value)
    assert "truncated" in str(info.value)


def test_zip_members_become_files_and_truncated_zip_fails(tmp_path: Path) -> None:
    path = tmp_path / "set.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sdn.csv", "1,a\n" * 1000)
        archive.writestr("alt.csv", "1,b\n")
    files = expand([path])
    assert [f.name for f in files] == ["sdn.csv", "alt.csv"]
    assert sum(1 for _ in iter_csv(files[0])) == 1000
    cut = write(tmp_path, "cut.zip", path.read_bytes()[:200])
    with pytest.raises(InputError, match=r"cut\.zip"):
        expand([cut])


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.csv", "name\nok\nJos\xe9\n".encode("latin-1"))
    (file,) = expand([path])
    with pytest.raises(InputError) as info:
        list(iter_text_lines(file, ("utf-8",)))
    assert "line 3" in str(info.value)
    assert [t for _, t in iter_text_lines(file, ("utf-8", "cp1252"))][2] == "José\n"


def test_csv_line_numbers_point_at_the_start_of_multiline_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "multi.csv", b'a,b\n1,"two\nlines"\n3,x\n')
    (file,) = expand([path])
    assert [line for line, _ in iter_csv(file)] == [1, 2, 4]


def test_ofac_trailer_and_bom_are_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", b"\xef\xbb\xbf1,A\r\n2,B\r\n\x1a")
    (file,) = expand([path])
    assert [row for _, row in iter_csv(file)] == [["1", "A"], ["2", "B"]]
