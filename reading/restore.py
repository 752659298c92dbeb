"""Give back the words a page disguised: Cloudflare-obfuscated e-mail addresses and emoji images.

Cloudflare's "Email Address Obfuscation" rewrites every address in a page into
``<a class="__cf_email__" data-cfemail="HEX">[email protected]</a>`` and every ``mailto:`` link into
``/cdn-cgi/l/email-protection#HEX``, to be decoded by a script we never run. The hex is the
address XOR-ed with its first byte. WordPress's emoji script (``wp_staticize_emoji``) and its
smilies turn characters into ``<img class="emoji|wp-smiley" alt="CHAR">``. An archive keeps the
address and the character, in the HTML and in the text.
"""

from __future__ import annotations

from typing import Any

from reading.dom import replace_with_text, xpath

_CF_CLASS = "__cf_email__"
_CF_PATH = "/cdn-cgi/l/email-protection"
_EMOJI_CLASSES = frozenset({"emoji", "wp-smiley"})
_CANDIDATES = xpath("descendant::*[@data-cfemail] | descendant::img[@alt and @class]")
_CF_LINKS = xpath(f"descendant::a[contains(@href, '{_CF_PATH}#')]")


def decode_cf_email(hexed: str) -> str | None:
    """The address behind Cloudflare's hex: the first byte is the key for every following byte."""
    try:
        data = bytes.fromhex(hexed.strip())
    except ValueError:
        return None
    if len(data) < 2:
        return None
    try:
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def needed(markup: str | bytes | None) -> bool:
    """Whether ``restore`` could change anything: a substring test is far cheaper than the two
    tree searches, and most bodies and comments carry neither addresses nor emoji."""
    if markup is None:
        return False
    if isinstance(markup, bytes):
        return True
    return any(hint in markup for hint in _HINTS)


_HINTS = ("data-cfemail", _CF_PATH, "emoji", "wp-smiley")


def restore(root: Any) -> None:
    """Decode Cloudflare addresses and turn emoji images into their characters, in place."""
    for link in _CF_LINKS(root):
        address = decode_cf_email(link.get("href").split("#", 1)[1])
        if address:
            link.set("href", f"mailto:{address}")
    for el in _CANDIDATES(root):
        classes = (el.get("class") or "").split()
        if _CF_CLASS in classes and el.get("data-cfemail"):
            address = decode_cf_email(el.get("data-cfemail"))
            if address:
                replace_with_text(el, address)
        elif el.tag == "img" and _EMOJI_CLASSES.intersection(classes) and el.get("alt"):
            replace_with_text(el, el.get("alt"))
