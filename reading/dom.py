"""Small lxml helpers shared by the page readers and the cleaner: cached CSS selectors, the one
whitespace normaliser and the one inner-HTML serialiser (two copies once disagreed on escaping)."""

from __future__ import annotations

import re
from html import escape

from lxml import etree, html
from lxml.cssselect import CSSSelector

_CACHE: dict[str, etree.XPath] = {}

# Every element an ``HtmlElement``, chosen in C. lxml.html's own lookup is a Python call for every
# element proxy (to make ``<form>`` a FormElement, which nothing here uses): 5-10 % of reading a
# page (bench/costs.py). Both the page parser and the cleaner's fragment parser use it.
ELEMENT_CLASSES = etree.ElementDefaultClassLookup(element=html.HtmlElement, comment=html.HtmlComment,
                                                  pi=html.HtmlProcessingInstruction)


def fragment_parser() -> html.HTMLParser:
    """lxml.html's default parser for fragments, with the C-level element classes (and no table
    of ``id`` attributes, which only XPath's ``id()`` would use)."""
    global _FRAGMENT_PARSER
    if _FRAGMENT_PARSER is None:
        _FRAGMENT_PARSER = html.HTMLParser(collect_ids=False)
        _FRAGMENT_PARSER.set_element_class_lookup(ELEMENT_CLASSES)
    return _FRAGMENT_PARSER


_FRAGMENT_PARSER: html.HTMLParser | None = None


def xpath(path: str) -> etree.XPath:
    """A compiled XPath without EXSLT regular expressions (none of ours uses them): lxml sets up
    the ``re:`` functions on every evaluation otherwise, which doubles the cost of a search of a
    small tree (a comment: about 1 µs a call, bench/read_pages.py)."""
    return etree.XPath(path, regexp=False)


def css(selector: str, translator: str = "xml") -> etree.XPath:
    """A compiled selector (cssselect's XPath for it, as ``CSSSelector`` builds it, each
    alternative searched attribute first where it tests one attribute); compiling costs far more
    than matching, so each is built once."""
    key = selector if translator == "xml" else f"{translator}:{selector}"
    compiled = _CACHE.get(key)
    if compiled is None:
        path = CSSSelector(selector, translator=translator).path
        plain = '"' not in path and "|" not in "".join(_LITERAL.findall(path))  # " | " only between alternatives
        alternatives = path.split(" | ") if plain else [path]
        compiled = _CACHE[key] = xpath(" | ".join(by_attribute(p) for p in alternatives))
    return compiled


_ONE_ATTRIBUTE_TEST = re.compile(r"descendant-or-self::(\*|[a-z][a-z0-9]*)\[@([a-zA-Z_][\w-]*)( = .*| and .*)\]")
_LITERAL = re.compile(r"'[^']*'")


def by_attribute(path: str) -> str:
    """cssselect's ``descendant-or-self::tag[@a = 'v']`` (``#id``, ``[a=v]``) or
    ``…[@a and test(@a)]`` (``.class``, ``[a*=v]``, ``[a^=v]``, ``[a$=v]``) as the same test on
    the attribute, then its element: libxml2 then tests only the elements that carry the
    attribute, not every element of the page (a page search for ``#comments``: 0.24 → 0.18 ms;
    the page task's instructions −7 %). Both forms are false where the attribute is missing, so
    the elements found, and their document order, are the same. Any other path is kept as it is."""
    m = _ONE_ATTRIBUTE_TEST.fullmatch(path)
    if m is None:
        return path
    tag, name, test = m.groups()
    outside = _LITERAL.sub("''", test)
    if '"' in test or any(mark in outside for mark in ("[", "]", "|", "::", "/", " or ", "not(")) or \
            set(re.findall(r"@[\w-]+", outside)) - {f"@{name}"}:
        return path  # another attribute, a nested path or a literal we do not parse: as it was
    if test.startswith(" = "):
        condition = ". = " + test[3:]
    else:
        pieces = _LITERAL.split(test[len(" and "):])
        literals = _LITERAL.findall(test[len(" and "):])
        condition = "".join(
            piece.replace(f"@{name}", ".") + (literals[k] if k < len(literals) else "")
            for k, piece in enumerate(pieces))
    return f"descendant-or-self::{tag}/@{name}[{condition}]/.."


def first(el: html.HtmlElement, selectors: tuple[str, ...]) -> html.HtmlElement | None:
    """The first match of the first selector that matches anything (selectors in preference order)."""
    for selector in selectors:
        matches = css(selector)(el)
        if matches:
            return matches[0]
    return None


def norm(value: str | None) -> str:
    """Whitespace runs to one space, ends trimmed. ``str.split()`` treats exactly the characters
    ``\\s`` does as whitespace and is several times faster than a regex; it runs on every element."""
    return " ".join((value or "").split())


def text(el: html.HtmlElement) -> str:
    """Visible text with whitespace collapsed."""
    return norm(el.text_content())


def inner_html(el: html.HtmlElement) -> str:
    """The element's content as HTML, without its own tag. The leading text is escaped exactly as
    lxml escapes every other text node: a commenter's literal ``5 < 6 & <script>`` must come back
    as text when the fragment is parsed again, not as a tag that swallows what follows."""
    parts = [escape(el.text, quote=False)] if el.text else []
    parts.extend(html.tostring(c, encoding="unicode", with_tail=True) for c in el)
    return "".join(parts).strip()


def replace_with_text(el: html.HtmlElement, value: str = "") -> None:
    """Put ``value`` and the element's tail where the element was, then remove it: dropping an
    element must never drop the text that follows it (lxml keeps that text on the element)."""
    parent = el.getparent()
    if parent is None:
        return
    joined = value + (el.tail or "")
    previous = el.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


_SIMPLE = re.compile(r"([a-z][a-z0-9]*)?(?:\.([\w-]+))?")
_CLASS_CONTAINS = re.compile(r"\[class\*=([\w-]+)\]")


class SubtreeIndex:
    """One walk over a small subtree (a comment), after which simple selectors (``tag``, ``.cls``,
    ``tag.cls``, ``[class*=x]``) are answered from dictionaries in document order, as lxml's
    selectors would. A comment is read with a dozen selector look-ups; a dozen XPath evaluations
    cost several times more than this one walk. Other selectors fall back to ``css``."""

    def __init__(self, root: html.HtmlElement) -> None:
        self.root = root
        self.elements: list[html.HtmlElement] = []
        self.by_tag: dict[str, list[html.HtmlElement]] = {}
        self.by_class: dict[str, list[html.HtmlElement]] = {}
        by_tag, by_class = self.by_tag, self.by_class
        for el in root.iter(etree.Element):  # elements only: no comments or processing instructions
            self.elements.append(el)
            tag = el.tag
            if tag in by_tag:
                by_tag[tag].append(el)
            else:
                by_tag[tag] = [el]
            names = el.get("class")
            if names:
                for token in names.split():
                    if token in by_class:
                        by_class[token].append(el)
                    else:
                        by_class[token] = [el]

    def first(self, selectors: tuple[str, ...]) -> html.HtmlElement | None:
        for selector in selectors:
            found = self._first(selector)
            if found is not None:
                return found
        return None

    def _first(self, selector: str) -> html.HtmlElement | None:
        simple = _SIMPLE.fullmatch(selector)
        if simple and any(simple.groups()):
            tag, cls = simple.groups()
            candidates = self.by_class.get(cls, ()) if cls else self.by_tag.get(tag, ())
            return next((el for el in candidates if tag is None or el.tag == tag), None)
        contains = _CLASS_CONTAINS.fullmatch(selector)
        if contains:
            needle = contains.group(1)
            return next((el for el in self.elements if needle in (el.get("class") or "")), None)
        matches = css(selector)(self.root)
        return matches[0] if matches else None
