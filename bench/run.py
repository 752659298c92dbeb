"""The benchmark: bare fetch vs full archive crawl vs unchanged re-crawl vs reprocess, per mirror size.

    uv run python bench/run.py --sizes 500 2000 --repeat 3

For each N: generate the mirror (cached under bench/mirror-N/), serve it from a separate process,
then run each phase in its own subprocess under bench/measure.py, counting the server's requests.
Prints a markdown table and writes it to bench/out/results-<timestamp>.md. A phase that fails is
reported with its error and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_settings import BENCH_SETTINGS  # noqa: E402
from generate import ensure_mirror  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_RSS_MIB, TARGET_RECRAWL = 0.70, 150, 0.10
# Issue 14: what the archive adds per page, reprocess speed, and the whole process tree's memory.
TARGET_CPU_RATIO, TARGET_TREE_MIB, TARGET_TREE_AT, TARGET_GROWTH_KIB = 2.0, 200, 2000, 1.0


@dataclass
class Run:
    """One phase, one repeat."""

    rc: int
    wall: float
    cpu: float
    rss_mib: float
    pages: int
    by_status: dict
    db_mib: float | None = None
    rows: str = ""
    error: str = ""
    window: float = 0.0  # first to last request the server saw: fetch time without process start-up
    server_cpu: float = 0.0  # CPU the mirror server spent meanwhile: proof it is not the bottleneck
    posts: int = 0  # posts in the mirror: CPU per post does not move when a crawl asks more per post
    tree_rss_mib: float = 0.0  # peak of the whole process tree (crawl + page workers), summed
    procs_mib: dict[str, float] = field(default_factory=dict)  # each process's own peak: "main", "worker PID"

    @property
    def ok(self) -> bool:  # 3 = the crawl completed with some page failures (archive/crawl_command.py)
        return self.rc in (0, 3)

    @property
    def rate(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    @property
    def cpu_ms_per_page(self) -> float | None:
        return 1000 * self.cpu / self.pages if self.pages else None

    @property
    def cpu_ms_per_post(self) -> float | None:
        return 1000 * self.cpu / self.posts if self.posts else None

    @property
    def steady_rate(self) -> float | None:
        return self.pages / self.window if self.window > 0 else None


@dataclass
class Phase:
    name: str
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""  # why the phase could not run at all

    def median(self, attr: str) -> float | None:
        values = [getattr(r, attr) for r in self.runs if r.ok and getattr(r, attr) is not None]
        return statistics.median(values) if values else None


# --- the mirror server -------------------------------------------------------------------------

class MirrorServer:
    """bench/server.py in its own process, so serving never competes with the crawler's GIL."""

    def __init__(self, root: Path, with_gzip: bool = False) -> None:
        gz = ["--gzip"] if with_gzip else []
        self.proc = subprocess.Popen([sys.executable, str(BENCH / "server.py"), str(root), "--port", "0", *gz],
                                     stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            raise RuntimeError(f"mirror server did not start (exit {self.proc.poll()})")

    def call(self, endpoint: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/{endpoint}", timeout=10) as resp:
            return json.loads(resp.read())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# --- commands ----------------------------------------------------------------------------------

def cli_help(*args: str) -> str:
    """`sector-archive ... --help`, or "" when the CLI cannot even start."""
    try:
        out = subprocess.run([str(BIN / "sector-archive"), *args, "--help"], cwd=REPO, capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout if out.returncode == 0 else ""


def crawl_command(url: str, db: Path, extra: list[str]) -> list[str]:
    """The archive crawl through the CLI when it has `crawl`, else `scrapy crawl ddn` directly."""
    settings = [f"{k}={v}" for k, v in BENCH_SETTINGS.items()] + extra
    help_text = cli_help("crawl")
    if "--base-url" in help_text and "-s NAME=VALUE" in help_text:
        quiet = ["--quiet"] if "--quiet" in help_text else []
        return [str(BIN / "sector-archive"), "crawl", "ddn", "--base-url", f"ddn={url}", "--db", str(db),
                *quiet, *[a for s in settings for a in ("-s", s)]]
    return [str(BIN / "scrapy"), "crawl", "ddn", "-a", f"base_url={url}", "-s", f"ARCHIVE_DB={db}",
            *[a for s in settings for a in ("-s", s)]]


def measure(cmd: list[str], server: MirrorServer | None, db: Path | None, timeout: float) -> Run:
    """Run `cmd` under measure.py; count the server's requests during it."""
    if server:
        server.call("__reset")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        try:
            proc = subprocess.run([sys.executable, str(BENCH / "measure.py"), out.name, "--", *cmd], cwd=REPO,
                                  capture_output=True, text=True, timeout=timeout)
            m = json.loads(Path(out.name).read_text() or "{}")
            error = "" if proc.returncode in (0, 3) else last_lines(proc.stderr or proc.stdout)
        except subprocess.TimeoutExpired:
            m, error = {}, f"timed out after {timeout:.0f} s"
    stats = server.call("__stats") if server else {"requests": 0, "by_status": {}}
    window = (stats["last"] - stats["first"]) if stats.get("first") and stats.get("last") else 0.0
    rc = m.get("rc", -1) if not error.startswith("timed out") else -1
    return Run(rc=rc, wall=m.get("wall", 0.0), cpu=m.get("cpu", 0.0), rss_mib=m.get("maxrss_kib", 0) / 1024,
               tree_rss_mib=m.get("tree_rss_kib", 0) / 1024,
               procs_mib={name: kib / 1024 for name, kib in m.get("procs_kib", {}).items()},
               pages=stats["requests"], by_status=stats["by_status"], error=error, window=window,
               server_cpu=stats.get("server_cpu", 0.0),
               db_mib=db_size(db) if db else None, rows=db_rows(db) if db else "")


def per_process(run: Run) -> str:
    """Each process's own peak, main first: which one grows with N."""
    if len(run.procs_mib) < 2:
        return ""
    names = sorted(run.procs_mib, key=lambda name: (name != "main", name))
    return ": " + ", ".join(f"{name.split()[0]} {run.procs_mib[name]:.0f}" for name in names)


def last_lines(text: str, n: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def db_size(db: Path) -> float | None:
    files = [p for p in (db, Path(f"{db}-wal")) if p.exists()]
    return sum(p.stat().st_size for p in files) / 2**20 if files else None


def db_rows(db: Path) -> str:
    """`posts/comments` stored, so a fast run that stored nothing cannot pass unnoticed."""
    if not db.exists():
        return ""
    try:
        with sqlite3.connect(db) as conn:
            return "/".join(str(conn.execute(f"select count(*) from {t}").fetchone()[0]) for t in ("posts", "comments"))
    except sqlite3.Error:
        return "?"


# --- one size ----------------------------------------------------------------------------------

def bench_size(n: int, args: argparse.Namespace, workdir: Path) -> tuple[dict, list[Phase]]:
    repeat, extra, timeout = args.repeat, args.setting, args.timeout
    root, info = ensure_mirror(n, args.seed)
    print(f"\n## N={n}: mirror {root.name}, {info['posts']} posts, {info['linked_comment_pages']} older comment pages, "
          f"{info['comments']} comments, ~{info['mean_post_page_kb']} KB/post page", flush=True)
    has_reprocess = "reprocess" in cli_help()
    phases = [Phase("bare fetch (baseline)"), Phase("full crawl"), Phase("unchanged re-crawl"), Phase("reprocess"),
              Phase(FLOOR), Phase(READ_FLOOR)]
    if not has_reprocess:
        phases[3].skipped = "n/a (no `sector-archive reprocess`)"
    server = MirrorServer(root, args.gzip)
    try:
        for k in range(repeat):
            db = workdir / f"n{n}-r{k}.db"
            baseline = measure([sys.executable, str(BENCH / "baseline.py"), "--base-url", server.url], server, None, timeout)
            record(phases[0], baseline, k, info["posts"])
            floor = measure([sys.executable, str(BENCH / "baseline.py"), "--base-url", server.url, "--feeds"], server,
                            None, timeout)
            record(phases[4], floor, k, info["posts"])
            full = measure(crawl_command(server.url, db, extra), server, db, timeout)
            record(phases[1], full, k, info["posts"])
            if not full.ok:
                phases[2].skipped = phases[3].skipped = "n/a (full crawl failed)"
                continue
            record(phases[2], measure(crawl_command(server.url, db, extra), server, db, timeout), k, info["posts"])
            if has_reprocess:
                record(phases[3], measure([str(BIN / "sector-archive"), "reprocess", "--db", str(db)], None, db, timeout), k,
                       info["posts"])
            record(phases[5], measure([sys.executable, str(BENCH / "reprocess_floor.py"), "--db", str(db)], None, None,
                                      timeout), k, info["posts"])
    finally:
        server.stop()
    return info, phases


FLOOR = "bare fetch + comment feeds (the crawl's URLs)"
READ_FLOOR = "reading floor (every capture read, every core)"


def record(phase: Phase, run: Run, k: int, posts: int) -> None:
    run.posts = posts
    phase.runs.append(run)
    line = (f"  [{k + 1}] {phase.name}: rc={run.rc} {run.wall:.1f} s, {run.pages} requests "
            f"({run.rate:.0f}/s), {run.cpu:.1f} s CPU, {run.rss_mib:.0f} MiB peak ({run.tree_rss_mib:.0f} MiB whole tree{per_process(run)}), server CPU {run.server_cpu:.1f} s" + (f", rows {run.rows}" if run.rows else ""))
    print(line, flush=True)
    if run.error:
        print("      " + run.error.replace("\n", "\n      "), flush=True)


# --- reporting ---------------------------------------------------------------------------------

def fmt(value: float | None, spec: str = ".1f") -> str:
    return "n/a" if value is None else format(value, spec)


def table(results: dict[int, tuple[dict, list[Phase]]]) -> list[str]:
    lines = ["| N | phase | status | wall s | pages | pages/s | vs bare fetch | steady pages/s | CPU s | CPU ms/page | CPU ms/post | peak RSS MiB | DB MiB | posts/comments |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for n, (_info, phases) in results.items():
        base_rate = phases[0].median("rate")
        for ph in phases:
            ok = [r for r in ph.runs if r.ok]
            if not ph.runs:
                lines.append(f"| {n} | {ph.name} | {ph.skipped or 'n/a (not run)'} |" + " |" * 11)
                continue
            status = f"ok {len(ok)}/{len(ph.runs)}" if ok else f"failed (rc={ph.runs[0].rc})"
            rate = ph.median("rate") if ph.name != "reprocess" else None
            ratio = f"{rate / base_rate:.0%}" if rate and base_rate and ph is phases[1] else "n/a"
            pages = ph.median("pages") if ph.name != "reprocess" else None
            lines.append(f"| {n} | {ph.name} | {status} | {fmt(ph.median('wall'))} | {fmt(pages, '.0f')} | "
                         f"{fmt(rate, '.0f')} | {ratio} | {fmt(per_page(ph, 'steady_rate'), '.0f')} | {fmt(ph.median('cpu'))} | "
                         f"{fmt(per_page(ph, 'cpu_ms_per_page'), '.1f')} | {fmt(per_page(ph, 'cpu_ms_per_post'), '.1f')} | "
                         f"{fmt(ph.median('rss_mib'), '.0f')} | "
                         f"{fmt(ph.median('db_mib'))} | {ok[-1].rows if ok and ok[-1].rows else ''} |")
    return lines


def per_page(phase: Phase, attr: str) -> float | None:
    """Per-page figures mean something only for phases that fetch the whole site."""
    return phase.median(attr) if phase.name in ("bare fetch (baseline)", "full crawl", FLOOR) else None


def targets(results: dict[int, tuple[dict, list[Phase]]]) -> list[str]:
    """Each issue-5 target with the measured figure beside it."""
    out = ["", "| target | measured | verdict |", "|---|---|---|"]
    verdict = lambda good: "n/a" if good is None else ("PASS" if good else "FAIL")  # noqa: E731
    rss = {}
    for n, (_info, phases) in results.items():
        base, full, again = (phases[i].median("rate") for i in range(3))
        ratio = full / base if full and base else None
        base_cpu, full_cpu = phases[0].median("cpu_ms_per_page"), phases[1].median("cpu_ms_per_page")
        base_steady, full_steady = phases[0].median("steady_rate"), phases[1].median("steady_rate")
        cpu_ratio = f"; by CPU per page {base_cpu / full_cpu:.0%}" if base_cpu and full_cpu else ""
        cpu_ratio += f"; steady {full_steady / base_steady:.0%}" if base_steady and full_steady else ""
        out.append(f"| N={n}: end-to-end ≥ {TARGET_RATIO:.0%} of bare-fetch pages/s | "
                   f"{fmt(ratio and ratio * 100, '.0f')} %{cpu_ratio} | {verdict(None if ratio is None else ratio >= TARGET_RATIO)} |")
        full_pages, again_pages = phases[1].median("pages"), phases[2].median("pages")
        share = again_pages / full_pages if full_pages and again_pages is not None else None
        out.append(f"| N={n}: unchanged re-crawl ≤ {TARGET_RECRAWL:.0%} of a full crawl's requests | "
                   f"{fmt(share and share * 100, '.1f') if share is not None else 'n/a'} % | "
                   f"{verdict(None if share is None else share <= TARGET_RECRAWL)} |")
        rss[n] = phases[1].median("rss_mib")
        if n == 2000 or n == max(results):
            out.append(f"| N={n}: full-crawl peak RSS ≤ {TARGET_RSS_MIB} MiB | {fmt(rss[n], '.0f')} MiB | "
                       f"{verdict(None if rss[n] is None else rss[n] <= TARGET_RSS_MIB)} |")
    sizes = [n for n in sorted(rss) if rss[n] is not None]
    if len(sizes) >= 2:
        lo, hi = rss[sizes[0]], rss[sizes[-1]]
        out.append(f"| peak RSS not growing with N ({sizes[0]} → {sizes[-1]}, allowing 10 %) | "
                   f"{lo:.0f} → {hi:.0f} MiB | {verdict(hi <= lo * 1.10)} |")
    return out


def cost_targets(results: dict[int, tuple[dict, list[Phase]]]) -> list[str]:
    """Issue 14's three targets, each from this run's medians.

    CPU is compared per post of the mirror (total CPU over the same site), so second-source
    requests the crawl adds count as cost, not as pages that dilute it."""
    out = ["", "| issue 14 target | measured | verdict |", "|---|---|---|"]
    verdict = lambda good: "n/a" if good is None else ("PASS" if good else "FAIL")  # noqa: E731
    tree: dict[int, float] = {}
    for n, (info, phases) in results.items():
        base, full, _again, reprocess, floor, read_floor = phases
        base_cpu, full_cpu, floor_cpu = base.median("cpu"), full.median("cpu"), floor.median("cpu")
        ratio = full_cpu / base_cpu if base_cpu and full_cpu else None
        posts = info["posts"]
        per_post = (f"{1000 * full_cpu / posts:.1f} vs {1000 * base_cpu / posts:.1f} ms CPU/post = {ratio:.2f}×"
                    if ratio else "n/a")
        out.append(f"| N={n}: full crawl CPU per post ≤ {TARGET_CPU_RATIO:.1f}× the bare fetch's | {per_post} | "
                   f"{verdict(None if ratio is None else ratio <= TARGET_CPU_RATIO)} |")
        if floor_cpu and base_cpu and full_cpu:
            # Not a target: what Scrapy alone costs to fetch the crawl's own URLs (its second sources
            # included), and so how much of the crawl's CPU is the archive's own work.
            out.append(f"| N={n}: (floor, not a target) Scrapy fetching the crawl's URLs, comment feeds included | "
                       f"{1000 * floor_cpu / posts:.1f} ms CPU/post = {floor_cpu / base_cpu:.2f}× the bare fetch's; "
                       f"the archive's own work {1000 * (full_cpu - floor_cpu) / posts:.1f} ms/post = "
                       f"{(full_cpu - floor_cpu) / base_cpu:.2f}× | n/a |")
        base_wall, re_wall = base.median("wall"), reprocess.median("wall")
        shown = f"{re_wall:.1f} s vs {base_wall:.1f} s" if re_wall and base_wall else "n/a"
        out.append(f"| N={n}: reprocess wall ≤ bare fetch wall | {shown} | "
                   f"{verdict(None if not (re_wall and base_wall) else re_wall <= base_wall)} |")
        if (floor_wall := read_floor.median("wall")) and base_wall:
            # Not a target: reading every capture on every core with nothing else (no Scrapy, no
            # store) is the least any reprocess can take.
            out.append(f"| N={n}: (floor, not a target) reading every capture on every core, nothing else | "
                       f"{floor_wall:.1f} s wall, {read_floor.median('cpu'):.1f} s CPU = "
                       f"{floor_wall / base_wall:.2f}× the bare fetch's wall | n/a |")
        peak = max((p.median("tree_rss_mib") or 0 for p in (full, reprocess)), default=0)
        if peak:
            tree[n] = peak
    for n in (n for n in sorted(tree) if n >= TARGET_TREE_AT or n == max(tree)):
        good = tree[n] <= TARGET_TREE_MIB if n >= TARGET_TREE_AT else None  # below N=2000 it is only shown
        out.append(f"| N={n}: whole-tree peak RSS (crawl + workers; crawl or reprocess) ≤ {TARGET_TREE_MIB} MiB "
                   f"at N ≥ {TARGET_TREE_AT} | {tree[n]:.0f} MiB | {verdict(good)} |")
    sizes = sorted(tree)
    if len(sizes) >= 2:
        lo, hi = sizes[-2], sizes[-1]
        growth = (tree[hi] - tree[lo]) * 1024 / (hi - lo)
        out.append(f"| whole-tree peak growth ≤ {TARGET_GROWTH_KIB:.0f} KiB per post beyond N={TARGET_TREE_AT} "
                   f"(measured {lo} → {hi}) | {growth:.2f} KiB/post | "
                   f"{verdict(growth <= TARGET_GROWTH_KIB) if lo >= TARGET_TREE_AT else verdict(None)} |")
    return out


def header(args: argparse.Namespace, results: dict[int, tuple[dict, list[Phase]]]) -> list[str]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "spiders", "pipelines", "archive"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    settings = " ".join(f"{k}={v}" for k, v in BENCH_SETTINGS.items())
    mirrors = [f"- mirror N={n}: {i['posts']} posts + {i['linked_comment_pages']} older comment pages, "
               f"{i['comments']} comments, ~{i['mean_post_page_kb']} KB per post page" for n, (i, _p) in results.items()]
    return [f"# Benchmark {time.strftime('%Y-%m-%d %H:%M:%S')}", "",
            f"- commit {commit}{' (crawler has uncommitted changes)' if dirty else ''}; {os.cpu_count()} CPUs ({cpu}); "
            f"load average at end {os.getloadavg()[0]:.2f}",
            f"- mirror served {'gzip' if args.gzip else 'uncompressed'}; settings: {settings}{' ' + ' '.join(args.setting) if args.setting else ''}",
            f"- medians of {args.repeat} run(s); pages = requests the mirror server answered during the phase; "
            "pages/s = pages / wall time (process start to exit); steady pages/s = pages / (last - first request)",
            *mirrors, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-s", "--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for the archive crawl (not the baseline)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per phase run")
    parser.add_argument("--gzip", action="store_true", help="serve gzip bodies, as real WordPress hosts do")
    parser.add_argument("--keep-db", action="store_true", help="keep the crawl databases in bench/out/")
    args = parser.parse_args()

    out_dir = BENCH / "out"
    out_dir.mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="dbs-", dir=out_dir))
    results = {n: bench_size(n, args, workdir) for n in args.sizes}
    report = "\n".join(header(args, results) + table(results) + targets(results) + cost_targets(results)) + "\n"
    path = out_dir / f"results-{time.strftime('%Y%m%d-%H%M%S')}.md"
    path.write_text(report)
    print("\n" + report + f"\nwritten to {path.relative_to(REPO)}")
    if args.keep_db:
        print(f"databases kept in {workdir.relative_to(REPO)}")
    else:
        for f in workdir.iterdir():
            f.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
