"""Time `questions.generate` on a ≥75,000-character report built from the sample reports.

Usage: .venv/bin/python bench/generate_bench.py [--runs N]
Reads ../shared/reports (next to the repository). Each run happens in a fresh interpreter, so jieba's
dictionary load is counted, as it is for the CLI. Prints the median and the target (< 5 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT.parent / "shared" / "reports"
TARGET_CHARS = 75_000
TARGET_SECONDS = 5.0

_CHILD = """
import sys, time
start = time.perf_counter()
import questions
text = open(sys.argv[1], encoding="utf-8").read()
result = questions.generate(text, seed=0)
elapsed = time.perf_counter() - start
print(elapsed, result.stats.chars, len(result.bank.questions))
"""


def build_input() -> str:
    """Concatenate the sample reports until the text has at least 75,000 characters."""
    texts = [p.read_text("utf-8") for p in sorted(REPORTS.glob("*.txt"))]
    if not texts:
        sys.exit(f"no reports found in {REPORTS}")
    combined = ""
    index = 0
    while len(combined) < TARGET_CHARS:
        combined += texts[index % len(texts)] + "\n"
        index += 1
    return combined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = build_input()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write(text)
        path = handle.name
    timings = []
    for run in range(args.runs):
        out = subprocess.run([sys.executable, "-c", _CHILD, path], capture_output=True, text=True, check=True)
        seconds, chars, count = out.stdout.split()
        timings.append(float(seconds))
        print(f"run {run + 1}: {float(seconds):.2f} s ({chars} normalised chars, {count} questions)")
    Path(path).unlink()
    median = statistics.median(timings)
    verdict = "OK" if median < TARGET_SECONDS else "TOO SLOW"
    print(f"input: {len(text)} raw characters; median of {args.runs} runs: {median:.2f} s")
    target = f"< {TARGET_SECONDS:.0f} s for {TARGET_CHARS:,} characters, import and jieba load counted"
    print(f"target: {target}: {verdict}")


if __name__ == "__main__":
    main()
