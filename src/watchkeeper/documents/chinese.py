"""Parties named in a Chinese text: companies by their legal form (有限公司, 集团 …), persons by
jieba's part-of-speech tag for personal names, vessels by 船/轮/号 and their IMO number. A party
counts when its sentence designates or sanctions (制裁, 指定, 列入, 冻结 …); traditional and
simplified characters are both read (the matcher compares them later)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from watchkeeper.documents.party import NamedParty

_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")
_DESIGNATING = re.compile(r"制裁|指定|列入|冻结|凍結|名单|名單|封锁|封鎖|黑名单|實體清單|实体清单")
_COMPANY = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}?(?:有限责任公司|有限責任公司|股份有限公司|有限公司|集团|集團|公司|银行|銀行)"
)
_VESSEL = re.compile(
    r"[“「\"]?([\u4e00-\u9fffA-Za-z0-9 ]{2,20}?)[”」\"]?号?(?:船|轮|輪)?[（(]\s*IMO\s*(\d{7})\s*[)）]"
)
_BEFORE_NAME = re.compile(r"制裁|宣布|指定|列入|冻结|凍結|对|對|和|与|與|及|以及|、|：|:|，")
_LEADING = re.compile(
    r"^(?:以及|以|及|和|与|與|对|對|将|將|把|向|由|的|了|美国财政部|财政部|財政部|今天|今日)+"
)


def chinese_parties(text: str) -> list[NamedParty]:
    import jieba.posseg  # noqa: PLC0415 - loads its dictionary (~1 s): only for Chinese text

    found: dict[str, NamedParty] = {}
    counts: Counter[str] = Counter()
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence or not _DESIGNATING.search(sentence):
            continue
        taken: list[str] = []
        for match in _VESSEL.finditer(sentence):
            name = match.group(1).strip()
            taken.append(name)
            _note(found, counts, NamedParty(name, "Vessel", imo=match.group(2), evidence=sentence))
        for match in _COMPANY.finditer(sentence):
            # The pattern takes the characters before the name too: keep what follows the last verb or link.
            name = _LEADING.sub("", _BEFORE_NAME.split(match.group(0))[-1])
            if len(name) >= 4 and not any(name in t for t in taken):
                taken.append(name)
                _note(found, counts, NamedParty(name, "Company", evidence=sentence))
        for word, tag in jieba.posseg.cut(sentence):
            if tag == "nr" and len(word) >= 2 and not any(word in t for t in taken):
                _note(found, counts, NamedParty(word, "Person", evidence=sentence))
    return [replace(p, mentions=counts[p.name]) for p in found.values()]


def _note(found: dict[str, NamedParty], counts: Counter[str], party: NamedParty) -> None:
    counts[party.name] += 1
    found.setdefault(party.name, party)
