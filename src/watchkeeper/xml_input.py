"""Reading XML that comes from users: payment messages, uploaded list files.

An XML document can carry a DTD whose entities stand for text (`&n;` for a
listed name) or for a file or URL (`SYSTEM "file:///…"`). A reader that does
not expand them sees an empty field; one downstream that does sees the listed
name — so a screening system must refuse such a document, not read around it.
No real ISO 20022 message or publisher's list file carries a DTD, so every
DTD, entity reference and processing instruction inside the document is
refused with the place it was found. Nothing is fetched from the network or
the file system while parsing.
"""

from __future__ import annotations

import re

from lxml import etree

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class XMLRefused(ValueError):
    """XML that is not read: malformed, or carrying a DTD, an entity or a processing instruction.

    `where` is a line (`line 3`) or an element path (`Document/…/Dbtr/Nm`)."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


def _parser(*, remove_comments: bool, huge_tree: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=huge_tree,
        remove_comments=remove_comments,
        recover=False,
    )


def element_path(element: etree._Element) -> str:
    """`Root/Child[2]/Leaf`: local names from the root, with a position where a name repeats."""
    steps = []
    node: etree._Element | None = element
    while node is not None:
        tag = node.tag
        name = etree.QName(tag).localname if isinstance(tag, str) else "?"
        parent = node.getparent()
        if parent is not None and isinstance(tag, str):
            same = list(parent.iterchildren(tag))
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_untrusted(data: bytes, *, remove_comments: bool = True, huge_tree: bool = False) -> etree._Element:
    """The root element of `data`, or `XMLRefused` saying what is wrong and where.

    Refused: malformed XML, a document type declaration (internal or external),
    an entity reference anywhere, a processing instruction inside the root
    element. Comments are dropped by default (the text around them joins up,
    so `DALIAN <!-- x -->HAIBO` still reads as one name).
    """
    declared = _DOCTYPE.search(data[:65536])
    dtd_line = _line_of(data, declared.start()) if declared is not None else 0
    try:
        root = etree.fromstring(data, _parser(remove_comments=remove_comments, huge_tree=huge_tree))
    except etree.XMLSyntaxError as exc:
        if declared is not None:  # e.g. an entity-expansion bomb in the DTD
            raise _dtd_refused(dtd_line) from None
        line, column = exc.position
        raise XMLRefused(f"line {line}, column {column}", f"malformed XML: {exc.msg}") from None
    docinfo: etree.DocInfo = root.getroottree().docinfo
    if declared is not None or docinfo.internalDTD is not None or docinfo.system_url is not None:
        # Name the first field the DTD's entities were meant to fill, then the DTD itself.
        entity = next(root.iter(etree.Entity), None)
        if entity is not None:
            raise XMLRefused(
                _place(entity),
                f"entity reference {entity.text} (line {entity.sourceline}) refused: the document declares "
                f"a DTD (line {dtd_line or 1}) and its entities are never expanded",
            )
        raise _dtd_refused(dtd_line or 1)
    for node in root.iter(etree.Entity, etree.PI):
        if isinstance(node, etree._Entity):
            raise XMLRefused(
                _place(node), f"entity reference {node.text} (line {node.sourceline}) refused: never expanded"
            )
        target = node.target if isinstance(node, etree._ProcessingInstruction) else "?"
        raise XMLRefused(
            _place(node), f"processing instruction <?{target} …?> (line {node.sourceline}) refused"
        )
    return root


def _place(node: etree._Element) -> str:
    parent = node.getparent()
    return element_path(parent) if parent is not None else f"line {node.sourceline}"


def _dtd_refused(line: int) -> XMLRefused:
    return XMLRefused(
        f"line {line}", "document type declaration (DOCTYPE) refused: DTDs and entities are not read"
    )


def text_of_leaf(element: etree._Element) -> str:
    """The text of an element that must hold text only, or `XMLRefused` naming it.

    A child element inside a name (`<Nm>DALIAN<b/>HAIBO</Nm>`) would leave
    part of the name out of reach of a reader taking `.text`.
    """
    for child in element:
        if isinstance(child.tag, str) or (child.tail or "").strip():
            raise XMLRefused(
                element_path(element), "a text field holds markup; it cannot be read as one value"
            )
    return element.text or ""
