"""Peak memory of ``sector-archive export`` against the number of rows: it should stay flat.

    uv run python bench/export_memory.py --rows 25000 250000

Builds a synthetic archive per size (through the real schema, FTS triggers included: N comments
of ~600 characters on N/10 posts; cached under ``bench/out/``), then exports ``comments`` as
Parquet, CSV and JSON lines, the ``comments_with_posts`` view as Parquet, the whole data
package (``--all``), and ``comments`` and the package with ``--pseudonymise``, each in a fresh
process measured by ``bench/measure.py`` (kernel peak RSS, no polling). Not a test: speed and memory are measured here, never asserted in the suite.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archivedb.schema import open_db  # noqa: E402

OUT = ROOT / "bench" / "out"
WORDS = ("recovery treatment naloxone hostel service commissioning peer support harm reduction "
         "alcohol drugs outreach funding workforce community family housing").split()
EXPORTS = {
    "comments.parquet": ["comments", "-o", "{dir}/comments.parquet"],
    "comments.csv": ["comments", "-o", "{dir}/comments.csv"],
    "comments.jsonl": ["comments", "-o", "{dir}/comments.jsonl"],
    "comments_with_posts.parquet": ["comments_with_posts", "-o", "{dir}/cwp.parquet"],
    "--all": ["--all", "{dir}/package"],
    "comments.parquet --pseudonymise": ["comments", "-o", "{dir}/comments.parquet", "--pseudonymise",
                                        "--pseudonym-key-file", "{key}"],
    "--all --pseudonymise": ["--all", "{dir}/package", "--pseudonymise", "--pseudonym-key-file", "{key}"],
}
KEY = OUT / "bench-pseudonym.key"  # a fixed key: the bench measures the cost, it protects nothing


def build(rows: int) -> Path:
    """An archive of ``rows`` comments on ``rows // 10`` posts, cached by size."""
    path = OUT / f"export-{rows}.db"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(rows)
    temp = path.with_suffix(".part")
    temp.unlink(missing_ok=True)
    db = open_db(str(temp))
    posts = max(1, rows // 10)

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    db["posts"].insert_all(({
        "id": f"ddn:post:{i}", "site": "ddn", "wp_id": i, "url": f"https://www.drinkanddrugsnews.com/p{i}/",
        "title": text(6), "author": "DDN", "published": f"20{10 + i % 14}-0{1 + i % 9}-1{i % 10}T10:00:00Z",
        "body_html": f"<p>{text(200)}</p>", "body_text": text(200), "categories": json.dumps([rng.choice(WORDS)]),
        "tags": json.dumps([rng.choice(WORDS), rng.choice(WORDS)]), "images": "[]", "comments_complete": 1,
        "first_seen": "2024-01-10T03:10:00Z", "last_seen": "2024-01-10T03:10:00Z", "status": "live",
    } for i in range(posts)), batch_size=2000)
    db["comments"].insert_all(({
        "id": f"ddn:comment:{i}", "post_id": f"ddn:post:{i % posts}", "wp_id": i, "site": "ddn",
        "parent_id": f"ddn:comment:{i - posts}" if i >= posts and i % 3 else None,
        "depth": 1, "position": i // posts + 1, "kind": "comment", "author": f"Reader {i % 5000}",
        "posted_at": f"20{10 + i % 14}-0{1 + i % 9}-1{i % 10}T1{i % 10}:30:00Z", "posted_ambiguous": 0,
        "awaiting_moderation": 0, "body_html": f"<p>{text(40)}</p>", "body_text": text(40),
        "first_seen": "2024-01-10T03:10:00Z", "last_seen": "2024-01-10T03:10:00Z", "status": "present",
    } for i in range(rows)), batch_size=5000)
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    temp.rename(path)
    return path


def measure(db: Path, args: list[str], workdir: Path) -> dict:
    report = workdir / "measure.json"
    cmd = [sys.executable, "-m", "archive", "export", "--db", str(db), *[a.format(dir=workdir, key=KEY) for a in args]]
    subprocess.run([sys.executable, str(ROOT / "bench" / "measure.py"), str(report), "--", *cmd],
                   check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    return json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[25_000, 250_000])
    sizes = parser.parse_args().rows
    OUT.mkdir(parents=True, exist_ok=True)
    KEY.write_bytes(b"bench-only pseudonym key, 32 bytes")
    results = {}
    for rows in sizes:
        db = build(rows)
        for name, args in EXPORTS.items():
            workdir = Path(tempfile.mkdtemp(dir=OUT))
            try:
                results[rows, name] = measure(db, args, workdir)
            finally:
                shutil.rmtree(workdir)
    print("| export | " + " | ".join(f"{n:,} rows: peak RSS, wall" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in EXPORTS:
        cells = [f"{results[n, name]['maxrss_kib'] / 1024:.0f} MiB, {results[n, name]['wall']:.1f} s" for n in sizes]
        print(f"| `{name}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
