"""Catalogue search: the terms an item is found by, and the query that ranks items by them.

An item is indexed under
- its name from every jieba word boundary to the end (营业执照核发, 执照核发, 核发), the same in full pinyin
  (yingyezhizhaohefa, …) and in pinyin initials (yyzzhf, zzhf, …), so a prefix of any of them matches;
- every jieba search word of the name, with its pinyin and initials;
- every 1- and 2-character piece of the name, so short queries such as 护照 match anywhere in a name;
- other fields (agency, result, themes, codes) with a lower rank.

A query token matches an item when it is a prefix of one of the item's terms: a B-tree range scan on both
databases. Each term's weight packs the rank of its field and whether the item is high-frequency
(rank × 2 + 0 for high-frequency, + 1 otherwise), so the best weight orders results by "name before other
fields, high-frequency first among equals" without touching the item table.
"""

import re
from functools import lru_cache

import jieba
from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, Value, When, Window
from pypinyin import Style, lazy_pinyin

from .models import SearchTerm, ServiceItem

jieba.setLogLevel(60)

MAX_TERM = 64
EXACT, NAME, OTHER = 0, 1, 2
_SPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCTUATION = re.compile(r"[^\w\u3400-\u9fff]+")


def _weight(rank: int, high_frequency: bool) -> int:
    return rank * 2 + (0 if high_frequency else 1)


HIGH_FREQUENCY_WEIGHTS = [_weight(rank, True) for rank in (EXACT, NAME, OTHER)]


def normalize(text: str) -> str:
    """Lower case, no punctuation or spaces inside a token, at most MAX_TERM characters."""
    return _PUNCTUATION.sub("", text.lower())[:MAX_TERM]


def query_tokens(query: str) -> list[str]:
    return [t for t in (normalize(part) for part in _SPACE.split(query.strip())) if t][:8]


@lru_cache(maxsize=50_000)
def _pinyin(word: str) -> tuple[str, str]:
    """(full pinyin, initials) of a word; letters and digits pass through."""
    syllables = lazy_pinyin(word, errors=lambda chars: list(chars))
    initials = lazy_pinyin(word, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(syllables).lower(), "".join(initials).lower()


@lru_cache(maxsize=50_000)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (normalize(w) for w in jieba.lcut(text)) if w)


@lru_cache(maxsize=50_000)
def search_words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (normalize(w) for w in jieba.lcut_for_search(text)) if w)


def terms_for(item: ServiceItem, theme_names=()) -> dict[str, int]:
    """Every term of an item with its weight (the best one where a term comes from several fields)."""
    terms: dict[str, int] = {}

    def add(term, rank):
        term = term[:MAX_TERM]
        weight = _weight(rank, item.is_high_frequency)
        if term and weight < terms.get(term, 99):
            terms[term] = weight

    name = normalize(item.name)
    add(name, EXACT)
    words = _words(item.name)
    pinyins = [_pinyin(w) for w in words]
    for i in range(len(words)):
        add("".join(words[i:]), NAME)
        add("".join(p[0] for p in pinyins[i:]), NAME)
        add("".join(p[1] for p in pinyins[i:]), NAME)
    for word in search_words(item.name):
        full, initials = _pinyin(word)
        add(word, NAME)
        add(full, NAME)
        add(initials, NAME)
    for size in (1, 2):
        for i in range(len(name) - size + 1):
            add(name[i : i + size], NAME)

    others = [item.agency.name, item.result_name, item.item_type.name, *theme_names]
    for text in filter(None, others):
        add(normalize(text), OTHER)
        for word in search_words(text):
            add(word, OTHER)
            add(_pinyin(word)[0], OTHER)
    add(item.base_code, OTHER)
    add(item.impl_code.lower(), OTHER)
    return terms


def index_items(items) -> None:
    """(Re)build the terms of published items. Items need agency, item_type and themes loaded."""
    items = list(items)
    SearchTerm.objects.filter(item__in=[i.pk for i in items]).delete()
    SearchTerm.objects.bulk_create(
        (
            SearchTerm(item_id=item.pk, term=term, weight=weight)
            for item in items
            for term, weight in terms_for(item, [t.name for t in item.themes.all()]).items()
        ),
        batch_size=5000,
    )


def _prefix(token: str) -> Q:
    # PostgreSQL answers LIKE 'x%' from the varchar_pattern_ops index; SQLite's LIKE is case-insensitive and
    # cannot use an index, but its binary collation makes a range exactly a prefix match.
    if connection.vendor == "postgresql":
        return Q(term__startswith=token)
    return Q(term__gte=token, term__lt=token + "\U0010ffff")


def split_cjk(tokens: list[str]) -> list[str]:
    """Longer Chinese tokens cut into words, for a second try when the whole token matched nothing
    (食品许可 → 食品, 许可)."""
    out = []
    for token in tokens:
        out.extend(_words(token) if _CJK.search(token) and len(token) > 2 else [token])
    return list(dict.fromkeys(out))[:8]


def _matches(token: str) -> Q:
    """A short Chinese token (1–2 characters) equals one of the name's n-grams or a word, so an equality test
    finds it; anything longer is a prefix of some term."""
    if len(token) <= 2 and _CJK.search(token):
        return Q(term=token)
    return _prefix(token)


def ranked_matches(tokens: list[str], exact: str, item_filter: Q | None = None, high_frequency_only: bool = False):
    """Rows (item_id, …, and the number of matches as `total` where the query groups) of the items matching
    every token, best first.

    `item_filter` (conditions on the item, prefixed `item__`) adds a join only when the caller filters;
    `high_frequency_only` is answered from the weights alone.
    """
    if high_frequency_only:
        item_filter = Q(weight__in=HIGH_FREQUENCY_WEIGHTS) & (item_filter or Q())
    if len(tokens) == 1 and len(tokens[0]) <= 2 and _CJK.search(tokens[0]):
        # One row per item and term: the index (term, weight, item) returns them already in rank order, with no
        # grouping or sorting even when tens of thousands of items contain the characters.
        rows = SearchTerm.objects.filter(term=tokens[0])
        if item_filter is not None:
            rows = rows.filter(item_filter)
        return rows.values("item_id").order_by("weight", "item_id")

    # The rows of the longest (usually the rarest) token, grouped per item; any other token is probed in that
    # item's own terms through the (item, term) index rather than scanned and grouped as well.
    driver = max(tokens, key=len)
    terms = SearchTerm.objects.filter(_matches(driver))
    for token in tokens:
        if token != driver:
            terms = terms.filter(Exists(SearchTerm.objects.filter(_matches(token), item_id=OuterRef("item_id"))))
    if item_filter is not None:
        terms = terms.filter(item_filter)
    rows = terms.values("item_id").annotate(
        best=Min("weight"),
        exact=Max(Case(When(term=exact, weight__lte=1, then=Value(1)), default=Value(0), output_field=IntegerField())),
    )
    # The grouping reads every match anyway: counting the groups in the same pass saves a second scan.
    return rows.annotate(total=Window(Count("*"))).order_by("-exact", "best", "item_id")
