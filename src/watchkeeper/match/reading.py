"""Why two tokens met: the reading rule or dictionary entry behind each aligned pair.

The aligner says *how* a query token met a listed one (exact, spelling, phonetic, variant,
joined); an analyst also needs to know *why* that spelling was on the table: 陳 met CHAN
because Hong Kong reads it so, 生产 met PRODUCTION through CC-CEDICT's "to produce", HUSSEIN
met HUSAYN as a spelling of the same Arabic vowels. Worked out after scoring, for the few
matches that are shown, from the tokens' own spellings: nothing is stored in the index.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from watchkeeper.match.cantonese import char_readings
from watchkeeper.match.han import han_spelling_origin
from watchkeeper.match.names import PARTICLES, ComparableName, NameToken, servant_article
from watchkeeper.match.phonetic import skeleton
from watchkeeper.match.score import TokenPair
from watchkeeper.match.translit import reads_as_person, script_of

_SCRIPT_NAMES = {"hangul": "Korean", "cyrillic": "Cyrillic", "arabic": "Arabic"}


def read_pairs(
    query: ComparableName, listed: ComparableName, pairs: tuple[TokenPair, ...]
) -> tuple[TokenPair, ...]:
    """The pairs with their `reading` filled in."""
    return tuple(
        TokenPair(p.query, p.listed, p.similarity, p.how, p.weight, pair_reading(query, listed, p))
        for p in pairs
    )


def pair_reading(query: ComparableName, listed: ComparableName, pair: TokenPair) -> str:
    if pair.how == "exact" and pair.query == pair.listed:
        return ""  # the same word, as written on both sides
    if pair.how == "compact":
        return "the same letters written together or apart"
    asked = _tokens(query, pair.query)
    found = _tokens(listed, pair.listed)
    if len(asked) > 1:
        return "two words of the query written as one in the list"
    if len(found) > 1:
        joined = (
            f"; {origin}"
            if asked and (origin := _origin(query, asked[0], _best_form(asked[0], found)))
            else ""
        )
        return f"one word of the query written as two in the list{joined}"
    if not asked or not found:
        return ""
    token, target = asked[0], found[0]
    form = _best_form(token, [target])
    origin = _origin(query, token, form) or _listed_origin(listed, target, form)
    if pair.how == "variant":
        rule = "the same consonants, vowels that spell the same Arabic vowels (e/i, ou/u, ei/ay, -ah/-e)"
        return rule if not origin else f"{origin}; {rule}"
    if pair.how == "phonetic":
        return f"same consonant sounds ({skeleton(form).upper()})"
    if pair.how == "spelling":
        target_form = min(target.forms, key=lambda f: OSA.distance(form, f))
        edits = OSA.distance(form, target_form)
        errors = f"{edits} typing error{'s' if edits != 1 else ''}"
        return f"{origin}; {errors}" if origin else errors
    return origin


def _tokens(name: ComparableName, text: str) -> list[NameToken]:
    """The tokens of `name` behind a pair's text (two texts joined by a space for a join)."""
    found: list[NameToken] = []
    for part in text.split(" "):
        token = next((t for t in name.tokens if t.text == part and t not in found), None)
        if token is not None:
            found.append(token)
    return found


def _best_form(token: NameToken, targets: list[NameToken]) -> str:
    """The spelling of `token` that met the listed token(s): equal to one of theirs, or nearest."""
    if len(targets) > 1:
        wanted = ["".join(t.forms[0] for t in targets)]
    else:
        wanted = [targets[0].text, *targets[0].forms]
    for form in wanted:
        if form in token.forms:
            return form
    return min(token.forms, key=lambda form: min(OSA.distance(form, w) for w in wanted))


def _origin(name: ComparableName, token: NameToken, form: str) -> str:
    """Where the query spelling `form` of `token` comes from; "" for a Latin word as written."""
    script = script_of(token.text)
    if script == "han":
        han = "".join(c for c in name.original if script_of(c) == "han")
        if not reads_as_person(han, name.schema):
            return han_spelling_origin(han, token.text, form)
        if form in char_readings(token.text):
            return f"Cantonese reading of {token.text}"
        return f"pinyin of {token.text}" if form == token.forms[0] else f"Sino-Korean reading of {token.text}"
    if script in _SCRIPT_NAMES:
        return f"{_SCRIPT_NAMES[script]} {token.text} romanised as {form}"
    if form == token.text:
        return ""
    if token.text in PARTICLES:
        return f"{token.text} and {form} are one particle"
    if servant_article(token.text):
        return f"{token.text} is Abd with its article"
    return f"{token.text} also written {form}"


def _listed_origin(listed: ComparableName, target: NameToken, form: str) -> str:
    """The listed token's own reading when it, not the query, supplied the spelling."""
    if form not in target.forms or form == target.text:
        return ""
    origin = _origin(listed, target, form)
    return f"{origin} (listed name)" if origin else ""
