"""Build the bundled OFAC SDN excerpt in src/redline/data/sample/ from full OFAC files.

The excerpt keeps OFAC's own bytes (cp1252, CRLF, ``-0-``, the trailing Ctrl-Z) so that
it exercises the real parser. It holds the Iran–Russia drone-programme entries plus
every n-th other entry, their addresses and aliases. OFAC data is a US federal work in
the public domain.

Usage: python scripts/build_sample.py SDN_CSV ADD_CSV ALT_CSV COMMENTS_CSV [--every N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

KEEP = {
    16418,
    40416,
    33596,
    39637,
    11195,
    39038,
    25285,
    28530,
    45708,
    40867,
    45713,
    45714,
    47294,
    47297,
    47640,
    47641,
    47643,
    47644,
    47960,
}
OUT = Path(__file__).resolve().parent.parent / "src" / "redline" / "data" / "sample"


def rows(path: Path) -> list[bytes]:
    data = path.read_bytes().replace(b"\x1a", b"")
    return [line for line in data.split(b"\r\n") if line.strip()]


def ent_num(line: bytes) -> int:
    return int(line.split(b",", 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sdn", type=Path)
    parser.add_argument("add", type=Path)
    parser.add_argument("alt", type=Path)
    parser.add_argument("comments", type=Path)
    parser.add_argument("--every", type=int, default=75)
    args = parser.parse_args()
    primary = rows(args.sdn)
    chosen = [
        line for i, line in enumerate(primary) if ent_num(line) in KEEP or i % args.every == 0
    ]
    ids = {ent_num(line) for line in chosen}
    OUT.mkdir(parents=True, exist_ok=True)
    for name, lines in (
        ("sdn.csv", chosen),
        ("add.csv", [r for r in rows(args.add) if ent_num(r) in ids]),
        ("alt.csv", [r for r in rows(args.alt) if ent_num(r) in ids]),
        ("sdn_comments.csv", [r for r in rows(args.comments) if ent_num(r) in ids]),
    ):
        if lines:  # an empty comments file is left out rather than shipped empty
            (OUT / name).write_bytes(b"\r\n".join(lines) + b"\r\n\x1a")
        print(name, len(lines))


if __name__ == "__main__":
    main()
