"""Benchmark: the tokenisers considered for free-text answers (issue 15, decision 0026).

    /tmp/fbvenv/bin/python bench/feedback_tokenisers.py             # 100,000 sentences per language
    /tmp/fbvenv/bin/python bench/feedback_tokenisers.py --sentences 20000

The candidates are not the project's dependencies; install them in a throwaway virtualenv first:

    python3 -m venv /tmp/fbvenv && /tmp/fbvenv/bin/pip install kiwipiepy fugashi unidic-lite \
        sudachipy sudachidict-core jieba

Each candidate runs in its own child process, so its import is cold: the child blocks every network
connection (socket connect and name lookups raise) and points HOME and TMPDIR at an empty folder, then
imports the package, builds the tokeniser, tokenises the labelled sample (patronage/feedback/text_samples/
<lang>.csv) repeated to N sentences, one sentence per call, and reports the time of each step, the tokens per
sentence, any connection tried and any file written under HOME or TMPDIR (jieba writes its prefix
dictionary's cache there on first use). The parent adds each distribution's installed size (the files its
metadata lists). English uses a regular expression, the anchor: the last line is
slowest_vs_regex=X, the slowest candidate's seconds over the regex's, per sentence.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "patronage" / "feedback" / "text_samples"

# name -> (language, modules that must be importable, distributions whose size is counted)
CANDIDATES = {
    "regex (en)": ("en", [], []),
    "kiwipiepy (ko)": ("ko", ["kiwipiepy"], ["kiwipiepy", "kiwipiepy_model"]),
    "fugashi+unidic-lite (ja)": ("ja", ["fugashi", "unidic_lite"], ["fugashi", "unidic-lite"]),
    "sudachipy+core (ja)": ("ja", ["sudachipy", "sudachidict_core"], ["SudachiPy", "sudachidict-core"]),
    "jieba (zh)": ("zh", ["jieba"], ["jieba"]),
}

CHILD = r"""
import json, os, socket, sys, time
tried = []
def refuse(*args, **kwargs):
    tried.append(repr(args[:2]))
    raise OSError("network blocked by the benchmark")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
name, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
import csv
texts = [row["text"] for row in csv.DictReader(open(path, encoding="utf-8"))]
sentences = (texts * (n // len(texts) + 1))[:n]

t0 = time.perf_counter()
if name.startswith("regex"):
    import re
    word = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
    t1 = time.perf_counter()
    tokenise = lambda text: word.findall(text.lower())
elif name.startswith("kiwipiepy"):
    from kiwipiepy import Kiwi
    t1 = time.perf_counter()
    kiwi = Kiwi()
    tokenise = lambda text: [(t.form, t.tag) for t in kiwi.tokenize(text)]
elif name.startswith("fugashi"):
    import fugashi
    t1 = time.perf_counter()
    tagger = fugashi.Tagger()
    tokenise = lambda text: [(w.surface, w.feature.lemma) for w in tagger(text)]
elif name.startswith("sudachipy"):
    from sudachipy import Dictionary, SplitMode
    t1 = time.perf_counter()
    tokenizer = Dictionary(dict="core").create(mode=SplitMode.C)
    tokenise = lambda text: [(m.surface(), m.dictionary_form()) for m in tokenizer.tokenize(text)]
elif name.startswith("jieba"):
    import jieba, logging
    jieba.setLogLevel(logging.WARNING)
    t1 = time.perf_counter()
    jieba.initialize()
    tokenise = lambda text: jieba.lcut(text)
else:
    raise SystemExit("unknown candidate " + name)
first = tokenise(texts[0])
t2 = time.perf_counter()
tokens = 0
for text in sentences:
    tokens += len(tokenise(text))
t3 = time.perf_counter()
written = []
for folder in (os.environ["HOME"], os.environ["TMPDIR"]):
    for base, _, files in os.walk(folder):
        written += [os.path.join(base, f) + " (%d bytes)" % os.path.getsize(os.path.join(base, f)) for f in files]
print(json.dumps({"import_s": t1 - t0, "init_s": t2 - t1, "tokenise_s": t3 - t2, "sentences": n,
                  "tokens_per_sentence": tokens / n, "first": first[:12], "network_tried": tried,
                  "written": written}, ensure_ascii=False))
"""


def installed_size(distribution: str) -> int:
    dist = importlib.metadata.distribution(distribution)
    total = 0
    for file in dist.files or []:
        path = Path(dist.locate_file(file))
        if path.is_file():
            total += path.stat().st_size
    return total


def run_child(name: str, language: str, sentences: int) -> dict:
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": home, "TMPDIR": tmp, "XDG_CACHE_HOME": home + "/.cache"}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, name, str(SAMPLES / f"{language}.csv"), str(sentences)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    args = parser.parse_args()

    missing = {
        name: [m for m in modules if importlib.util.find_spec(m) is None]
        for name, (_, modules, _) in CANDIDATES.items()
    }
    missing = {name: mods for name, mods in missing.items() if mods}
    if len(missing) == len(CANDIDATES) - 1:
        print(
            "None of the tokenisers is installed in this interpreter (" + sys.executable + ").\n"
            "They are candidates, not the project's dependencies: make a throwaway virtualenv,\n"
            "  python3 -m venv /tmp/fbvenv && /tmp/fbvenv/bin/pip install kiwipiepy fugashi unidic-lite "
            "sudachipy sudachidict-core jieba\n"
            "and run this script with /tmp/fbvenv/bin/python."
        )
        return 2
    for name, mods in missing.items():
        print(f"skipped {name}: not installed ({', '.join(mods)})")

    load = os.getloadavg()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"{args.sentences:,} sentences per candidate, one per call"
    )
    header = (
        "candidate",
        "version",
        "installed MB",
        "import s",
        "init s",
        "tokenise s",
        "sentences/s",
        "tokens/sent",
        "offline",
    )
    print(" | ".join(header))
    seconds = {}
    for name, (language, _modules, distributions) in CANDIDATES.items():
        if name in missing:
            continue
        result = run_child(name, language, args.sentences)
        if "error" in result:
            print(f"{name}: failed: {result['error']}")
            continue
        versions = ", ".join(f"{d} {importlib.metadata.version(d)}" for d in distributions) or "stdlib re"
        size = sum(installed_size(d) for d in distributions) / 1e6
        offline = "yes" if not result["network_tried"] else "NO: " + "; ".join(result["network_tried"])
        if result["written"]:
            offline += "; wrote " + "; ".join(result["written"])
        seconds[name] = result["tokenise_s"]
        print(
            " | ".join(
                [
                    name,
                    versions,
                    f"{size:.1f}",
                    f"{result['import_s']:.3f}",
                    f"{result['init_s']:.3f}",
                    f"{result['tokenise_s']:.2f}",
                    f"{result['sentences'] / result['tokenise_s']:,.0f}",
                    f"{result['tokens_per_sentence']:.1f}",
                    offline,
                ]
            )
        )
        print(f"    first answer: {result['first']}")
    if "regex (en)" in seconds and len(seconds) > 1:
        slowest = max((s for n, s in seconds.items() if n != "regex (en)"))
        print(f"slowest_vs_regex={slowest / seconds['regex (en)']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
