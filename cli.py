#!/usr/bin/env python3
"""Ratsakten command line: a thin layer over the `pipeline` library."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from pipeline.config import Settings
from pipeline.errors import ExitCode, Interrupted, RatsaktenError, UsageError

DEFAULT_OUT = Path(__file__).resolve().parent / "outputs"


def _fail(exc: RatsaktenError) -> None:
    """The one place where a library error becomes a line on stderr and an exit code."""
    prefix = "" if isinstance(exc, Interrupted) else "error: "
    click.echo(f"{prefix}{exc}", err=True)
    logging.getLogger("ratsakten").debug("details", exc_info=exc)
    sys.exit(int(exc.exit_code))


@click.group(help="Ratsakten turns council memos (PDFs and scans) into clean tables.")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
def main(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command(help="Process PDF files and scans (files or folders, searched recursively).")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder for the tables.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Process every document again.")
@click.option("--dpi", type=int, default=300, show_default=True, help="Render resolution for OCR.")
@click.option("--ocr-timeout", type=float, default=120.0, show_default=True, help="Seconds per page.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path), default=None,
              help="Models folder (default: models/ of this checkout).")
@click.option("--spacy-model", default=None, help="Also use this installed spaCy pipeline's NER (e.g. de_core_news_lg).")
@click.option("--excel-csv", is_flag=True, help="Write CSV in the German Excel dialect (';', UTF-8 BOM).")
@click.option("--no-crops", is_flag=True, help="Do not write page crops for the review queue.")
@click.option("--max-pages", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Documents with more pages fail at once with a clear error.")
@click.option("--doc-timeout", type=float, default=1800.0, show_default=True,
              help="Wall-clock seconds per document; a worker past it is stopped and replaced.")
@click.option("--max-memory", "max_memory_mb", type=int, default=4096, show_default=True,
              help="Memory limit per worker process in MB (0: none).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes here; dask: documents as tasks on a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786); without it a "
              "LocalCluster is started.")
@click.option("--dask-workers", type=click.IntRange(min=1), default=None,
              help="Workers of the LocalCluster (default: --jobs).")
@click.option("--partitioned", is_flag=True, help="Also write each table as a Parquet dataset under OUT/dataset/.")
@click.option("--apply-answers", is_flag=True,
              help="Write the reviewers' answers (OUT/review.sqlite) into the new tables, as `cli.py apply` does.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
def run(inputs, out_dir, jobs, no_cache, dpi, ocr_timeout, models_dir, spacy_model, excel_csv, no_crops,
        max_pages, doc_timeout, max_memory_mb, executor, scheduler, dask_workers, partitioned, apply_answers, quiet):
    from pipeline.run import run as run_pipeline

    kwargs = dict(dpi=dpi, ocr_timeout=ocr_timeout, use_cache=not no_cache, extra_spacy_model=spacy_model,
                  write_crops=not no_crops, max_pages=max_pages, doc_timeout=doc_timeout,
                  max_memory_mb=max_memory_mb, executor=executor, scheduler=scheduler, dask_workers=dask_workers or 0,
                  excel_csv=excel_csv, partitioned=partitioned, progress=not quiet, apply_answers=apply_answers)
    if jobs:
        kwargs["jobs"] = jobs
    if models_dir:
        kwargs["models_dir"] = models_dir
    try:
        settings = Settings(**kwargs)
    except ValueError as exc:
        _fail(UsageError(str(exc)))
    try:
        summary = run_pipeline(list(inputs), out_dir, settings)
    except RatsaktenError as exc:
        _fail(exc)
    except KeyboardInterrupt:  # Ctrl-C before the run took over the signal: nothing was written
        click.echo("interrupted before any document was done; nothing written", err=True)
        sys.exit(int(ExitCode.interrupted))
    if not quiet:
        rows = ", ".join(f"{k} {v}" for k, v in summary.rows.items())
        click.echo(f"{summary.documents} documents ({summary.failed} failed, {summary.cached} cached), "
                   f"{summary.pages} pages in {summary.seconds:.1f} s -> {summary.out_dir}: {rows}", err=True)
    sys.exit(int(ExitCode.documents_failed if summary.failed else ExitCode.ok))


@main.command(help="Export the tables in OUT_DIR to a standard format (OParl 1.1 JSON in OUT_DIR/oparl/).")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["oparl"]), required=True, help="Export format.")
@click.option("--base-url", default="http://localhost/oparl", show_default=True,
              help="URL at which OUT_DIR/oparl/ will be served; all OParl ids are built under it.")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="Folder or file the run was given, to find the originals for File size and sha512 (repeatable).")
def export(out_dir, fmt, base_url, inputs):
    from pipeline.export.oparl import export_oparl

    try:
        counts = export_oparl(out_dir, base_url=base_url, inputs=list(inputs))
    except RatsaktenError as exc:
        _fail(exc)
    except OSError as exc:
        raise click.ClickException(str(exc))
    objects = ", ".join(f"{k} {v}" for k, v in counts.items() if k[:1].isupper())
    click.echo(f"OParl 1.1 -> {out_dir / 'oparl'}: {objects}; {counts['lists']} list pages, "
               f"{counts['checksummed_files']} files checksummed, {counts['skipped_documents']} failed documents "
               f"not exported")


@main.command(help="Review flagged values in the browser: a local web app over OUT_DIR (the address is printed). "
                   "With --export, write all answers given so far to a CSV file instead.")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address lets others change the answers.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port (0: a free one).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (a proxy's or DNS alias's; repeatable). The app "
                   "always answers to localhost, the bound address and this machine's names, and to no other.")
@click.option("--user", "who", default=None, help="Reviewer name stored with each answer (default: login name).")
@click.option("--export", "export_csv", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the answers (OUT_DIR/review.sqlite) to this CSV file and exit.")
def review(out_dir, host, port, allow_hosts, who, export_csv):
    from pipeline import review_app

    try:
        if export_csv is not None:
            n = review_app.export_answers(out_dir, export_csv)
            click.echo(f"{n} answers -> {export_csv}", err=True)
            return
        review_app.serve(out_dir, host=host, port=port, who=who, announce=click.echo, allow_hosts=allow_hosts)
    except RatsaktenError as exc:
        _fail(exc)
    except OSError as exc:  # port taken, address not available
        raise click.ClickException(str(exc))


@main.command(help="Write the reviewers' answers (OUT_DIR/review.sqlite) into the tables in OUT_DIR, and accepted "
                   "name corrections into OUT_DIR/learned.tsv (later runs into OUT_DIR make them without asking; "
                   "see `cli.py learned`).")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--models", "models_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Models folder whose gazetteer tells names from other words (default: models/ of this checkout).")
def apply(out_dir, models_dir):
    from pipeline.review_apply import apply_answers

    if not (out_dir / "review.sqlite").exists():
        _fail(UsageError(f"no answers in {out_dir}: review first with `python cli.py review {out_dir}`"))
    from pipeline.outdir import OutputLock

    try:
        with OutputLock(out_dir, "apply"):
            s = apply_answers(out_dir, models_dir)
    except RatsaktenError as exc:
        _fail(exc)
    except OSError as exc:
        raise click.ClickException(str(exc))
    statuses = ", ".join(f"{v} {k}" for k, v in sorted(s.by_status.items())) or "none"
    click.echo(f"{s.applied} answers applied ({statuses}); {s.stale} no longer asked; "
               f"{s.learned} corrections learned ({out_dir / 'learned.tsv'})", err=True)


@main.command(help="List the learned repairs in force for OUT_DIR (its own learned.tsv and the promoted ones in "
                   "models/gazetteer/learned.tsv); --undo takes one back, --promote shares OUT_DIR's with every "
                   "output folder.")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--undo", "reading", default=None, metavar="READING",
              help="Take back the repair of this OCR reading in OUT_DIR (the next run re-reads only the "
                   "documents it had changed).")
@click.option("--promote", is_flag=True, help="Copy OUT_DIR's learned repairs into models/gazetteer/learned.tsv.")
@click.option("--models", "models_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Models folder of the promoted repairs (default: models/ of this checkout).")
def learned(out_dir, reading, promote, models_dir):
    from pipeline import learned as lr
    from pipeline.config import DEFAULT_MODELS

    models_dir = models_dir or DEFAULT_MODELS
    if reading is not None and promote:
        _fail(UsageError("--undo and --promote: one at a time"))
    if reading is not None:
        was = lr.undo(out_dir, models_dir, reading)
        if was is None:
            _fail(UsageError(f"no learned repair of '{reading}' in force for {out_dir} "
                             f"(list them with `python cli.py learned {out_dir}`)"))
        click.echo(f"undone: '{was.original}' -> '{was.corrected}' ({was.who}, {was.when}); "
                   f"listed in {out_dir / lr.UNDONE_FILE}", err=True)
        return
    if promote:
        n, refused = lr.promote(out_dir, models_dir)
        click.echo(f"{n} learned repairs promoted to {models_dir / lr.MODELS_FILE}"
                   + (f"; {len(refused)} refused" if refused else ""), err=True)
        return
    mine = lr.read_learned(out_dir / lr.OUT_FILE).repairs
    for reading_, r in sorted(lr.repairs_for_run(models_dir, out_dir).items()):
        where = "here" if reading_ in mine else "promoted"
        click.echo(f"{r.original}\t{r.corrected}\t{r.who}\t{r.when}\t{where}")


@main.command(help="Print the decision register of OUT_DIR: each file number's documents in date order (proposal, "
                   "decision, reports), with their decisions, results and outcomes. REFERENCE: only that number "
                   "(as printed or typed, e.g. v2072/23).")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("reference", required=False)
def register(out_dir, reference):
    from pipeline.link.register import format_history, history

    try:
        rows = history(out_dir, reference)
    except RatsaktenError as exc:
        _fail(exc)
    if not rows:
        click.echo(f"the register of {out_dir} is empty: no document names a Vorlage or Drucksache", err=True)
        return
    click.echo(format_history(rows), nl=False)


@main.command(help="Score the tables in OUT_DIR against the true answers (*.truth.json) under TRUTH_DIR: "
                   "prints a table and writes the scores as JSON.")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("truth_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the scores (default: OUT_DIR/evaluation.json).")
@click.option("--reliability", "png_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also draw the reliability diagram of the confidences to this PNG.")
def evaluate(out_dir, truth_dir, json_path, png_path):
    from evaluation.samples import evaluate as score
    from evaluation.samples import format_report, write_json

    if not (out_dir / "documents.parquet").exists():
        _fail(UsageError(f"no tables in {out_dir}: run `python cli.py run INPUT... --out {out_dir}` first"))
    scores = score(out_dir, truth_dir)
    if not scores["documents"]["truth"]:
        _fail(UsageError(f"no *.truth.json under {truth_dir}"))
    json_path = json_path or out_dir / "evaluation.json"
    write_json(scores, json_path)
    click.echo(format_report(scores))
    click.echo(f"scores -> {json_path}", err=True)
    if png_path is not None:
        from evaluation.reliability import plot

        click.echo(f"reliability diagram -> {plot({out_dir.name: scores['calibration']}, png_path)}", err=True)


if __name__ == "__main__":
    main()
