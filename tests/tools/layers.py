#!/usr/bin/env python3
"""layers.py ROOT - the include graph of ROOT/src checked against the layers.

The folders of src/ are layers, bottom to top (STYLE.md):
    base < machine < measure < store < analyze < report < cmd
An #include "..." may point sideways (same folder) or down, never up, and
the modules (a .c/.h pair named by its path without extension) may not
form a cycle. src/launch/ is a static program of its own: it may include
nothing from src/.

Every quoted include is resolved the way the compiler does (the file's own
folder, then -Isrc, then -Ilib, -Iworkload); one that resolves nowhere is
an error too, so a typo cannot hide an edge. Headers outside src/ (lib/,
workload/) sit below every layer.

A known violation may be listed in tests/tools/layers.allow while its
owner removes it (one per line: "up FILE INCLUDE" or "cycle MODULE ...");
it is then printed as known, not failed. An entry that no longer matches
anything fails, so the list only shrinks.

Prints each violation with the offending include ("src/x/a.c:12: #include
"y/b.h": ..."), then the graph between layers (who includes whom, how many
includes), and exits 1 on any violation, else 0.
"""
import os
import re
import sys

LAYERS = ["base", "machine", "measure", "store", "analyze", "report", "cmd"]
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["launch"] = -1  # includes nothing of src/
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def scan(root):
    src = os.path.join(root, "src")
    files = []
    for d, _, fs in os.walk(src):
        for f in sorted(fs):
            if f.endswith((".c", ".h")):
                files.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(files)


def resolve(root, path, target):
    for base in (os.path.dirname(path), "src", "lib", "workload"):
        cand = os.path.normpath(os.path.join(base, target))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def layer_of(path):
    parts = path.split(os.sep)
    if parts[0] != "src":
        return None  # lib/, workload/: below every layer
    return parts[1] if len(parts) > 2 else ""


def module_of(path):
    return os.path.splitext(path)[0]


def sccs(nodes, edges):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = n[0]
        n[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n[0]
                    n[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def check(root):
    bad, keys = [], []
    edges, where, between = {}, {}, {}
    files = scan(root)
    for path in files:
        src_layer = layer_of(path)
        if src_layer not in RANK:
            bad.append(f"{path}: folder '{src_layer}' is not a layer "
                       f"({' < '.join(LAYERS)})")
            continue
        with open(os.path.join(root, path), errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INC.match(line)
                if not m:
                    continue
                spelled = m.group(1)
                at = f'{path}:{lineno}: #include "{spelled}"'
                target = resolve(root, path, spelled)
                if target is None:
                    bad.append(f"{at}: not found in the file's folder, "
                               "src/, lib/ or workload/")
                    continue
                dst_layer = layer_of(target)
                if dst_layer is None:
                    continue
                if dst_layer not in RANK:
                    continue  # reported as that file's own problem
                if RANK[dst_layer] > RANK[src_layer] or (
                        src_layer == "launch" and dst_layer != "launch"):
                    bad.append(f"{at}: {src_layer} includes {dst_layer}, "
                               "a higher layer (includes only point down: "
                               f"{' < '.join(LAYERS)})")
                    keys.append((len(bad) - 1, f"up {path} {spelled}"))
                if dst_layer != src_layer:
                    key = (src_layer, dst_layer)
                    between[key] = between.get(key, 0) + 1
                a, b = module_of(path), module_of(target)
                if a != b:
                    edges.setdefault(a, set()).add(b)
                    where.setdefault((a, b), at)
    for comp in sccs(sorted({module_of(p) for p in files}), edges):
        members = set(comp)
        bad.append("cycle between " + ", ".join(comp) + ":")
        keys.append((len(bad) - 1, "cycle " + " ".join(comp)))
        for a in comp:
            for b in sorted(edges.get(a, ())):
                if b in members:
                    bad.append("    " + where[(a, b)])
    return bad, keys, between


def apply_allow(root, bad, keys):
    """Marks listed violations as known; returns (bad, known, stale)."""
    path = os.path.join(root, "tests", "tools", "layers.allow")
    allow = []
    if os.path.isfile(path):
        for ln in open(path):
            ln = ln.split("#", 1)[0].strip()
            if ln:
                allow.append(" ".join(ln.split()))
    known_idx, used = set(), set()
    for i, key in keys:
        if key in allow:
            known_idx.add(i)
            used.add(key)
    out, known, skip = [], [], False
    for i, line in enumerate(bad):
        if i in known_idx:
            known.append(line)
            skip = line.startswith("cycle")
            continue
        if line.startswith("    ") and skip:
            known.append(line)
            continue
        skip = False
        out.append(line)
    stale = [a for a in allow if a not in used]
    return out, known, stale


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad, keys, between = check(root)
    bad, known, stale = apply_allow(root, bad, keys)
    for line in stale:
        bad.append(f"tests/tools/layers.allow: '{line}' matches nothing "
                   "any more: remove it")
    for line in bad:
        print(line)
    for line in known:
        print("known (layers.allow): " + line.strip())
    print("layers (includes between them):")
    for src_layer in LAYERS:
        outs = [f"{d} {between[(s, d)]}" for (s, d) in sorted(
            between, key=lambda k: RANK.get(k[1], 99)) if s == src_layer]
        if outs:
            print(f"  {src_layer:8} -> {', '.join(outs)}")
    nknown = sum(1 for k in known if not k.startswith("    "))
    if bad:
        print(f"{sum(1 for b in bad if not b.startswith('    '))} problem(s)")
    else:
        print(f"no new upward include or cycle ({nknown} known, listed in "
              "tests/tools/layers.allow)" if nknown else
              "no upward include, no cycle")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
