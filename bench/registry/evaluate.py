"""Recall@1/@5 and latency percentiles of both engines, overall and per kind of noise."""
import json
import sys
from collections import defaultdict


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def report(work, name, output, timings, only=None):
    """Recall and latency of one engine; `only`: the ids to count (the queries both engines answered)."""
    queries = {q["id"]: q for q in load(f"{work}/queries.jsonl")}
    answers = load(f"{work}/{output}")
    times = [int(t) for t in open(f"{work}/{timings}") if t.strip()]
    if only is not None:
        kept = [i for i, a in enumerate(answers) if a["id"] in only]
        answers = [answers[i] for i in kept]
        times = [times[i] for i in kept]
    hits1 = hits5 = 0
    per_noise = defaultdict(lambda: [0, 0, 0])
    for answer in answers:
        query = queries[answer["id"]]
        nips = [c["nip"] for c in answer.get("candidates", [])]
        at1 = nips[:1] == [query["truth"]]
        at5 = query["truth"] in nips[:5]
        hits1 += at1
        hits5 += at5
        for noise in query["noise"] or ["none"]:
            per_noise[noise][0] += 1
            per_noise[noise][1] += at1
            per_noise[noise][2] += at5
    n = len(answers)
    print(f"\n{name}: {n} queries")
    print(f"  recall@1 {hits1 / n:.4f}   recall@5 {hits5 / n:.4f}")
    print(f"  latency p50 {percentile(times, 50) / 1000:.2f} ms   p99 {percentile(times, 99) / 1000:.2f} ms   "
          f"mean {sum(times) / len(times) / 1000:.2f} ms")
    for noise, (count, at1, at5) in sorted(per_noise.items()):
        print(f"    {noise:13s} n={count:6d}  r@1 {at1 / count:.3f}  r@5 {at5 / count:.3f}")
    return times, {a["id"] for a in answers}


def namesakes(work):
    """Per true NIP: how many persons share its exact name and regency (the limit of any matcher)."""
    import csv
    count = defaultdict(int)
    key_of = {}
    wanted = {q["truth"] for q in load(f"{work}/queries.jsonl")}
    with open(f"{work}/registry.csv", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["nama"].lower(), row["kode_wilayah"][:5])
            count[key] += 1
            if row["nip"] in wanted:
                key_of[row["nip"]] = key
    crowded = sum(1 for nip in wanted if count[key_of[nip]] > 5)
    print(f"true persons with more than 4 namesakes in their regency (cannot all fit in a top 5): "
          f"{crowded} of {len(wanted)} ({crowded / len(wanted):.4f})")


work = sys.argv[1]
namesakes(work)
report(work, "Netra match index, all queries", "netra.jsonl", "netra.timings")
trgm, answered = report(work, "PostgreSQL pg_trgm, the queries it answered in its time budget", "trgm.jsonl",
                        "trgm.timings")
netra, _ = report(work, "Netra match index, the same queries", "netra.jsonl", "netra.timings", only=answered)
print(f"\npg_trgm / Netra latency on the same queries: p50 {percentile(trgm, 50) / max(1, percentile(netra, 50)):.0f}x, "
      f"p99 {percentile(trgm, 99) / max(1, percentile(netra, 99)):.0f}x")
