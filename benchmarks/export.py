"""Benchmark: de-identified exports (Parquet, REDCap, FHIR NDJSON) of growing synthetic cohorts.

For each cohort size (default 1,000, 3,000 and 10,000 patients x 730 days, ``ketaclinic synth``)
a fresh SQLite database is filled once with ``ketaclinic load-cohort`` (the bulk-load action:
patients and a questionnaire history every 90 days, ~36 responses a patient), then each format
is exported by two contenders, each in its own process so its peak RSS (getrusage) is its own:

- project: ``ketaclinic.interop`` as shipped, streaming (chunked cursor reads, one row or chunk in
  memory at a time);
- naive_in_memory: benchmarks/export_baselines/naive.py, the same rows and builders but every
  row (or FHIR resource) collected in memory before anything is written.

Both write the same content (checked: same row and resource counts). The project's peak RSS must
stay flat as the cohort grows; the naive one grows with it. FHIR is the slow format
(``fhir.resources`` validates and serialises each resource in Python, ~0.4 ms each): the naive
FHIR baseline runs only up to ``--naive-fhir-max`` patients, where its memory is already shown
growing. The last line is the JSON object of docs/contracts.md "Benchmarks".

FHIR is also exported identified (``project_identified``, the admin's export) and, up to
``--model-serialiser-max`` patients (1,000), with the old model-based writer
(``model_serialiser``: fhir.resources' ``model_dump_json`` in place of
``ketaclinic.interop.fhir.fast_json``, issue 22's baseline); each prints resources per second.

    .venv/bin/python benchmarks/export.py [--sizes 1000,3000,10000] [--formats parquet,redcap,fhir]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DAYS = 730
ADMIN, RESEARCHER = "bench_admin", "bench_researcher"


def _env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(KETACLINIC_ENV="development", KETACLINIC_DATA_DIR=str(database))
    return env


def _ketaclinic() -> str:
    return str(Path(sys.executable).parent / "ketaclinic")


def prepare(work: Path, patients: int, seed: int) -> tuple[Path, dict[str, int]]:
    """The cohort's database, filled once (reused while size and seed are the same)."""
    database = work / f"db-{patients}-s{seed}"
    marker = database / "loaded.json"
    if marker.exists():  # reused: bring its schema up to date (apps added since)
        subprocess.run([_ketaclinic(), "migrate"], check=True, env=_env(database),
                       stdout=subprocess.DEVNULL)  # fmt: skip
        return database, json.loads(marker.read_text())
    shutil.rmtree(database, ignore_errors=True)
    cohort = work / f"cohort-{patients}x{DAYS}-s{seed}"
    if not (cohort / "manifest.json").exists():
        subprocess.run([_ketaclinic(), "synth", "--patients", str(patients), "--days", str(DAYS),
                        "--seed", str(seed), "--out", str(cohort)], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    env = _env(database)
    subprocess.run([_ketaclinic(), "migrate"], check=True, env=env, stdout=subprocess.DEVNULL)
    setup = (
        "from ketaclinic.cli.django_setup import setup_django; setup_django()\n"
        "from ketaclinic.accounts.actions import create_site, create_user\n"
        "sites = [create_site(actor=None, code=c, name=c.title()) for c in ('north', 'south')]\n"
        f"for name, role in (({ADMIN!r}, 'admin'), ({RESEARCHER!r}, 'researcher')):\n"
        "    create_user(actor=None, username=name, password='bench-pass-2026', role=role,\n"
        "                sites=sites, check_password_strength=False)\n"
    )
    subprocess.run([sys.executable, "-c", setup], check=True, env=env)
    started = time.perf_counter()
    # Without diaries: this benchmark measures the registry and questionnaire exports it always
    # has (6.5 M diary days at 10,000 patients would take an hour to load and dominate FHIR).
    result = subprocess.run([_ketaclinic(), "load-cohort", str(cohort), "--as", ADMIN,
                             "--without-diaries"],
                            check=True, env=env, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    # "10000 patients, 360000 questionnaires, 0 diary days loaded"
    parts = result.stdout.split(" loaded")[0].split(", ")
    counts = {part.split(maxsplit=1)[1]: int(part.split()[0]) for part in parts}
    counts["load_s"] = round(seconds, 1)
    marker.write_text(json.dumps(counts))
    return database, counts


def run_contender(fmt: str, contender: str, out: Path) -> dict[str, object]:
    """Inside the subprocess: one export, timed; peak RSS of this process."""
    from ketaclinic.cli.django_setup import setup_django

    setup_django()
    from ketaclinic.accounts.models import User
    from ketaclinic.interop import exports
    from ketaclinic.interop.scope import export_scope

    identified = contender == "project_identified"
    scope = export_scope(
        actor=User.objects.get(username=ADMIN if identified else RESEARCHER),
        site_code=None,
        deidentify=not identified,
    )
    if contender == "model_serialiser":
        # Today's (before issue 22) FHIR writer: fhir.resources' own model_dump_json.
        from ketaclinic.interop.fhir import bulk

        bulk.dumps = lambda resource: resource.model_dump_json()  # type: ignore[assignment]
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    if contender in ("project", "project_identified", "model_serialiser"):
        counts = getattr(exports, f"export_{fmt}")(scope=scope, out=out)
    else:
        sys.path.insert(0, str(HERE))
        from export_baselines import naive

        counts = naive.export(fmt, scope, out)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": peak_mb, "counts": counts}


def measure(database: Path, fmt: str, contender: str, out: Path) -> dict[str, object]:
    command = [sys.executable, __file__, "--run", fmt, "--contender", contender,
               "--out", str(out)]  # fmt: skip
    result = subprocess.run(command, check=True, capture_output=True, text=True, env=_env(database))
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fhir_figures(table: Any, sizes: list[int], largest: int) -> dict[str, object]:
    """Issue 22's FHIR figures: ours at the largest cohort (identified and de-identified) and the
    old model-based serialiser on the largest cohort it ran on (the 1,000-patient slice)."""
    fhir = table[largest]["fhir"]
    figures: dict[str, object] = {
        "resources_per_s": fhir["project_identified"]["resources_per_s"],
        "deidentified_resources_per_s": fhir["project"]["resources_per_s"],
    }
    sliced = [size for size in sizes if "model_serialiser" in table[size]["fhir"]]
    if sliced:
        old = table[sliced[-1]]["fhir"]["model_serialiser"]
        figures["model_serialiser_patients"] = sliced[-1]
        figures["model_serialiser_s"] = round(float(old["seconds"]), 2)
        figures["model_serialiser_resources_per_s"] = old["resources_per_s"]
    return figures


def _model_serialiser_baseline(table: Any, sizes: list[int]) -> dict[str, float]:
    """The old model-based FHIR serialiser's time, keyed by the slice it ran on."""
    sliced = [size for size in sizes if "model_serialiser" in table[size].get("fhir", {})]
    if not sliced:
        return {}
    seconds = float(table[sliced[-1]]["fhir"]["model_serialiser"]["seconds"])
    return {f"fhir_model_serialiser_{sliced[-1]}": round(seconds, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--formats", default="parquet,redcap,fhir")
    parser.add_argument("--naive-fhir-max", type=int, default=3000)
    parser.add_argument(
        "--model-serialiser-max",
        type=int,
        default=1000,
        help="largest cohort exported with the old model-based FHIR serialiser (the baseline)",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "export")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--contender", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_contender(args.run, args.contender, args.out)))
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    args.work.mkdir(parents=True, exist_ok=True)
    table: dict[int, dict[str, dict[str, dict[str, object]]]] = {}
    loaded: dict[int, dict[str, int]] = {}
    problems = []
    for size in sizes:
        database, counts = prepare(args.work, size, args.seed)
        loaded[size] = counts
        print(f"cohort {size:>6} patients: {counts['questionnaires']:,} questionnaires "
              f"(bulk-loaded in {counts['load_s']} s)")  # fmt: skip
        table[size] = {}
        for fmt in formats:
            table[size][fmt] = {}
            contenders = ["project"]
            if fmt == "fhir":
                contenders.append("project_identified")
                if size <= args.model_serialiser_max:
                    contenders.append("model_serialiser")
            if fmt != "fhir" or size <= args.naive_fhir_max:
                contenders.append("naive_in_memory")
            for contender in contenders:
                out = args.work / "out" / f"{size}-{fmt}-{contender}"
                figures = measure(database, fmt, contender, out)
                table[size][fmt][contender] = figures
                shutil.rmtree(out, ignore_errors=True)
                print(f"  {fmt:<8} {contender:<16} {figures['seconds']:8.2f} s   peak RSS "
                      f"{figures['peak_rss_mb']:7.0f} MB   {figures['counts']}")  # fmt: skip
            results = table[size][fmt]
            same = results["project"]["counts"] == results.get("naive_in_memory", {}).get("counts")
            if fmt == "fhir":
                total = sum(results["project"]["counts"].values())  # type: ignore[union-attr]
                for name, figures in results.items():
                    figures["resources_per_s"] = round(total / float(figures["seconds"]))  # type: ignore[arg-type]
                    print(f"  fhir     {name:<18} {figures['resources_per_s']:>8,} resources/s")
            if len(results) == 2 and not same:
                problems.append(f"{size} {fmt}: the contenders wrote different counts")

    largest, smallest = sizes[-1], sizes[0]
    project_peak = {
        size: max(float(table[size][f]["project"]["peak_rss_mb"]) for f in formats)  # type: ignore[arg-type]
        for size in sizes
    }
    growth = project_peak[largest] / project_peak[smallest]
    print(f"project peak RSS {smallest} -> {largest} patients: {project_peak[smallest]:.0f} -> "
          f"{project_peak[largest]:.0f} MB ({growth:.2f}x for {largest / smallest:.0f}x the "
          "patients; must be <= 1.5x): " + ("ok" if growth <= 1.5 else "NOT MET"))  # fmt: skip
    for problem in problems:
        print("CHECK FAILED:", problem)
    (args.work / "results.json").write_text(json.dumps(table, indent=1, default=str))
    # Times are compared on the formats both contenders exported at the largest size; FHIR's
    # project time is reported on its own when the naive FHIR baseline was not run there.
    both = [f for f in formats if "naive_in_memory" in table[largest][f]]

    def seconds(fmt: str, contender: str) -> float:
        return float(table[largest][fmt][contender]["seconds"])  # type: ignore[arg-type]

    def peaks(size: int, contender: str) -> dict[str, int]:
        return {
            f: round(float(table[size][f][contender]["peak_rss_mb"]))  # type: ignore[arg-type]
            for f in formats
            if contender in table[size][f]
        }

    print(json.dumps({
        "benchmark": "export",
        "size": {"patients": largest, "days": DAYS,
                 "questionnaires": loaded[largest]["questionnaires"], "sizes": sizes,
                 "formats_timed": both},
        "project_s": round(sum(seconds(f, "project") for f in both), 2),
        "baselines_s": {
            "naive_in_memory": round(sum(seconds(f, "naive_in_memory") for f in both), 2),
            **_model_serialiser_baseline(table, sizes),
        },
        "peak_rss_mb": round(project_peak[largest]),
        "project_fhir_s": round(seconds("fhir", "project"), 2) if "fhir" in formats else None,
        **(_fhir_figures(table, sizes, largest) if "fhir" in formats else {}),
        "peak_rss_mb_by_size": {
            str(size): {"project": peaks(size, "project"),
                        "naive_in_memory": peaks(size, "naive_in_memory")}
            for size in sizes
        },
    }))  # fmt: skip
    return 1 if problems or growth > 1.5 else 0


if __name__ == "__main__":
    sys.exit(main())
