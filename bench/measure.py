"""Run one command and report its wall time, CPU time and peak memory as JSON.

    python bench/measure.py OUT.json -- COMMAND [ARGS ...]

Two peaks: `getrusage(RUSAGE_CHILDREN)` after the child exits gives the kernel's own peak RSS of
the largest single process in the child's tree, with no polling to miss a spike; and the whole
tree's peak (the crawl's Scrapy process plus its page workers, summed) is sampled every
`TREE_SAMPLE_SECONDS` with psutil. The sum counts shared library pages once per process, so it
errs high, never low. This wrapper's own memory is not counted: it is the parent, not a child.

The same samples give each process's own peak (`procs`: the command's process as "main", every
descendant by its command line's last word and pid), to tell which one grows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import psutil

TREE_SAMPLE_SECONDS = 0.05


def main() -> None:
    out, sep, *cmd = sys.argv[1:]
    if sep != "--" or not cmd:
        sys.exit("usage: measure.py OUT.json -- COMMAND [ARGS ...]")
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd)
    tree_peak = 0
    peaks: dict[str, int] = {}
    while child.poll() is None:
        sample = tree_rss(child.pid)
        tree_peak = max(tree_peak, sum(sample.values()))
        for name, rss in sample.items():
            peaks[name] = max(peaks.get(name, 0), rss)
        time.sleep(TREE_SAMPLE_SECONDS)
    rc = child.wait()
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss,
                   "tree_rss_kib": max(tree_peak // 1024, ru.ru_maxrss),
                   "procs_kib": {name: rss // 1024 for name, rss in peaks.items()}}, fh)
    sys.exit(rc)


def tree_rss(pid: int) -> dict[str, int]:
    """Resident bytes of a process and each of its descendants now, by name (empty once gone)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return {}
    sizes: dict[str, int] = {}
    for proc in procs:
        try:
            sizes[_name(proc, root)] = proc.memory_info().rss
        except psutil.Error:  # exited between listing and reading
            pass
    return sizes


def _name(proc: psutil.Process, root: psutil.Process) -> str:
    if proc.pid == root.pid:
        return "main"
    try:
        words = proc.cmdline()
    except psutil.Error:
        words = []
    return f"{'worker' if 'serve_fds' in ' '.join(words) else (words[-1] if words else '?')} {proc.pid}"


if __name__ == "__main__":
    main()
