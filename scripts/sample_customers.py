"""Write data/samples/customers.csv: 1,000 invented customers with a few listed parties hidden in it.

    .venv/bin/python scripts/sample_customers.py

The invented rows come from Faker in several locales (seeded, so the file is
reproducible); the hidden rows are real listed names, misspelt or written in
another script the way a customer file would carry them.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parents[1] / "data" / "samples" / "customers.csv"
LOCALES = [
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "es_MX",
    "it_IT",
    "ru_RU",
    "ko_KR",
    "zh_CN",
    "ar_AA",
    "tr_TR",
    "fa_IR",
    "pt_BR",
    "ja_JP",
]
COUNTRY = {
    "en_US": "US",
    "en_GB": "GB",
    "de_DE": "DE",
    "fr_FR": "FR",
    "es_ES": "ES",
    "es_MX": "MX",
    "it_IT": "IT",
    "ru_RU": "RU",
    "ko_KR": "KR",
    "zh_CN": "CN",
    "ar_AA": "AE",
    "tr_TR": "TR",
    "fa_IR": "IR",
    "pt_BR": "BR",
    "ja_JP": "JP",
}
# Real listed parties, written as a customer file might carry them.
HIDDEN = [
    ("Person", "Jorge Milton CIFUENTES VILA", "1965-05-13", "CO", ""),  # ofac-sdn:12300, one letter missing
    ("Person", "김정은", "", "KP", ""),  # ofac-sdn:20157 KIM Jong Un, in Hangul
    ("Person", "Дерипаска Олег Владимирович", "1968-01-02", "RU", ""),  # ofac-sdn:24283, in Cyrillic
    ("Organization", "Dalian Haibo Intl Freight Co Ltd", "", "CN", ""),  # ofac-sdn:26243
    (
        "Organization",
        "LIAONING DANXING INTERNATIONAL FORWARDING COMPANY LIMITED",
        "",
        "CN",
        "",
    ),  # ofac-sdn:26244
    ("Vessel", "", "", "", "IMO 9114555"),  # ofac-sdn:23525 UL JI BONG 6, by IMO number only
    ("Person", "Yevgeniy Prigozhin", "1961-06-01", "RU", ""),  # ofac-sdn:21171
    ("Organization", "Korea Kwangson Banking Corp.", "", "KP", ""),  # ofac-sdn:10933 / un:KPe.025
]


def main() -> None:
    rng = random.Random(20261125)
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for index, fake in enumerate(fakers.values()):
        fake.seed_instance(1000 + index)
    rows: list[list[str]] = []
    for _ in range(1000 - len(HIDDEN)):
        locale = rng.choice(LOCALES)
        fake = fakers[locale]
        if rng.random() < 0.75:
            dob = fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat() if rng.random() < 0.7 else ""
            rows.append(["Person", fake.name(), dob, COUNTRY[locale], ""])
        else:
            rows.append(["Organization", fake.company(), "", COUNTRY[locale], ""])
    for hidden in HIDDEN:
        rows.insert(rng.randrange(len(rows)), list(hidden))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "type", "dob", "country", "identifier"])
        for number, (schema, name, dob, country, identifier) in enumerate(rows, 1):
            writer.writerow([f"C{number:05d}", name, schema.lower(), dob, country, identifier])


if __name__ == "__main__":
    main()
