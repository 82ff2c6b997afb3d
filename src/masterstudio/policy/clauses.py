"""The Measures as data: ``measures.yaml`` loaded once, clause ids, labels and texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

MEASURES_FILE = Path(__file__).with_name("measures.yaml")


@dataclass(frozen=True)
class Clause:
    id: str
    article: int
    chapter: str
    label: str
    summary: str
    text: str
    title: str | None = None
    contract: bool = False
    not_computable: str | None = None

    @property
    def computable(self) -> bool:
        return self.not_computable is None


@dataclass(frozen=True)
class Article:
    number: int
    chapter: str
    text: str
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Measures:
    title: str
    short_title: str
    status: str
    articles: tuple[Article, ...]
    by_id: dict

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.by_id[clause_id]
        except KeyError:
            raise KeyError(f"no clause {clause_id!r} in measures.yaml") from None

    def clauses(self) -> list[Clause]:
        return [clause for article in self.articles for clause in article.clauses]


@lru_cache(maxsize=1)
def measures() -> Measures:
    with MEASURES_FILE.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    articles = []
    by_id: dict[str, Clause] = {}
    for entry in raw["articles"]:
        clauses = []
        for item in entry["clauses"]:
            clause = Clause(
                id=str(item["id"]),
                article=int(entry["number"]),
                chapter=entry["chapter"],
                label=item["label"],
                summary=item["summary"],
                text=item["text"],
                title=item.get("title"),
                contract=bool(item.get("contract", False)),
                not_computable=item.get("not_computable"),
            )
            if clause.id in by_id:
                raise ValueError(f"measures.yaml: clause id {clause.id} appears twice")
            by_id[clause.id] = clause
            clauses.append(clause)
        articles.append(Article(int(entry["number"]), entry["chapter"], entry["text"], tuple(clauses)))
    document = raw["document"]
    return Measures(document["title"], document["short_title"], document["status"], tuple(articles), by_id)


def clause(clause_id: str) -> Clause:
    return measures().clause(clause_id)


@cache
def label(clause_id: str) -> str:
    """``"5.3"`` → ``"第五条第（三）项"``."""
    return measures().clause(clause_id).label


def clause_sort_key(clause_id: str) -> tuple:
    """Document order: ``4.5`` < ``5.3`` < ``5.d1`` < ``9.1.1`` < ``10`` < ``20``."""
    key = []
    for part in clause_id.split("."):
        match = re.fullmatch(r"([a-z]*)(\d+)", part)
        if match:
            key.append((1 if match.group(1) else 0, match.group(1), int(match.group(2))))
        else:
            key.append((2, part, 0))
    return tuple(key)
