#!/usr/bin/python3
"""Where a JFR recording's CPU samples went: the busiest threads, the top frames (self time) and the
frames most often on the stack (inclusive), from `jfr print --events jdk.ExecutionSample`.

Usage: bench/jfr-top-frames.py RECORDING.jfr [--top N] [--thread SUBSTRING]
"""
import argparse, collections, re, subprocess

ap = argparse.ArgumentParser()
ap.add_argument("recording")
ap.add_argument("--top", type=int, default=15)
ap.add_argument("--thread", default=None, help="only samples of threads whose name contains this")
a = ap.parse_args()

text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96", a.recording],
                      capture_output=True, text=True, check=True).stdout
samples = []
for block in text.split("jdk.ExecutionSample {")[1:]:
    m = re.search(r'sampledThread = "(.*?)" \(javaThreadId', block)
    thread = m.group(1) if m else "?"
    # Flink task threads end in " (1/2)#0": one group for every subtask of a task.
    thread = re.sub(r" \(\d+/\d+\)#\d+$", "", thread)
    thread = re.sub(r"-\d+$", "-N", thread)
    frames = [re.sub(r"\s+line:.*$", "", f.strip()) for f in re.findall(r"^\s{4}(\S.*)$", block, re.M)]
    frames = [f for f in frames if f and f != "..."]
    samples.append((thread, frames))

if a.thread:
    samples = [s for s in samples if a.thread in s[0]]
total = len(samples) or 1
print(f"{len(samples)} CPU samples")
print("\nthreads:")
for t, n in collections.Counter(t for t, _ in samples).most_common(a.top):
    print(f"  {100 * n / total:5.1f}%  {t[:110]}")
print("\ntop frames (self):")
for f, n in collections.Counter(fr[0] for _, fr in samples if fr).most_common(a.top):
    print(f"  {100 * n / total:5.1f}%  {f[:130]}")
print("\nmethods on the stack (inclusive), txinsight and Flink serializers/state:")
incl = collections.Counter()
for _, fr in samples:
    for name in set(f.split("(")[0] for f in fr):
        if re.search(r"io\.txinsight|typeutils|runtime\.state|jackson|PojoSerializer|KafkaRecordDeserial|RecordWriter|SpanningRecordSerializer|StreamTaskNetworkInput|metrics", name):
            incl[name] += 1
for f, n in incl.most_common(a.top + 10):
    print(f"  {100 * n / total:5.1f}%  {f[:130]}")
