"""Shared helpers of the cold-start benchmarks (``benchmarks/*/coldstart.py``).

A cold start is what a fresh process pays before its first useful answer: interpreter
start, imports, construction, the first request. Each sample is a new interpreter run
with :func:`os.wait4`, so the wall time covers the whole process (start to exit) and
the peak RSS is the child's own ``ru_maxrss``. Bytecode is cached first (a deployed
function ships or caches its ``.pyc`` files), so ``PYTHONDONTWRITEBYTECODE`` is removed
from the children's environment and every command runs once before it is measured.
Samples of the commands being compared are interleaved, so a burst of load on the
machine hits every side alike; the median is reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Command", "Sample", "Series", "child_env", "compare", "fmt_ms", "fmt_ratio", "run_once"]


@dataclass
class Sample:
    """One fresh process: wall and CPU seconds, peak RSS in bytes, exit status, output."""

    wall: float
    cpu: float
    maxrss: int
    status: int
    stdout: str
    stderr: str


@dataclass
class Series:
    """Every sample of one command."""

    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall_ms(self) -> float:
        """Median wall time, milliseconds."""
        return statistics.median(s.wall for s in self.samples) * 1000

    @property
    def cpu_ms(self) -> float:
        """Median CPU time (user + system) of the process, milliseconds: far less
        sensitive than wall time to other work on the machine."""
        return statistics.median(s.cpu for s in self.samples) * 1000

    @property
    def rss_mb(self) -> float:
        """Median peak RSS, MiB."""
        return statistics.median(s.maxrss for s in self.samples) / 2**20

    @property
    def all_ms(self) -> list[float]:
        """Each sample's wall time, milliseconds, in run order."""
        return [round(s.wall * 1000, 1) for s in self.samples]


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a child: bytecode writing allowed, ``extra`` added."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


def run_once(argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None) -> Sample:
    """Start ``argv``, wait for it, and return its wall time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=dict(env), cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            maxrss=usage.ru_maxrss * 1024,  # kilobytes on Linux
            status=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


Command = tuple[Sequence[str], Mapping[str, str]]


def compare(
    commands: Mapping[str, Command],
    samples: int = 9,
    cwd: str | None = None,
    expect: Mapping[str, int] | None = None,
) -> dict[str, Series]:
    """Run each named command once to warm caches, then ``samples`` times interleaved.

    A command that exits with another status than expected (``expect``, else 0) stops
    the benchmark with its stderr: a figure of a failing run would mean nothing.
    """
    expect = expect or {}
    series = {name: Series(name) for name in commands}

    def checked(name: str, argv: Sequence[str], env: Mapping[str, str]) -> Sample:
        sample = run_once(argv, env, cwd)
        if sample.status != expect.get(name, 0):
            raise SystemExit(f"{name}: exit {sample.status}\n{sample.stderr[-3000:]}")
        return sample

    for name, (argv, env) in commands.items():
        checked(name, argv, env)
    for _ in range(samples):
        for name, (argv, env) in commands.items():
            series[name].samples.append(checked(name, argv, env))
    return series


def fmt_ms(value: float) -> str:
    """``12.3 ms``."""
    return f"{value:,.1f} ms"


def fmt_ratio(ours: float, theirs: float) -> str:
    """``0.18x`` (ours / vendor's: below 1 is better for times and memory)."""
    return f"{ours / theirs:.2f}x" if theirs else "n/a"
