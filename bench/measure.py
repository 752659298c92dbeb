"""Run one command and report its wall time, CPU time and peak RSS as JSON.

    python bench/measure.py OUT.json -- COMMAND [ARGS ...]

`getrusage(RUSAGE_CHILDREN)` after the child exits gives the kernel's own peak RSS of the largest
process in the child's tree, with no polling to miss a spike; this wrapper's own memory is not
counted because it is the parent, not a child.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    out, sep, *cmd = sys.argv[1:]
    if sep != "--" or not cmd:
        sys.exit("usage: measure.py OUT.json -- COMMAND [ARGS ...]")
    t0 = time.perf_counter()
    rc = subprocess.call(cmd)
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kib": ru.ru_maxrss}, fh)
    sys.exit(rc)


if __name__ == "__main__":
    main()
