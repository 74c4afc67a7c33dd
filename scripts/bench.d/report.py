#!/usr/bin/env python3
"""The report of scripts/bench: one table of every scenario, then the targets, PASS or FAIL.

    report.py WORKDIR [--json PATH]

Reads WORKDIR/machine.json, WORKDIR/runs.jsonl (one line per run: backend, scale, dataset,
peak RSS) and WORKDIR/results.jsonl (one line per scenario and run, from scenarios.lua's
done()). Prints a Markdown table, so that it can be pasted into docs/BENCHMARKS.md as it is.
Exits with 1 when a scenario had errors or no requests (the benchmark itself is broken); a
missed performance target is reported, and fails the exit status only with --strict.
"""

import argparse
import json
import os
import sys

P99_LIMIT_MS = 20.0
READ_SHARE = 0.50
WRITE_SHARE = 0.20
SCALE_LIMIT = 1.5
RSS_LIMIT_MB = 200.0
# Scenarios whose time at 10× the data must stay within 1.5× (lookups and statistics).
SCALE_SCENARIOS = ["by_code", "friend_by_contact", "query_friends", "statistics"]


def load(path):
    with open(path) as file:
        return [json.loads(line) for line in file if line.strip()]


def ms(microseconds):
    return microseconds / 1000.0


def fmt_ms(microseconds):
    value = ms(microseconds)
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir")
    parser.add_argument("--json")
    parser.add_argument("--strict", action="store_true")
    options = parser.parse_args()

    with open(os.path.join(options.workdir, "machine.json")) as file:
        machine = json.load(file)
    runs = load(os.path.join(options.workdir, "runs.jsonl"))
    results = load(os.path.join(options.workdir, "results.jsonl"))

    broken = []
    rows = []
    failures = {"reads": [], "writes": [], "p99": [], "errors": []}
    checked = {"reads": 0, "writes": 0, "p99": 0, "errors": 0}
    for run in runs:
        mine = [r for r in results if r["run"] == run["run"]]
        ceiling = next((r["rps"] for r in mine if r["scenario"] == "healthz"), None)
        run["ceiling"] = ceiling
        for r in mine:
            errors = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
            r["errors"] = errors
            r["ratio"] = r["rps"] / ceiling if ceiling else None
            problems = []
            if errors:
                problems.append("errors")
                failures["errors"].append(f"{run['label']}: {r['title']} ({errors})")
            checked["errors"] += 1
            if r["requests"] == 0:
                broken.append(f"{run['label']}: {r['title']} made no requests")
            if errors:
                broken.append(f"{run['label']}: {r['title']}: {errors} errors ({r['non2xx']} non-2xx; {r['sample'].strip()[:300]})")
            target = f"p99 ≤ {P99_LIMIT_MS:g} ms"
            checked["p99"] += 1
            if ms(r["p99"]) > P99_LIMIT_MS:
                problems.append("p99")
                failures["p99"].append(f"{run['label']}: {r['title']} ({fmt_ms(r['p99'])})")
            if r["kind"] == "read":
                target = f"≥ {READ_SHARE:.0%} of ceiling, " + target
                checked["reads"] += 1
                if r["ratio"] is not None and r["ratio"] < READ_SHARE:
                    problems.append("rate")
                    failures["reads"].append(f"{run['label']}: {r['title']} ({r['ratio']:.1%})")
            elif r["kind"] == "write" and run["backend"] == "sqlite":
                target = f"≥ {WRITE_SHARE:.0%} of ceiling, " + target
                checked["writes"] += 1
                if r["ratio"] is not None and r["ratio"] < WRITE_SHARE:
                    problems.append("rate")
                    failures["writes"].append(f"{run['label']}: {r['title']} ({r['ratio']:.1%})")
            r["target"] = target
            r["result"] = "PASS" if not problems else "FAIL (" + ", ".join(problems) + ")"
            if r.get("wrapped"):
                r["result"] += " *"
            rows.append((run, r))

    multi = len(runs) > 1
    header = (["run"] if multi else []) + ["scenario", "req/s", "p50", "p99", "errors", "vs ceiling", "CPU server/wrk/other",
                                           "target", "result"]
    table = []
    for run, r in rows:
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.1%}"
        table.append(([run["label"]] if multi else []) + [
            r["title"], f"{r['rps']:,.0f}", fmt_ms(r["p50"]), fmt_ms(r["p99"]), str(r["errors"]), ratio,
            f"{r.get('cpuServer', '?')}% / {r.get('cpuWrk', '?')}% / {r.get('cpuOther', '?')}%", r["target"], r["result"]])
    widths = [max(len(str(x)) for x in column) for column in zip(header, *table)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    out = []
    out.append(f"Machine: {machine['cores']} cores, {machine['cpu']}, {machine['memoryGiB']} GiB RAM, {machine['os']}; "
               f"load average before the run {machine['loadBefore']}")
    out.append(f"Load: wrk {machine['wrk']}, {machine['threads']} threads, {machine['connections']} connections, "
               f"{machine['duration']} s per scenario after a {machine['warmup']} s warm-up; binary {machine['binary']}; "
               f"SQLite synchronous={machine.get('sqliteSynchronous', 'FULL')}")
    for run in runs:
        d = run["dataset"]
        out.append(f"Run {run['label']}: {d['sites']} sites, {d['referringCustomers']:,} referring customers, "
                   f"{d['referredFriends']:,} referred friends, {d['actions']:,} actions; seeded in {run['seedSeconds']:.0f} s; "
                   f"database {run['databaseMB']:.0f} MB; server peak RSS (VmHWM) {run['peakRssKB'] / 1024:.1f} MB")
    out.append("")
    out.append(line(header))
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out.extend(line(cells) for cells in table)
    out.append("")
    out.append("CPU: % of one core over the measured run (the machine has "
               f"{machine['cores']}); 'other' is work of other processes on the machine, i.e. contention.")
    if any(r.get("wrapped") for _, r in rows):
        out.append("")
        out.append("* the scenario used up its fresh contacts (member tokens or friends without orders) and reused them: "
                   "the later requests took the idempotent path. Raise the dataset (--scale) or shorten --duration.")

    # Targets.
    targets = []

    def target(name, failed, count, detail_pass=""):
        if count == 0:
            targets.append((name, "NOT RUN", detail_pass))
        elif failed:
            targets.append((name, "FAIL", "; ".join(failed)))
        else:
            targets.append((name, "PASS", detail_pass))

    target(f"reads ≥ {READ_SHARE:.0%} of the ceiling", failures["reads"], checked["reads"])
    target(f"writes ≥ {WRITE_SHARE:.0%} of the ceiling (SQLite)", failures["writes"], checked["writes"])
    target(f"p99 ≤ {P99_LIMIT_MS:g} ms everywhere", failures["p99"], checked["p99"])
    target("no errors (non-2xx or socket errors)", failures["errors"], checked["errors"])

    # Scale: pairs of runs of one backend whose scales differ by 10×.
    scale_failed, scale_count, scale_details = [], 0, []
    rss_failed, rss_count, rss_details = [], 0, []
    for base in runs:
        big = next((r for r in runs if r["backend"] == base["backend"] and abs(r["scale"] - base["scale"] * 10) < 1e-9), None)
        if big is None:
            continue
        for scenario in SCALE_SCENARIOS:
            a = next((r for r in results if r["run"] == base["run"] and r["scenario"] == scenario), None)
            b = next((r for r in results if r["run"] == big["run"] and r["scenario"] == scenario), None)
            if not a or not b or not a["p50"]:
                continue
            scale_count += 1
            ratio = b["p50"] / a["p50"]
            text = f"{base['backend']} {a['title']}: p50 {fmt_ms(a['p50'])} → {fmt_ms(b['p50'])} ({ratio:.2f}×)"
            scale_details.append(text)
            if ratio > SCALE_LIMIT:
                scale_failed.append(text)
    target(f"lookups and statistics at 10× the data within {SCALE_LIMIT}× the time (p50)", scale_failed, scale_count,
           "; ".join(scale_details))
    if scale_failed:
        targets[-1] = (targets[-1][0], "FAIL", "; ".join(scale_details))
    if scale_count == 0:
        targets[-1] = (targets[-1][0], "NOT RUN", "needs runs at two scales 10× apart: scripts/bench --compare-scale")
    for run in runs:
        if run["scale"] >= 10 - 1e-9 and not run.get("smoke"):
            rss_count += 1
            mb = run["peakRssKB"] / 1024
            text = f"{run['label']}: {mb:.1f} MB"
            rss_details.append(text)
            if mb > RSS_LIMIT_MB:
                rss_failed.append(text)
    target(f"server peak RSS ≤ {RSS_LIMIT_MB:g} MB at --scale 10", rss_failed, rss_count, "; ".join(rss_details))
    if rss_count == 0:
        targets[-1] = (targets[-1][0], "NOT RUN", "no run at --scale 10 (use --compare-scale or --scale 10); peak RSS here: "
                       + ", ".join(f"{r['label']} {r['peakRssKB'] / 1024:.1f} MB" for r in runs))

    out.append("")
    out.append("Targets:")
    for name, result, detail in targets:
        out.append(f"- {result:8} {name}" + (f" — {detail}" if detail else ""))
    if broken:
        out.append("")
        out.append("The benchmark itself had problems:")
        out.extend(f"- {b}" for b in broken)
    print("\n".join(out))

    if options.json:
        document = {
            "machine": machine,
            "runs": runs,
            "results": [dict(r, run=run["label"]) for run, r in rows],
            "targets": [{"target": n, "result": res, "detail": d} for n, res, d in targets],
        }
        with open(options.json, "w") as file:
            json.dump(document, file, indent=2, sort_keys=True)
            file.write("\n")

    if broken:
        sys.exit(1)
    if options.strict and any(res == "FAIL" for _, res, _ in targets):
        sys.exit(2)


if __name__ == "__main__":
    main()
