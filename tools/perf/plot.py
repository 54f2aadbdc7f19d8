"""Renders PNG plots from reports/bench/*.json (see plot.mjs). One figure per benchmark."""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

reports, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
COLORS = {"base": "#9e9e9e", "ours": "#1f77b4", "peer": "#ff7f0e", "extra": "#2ca02c", "extra2": "#9467bd"}


def load(name):
    path = os.path.join(reports, f"{name}.json")
    if not os.path.exists(path):
        print(f"plot: {path} missing, skipped")
        return None
    with open(path) as f:
        return json.load(f)


def subtitle(data):
    env = data["environment"]
    return f"{data['date'][:10]} · Node {env['node']} · {env['cpus']} CPU(s) · medians of {data['config'].get('rounds', '?')} rounds"


def save(fig, name):
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"plot: wrote {path}")


def bars(ax, groups, series, values, errs=None, ylabel=""):
    width = 0.8 / len(series)
    for i, (label, color) in enumerate(series):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ys = [values[label].get(g, 0) for g in groups]
        kw = {}
        if errs:
            lo = [max(0, ys[k] - errs[label].get(g, (ys[k], ys[k]))[0]) for k, g in enumerate(groups)]
            hi = [max(0, errs[label].get(g, (ys[k], ys[k]))[1] - ys[k]) for k, g in enumerate(groups)]
            kw = {"yerr": [lo, hi], "capsize": 3}
        ax.bar(xs, ys, width, label=label, color=color, **kw)
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)


es = load("event-store")
if es:
    series = [
        ("raw", "raw pg INSERT (baseline)", COLORS["base"]),
        ("es", "event store append", COLORS["ours"]),
        ("emmett", "Emmett appendToStream", COLORS["peer"]),
        ("raw+outbox", "raw INSERT + outbox", "#cfcfcf"),
        ("es+outbox", "append + Outbox.add", COLORS["extra"]),
    ]
    rows = es["results"]
    groups = sorted({(r["events"], r["writers"]) for r in rows})
    labels = [f"{e} ev × {w} writers" for e, w in groups]
    values, errs = {}, {}
    for case, label, _ in series:
        values[label], errs[label] = {}, {}
        for (e, w), gl in zip(groups, labels):
            r = next((x for x in rows if x["case"] == case and x["events"] == e and x["writers"] == w), None)
            if r:
                values[label][gl] = r["appendsPerSecond"]
                rr = r["roundsAppendsPerSecond"]
                errs[label][gl] = (min(rr), max(rr))
    present = [(label, color) for case, label, color in series if values[label]]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    bars(ax, labels, present, values, errs, "appends/s (bars: median, whiskers: min–max of rounds)")
    ax.set_title("Event store appends vs raw pg and Emmett (same database)\n" + subtitle(es), fontsize=10)
    save(fig, "event-store.png")

ob = load("outbox-relay")
if ob:
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2))
    res = {r["case"]: r for r in ob["results"]}
    names = ["outbox relay", "kafkajs direct"]
    keys = ["relay", "direct"]
    ys = [res[k]["messagesPerSecond"] for k in keys]
    lo = [ys[i] - res[k]["messagesPerSecondMinMax"][0] for i, k in enumerate(keys)]
    hi = [res[k]["messagesPerSecondMinMax"][1] - ys[i] for i, k in enumerate(keys)]
    a1.bar(names, ys, color=[COLORS["ours"], COLORS["base"]], yerr=[lo, hi], capsize=3)
    a1.set_ylabel("messages/s (drain of a backlog)")
    a1.set_title(f"Throughput ({ob['config']['messages']} msgs, batches of {ob['config']['batch']})", fontsize=9)
    a1.grid(axis="y", alpha=0.3)
    values = {n: {"p50": res[k]["p50Ms"], "p99": res[k]["p99Ms"]} for n, k in zip(names, keys)}
    bars(a2, ["p50", "p99"], [(names[0], COLORS["ours"]), (names[1], COLORS["base"])], values, None, "ms")
    a2.set_title(f"Commit→Kafka-ack latency at {ob['config']['rate']} msg/s", fontsize=9)
    fig.suptitle("Outbox relay vs kafkajs direct — " + subtitle(ob), fontsize=10)
    save(fig, "outbox-relay.png")

gr = load("grpc")
if gr:
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2))
    rows = gr["results"]
    conc = sorted({r["concurrency"] for r in rows})
    groups = [f"concurrency {c}" for c in conc]
    s = [("catalog GetProducts", COLORS["ours"], "catalog"), ("grpc-js echo (baseline)", COLORS["base"], "echo")]
    tput = {label: {} for label, _, _ in s}
    terr = {label: {} for label, _, _ in s}
    p99 = {label: {} for label, _, _ in s}
    for label, _, target in s:
        for c, g in zip(conc, groups):
            r = next(x for x in rows if x["target"] == target and x["concurrency"] == c)
            tput[label][g] = r["callsPerSecond"]
            terr[label][g] = tuple(r["callsPerSecondMinMax"])
            p99[label][g] = r["p99Ms"]
    bars(a1, groups, [(l, c) for l, c, _ in s], tput, terr, "calls/s")
    a1.set_title("Unary calls/s", fontsize=9)
    bars(a2, groups, [(l, c) for l, c, _ in s], p99, None, "p99 ms")
    a2.set_title("p99 latency", fontsize=9)
    fig.suptitle(f"gRPC GetProducts (20 products, {gr['responseBytesJson']} B) — " + subtitle(gr), fontsize=10)
    save(fig, "grpc.png")

ed = load("edge")
if ed:
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2))
    rows = ed["results"]
    conc = sorted({r["concurrency"] for r in rows})
    for ax, c in zip((a1, a2), conc):
        values = {}
        for label, path in (("direct", "direct"), ("through the edge", "edge")):
            r = next(x for x in rows if x["path"] == path and x["concurrency"] == c)
            values[label] = {"p50": r["p50Ms"], "p99": r["p99Ms"]}
        bars(ax, ["p50", "p99"], [("direct", COLORS["base"]), ("through the edge", COLORS["ours"])], values, None, "ms")
        edge_row = next(x for x in rows if x["path"] == "edge" and x["concurrency"] == c)
        ax.set_title(f"{c} client(s): edge adds {edge_row['addedP50Ms']:.2f} ms at p50", fontsize=9)
    fig.suptitle(f"Edge overhead, GET {ed['config']['path']} — " + subtitle(ed), fontsize=10)
    save(fig, "edge.png")
