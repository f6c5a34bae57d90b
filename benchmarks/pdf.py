"""`python -m benchmarks pdf [--small]`: register, annex batch and one annex against plain WeasyPrint renders.

Every phase runs in its own forked process so that its peak memory is its own; memory is the
proportional set size (PSS) of the phase's process tree, sampled every 0.1 s, so forked workers'
shared pages are not counted twice. Ratios compare with the plain render measured in the same run.
"""

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

FORMAT_VERSION = 1
FULL = {"activities": 1000, "subprocessors": 300, "clients": 2000}
SMALL = {"activities": 60, "subprocessors": 30, "clients": 120}


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


class TreeMemory:
    """Samples the PSS of this process and all its descendants; keeps the peak and a timeline."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak_kb, self.samples = interval, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        root = os.getpid()
        while not self._stop.is_set():
            pids, todo = [], [root]
            while todo:
                p = todo.pop()
                pids.append(p)
                todo += _children(p)
            total = sum(_pss_kb(p) for p in pids)
            self.samples.append((time.perf_counter(), total))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _in_child(fn, *args) -> dict:
    """Run fn(*args) -> dict in a forked process; add its seconds and peak memory of its process tree."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def target():
        with TreeMemory() as mem:
            start = time.perf_counter()
            result = fn(*args)
            seconds = time.perf_counter() - start
        used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        result.setdefault("seconds", seconds)
        result["cpu"] = sum(u.ru_utime + u.ru_stime for u in used)
        result["peak_mb"] = mem.peak_kb / 1024
        result["timeline"] = [(t - start, kb) for t, kb in mem.samples]
        queue.put(result)

    proc = ctx.Process(target=target)
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _session(db: Path):
    from sqlmodel import Session

    from registry.db import make_engine

    return Session(make_engine(f"sqlite:///{db}"), expire_on_commit=False)


def _pages(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as p:
        return len(p.pages)


def build(db: Path, work: Path, counts: dict) -> dict:
    from benchmarks import synthetic
    from registry.db import create_schema
    from registry.pdf import documents, register

    with _session(db) as s:
        create_schema(s.get_bind())
        org_id = synthetic.build(s, **counts)
        s.commit()
        doc = documents.register(documents.load(s, org_id), "fr")
        (work / "register.html").write_text(register.plain_register_html(doc), "utf-8")
    return {"org_id": org_id}


def plain_register(work: Path) -> dict:
    from registry.pdf import render

    html = (work / "register.html").read_text("utf-8")
    render.stylesheets()
    start = time.perf_counter()
    pdf = render.html_to_pdf(html)
    return {"seconds": time.perf_counter() - start, "pages": _pages(pdf)}


def chunked_register(db: Path, org_id: int, cache: Path) -> dict:
    from registry.pdf import register

    with _session(db) as s:
        pdf = register.register_pdf(s, org_id, "fr", cache_dir=cache, workers=2, chunked=True)
    return {"pages": _pages(pdf)}


def change_one_activity(db: Path, org_id: int) -> dict:
    from sqlmodel import select

    from registry.models import Activity

    with _session(db) as s:
        a = s.exec(select(Activity).where(Activity.organisation_id == org_id).order_by(Activity.id).offset(5)).first()
        a.description = (a.description or "") + " Modifié pour le banc d'essai."
        s.commit()
    return {}


def _bare_annex(html: str) -> int:
    from registry.pdf import render

    return len(render.html_to_pdf(html))


def annex_htmls(db: Path, org_id: int, work: Path) -> dict:
    import pickle

    from registry.pdf import documents, register

    with _session(db) as s:
        snap = documents.load(s, org_id)
        htmls = [register.annex_html(documents.annex(snap, c)) for c in snap.clients]
    (work / "annexes.pickle").write_bytes(pickle.dumps(htmls))
    return {"count": len(htmls)}


def bare_pool(work: Path) -> dict:
    """The reference: a bare pool of two forked workers rendering the same annex HTML, nothing else."""
    import pickle

    from registry.pdf import render

    htmls = pickle.loads((work / "annexes.pickle").read_bytes())
    render.stylesheets()
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        sizes = list(pool.imap_unordered(_bare_annex, htmls, chunksize=2))
    return {"seconds": time.perf_counter() - start, "count": len(sizes)}


def annex_batch(db: Path, org_id: int, out: Path, cache: Path) -> dict:
    from registry.pdf import register, render

    render.stylesheets()
    with _session(db) as s:
        files = register.export_annexes(s, org_id, out, cache, workers=2)
    return {"count": len(files)}


def one_annex(db: Path, org_id: int) -> dict:
    """One annex as the web page serves it (from the database) against the bare render of its HTML."""
    from sqlmodel import select

    from registry.models import ClientController
    from registry.pdf import documents, register, render

    with _session(db) as s:
        clients = s.exec(select(ClientController).where(ClientController.organisation_id == org_id)
                         .order_by(ClientController.id).limit(11)).all()
        client = clients[-1]
        snap, c = documents.load_for_client(s, org_id, client.id)
        html = register.annex_html(documents.annex(snap, c))
        bare, web, pages = [], [], 0
        for _ in range(2):  # warm-up of both paths
            render.html_to_pdf(html)
            register.annex_pdf(s, org_id, client.id)
        for _ in range(7):
            t = time.perf_counter()
            pdf = render.html_to_pdf(html)
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            register.annex_pdf(s, org_id, client.id)
            web.append(time.perf_counter() - t)
        pages = _pages(pdf)
    return {"bare": statistics.median(bare), "web": statistics.median(web), "pages": pages}


def _flatness(timeline: list[tuple[float, int]]) -> tuple[float, float]:
    """Peak memory (MB) in the second and the last quarter of a run: flat when the two are alike."""
    if not timeline:
        return 0.0, 0.0
    end = timeline[-1][0]
    q2 = [kb for t, kb in timeline if end * 0.25 <= t < end * 0.5] or [0]
    q4 = [kb for t, kb in timeline if t >= end * 0.75] or [0]
    return max(q2) / 1024, max(q4) / 1024


def run(counts: dict, only: str | None = None) -> None:
    # Imported once here, before the phases fork: a long-lived process (CLI, web worker) pays it once.
    from registry.pdf import register, render  # noqa: F401

    line = "{:<26} {:>9} {:>9} {:>7} {:>9} {:>9} {:>8} {:>8} {:>8}"
    print(f"pdf benchmark v{FORMAT_VERSION}  activities={counts['activities']} subprocessors={counts['subprocessors']}"
          f" clients={counts['clients']}  cpus={os.cpu_count()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    try:
        db = work / "bench.db"
        t = time.perf_counter()
        org_id = _in_child(build, db, work, counts)["org_id"]
        print(f"setup: synthetic organisation built in {time.perf_counter() - t:.1f} s", flush=True)
        print(line.format("phase", "seconds", "cpu_s", "pages", "pages/s", "peak_MB", "x_time", "x_cpu", "x_mem"),
              flush=True)

        def show(name, seconds, pages, peak, base_s, base_mb, cpu=None, base_cpu=None):
            rate = f"{pages / seconds:.2f}" if pages and seconds else "-"
            print(line.format(name, f"{seconds:.2f}", f"{cpu:.2f}" if cpu else "-", pages or "-", rate, f"{peak:.0f}",
                              f"{seconds / base_s:.3f}" if base_s else "-",
                              f"{cpu / base_cpu:.3f}" if cpu and base_cpu else "-",
                              f"{peak / base_mb:.3f}" if base_mb else "-"),
                  flush=True)

        checks = []
        if only != "annexes":
            checks += register_phases(work, db, org_id, show)
        if only != "register":
            checks += annex_phases(work, db, org_id, show)
        for name, value, limit, op in checks:
            ok = {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[op]
            print(f"target {name:<46} {value:8.3f}  {'PASS' if ok else 'FAIL'}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def register_phases(work: Path, db: Path, org_id: int, show) -> list[tuple]:
    plain = _in_child(plain_register, work)
    show("register.plain", plain["seconds"], plain["pages"], plain["peak_mb"], plain["seconds"], plain["peak_mb"],
         plain["cpu"], plain["cpu"])
    cache = work / "register-cache"
    cold = _in_child(chunked_register, db, org_id, cache)
    show("register.chunked", cold["seconds"], cold["pages"], cold["peak_mb"], plain["seconds"], plain["peak_mb"],
         cold["cpu"], plain["cpu"])
    _in_child(change_one_activity, db, org_id)
    regen = _in_child(chunked_register, db, org_id, cache)
    show("register.regenerate_one", regen["seconds"], regen["pages"], regen["peak_mb"], plain["seconds"],
         plain["peak_mb"], regen["cpu"], plain["cpu"])

    return [
        ("register.chunked time <= 0.50 x plain", cold["seconds"] / plain["seconds"], 0.50, "<="),
        ("register.chunked memory <= 0.333 x plain", cold["peak_mb"] / plain["peak_mb"], 1 / 3, "<="),
        ("register.regenerate_one time < 0.05 x plain", regen["seconds"] / plain["seconds"], 0.05, "<"),
    ]


def annex_phases(work: Path, db: Path, org_id: int, show) -> list[tuple]:
    one = _in_child(one_annex, db, org_id)
    show("annex.one.bare", one["bare"], one["pages"], 0, one["bare"], 0)
    show("annex.one.web", one["web"], one["pages"], 0, one["bare"], 0)

    n = _in_child(annex_htmls, db, org_id, work)["count"]
    bare = _in_child(bare_pool, work)
    show("annex.batch.bare_pool", bare["seconds"], 0, bare["peak_mb"], bare["seconds"], bare["peak_mb"],
         bare["cpu"], bare["cpu"])
    out, acache = work / "annexes", work / "annex-cache"
    first = _in_child(annex_batch, db, org_id, out, acache)
    show("annex.batch", first["seconds"], 0, first["peak_mb"], bare["seconds"], bare["peak_mb"],
         first["cpu"], bare["cpu"])
    rerun = _in_child(annex_batch, db, org_id, out, acache)
    show("annex.batch.rerun", rerun["seconds"], 0, rerun["peak_mb"], first["seconds"], first["peak_mb"],
         rerun["cpu"], first["cpu"])
    q2, q4 = _flatness(first["timeline"])

    throughput = (n / first["seconds"]) / (n / bare["seconds"])
    print(f"annex.batch: {n} annexes, {n / first['seconds']:.2f}/s vs bare pool {n / bare['seconds']:.2f}/s; "
          f"memory peak 2nd quarter {q2:.0f} MB, last quarter {q4:.0f} MB", flush=True)
    return [
        ("annex.batch throughput >= 0.9 x bare pool", throughput, 0.9, ">="),
        ("annex.batch memory last/2nd quarter <= 1.2", q4 / q2 if q2 else 0, 1.2, "<="),
        ("annex.batch.rerun time < 0.05 x first", rerun["seconds"] / first["seconds"], 0.05, "<"),
        ("annex.one.web time <= 1.4 x bare", one["web"] / one["bare"], 1.4, "<="),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run (60 activities, 30 sub-processors, 120 clients)")
    parser.add_argument("--activities", type=int)
    parser.add_argument("--subprocessors", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--only", choices=["register", "annexes"], help="run one half of the phases")
    args = parser.parse_args(argv)
    counts = dict(SMALL if args.small else FULL)
    for key in counts:
        if getattr(args, key) is not None:
            counts[key] = getattr(args, key)
    run(counts, args.only)
