"""Payment screening speed: messages/s against all bundled lists, next to the plain XML parse.

    .venv/bin/python bench/payments.py [--messages 2000]

Generates pacs.008 messages (Faker names, seeded) in two kinds of traffic:

- distinct: every debtor and creditor appears once (the worst case: every
  party name goes through the matcher);
- pooled: debtors from 2,000 customers, creditors from 5,000 counterparties,
  as a bank's daily flow repeats its parties (answers for repeated parties are
  kept per screener, so a repeat costs a lookup).

In both, agents come from 50 banks, 1 % of messages pay a listed party and
1 % name a listed vessel in the remittance text. Each message is screened
completely: parse, every party and agent through the matcher, BICs, free
text through the name automaton, embargo checks. The baseline in the same
run is `lxml.etree.fromstring` of the same bytes. Goal (issue #6): screening
≤ 5× the plain parse.

A second baseline is the message's parties alone: each party and agent name
screened through `Screener.screen` (the queries a message makes, nothing
else), no cache in front. Issue #14 asks that a message cost no more than
screening its parties. Each traffic is screened once untimed first, so both
timings find the index's own caches (compiled listed names) equally warm;
the payment screener itself starts afresh for the timed run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from faker import Faker
from lxml import etree
from rich.console import Console
from rich.table import Table

from watchkeeper.jobs import load_bundled, load_bundled_rules
from watchkeeper.match.screener import Screener
from watchkeeper.payments.reader import parse_message
from watchkeeper.rules.book import RuleBook
from watchkeeper.screen.evidence import party_query
from watchkeeper.screen.loader import screener_from_store
from watchkeeper.screen.payments import PaymentScreener
from watchkeeper.store import SqliteStore
from watchkeeper.store.rules import RuleStore

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "zh_CN", "ru_RU", "ar_AA", "ko_KR", "tr_TR"]
COUNTRIES = ["US", "GB", "DE", "FR", "ES", "CN", "SG", "AE", "KR", "TR", "NL", "HK"]

MESSAGE = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
<GrpHdr><MsgId>{ref}</MsgId><CreDtTm>2024-06-11T09:00:00Z</CreDtTm><NbOfTxs>1</NbOfTxs>
<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>
<CdtTrfTxInf><PmtId><EndToEndId>{ref}</EndToEndId></PmtId>
<IntrBkSttlmAmt Ccy="USD">{amount}</IntrBkSttlmAmt><IntrBkSttlmDt>2024-06-11</IntrBkSttlmDt>
<ChrgBr>SHAR</ChrgBr>
<Dbtr><Nm>{debtor}</Nm><PstlAdr><TwnNm>{debtor_town}</TwnNm><Ctry>{debtor_country}</Ctry></PstlAdr></Dbtr>
<DbtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></DbtrAcct>
<DbtrAgt><FinInstnId><BICFI>{debtor_bic}</BICFI><Nm>{debtor_bank}</Nm></FinInstnId></DbtrAgt>
<CdtrAgt><FinInstnId><BICFI>{creditor_bic}</BICFI><Nm>{creditor_bank}</Nm></FinInstnId></CdtrAgt>
<Cdtr><Nm>{creditor}</Nm><PstlAdr><TwnNm>{creditor_town}</TwnNm><Ctry>{creditor_country}</Ctry></PstlAdr></Cdtr>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"""


def party(fake: Faker, rng: random.Random) -> tuple[str, str, str]:
    name = fake.company() if rng.random() < 0.5 else fake.name()
    return name, fake.city(), rng.choice(COUNTRIES)


def messages(
    count: int, pooled: bool, listed_names: list[str], listed_vessels: list[str]
) -> list[tuple[bytes, bool]]:
    rng = random.Random(20261125 + pooled)
    fake = Faker(LOCALES)
    fake.seed_instance(20261125)
    banks = [
        (
            fake.company() + " Bank",
            f"{fake.lexify('????').upper()}{rng.choice(COUNTRIES)}{fake.lexify('??').upper()}",
        )
        for _ in range(50)
    ]
    debtors = [party(fake, rng) for _ in range(2000)] if pooled else []
    creditors = [party(fake, rng) for _ in range(5000)] if pooled else []
    out = []
    for number in range(count):
        debtor = rng.choice(debtors) if pooled else party(fake, rng)
        creditor = rng.choice(creditors) if pooled else party(fake, rng)
        planted = False
        text = f"Invoice {rng.randint(1000, 99999)} {fake.bs()}"
        if rng.random() < 0.01:
            creditor = (rng.choice(listed_names), creditor[1], creditor[2])
            planted = True
        elif rng.random() < 0.01:
            text = f"Charter hire {rng.choice(listed_vessels)} voyage {rng.randint(1, 99)}"
            planted = True
        (debtor_bank, debtor_bic), (creditor_bank, creditor_bic) = rng.choice(banks), rng.choice(banks)
        xml = MESSAGE.format(
            ref=f"MSG{number:07d}",
            amount=f"{rng.randint(100, 900000)}.00",
            debtor=escape(debtor[0]),
            debtor_town=escape(debtor[1]),
            debtor_country=debtor[2],
            account=str(rng.randint(10**9, 10**10)),
            debtor_bic=debtor_bic,
            debtor_bank=escape(debtor_bank),
            creditor_bic=creditor_bic,
            creditor_bank=escape(creditor_bank),
            creditor=escape(creditor[0]),
            creditor_town=escape(creditor[1]),
            creditor_country=creditor[2],
            text=escape(text),
        )
        out.append((xml.encode(), planted))
    return out


def load(home: Path) -> tuple[Screener, RuleBook]:
    store = SqliteStore(home / "watchkeeper.sqlite")
    rules = RuleStore(home / "watchkeeper.sqlite")
    try:
        load_bundled(store, ROOT / "data")
        load_bundled_rules(rules, ROOT / "data")
        screener, _ = screener_from_store(store, cache=home / "index")
        return screener, rules.book()
    finally:
        store.close()
        rules.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    console = Console(width=160)
    with tempfile.TemporaryDirectory(prefix="wk-pay-") as folder:
        screener, rules = load(Path(folder))
    listed = [
        e.caption
        for e in screener.index.entities
        if e.schema in ("Organization", "Person") and e.source == "ofac-sdn"
    ]
    vessels = [
        e.caption for e in screener.index.entities if e.schema == "Vessel" and len(e.caption.split()) >= 2
    ]
    rng = random.Random(7)
    listed_names, listed_vessels = rng.sample(listed, 200), rng.sample(vessels, 100)
    table = Table(title=f"Payment screening, pacs.008, {args.messages:,} messages, 1 process")
    for column in (
        "traffic",
        "plain parse msg/s",
        "screening msg/s",
        "cost vs parse",
        "parties alone msg/s",
        "cost vs parties",
        "held",
        "planted held",
        "clean held",
    ):
        table.add_column(column, justify="right" if column != "traffic" else "left")
    for pooled in (False, True):
        batch = messages(args.messages, pooled, listed_names, listed_vessels)
        started = time.perf_counter()
        for data, _ in batch:
            etree.fromstring(data)
        parse_seconds = time.perf_counter() - started
        warming = PaymentScreener(screener, rules)  # untimed: warms the index's caches for both timings
        for data, _ in batch:
            warming.screen_bytes(data)
        queries = [
            party_query(p.name, "Organization" if p.is_agent else None)
            for data, _ in batch
            for p in parse_message(data, "").parties
            if p.name
        ]
        started = time.perf_counter()
        for query in queries:
            screener.screen(query)
        parties_seconds = time.perf_counter() - started
        payments = PaymentScreener(screener, rules)  # a fresh one: nothing remembered from the other run
        started = time.perf_counter()
        verdicts = [payments.screen_bytes(data) for data, _ in batch]
        screen_seconds = time.perf_counter() - started
        planted = [v for v, (_, p) in zip(verdicts, batch, strict=True) if p]
        clean = [v for v, (_, p) in zip(verdicts, batch, strict=True) if not p]
        table.add_row(
            "pooled parties" if pooled else "distinct parties",
            f"{len(batch) / parse_seconds:,.0f}",
            f"{len(batch) / screen_seconds:,.0f}",
            f"{screen_seconds / parse_seconds:,.0f}×",
            f"{len(batch) / parties_seconds:,.0f}",
            f"{screen_seconds / parties_seconds:,.2f}×",
            f"{sum(v.verdict == 'hold' for v in verdicts)}",
            f"{sum(v.verdict == 'hold' for v in planted)} / {len(planted)}",
            f"{sum(v.verdict == 'hold' for v in clean)} / {len(clean)}",
        )
    console.print(table)
    console.print(
        "Goals: screening cost ≤ 5× the plain parse (issue #6); no more than screening the "
        "message's parties alone (issue #14)."
    )


if __name__ == "__main__":
    main()
