#!/usr/bin/env python3
"""Runs one command and prints what it cost, for bench/run.sh.

    python3 bench/measure.py [--rss] [--tree] [--timeout SECONDS] [--log FILE] [--cwd DIR]
                             -- COMMAND [ARG]...

Prints one line: `wall_ms=<float> cpu_ms=<float> rss_kb=<int> tree_kb=<int> rc=<int>`.

- wall_ms: from just before the process is started to when it has been reaped.
- cpu_ms: user + system CPU time of the command and its reaped descendants (all threads): on a
  busy machine a steadier measure of work done than wall time.
- rss_kb: with --rss, the peak resident set of the command or of its largest descendant, as
  `/usr/bin/time -f %M` prints it; the command then runs under /usr/bin/time, which costs about a
  millisecond of wall time, so time and measure memory in separate runs. (Not getrusage from here:
  a child forked from this Python process starts with the interpreter's pages mapped, and the
  kernel's high-water mark keeps them after exec, so a 1 MB program would read as 14 MB.) Without
  /usr/bin/time, the largest VmHWM of the command's processes, sampled every 10 ms. 0 without --rss.
- tree_kb: with --tree, the largest total memory of the command and all its descendants, sampled
  every 100 ms: the sum of their proportional set sizes (Pss: a page shared by n processes counts
  1/n in each), for tools that fork workers, where the peak RSS sees only the largest one. 0
  without --tree.
- rc: the command's exit status (124 when --timeout killed it, as timeout(1) does).

The command runs in --cwd (default: here) in a session of its own; its standard output and error
go to --log (default /dev/null).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
GNU_TIME = "/usr/bin/time"


def session_pids(sid):
    """The processes of session `sid`: the command and everything it started."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            # Fields after the parenthesised command name: state ppid pgrp session ...
            if int(stat[stat.rindex(")") + 2 :].split()[3]) == sid:
                yield entry
        except (OSError, ValueError, IndexError):
            continue  # the process ended while being read


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0  # a zombie: no memory left


def pss_kb(pid):
    """Pss of one process; its resident set where the kernel has no smaps_rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        return 0
    except FileNotFoundError:
        return status_kb(pid, "VmRSS")


def sampled_max(sid, per_process, combine, interval, done):
    """Samples `combine(per_process(pid) for each process in the session)` until `done`."""
    peak = 0
    while not done.is_set():
        values = []
        for pid in session_pids(sid):
            try:
                values.append(per_process(pid))
            except (OSError, ValueError):
                pass
        peak = max(peak, combine(values))
        done.wait(interval)
    return peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rss", action="store_true")
    parser.add_argument("--tree", action="store_true")
    parser.add_argument("--timeout", type=float)
    parser.add_argument("--log", default=os.devnull)
    parser.add_argument("--cwd")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    time_file = None
    if args.rss and os.access(GNU_TIME, os.X_OK):
        fd, time_file = tempfile.mkstemp(prefix="measure-", suffix=".time")
        os.close(fd)
        command = [GNU_TIME, "-f", "%M", "-o", time_file, *command]

    done = threading.Event()
    results = {}
    samplers = []

    with open(args.log, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=args.cwd, start_new_session=True
        )

        def sampler(name, *how):
            def run():
                results[name] = sampled_max(proc.pid, *how, done)

            samplers.append(threading.Thread(target=run, daemon=True))

        if args.tree:
            sampler("tree", pss_kb, sum, 0.1)
        if args.rss and time_file is None:
            sampler("hwm", lambda pid: status_kb(pid, "VmHWM"), lambda v: max(v, default=0), 0.01)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(args.timeout, kill) if args.timeout else None
        for thread in samplers:
            thread.start()
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall_ms = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        done.set()
        if timer:
            timer.cancel()
        for thread in samplers:
            thread.join()

    rss_kb = results.get("hwm", 0)
    if time_file:
        with open(time_file) as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
        os.unlink(time_file)
        # On a signal, GNU time writes "Command terminated by signal N" before the figure.
        rss_kb = int(lines[-1]) if lines and lines[-1].strip().isdigit() else 0
    rc = 124 if timed_out.is_set() else proc.returncode
    cpu_ms = (usage.ru_utime + usage.ru_stime) * 1000
    print(f"wall_ms={wall_ms:.1f} cpu_ms={cpu_ms:.1f} rss_kb={rss_kb} tree_kb={results.get('tree', 0)} rc={rc}")


if __name__ == "__main__":
    sys.exit(main())
