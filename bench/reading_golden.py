"""Golden check for the page reader and cleaner: every record they produce, before and after a change.

    uv run python bench/reading_golden.py --write bench/out/reading-golden.json   # before the change
    uv run python bench/reading_golden.py --check bench/out/reading-golden.json   # after: 0 differences

Reads every page of the bench mirrors present (``bench/mirror-500``, ``bench/mirror-2000``), every
HTML page of the test sites and fixtures, the generated theme and hostile pages the reader tests
use, through the worker's own task (``pipelines.clean.read_post_page_clean`` with each site
profile, and ``read_comment_page_clean``), and serialises the whole result: post fields, the
raw and cleaned body, images, every comment with all its fields and its cleaned body, comment-page
links and advertised sources. It also runs ``clean_html``, ``clean_comment_html`` and
``html_to_text`` on every markup string literal of the cleaning tests and on every raw body and
comment read above, cleaned twice (the reprocess path cleans what was stored). Speed work on
``reading/`` and ``pipelines/clean.py`` must leave this output byte-identical.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))
sys.path.insert(2, str(ROOT / "tests" / "sites"))

from pipelines.clean import (  # noqa: E402
    clean_comment_html,
    clean_html,
    html_to_text,
    read_comment_page_clean,
    read_post_page_clean,
)
from reading.sites import PROFILES  # noqa: E402

MARKUP_TESTS = ("test_clean.py", "test_sanitise.py", "test_articles.py", "test_comment_markups.py",
                "test_hostile_crawl.py", "test_alarm.py")


def pages() -> list[tuple[str, bytes]]:
    """(name, bytes) of every page to read, in a stable order."""
    found: list[tuple[str, bytes]] = []
    for n in (500, 2000):
        mirror = ROOT / "bench" / f"mirror-{n}"
        if mirror.is_dir():
            found += [(str(p.relative_to(ROOT)), p.read_bytes()) for p in sorted(mirror.rglob("*.html"))]
    tests = ROOT / "tests"
    for folder in ("fixtures", "sites"):
        found += [(str(p.relative_to(ROOT)), p.read_bytes()) for p in sorted((tests / folder).rglob("*.html"))]
        found += [(str(p.relative_to(ROOT)), p.read_bytes()) for p in sorted((tests / folder).rglob("*"))
                  if p.is_file() and not p.suffix and p.read_bytes()[:200].lstrip().lower().startswith((b"<!doctype", b"<html"))]
    found += generated_pages()
    return found


def generated_pages() -> list[tuple[str, bytes]]:
    """The theme mirror's pages and the hostile mirror's generated ones (tests/sites/themes.py,
    tests/hostile_site.py)."""
    import hostile_site
    import themes

    found = [(f"themes/{post.slug}", themes.page(post).encode("utf-8")) for post in themes.posts()]
    found += [(f"hostile/endless-{n}", hostile_site.endless_comment_page("endless-comments", n).encode())
              for n in (1, 2, 7)]
    found += [(f"hostile/deep-{d}", hostile_site.post_page("/deep/", 77, "Deep",
                                                           hostile_site.deep_thread(d, 9000, "/deep/")).encode())
              for d in (3, 40, 200)]
    return found


def test_markup() -> list[str]:
    """Every string literal with markup in the cleaning and reading tests."""
    found: list[str] = []
    for name in MARKUP_TESTS:
        path = ROOT / "tests" / name
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "<" in node.value:
                found.append(node.value)
    return found


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def attempt(fn: Any, *args: Any) -> Any:
    try:
        return plain(fn(*args))
    except Exception as exc:  # noqa: BLE001 - an error is an output too
        return {"error": f"{type(exc).__name__}: {exc}"}


def records() -> dict[str, Any]:
    out: dict[str, Any] = {}
    bodies: list[str] = []
    for name, body in pages():
        for encoding in ("utf-8",) if not name.startswith("tests/") else ("utf-8", "windows-1252"):
            for profile in PROFILES.values():
                key = f"{name} [{profile.name} {encoding}]"
                out[key] = record = attempt(read_post_page_clean, body, encoding, profile,
                                            "https://www.drinkanddrugsnews.com/x/")
                page = record.get("page") if isinstance(record, dict) else None
                if page and page.get("body_html"):
                    bodies.append(page["body_html"])
            out[f"{name} [comment page {encoding}]"] = record = attempt(read_comment_page_clean, body, encoding)
            bodies += [c["body_html"] for c in record.get("comments", [])] if "comments" in record else []
    strings = sorted(set(test_markup()) | set(bodies))
    for markup in strings:
        cleaned = attempt(clean_html, markup, (".ddn-moderation-notice",), "https://example.org/a/")
        comment = attempt(clean_comment_html, markup)
        again = attempt(clean_comment_html, comment.get("html")) if "html" in comment else None
        out[f"string {hashlib.sha1(markup.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"] = {
            "clean_html": cleaned, "clean_comment_html": comment, "comment_again": again,
            "html_to_text": attempt(html_to_text, markup),
            "clean_html_plain": attempt(clean_html, markup),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, help="write the golden dump here")
    mode.add_argument("--check", type=Path, help="compare with this golden dump; exit 1 on any difference")
    args = parser.parse_args()
    found = records()
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True))
        print(f"wrote {len(found)} records to {args.write}")
        return
    golden = json.loads(args.check.read_text())
    current = json.loads(json.dumps(found, ensure_ascii=False, sort_keys=True))
    # A page or string only in this tree (a test added since the dump) has nothing to compare with.
    new = current.keys() - golden.keys()
    differ = sorted(k for k in golden if golden[k] != current.get(k))
    for key in differ[:20]:
        print(f"DIFFERS: {key}")
        before, after = json.dumps(golden.get(key), indent=1).splitlines(), json.dumps(current.get(key), indent=1).splitlines()
        import difflib

        print("\n".join(list(difflib.unified_diff(before, after, lineterm="", n=1))[:40]))
    print(f"{len(golden)} records compared, {len(differ)} differ ({len(new)} new, not in the dump)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
