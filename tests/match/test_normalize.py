"""Normalisation of real listed names, one rule per table."""

import pytest

from watchkeeper.match.normalize import (
    fold,
    is_legal_form,
    join_servant_names,
    name_tokens,
    names_a_company,
    reorder_listed,
)
from watchkeeper.match.phonetic import skeleton, variant_pattern, variant_patterns_agree


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ğülşən", "gulsen"),
        ("MÜLLER", "muller"),
        ("Straße", "strasse"),
        ("ＫＩＭ", "kim"),  # full-width letters
        ("김정은", "김정은"),  # Hangul is kept for its own transliteration
        ("Евгений", "евгений"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ("CIFUENTES VILLA, Jorge Milton", "Jorge Milton CIFUENTES VILLA"),
        ("KIM, Jong Un", "Jong Un KIM"),
        ("ANGLO-CARIBBEAN CO., LTD.", "LTD. ANGLO-CARIBBEAN CO."),  # only names with one comma reorder
        ("Lazarus Group", "Lazarus Group"),
    ],
)
def test_reorder_listed(listed: str, expected: str) -> None:
    assert reorder_listed(listed) == expected


@pytest.mark.parametrize(
    ("name", "schema", "tokens"),
    [
        (
            "DALIAN HAIBO INTERNATIONAL FREIGHT CO. LTD.",
            "Organization",
            ["dalian", "haibo", "international", "freight"],
        ),
        ("Dalian Haibo Intl Freight Co Ltd", "Organization", ["dalian", "haibo", "international", "freight"]),
        ("VTB BANK PUBLIC JOINT STOCK COMPANY", "Organization", ["vtb", "bank"]),
        ("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU TEKHNOLOGII", "Organization", ["tekhnologii"]),
        ("CONCRETOS CALI S.A.", "Organization", ["concretos", "cali"]),
        ("REPUESTOS EL NATO Y CIA LTDA.", "Organization", ["repuestos", "el", "nato"]),
        ("KERMAN SHIPPING COMPANY LIMITRD", "Organization", ["kerman", "shipping"]),
        ("DAVAR SHIPPING CO LDT", "Organization", ["davar", "shipping"]),
        ("MAULAWI Abdul Kabir", "Person", ["abdul", "kabir"]),
        ("MAULAWY Abdul Kabir", "Person", ["abdul", "kabir"]),  # a mistyped title is still a title
        ("Hafez AL-ASSAD", "Person", ["hafez", "al", "assad"]),  # a name a letter away from the title Hafiz
        ("ALAM ALTHRWA LCL CO", "Organization", ["alam", "althrwa"]),  # mistyped LLC in the legal tail
        ("EIGHTH OCEAN GBH & CO. KG", "Organization", ["eighth", "ocean"]),
        ("Taha Rifa'i Ahmad MUSA", "Person", ["taha", "rifai", "ahmad", "musa"]),
        ("MT DESTINY", "Vessel", ["destiny"]),
        ("M/V STAR EAGLE", "Vessel", ["star", "eagle"]),
        ("Company Limited", "Organization", ["company", "limited"]),  # nothing but legal words: kept
        # Chinese legal forms in pinyin, as some listings romanise the whole name.
        (
            "ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI",
            "Organization",
            ["zhongguo", "jingmi", "jixie", "jinchukou"],
        ),
        ("DANDONG ZHENGHE YOUXIAN GONGSI", "Organization", ["dandong", "zhenghe"]),
        # A second legal form missing a letter after the first; not after a word of the name.
        ("BANGKOK SILK FLOWER COMPANY TD.", "Organization", ["bangkok", "silk", "flower"]),
        ("PROGLQN CAPITAL LT", "Organization", ["proglqn", "capital", "lt"]),
    ],
)
def test_name_tokens(name: str, schema: str, tokens: list[str]) -> None:
    assert name_tokens(name, schema) == tokens


@pytest.mark.parametrize(
    ("token", "final", "expected"),
    [
        ("limited", False, True),
        ("limitrd", False, True),
        ("cororatiln", False, True),
        ("ldt", True, True),
        ("ldt", False, False),  # short forms only at the end of a name
        ("haibo", True, False),
        ("kerman", False, False),
        ("compania", False, True),  # Spanish "company", as COMPANY is
        ("comoania", False, True),  # and mistyped
        ("gbh", True, True),  # GMBH with a letter missing
        ("lda", True, True),  # LTDA with a letter missing
        ("sama", True, False),  # a name, not SAA with a letter more (Abdurrahman Sama)
        ("dto", True, False),  # not DOO: three-letter forms only with two letters swapped
    ],
)
def test_legal_forms(token: str, final: bool, expected: bool) -> None:
    assert is_legal_form(token, final) is expected


@pytest.mark.parametrize(
    "spellings",
    [
        ["mohammed", "muhammad", "mohamed"],
        ["yevgeniy", "evgeny", "evgenii"],
        ["aleksandr", "alexander"],
        ["ivanov", "ivanoff"],
        ["chol", "chul", "cheol"],
        ["jong", "chong", "jung"],
        ["hernandez", "hrenndez"],
    ],
)
def test_spellings_share_a_phonetic_key(spellings: list[str]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), [("ahmed", "hamid"), ("kim", "gim"), ("orion", "oregon")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("zeiniye", "zayniyah"),  # ei / ay, final -e / -ah
        ("hussein", "husayn"),
        ("taher", "tahir"),
        ("habbo", "hebo"),
        ("mouhamad", "muhammad"),  # ou / u, doubled letters
        ("mohammed", "muhammad"),
        ("ouni", "awni"),
        ("omar", "umar"),
        ("djamel", "jamal"),
    ],
)
def test_spellings_of_one_arabic_name_are_variants(a: str, b: str) -> None:
    assert variant_patterns_agree(variant_pattern(a), variant_pattern(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hassan", "hussein"),  # a, a is not u, ay: two names
        ("hasan", "husain"),
        ("tarak", "tariq"),  # k / q and a / i: a phonetic likeness, not a vowel variant
        ("maria", "mario"),
        ("eric", "erick"),
        ("ali", "eli"),  # too short to tell
        ("wang", "wong"),
    ],
)
def test_other_names_are_not_variants(a: str, b: str) -> None:
    assert not variant_patterns_agree(variant_pattern(a), variant_pattern(b))


@pytest.mark.parametrize(
    ("tokens", "joined"),
    [
        (["abd", "al", "rahman"], ["abdal", "rahman"]),
        (["ahmad", "abd", "al", "munim", "salih"], ["ahmad", "abdal", "munim", "salih"]),
        (["abd", "ur", "rahman"], ["abdur", "rahman"]),
        (["abdul", "rahman"], ["abdul", "rahman"]),  # already one word with its article
        (["ahmad", "al", "munim", "abd", "salih"], ["ahmad", "al", "munim", "abd", "salih"]),
        (["salih", "abd", "al"], ["salih", "abd", "al"]),  # nothing after the article
    ],
)
def test_abd_is_joined_to_its_article(tokens: list[str], joined: list[str]) -> None:
    assert join_servant_names(tokens) == joined


@pytest.mark.parametrize(
    ("name", "company"),
    [
        ("Khan PLC", True),
        ("Boyle Ltd", True),
        ("Nicolas S.A.S.", True),
        ("Martin KG", True),
        ("Nasir Ali KHAN", False),
        ("Khan", False),
        ("Ltd", False),  # only a legal form: nothing to tell
        ("Ali AS", False),  # a short form is also a name word
    ],
)
def test_a_name_ending_in_a_legal_form_names_a_company(name: str, company: bool) -> None:
    assert names_a_company(name) is company
