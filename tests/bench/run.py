"""Benchmark runner: `make bench N=<guests>`.

Each tests/bench/bench_*.py module exposes ``run(env, n)`` and returns a list
of ``Figure``: a measured value paired with the baseline measured in the same
run, so that the ratio, not the machine, is what is compared over time. Every
benchmark runs in a transaction that is rolled back, so the database stays as
it was.
"""

import argparse
import importlib
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import odoo
from odoo.modules.registry import Registry

HERE = Path(__file__).resolve().parent


@dataclass
class Figure:
    name: str
    value: float
    baseline: float
    unit: str
    baseline_name: str
    goal: float | None = None  # the highest acceptable value / baseline

    @property
    def ratio(self):
        return self.value / self.baseline if self.baseline else float("inf")


@contextmanager
def timer(trace_memory=False):
    """Yield a dict that holds 'seconds' (and 'peak_mb') once the block ends.

    Tracing memory slows Python down a lot, so time and memory are best
    measured in separate passes.
    """
    result = {}
    if trace_memory:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result["seconds"] = time.perf_counter() - start
        if trace_memory:
            result["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()


def print_table(figures):
    head = f"{'figure':44} {'value':>14} {'baseline':>14}  {'ratio':>7}  {'goal':>6}  baseline is"
    print(head)
    print("-" * len(head))
    for f in figures:
        goal = f"≤{f.goal:g}" if f.goal else ""
        flag = " !" if f.goal and f.ratio > f.goal else ""
        print(
            f"{f.name:44} {f.value:>10.1f} {f.unit:<3} {f.baseline:>10.1f} {f.unit:<3} "
            f"{f.ratio:>7.2f}  {goal:>6}{flag}  {f.baseline_name}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-k", default="", help="only modules whose name contains this")
    args = parser.parse_args()

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    figures = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.k not in path.stem:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        if hasattr(module, "populate"):
            # Data worth keeping between runs (e.g. 100,000 archives) is committed.
            with registry.cursor() as cr:
                module.populate(odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {}), args.n)
                cr.commit()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.api.SUPERUSER_ID, {})
            try:
                figures += module.run(env, args.n)
            finally:
                cr.rollback()
    print(f"\nN = {args.n}\n")
    print_table(figures)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
