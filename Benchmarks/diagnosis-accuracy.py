#!/usr/bin/env python3
"""Accuracy of `backstop diagnose` on the tool-output corpus (Tests/Fixtures/tool-output).

Runs the built binary once per fixture (tool = the fixture's folder, exit code from
expected.tsv) and prints accuracy overall, per corpus set (`seen`/`heldout`), per cause and per
tool family, the confusion matrix, how often outputs labelled `unknown` got a confident wrong
cause, and the mean confidence of right and wrong answers (calibration). Usage:

    Benchmarks/diagnosis-accuracy.py [--binary .build/debug/backstop] [--set heldout] [--misses]
"""
import argparse
import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "tool-output")


def fixtures(only_set):
    with open(os.path.join(CORPUS, "expected.tsv"), encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle][1:]
    for row in rows:
        row += [""] * (5 - len(row))
        path, cause, exit_code, _source, corpus_set = row[:5]
        corpus_set = corpus_set or "seen"
        if only_set and corpus_set != only_set:
            continue
        yield path, cause, exit_code, corpus_set


def diagnose(binary, path, exit_code):
    argv = [binary, "diagnose", "--tool", path.split("/")[0], os.path.join(CORPUS, path)]
    if exit_code:
        argv[2:2] = ["--exit-code", exit_code]
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def percent(hits, total):
    return f"{hits:4d}/{total:<4d} {100 * hits / total:5.1f} %" if total else "   -"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "backstop"))
    parser.add_argument("--set", dest="only_set", help="only fixtures of this set (seen, heldout)")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: swift build first")

    tally = collections.defaultdict(lambda: [0, 0])
    confusion = collections.Counter()
    confidences = {True: [], False: []}
    misses = []
    for path, cause, exit_code, corpus_set in fixtures(args.only_set):
        verdict = diagnose(args.binary, path, exit_code)
        right = verdict["cause"] == cause
        for key in ("overall", f"set {corpus_set}", f"cause {cause}", f"tool {path.split('/')[0]}"):
            tally[key][0] += right
            tally[key][1] += 1
        confusion[(cause, verdict["cause"])] += 1
        if verdict["cause"] != "unknown":
            confidences[right].append(verdict["confidence"])
        if not right:
            misses.append(f"{path}: expected {cause}, got {verdict['cause']} ({verdict['confidence']}, {verdict['rule']})")

    for key in sorted(tally, key=lambda k: (k != "overall", k)):
        print(f"{key:32s} {percent(*tally[key])}")
    labelled_unknown = sum(n for (expected, _), n in confusion.items() if expected == "unknown")
    confident_wrong = sum(n for (expected, got), n in confusion.items() if expected == "unknown" and got != "unknown")
    print(f"{'ambiguous: confident wrong':32s} {percent(confident_wrong, labelled_unknown)}")
    for right in (True, False):
        values = confidences[right]
        mean = sum(values) / len(values) if values else 0
        print(f"{'mean confidence ' + ('right' if right else 'wrong'):32s} {mean:.2f} (n={len(values)})")
    causes = sorted({c for pair in confusion for c in pair})
    print("\nconfusion (rows expected, columns got):")
    print(" " * 20 + "".join(f"{c[:8]:>9s}" for c in causes))
    for expected in causes:
        print(f"{expected:20s}" + "".join(f"{confusion[(expected, got)] or '.':>9}" for got in causes))
    if args.misses:
        print("\n" + "\n".join(misses))


if __name__ == "__main__":
    main()
