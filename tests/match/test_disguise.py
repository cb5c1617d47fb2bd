"""Undoing disguises of a listed name, one function each, on real listed names."""

from __future__ import annotations

import pytest

from watchkeeper.match.disguise import join_spelled_out, latin_lookalikes, strip_invisible, undisguise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DALIAN\u200b HAIBO", "DALIAN HAIBO"),  # zero-width space
        ("LIAO\u00adNING", "LIAONING"),  # soft hyphen
        ("KO\u200dRE\u2060A", "KOREA"),  # zero-width joiner, word joiner
        ("\ufeffAN SAN 1", "AN SAN 1"),  # byte order mark
        ("AN\u034f SAN", "AN SAN"),  # combining grapheme joiner
        ("DALIAN HAIBO", "DALIAN HAIBO"),
    ],
)
def test_strip_invisible(text: str, expected: str) -> None:
    assert strip_invisible(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DАLIАN HАIBO", "DALIAN HAIBO"),  # Cyrillic А inside Latin words
        ("ΑΝ SΑΝ 1", "AN SAN 1"),  # Greek capitals only, all look-alikes
        ("КОREА", "KOREA"),
        ("Дерипаска", "Дерипаска"),  # a Cyrillic word is a Cyrillic word
        ("Οδυσσέας", "Οδυσσέας"),  # so is a Greek one
    ],
)
def test_latin_lookalikes(text: str, expected: str) -> None:
    assert latin_lookalikes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D.A.L.I.A.N H.A.I.B.O", "DALIAN HAIBO"),
        ("D-A-L-I-A-N", "DALIAN"),
        ("D A L I A N   H A I B O", "DALIAN HAIBO"),  # wider gaps between words
        ("A N S A N 1", "ANSAN1"),  # one gap width: one word, split again by the text scan
        ("J.A.J. BARBOSA", "JAJ BARBOSA"),
        ("INVOICE 12.50 e-mail", "INVOICE 12.50 e-mail"),  # numbers and words stay
    ],
)
def test_join_spelled_out(text: str, expected: str) -> None:
    assert join_spelled_out(text) == expected


def test_undisguise_says_what_it_undid() -> None:
    meant = undisguise("D.\u200bА.L.I.А.N HAIBO")
    assert meant.text == "DALIAN HAIBO"
    assert meant.undone == ("invisible characters", "look-alike letters", "letters spelled out")
    plain = undisguise("DALIAN HAIBO")
    assert (plain.text, plain.changed) == ("DALIAN HAIBO", False)
