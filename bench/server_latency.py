#!/usr/bin/env python3
"""Measures `foundry-lint server`'s latency from didChange to publishDiagnostics.

    python3 bench/server_latency.py [--bin PATH] [--rounds N] FILE

Starts the server in FILE's directory, opens FILE, then N times changes its buffer (a blank line
added or taken away at the end, so that the findings stay the same) and waits for the
diagnostics of FILE. Prints one line per measure:

- `end_to_end_ms`: median and maximum over the rounds, from writing didChange to reading the
  publishDiagnostics of FILE; includes the server's debounce (it lints once the buffers have
  been quiet for 50 ms).
- `lint_ms`: median and maximum of the lint itself, as the server logs it on standard error
  (load the stack with the buffers, check, convert), and the number of files in the stack.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import queue
import pathlib


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def reader(stream, out):
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        out.put(json.loads(stream.read(length)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default="target/debug/foundry-lint")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("file")
    args = parser.parse_args()
    path = pathlib.Path(args.file).resolve()
    uri = path.as_uri()
    server = subprocess.Popen(
        [os.path.abspath(args.bin), "server"],
        cwd=path.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    messages = queue.Queue()
    threading.Thread(target=reader, args=(server.stdout, messages), daemon=True).start()
    logs = []
    threading.Thread(
        target=lambda: logs.extend(line.decode() for line in server.stderr), daemon=True
    ).start()

    def send(message):
        server.stdin.write(frame(message))
        server.stdin.flush()

    def wait(wanted):
        while True:
            message = messages.get(timeout=120)
            if wanted(message):
                return message

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": path.parent.as_uri(), "capabilities": {}}})
    wait(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    text = path.read_text()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "", "version": 1, "text": text}}})

    def published(m):
        return m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri

    wait(published)
    times = []
    for round in range(args.rounds):
        changed = text + "\n" if round % 2 == 0 else text
        started = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": round + 2},
                         "contentChanges": [{"text": changed}]}})
        wait(published)
        times.append((time.perf_counter() - started) * 1000)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
    wait(lambda m: m.get("id") == 2)
    send({"jsonrpc": "2.0", "method": "exit", "params": None})
    server.wait(timeout=30)
    lints = [re.search(r"\((\d+) files\) in (\d+) ms", line) for line in logs]
    lints = [m for m in lints if m][1:]  # the first is the didOpen
    lint_ms = [int(m.group(2)) for m in lints]
    files = lints[0].group(1) if lints else "?"
    print(f"end_to_end_ms median={statistics.median(times):.1f} max={max(times):.1f}")
    if lint_ms:
        print(f"lint_ms median={statistics.median(lint_ms)} max={max(lint_ms)} files={files}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
