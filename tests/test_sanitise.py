"""The reading room's sanitiser: one ``nh3.Cleaner`` per base URL, built once and reused, with the
same output as handing ``nh3.clean`` the allow-list on every call."""

from __future__ import annotations

import nh3
import pytest

from publishing import sanitise

HOSTILE = ('<p onclick="x()">Hi <a href="/about">about</a> <a href="javascript:alert(1)">js</a>'
           '<script>alert(1)</script><img src="/a.png"><!-- c --><style>p{}</style></p>')


def reference(html: str, base_url: str | None) -> str:
    """What ``clean_html`` returned when it called ``nh3.clean`` with the allow-list each time."""
    return nh3.clean(
        html, tags=set(sanitise.ALLOWED_TAGS),
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object"},
        attributes={tag: set(attrs) for tag, attrs in sanitise.ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(sanitise.URL_SCHEMES), link_rel=sanitise.LINK_REL, strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if sanitise.safe_url(base_url) else "deny",
    )


@pytest.mark.parametrize("base_url", ["https://example.org/2020/01/post/", None, "javascript:x"])
def test_cleaner_is_built_once_per_base_and_output_unchanged(monkeypatch: pytest.MonkeyPatch,
                                                             base_url: str | None) -> None:
    expected = reference(HOSTILE, base_url)
    assert ("https://example.org/about" in expected) == (base_url == "https://example.org/2020/01/post/")
    sanitise._cleaner.cache_clear()
    built = []
    real_cleaner = nh3.Cleaner

    def counting_cleaner(*args: object, **kwargs: object) -> nh3.Cleaner:
        built.append(kwargs.get("url_relative"))
        return real_cleaner(*args, **kwargs)

    monkeypatch.setattr(nh3, "Cleaner", counting_cleaner)
    monkeypatch.setattr(nh3, "clean", lambda *a, **k: pytest.fail("nh3.clean rebuilds the allow-list per call"))
    outputs = [sanitise.clean_html(HOSTILE, base_url) for _ in range(5)]
    assert outputs == [expected] * 5
    assert len(built) == 1
