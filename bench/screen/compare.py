"""Netra's screening engine against two baselines, on the same folds and the same file.

Quality: 5-fold cross-validation over train.jsonl + posts.jsonl (a partisan post counts as a violation of kind
SOCMED_POST, as `netra model train` reads it). Every system trains on the other four folds plus the project's own
examples (data/screen/examples.jsonl) and predicts the held-out fold; the counts of all folds are summed and
per-act F1, macro-F1 (over the acts present) and violation F1 computed from them, with one metric code for all.

  * Netra: `netra model train` (thresholds chosen on inner folds of the training part only), `netra screen`.
  * scikit-learn: TF-IDF of word 1-2 grams (sublinear tf) + one logistic regression per head
    (class_weight=balanced), probability >= 0.5.
  * fastText supervised: one-vs-all loss, word bigrams, 50 epochs, lr 0.5, probability >= 0.5.

All three use the same decision rule: acts only when violation is predicted, and then at least the likeliest act.

Speed: a generated JSONL of post-like texts screened end to end by `netra screen` (1 and 2 threads, wall time
and peak RSS from /usr/bin/time), and the baselines' prediction on the same texts (in memory, after loading:
the time of their predict call only).
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

LABELS = [
    "CAMPAIGN_ATTEND", "CAMPAIGN_ATTRIBUTE", "MOBILISE_STAFF", "STATE_FACILITY", "PARTISAN_DECISION",
    "PARTISAN_ACTIVITY_GIFT", "SUPPORT_LETTER_KTP", "SOCMED_POST", "SOCMED_LIKE_SHARE_COMMENT", "PHOTO_HAND_SIGN",
    "BANNER_APK", "CAMPAIGN_TEAM", "CANDIDACY_NO_RESIGN", "PARTY_MEMBERSHIP", "OTHER_VIOLATION",
]


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if "labels" in r:
                labels = r["labels"]
                violation = r.get("violation", bool(labels))
            else:
                violation = bool(r["partisan"])
                labels = ["SOCMED_POST"] if violation else []
            rows.append({"id": str(r["id"]), "text": r["text"], "labels": labels, "violation": violation})
    return rows


def fold_of(n, k, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold = [0] * n
    for position, row in enumerate(order):
        fold[row] = position % k
    return fold


class Tally:
    def __init__(self):
        self.v = [0, 0, 0, 0]  # tp fp fn tn
        self.acts = {label: [0, 0, 0] for label in LABELS}

    def add(self, truth, violation, acts):
        t = truth["violation"]
        self.v[{(True, True): 0, (False, True): 1, (True, False): 2, (False, False): 3}[(t, violation)]] += 1
        for label in LABELS:
            g, p = label in truth["labels"], label in acts
            if g and p:
                self.acts[label][0] += 1
            elif p:
                self.acts[label][1] += 1
            elif g:
                self.acts[label][2] += 1


def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def decide(p_violation, p_acts):
    """The shared decision rule: acts only with a violation, and then at least the likeliest one."""
    if p_violation < 0.5:
        return False, []
    acts = [label for label, p in p_acts.items() if p >= 0.5]
    if not acts and p_acts:
        acts = [max(p_acts, key=p_acts.get)]
    return True, acts


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


# --- Netra -------------------------------------------------------------------------------------------------


def netra_fold(netra, train, test, extra, tmp):
    train_path, test_path = os.path.join(tmp, "train.jsonl"), os.path.join(tmp, "test.jsonl")
    model, out = os.path.join(tmp, "model.bin"), os.path.join(tmp, "out.jsonl")
    write_jsonl(train_path, train)
    write_jsonl(test_path, [{"id": r["id"], "text": r["text"]} for r in test])
    subprocess.run([netra, "model", "train", "--input", train_path, "--input", extra, "--output", model],
                   check=True, capture_output=True)
    subprocess.run([netra, "screen", "--model", model, "--input", test_path, "--output", out],
                   check=True, capture_output=True)
    predictions = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            predictions[str(r["id"])] = (r["violation"], [a["act"] for a in r["acts"]])
    return [predictions[r["id"]] for r in test]


# --- scikit-learn ------------------------------------------------------------------------------------------


def sklearn_fit(train):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [r["text"] for r in train]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    heads = {}
    for head in ["violation"] + LABELS:
        y = [r["violation"] if head == "violation" else head in r["labels"] for r in train]
        if any(y) and not all(y):
            heads[head] = LogisticRegression(class_weight="balanced", max_iter=2000).fit(x, y)
    return vectorizer, heads


def sklearn_probabilities(fitted, texts):
    vectorizer, heads = fitted
    x = vectorizer.transform(texts)
    return {head: clf.predict_proba(x)[:, 1] for head, clf in heads.items()}


def sklearn_fold(train, test):
    probabilities = sklearn_probabilities(sklearn_fit(train), [r["text"] for r in test])
    out = []
    for i in range(len(test)):
        acts = {label: probabilities[label][i] for label in LABELS if label in probabilities}
        out.append(decide(probabilities["violation"][i], acts))
    return out


# --- fastText ----------------------------------------------------------------------------------------------


def ft_text(text):
    return " ".join(re.findall(r"\w+", text.lower()))


def fasttext_fit(train, tmp):
    import fasttext

    path = os.path.join(tmp, "ft-train.txt")
    with open(path, "w", encoding="utf-8") as f:
        for r in train:
            labels = ["__label__violation"] if r["violation"] else ["__label__none"]
            labels += ["__label__" + label for label in r["labels"]]
            f.write(" ".join(labels) + " " + ft_text(r["text"]) + "\n")
    return fasttext.train_supervised(path, loss="ova", epoch=50, lr=0.5, wordNgrams=2, minCount=1, thread=1,
                                     seed=1, verbose=0)


def fasttext_fold(train, test, tmp):
    model = fasttext_fit(train, tmp)
    labels, probabilities = model.predict([ft_text(r["text"]) for r in test], k=-1, threshold=0.0)
    out = []
    for names, ps in zip(labels, probabilities):
        p = {name.replace("__label__", ""): float(q) for name, q in zip(names, ps)}
        acts = {label: p.get(label, 0.0) for label in LABELS}
        out.append(decide(p.get("violation", 0.0), acts))
    return out


# --- quality -----------------------------------------------------------------------------------------------


def quality(args):
    rows = load(os.path.join(args.corpus, "train.jsonl")) + load(os.path.join(args.corpus, "posts.jsonl"))
    extra_path = os.path.abspath("data/screen/examples.jsonl")
    extra = load(extra_path)
    folds = fold_of(len(rows), args.folds, args.seed)
    tallies = {"netra": Tally(), "sklearn": Tally(), "fasttext": Tally()}
    for k in range(args.folds):
        train = [r for r, f in zip(rows, folds) if f != k]
        test = [r for r, f in zip(rows, folds) if f == k]
        with tempfile.TemporaryDirectory() as tmp:
            results = {
                "netra": netra_fold(args.netra, train, test, extra_path, tmp),
                "sklearn": sklearn_fold(train + extra, test),
                "fasttext": fasttext_fold(train + extra, test, tmp),
            }
        for name, predictions in results.items():
            for truth, (violation, acts) in zip(test, predictions):
                tallies[name].add(truth, violation, acts)
        print(f"fold {k + 1}/{args.folds} done", file=sys.stderr)

    print(f"\n{args.folds}-fold cross-validation on {len(rows)} rows (train.jsonl + posts.jsonl), seed {args.seed};"
          f" every training part also has the {len(extra)} rows of data/screen/examples.jsonl\n")
    print(f"{'act':<27}{'support':>8}{'netra':>9}{'sklearn':>9}{'fasttext':>9}   (F1)")
    summary = {}
    for label in LABELS:
        support = tallies["netra"].acts[label][0] + tallies["netra"].acts[label][2]
        scores = [f1(*tallies[n].acts[label]) for n in tallies]
        print(f"{label:<27}{support:>8}" + "".join(f"{s:>9.3f}" for s in scores))
    for name, t in tallies.items():
        present = [label for label in LABELS if t.acts[label][0] + t.acts[label][2] > 0]
        macro = sum(f1(*t.acts[label]) for label in present) / len(present)
        tp, fp, fn, tn = t.v
        summary[name] = (macro, f1(tp, fp, fn), tp, fp, fn, tn)
    print(f"\n{'':<27}{'':>8}" + "".join(f"{n:>9}" for n in tallies))
    print(f"{'macro-F1 (acts present)':<35}" + "".join(f"{summary[n][0]:>9.3f}" for n in tallies))
    print(f"{'violation F1':<35}" + "".join(f"{summary[n][1]:>9.3f}" for n in tallies))
    for name in tallies:
        _, _, tp, fp, fn, tn = summary[name]
        print(f"violation confusion {name:<9} tp {tp:>4}  fp {fp:>4}  fn {fn:>4}  tn {tn:>4}")


# --- speed -------------------------------------------------------------------------------------------------

OFFICES = ["Camat", "Lurah", "Kepala Dinas", "guru", "bidan", "Sekdes", "staf kecamatan", "Kabid", "ASN", "PNS"]
PLACES = ["Cianjur", "Garut", "Bandung", "Sukabumi", "Tasikmalaya", "Bekasi", "Bogor", "Ciamis", "Kuningan"]
PARTISAN = [
    "Ayo coblos nomor {n}, lanjutkan pembangunan di {place}! #Pilih0{n}",
    "Salam {w} jari untuk {place} yang lebih maju 💪 jgn lupa tgl 27 ke TPS",
    "Kami keluarga besar {office} siap memenangkan paslon no. {n}, all in!!!",
    "Pilihlah pemimpin yg peduli rakyat kecil, nomor urut {n} pasti menang #{place}Bangkit",
    "Mantaaap pak calon, dukung trs sampai menang di {place}",
]
NEUTRAL = [
    "Pelayanan KTP elektronik di kantor kecamatan {place} buka sampai sore hari ini.",
    "Selamat pagi warga {place}, jangan lupa sarapan dan semangat bekerja 🙏",
    "Jalan provinsi di {place} sudah diperbaiki, terima kasih Dinas PU atas kerja kerasnya.",
    "Mari datang ke TPS tanggal 27 November dan gunakan hak pilih dengan bijak, jaga persatuan.",
    "{office} {place} mengikuti apel netralitas ASN dan menandatangani pakta integritas pagi ini.",
    "Info banjir: jalan utama {place} tergenang, warga diminta berhati-hati saat melintas.",
    "Pengajian rutin malam Jumat di masjid agung {place}, semua warga diundang hadir.",
    "Harga cabai di pasar {place} naik lagi minggu ini, ibu-ibu mengeluh.",
]
WORDS = ["satu", "dua", "tiga", "empat"]


def generate(path, lines, seed):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(lines):
            n = rng.randint(1, 4)
            template = rng.choice(PARTISAN if rng.random() < 0.2 else NEUTRAL)
            text = template.format(n=n, w=WORDS[n - 1], place=rng.choice(PLACES), office=rng.choice(OFFICES))
            if rng.random() < 0.3:
                text += " " + rng.choice(NEUTRAL).format(n=n, w="", place=rng.choice(PLACES),
                                                        office=rng.choice(OFFICES))
            f.write(json.dumps({"id": f"post-{i}", "account": f"@akun{rng.randint(1, 50000)}",
                                "url": f"https://example.org/p/{i}", "time": "2024-11-01T08:00:00+07:00",
                                "text": text}, ensure_ascii=False) + "\n")


def timed_netra(netra, path, out, threads):
    result = subprocess.run(["/usr/bin/time", "-v", netra, "screen", "--input", path, "--output", out,
                             "--threads", str(threads)], capture_output=True, text=True, check=True)
    wall = rss = None
    for line in result.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            parts = line.split()[-1].split(":")
            wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
        if line.startswith("Maximum resident set size"):
            rss = int(line.split()[-1]) / 1024
    return wall, rss


def speed(args):
    rows = load(os.path.join(args.corpus, "train.jsonl")) + load(os.path.join(args.corpus, "posts.jsonl"))
    rows += load("data/screen/examples.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "posts.jsonl")
        generate(path, args.lines, args.seed)
        size_mb = os.path.getsize(path) / 1e6
        print(f"\nspeed: {args.lines} generated post-like lines, {size_mb:.1f} MB ({path})")
        out = os.path.join(tmp, "out.jsonl")
        for threads in (1, 2):
            wall, rss = timed_netra(args.netra, path, out, threads)
            print(f"netra screen --threads {threads}: {wall:.2f} s, {args.lines / wall:,.0f} posts/s, "
                  f"{size_mb / wall:.1f} MB/s, peak RSS {rss:.0f} MiB (end to end: read, normalise, match, "
                  f"classify, explain, write)")
        with open(out, encoding="utf-8") as f:
            flagged = sum(1 for line in f if '"violation":true' in line)
        print(f"  flagged {flagged} of {args.lines}")
        texts = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                texts.append(json.loads(line)["text"])
        fitted = sklearn_fit(rows)
        started = time.perf_counter()
        sklearn_probabilities(fitted, texts)
        elapsed = time.perf_counter() - started
        print(f"scikit-learn predict (16 heads, texts in memory): {elapsed:.2f} s, {len(texts) / elapsed:,.0f} posts/s")
        model = fasttext_fit(rows, tmp)
        prepared = [ft_text(t) for t in texts]
        started = time.perf_counter()
        model.predict(prepared, k=-1, threshold=0.5)
        elapsed = time.perf_counter() - started
        print(f"fastText predict (texts in memory, tokenised beforehand): {elapsed:.2f} s, "
              f"{len(texts) / elapsed:,.0f} posts/s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--netra", required=True)
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    args.netra = os.path.abspath(args.netra)
    if not args.skip_quality:
        quality(args)
    if not args.skip_speed:
        speed(args)


if __name__ == "__main__":
    main()
