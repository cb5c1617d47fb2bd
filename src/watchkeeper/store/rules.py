"""Rule files (banned goods, embargoes, advisory vessels, red flags), versioned like lists.

Each import of a rule file is parsed completely first, then kept whole as a
new version of its kind; screening uses the newest version of each kind and
names it in every hit, so a past decision can be traced to the rules then in force.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from watchkeeper.errors import AlreadyImported, InvalidInput, NotFound
from watchkeeper.rules.book import (
    RULE_KINDS,
    RuleBook,
    RuleFile,
    parse_rule_file,
    read_rule_text,
    sha256_text,
)
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

_COLUMNS = "kind, seq, name, sha256, loaded_at, text"


class RuleStore:
    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = str(path)
        self._db = connect(path, create=create)
        self._audit = AuditLog(self._db)

    def close(self) -> None:
        self._db.close()

    def import_file(self, kind: str, path: Path, actor: str = "system") -> RuleFile:
        """Parse and store a new version of `kind`; the same file twice is refused."""
        if kind not in RULE_KINDS:
            raise InvalidInput(f"unknown rule kind {kind!r}; one of {', '.join(RULE_KINDS)}")
        text = read_rule_text(path)
        parse_rule_file(kind, text, str(path))  # refuses a bad file before anything is stored
        digest = sha256_text(text)
        with transaction(self._db):
            held = self._db.execute(
                "SELECT seq FROM rule_file WHERE kind = ? AND sha256 = ?", (kind, digest)
            ).fetchone()
            if held is not None:
                raise AlreadyImported(f"{path.name} is already {kind} version {held[0]}")
            row = self._db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM rule_file WHERE kind = ?", (kind,)
            ).fetchone()
            seq = int(row[0]) + 1
            loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
            self._db.execute(
                f"INSERT INTO rule_file ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, seq, path.name, digest, loaded_at, text),
            )
            self._db.notify_change()
            self._audit.append(actor, "rules.import", f"{kind}@{seq}", {"file": path.name, "sha256": digest})
        return RuleFile(kind, seq, path.name, digest, loaded_at, text)

    def versions(self, kind: str | None = None) -> list[RuleFile]:
        if kind is None:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM rule_file ORDER BY kind, seq")
        else:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM rule_file WHERE kind = ? ORDER BY seq", (kind,))
        return [RuleFile(str(k), int(s), str(n), str(h), str(a), str(t)) for k, s, n, h, a, t in rows]

    def current(self) -> dict[str, RuleFile]:
        """The newest version of each kind loaded."""
        newest: dict[str, RuleFile] = {}
        for rule_file in self.versions():
            newest[rule_file.kind] = rule_file  # ordered by seq: the last one wins
        return newest

    def newest_seqs(self) -> dict[str, int]:
        """The newest version number of each kind loaded (without reading the files)."""
        rows = self._db.execute("SELECT kind, MAX(seq) FROM rule_file GROUP BY kind")
        return {str(kind): int(seq) for kind, seq in rows}

    def book(self) -> RuleBook:
        return RuleBook.from_files(self.current())

    def version(self, kind: str, seq: int) -> RuleFile:
        for rule_file in self.versions(kind):
            if rule_file.seq == seq:
                return rule_file
        raise NotFound(f"no version {seq} of rules {kind!r}")
