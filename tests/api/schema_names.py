#!/usr/bin/env python3
"""Every OpenAPI component name comes from one Rust type.

utoipa names a schema after its type (or its `schema(as = ...)`), and when two types of one name
reach the document, one silently replaces the other: an endpoint then documents a body it never
sends (schemathesis found `Claims` twice: the claims list and the report's counts). This reads
every type that derives `ToSchema` in crates/ (tests excepted) and fails on a name used twice.
Run from anywhere: python3 tests/api/schema_names.py
"""
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DERIVE = re.compile(r"derive\([^)]*\bToSchema\b")
ALIAS = re.compile(r"\bas\s*=\s*([\w:]+)")
ITEM = re.compile(r"\s*pub(?:\([\w:]+\))?\s+(?:struct|enum)\s+(\w+)")


def schema_names():
    """(name, place) of every type deriving ToSchema, outside tests."""
    for path in sorted(ROOT.glob("crates/*/src/**/*.rs")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if not DERIVE.search(line):
                continue
            alias = None
            # The attributes between the derive and the item may rename it.
            for j in range(i, min(i + 15, len(lines))):
                if "schema(" in lines[j] or "ToSchema" in lines[j]:
                    found = ALIAS.search(lines[j])
                    alias = found.group(1).split("::")[-1] if found else alias
                item = ITEM.match(lines[j])
                if item:
                    yield alias or item.group(1), f"{path.relative_to(ROOT)}:{j + 1}"
                    break


def main():
    places = collections.defaultdict(list)
    for name, place in schema_names():
        places[name].append(place)
    clashes = {name: where for name, where in places.items() if len(where) > 1}
    for name, where in sorted(clashes.items()):
        print(f"not ok - schema name {name} is used by {len(where)} types: {', '.join(where)}")
    if clashes:
        print("rename one (or give it #[schema(as = OtherName)]): the document keeps only one of them")
        return 1
    print(f"ok - {len(places)} schema names, each from one type")
    return 0


if __name__ == "__main__":
    sys.exit(main())
