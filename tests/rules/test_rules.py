"""Rule files read as data: IMO numbers, banned goods, embargoes, red flags, and their versions."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from tests.backend import store_at
from tests.support import BUNDLED, shared
from watchkeeper.errors import AlreadyImported, ListFormatError
from watchkeeper.rules.embargoes import parse_embargoes
from watchkeeper.rules.goods import normalize_hs, parse_goods
from watchkeeper.rules.red_flags import parse_red_flags
from watchkeeper.rules.vessels import imo_check_digit_ok, parse_advisory_vessels, parse_imo
from watchkeeper.store.rules import RuleStore

GOODS = "dprk/banned_goods.csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IMO 9114555", "9114555"),  # UL JI BONG 6, DPRK tanker
        ("9114555", "9114555"),
        ("imo:7303803", "7303803"),  # AN SAN 1
        ("IMO 9811000", "9811000"),  # EVER GIVEN
    ],
)
def test_valid_imo_numbers(text: str, expected: str) -> None:
    assert parse_imo(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("IMO 9114556", "check digit wrong"),
        ("IMO 7303804", "check digit wrong"),
        ("911455", "seven digits expected"),
        ("IMO 91145555", "seven digits expected"),
        ("MMSI 445123000", "seven digits expected"),
    ],
)
def test_invalid_imo_numbers_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_imo(text)


def test_every_advisory_vessel_imo_has_a_valid_check_digit() -> None:
    with shared("dprk/advisory_vessels.csv").open(encoding="utf-8") as handle:
        numbers = [row["imo"] for row in csv.DictReader(handle) if row["imo"]]
    assert len(numbers) >= 100
    assert all(imo_check_digit_ok(n) for n in numbers)
    vessels = parse_advisory_vessels(shared("dprk/advisory_vessels.csv").read_text(encoding="utf-8"), "x")
    assert [v.imo for v in vessels if v.imo] == numbers
    an_san = next(v for v in vessels if v.imo == "7303803")
    assert an_san.sources == ("ADV2019", "ADV2018", "OFAC_SDN", "UN1718_LIST")


def test_goods_rules_read_every_row_with_its_citation() -> None:
    with shared(GOODS).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rules = parse_goods(shared(GOODS).read_text(encoding="utf-8"), GOODS)
    assert len(rules) == len(rows)
    for row, rule in zip(rows, rules, strict=True):
        assert rule.category == row["category"]
        assert rule.resolution == row["un_resolution"]
        assert rule.paragraph == row["paragraph"]
        assert rule.valid_from == date.fromisoformat(row["valid_from"])
    # The compiler's notes mark 20 of the 37 mappings UNCERTAIN, among them coal and textiles
    # (read off the file once, written here, not recomputed by the rule the parser uses).
    assert sum(r.uncertain for r in rules) == 20
    assert {r.category for r in rules if r.uncertain} >= {"coal", "textiles", "refined petroleum products"}
    coal = next(r for r in rules if r.category == "coal")
    assert coal.citation() == "UNSCR 2371 para 8"
    assert coal.matching_prefix("2701.12.00") == "2701"
    assert coal.matching_prefix("2710") is None
    assert (coal.flow, coal.country) == ("export", "KP")
    assert coal.in_force(date(2017, 8, 5))
    assert not coal.in_force(date(2017, 8, 4))
    historical = next(r for r in rules if r.category == "coal (historical cap)")
    assert historical.in_force(date(2017, 8, 4))
    assert not historical.in_force(date(2017, 8, 5))  # valid_to is the first day it no longer applies


@pytest.mark.parametrize(("code", "digits"), [("2709.00", "270900"), ("HS 2710 19", "271019"), ("03", "03")])
def test_hs_codes_compare_as_digits(code: str, digits: str) -> None:
    assert normalize_hs(code) == digits


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("coal,2701,export_to_dprk,ban,,,2371,8,2017-08-05,,,", "direction"),
        ("coal,2701,export_from_dprk,embargo,,,2371,8,2017-08-05,,,", "measure"),
        ("coal,2701,export_from_dprk,ban,,,2371,8,5 Aug 2017,,,", "valid_from"),
        ("coal,7,export_from_dprk,ban,,,2371,8,2017-08-05,,,", "at least a chapter"),
    ],
)
def test_bad_goods_rows_are_refused_with_their_line(line: str, message: str) -> None:
    header = shared(GOODS).read_text(encoding="utf-8").splitlines()[0]
    with pytest.raises(ListFormatError, match=f"line 2: .*{message}"):
        parse_goods(f"{header}\n{line}\n", "goods.csv")


def test_embargoes_know_countries_and_the_words_that_name_regions() -> None:
    embargoes = parse_embargoes(shared("embargoes/comprehensive.csv").read_text(encoding="utf-8"), "x")
    by_code = {e.code: e for e in embargoes}
    assert by_code["KP"].country == "KP"
    assert not by_code["KP"].is_region
    assert by_code["UA-43"].is_region
    assert by_code["UA-43"].place_words == ("crimea",)
    assert by_code["UA-14"].place_words == ("donetsk",)
    assert not by_code["SY"].in_force(date(2025, 7, 1))  # revoked by EO 14312
    assert by_code["SY"].in_force(date(2025, 6, 30))


def test_red_flags_and_hot_spots() -> None:
    flags = parse_red_flags(shared("dprk/red_flags.md").read_text(encoding="utf-8"), "x")
    assert [f.number for f in flags.flags] == [1, 2, 3, 4, 5, 6, 7]
    assert flags.flag("AIS").number == 1
    assert flags.flag("Ship-to-ship").sources == ("ADV2018", "ADV2019")
    names = [s.name for s in flags.hot_spots]
    assert names[0] == "Gulf of Tonkin"
    assert not flags.hot_spots[0].uncertain
    assert flags.hot_spots[1].uncertain  # the file says the second area is not confirmed


def test_rule_files_are_versioned_and_a_bad_one_changes_nothing(tmp_path: Path) -> None:
    store = RuleStore(store_at(tmp_path, "store.sqlite"))
    try:
        first = store.import_file("dprk-goods", BUNDLED / "rules" / GOODS)
        assert (first.kind, first.seq) == ("dprk-goods", 1)
        with pytest.raises(AlreadyImported):
            store.import_file("dprk-goods", BUNDLED / "rules" / GOODS)
        broken = tmp_path / "banned_goods.csv"
        broken.write_text(
            (BUNDLED / "rules" / GOODS).read_text(encoding="utf-8")
            + "silk,50,export_from_dprk,ban,,,9999,1,someday,,,\n",
            encoding="utf-8",
        )
        where = re.escape("banned_goods.csv, line 39: valid_from 'someday'")
        with pytest.raises(ListFormatError, match=where):
            store.import_file("dprk-goods", broken)
        amended = tmp_path / "banned_goods_2.csv"
        amended.write_text(
            (BUNDLED / "rules" / GOODS).read_text(encoding="utf-8")
            + "silk,5001,export_from_dprk,ban,,,9999,1,2030-01-01,,,\n",
            encoding="utf-8",
        )
        second = store.import_file("dprk-goods", amended)
        assert second.seq == 2
        assert [v.seq for v in store.versions("dprk-goods")] == [1, 2]
        assert store.current()["dprk-goods"].sha256 == second.sha256
        assert len(store.book().goods) == len(parse_goods(first.text, "x")) + 1
        with pytest.raises(ValueError, match="unknown rule kind"):
            store.import_file("eu-goods", amended)
    finally:
        store.close()
