"""Commands about the archive's own state: status per site, the runs, and reindex, which rebuilds the catalog."""

from __future__ import annotations

import sys

import click

from archive.recorder import Archive
from crawler.cli.base import Context, cli, friendly, json_line
from crawler.sites import SITES
from crawler.wording import count as count_of
from crawler.wording import table


@cli.command()
@click.pass_obj
@friendly
def reindex(obj: Context) -> None:
    """Rebuild the catalog from the files: versions, the log of runs and visits, and the WARC captures."""
    from archive.warcscan import scan_captures
    from crawler.pipeline.layout import carry_over

    archive = obj.reading(rebuilding=True)
    with archive.writing(restore=False):
        carried = carry_over(archive, SITES.values())  # documents of an old key layout move first
        report = archive.reindex(scan_captures(archive.root))
    if carried.moved:
        click.echo(f"{count_of(carried.moved, 'document')} moved to today's key layout", err=True)
    problems = [*carried.problems, *report.problems]
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{count_of(report.documents, 'document')}, {count_of(report.versions, 'version')} indexed", err=True)
    if problems:
        sys.exit(1)


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run (see README), for scripts.")
@click.pass_obj
@friendly
def runs(obj: Context, limit: int, as_json: bool) -> None:
    """List the most recent runs with their counts."""
    archive = obj.reading()
    found = archive.runs(limit)
    if not found:
        click.echo(f"no runs yet in the archive at {archive.root}", err=True)
        return
    rows = []
    for run in found:
        if as_json:
            item = {"run": run.id, "started": run.started, "finished": run.finished, "status": run.status}
            json_line({**item, "command": run.command, "sites": run.sites.split(), "counts": run.counts})
            continue
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(run.counts.items()) if v) or "-"
        finished = run.finished or "(running or killed)"
        rows.append((str(run.id), run.started, finished, run.status, run.command, run.sites, counts))
    if as_json:
        return
    headers = ("RUN", "STARTED", "FINISHED", "STATUS", "COMMAND", "SITES", "COUNTS")
    for line in table(headers, rows, right=frozenset({0})):
        click.echo(line)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site (see README), for scripts.")
@click.pass_obj
@friendly
def status(obj: Context, as_json: bool) -> None:
    """Per site: its health (healthy, degraded or broken, and why), then when a run last succeeded, how many
    documents are archived, withdrawn, due, and known only from the web archive."""
    from crawler.pipeline.health import site_health
    from crawler.pipeline.revisit import due_in

    archive = obj.reading()
    now = archive.clock()
    last_ok: dict[str, str] = {}
    last_any: dict[str, tuple[str, str]] = {}
    for run in reversed(archive.runs(10_000)):
        for site in run.sites.split():
            last_any[site] = (run.started, run.status)
            if run.status == "ok":
                last_ok[site] = run.finished or run.started
    for name in SITES:
        total, withdrawn = archive.count_documents(name)
        if not total and name not in last_any:
            continue
        started, state = last_any.get(name, ("never", "-"))
        due, _ = due_in(archive, name, now, 0)
        health = site_health(archive, name, now)
        only, only_withdrawn = _web_archive_only(archive, name)
        if as_json:
            item = {"site": name, "documents": total, "withdrawn": withdrawn, "due": due}
            item |= {"web_archive_only": only, "web_archive_only_withdrawn": only_withdrawn}
            last = {"last_success": last_ok.get(name), "last_run": last_any.get(name, (None, None))[0]}
            verdict = {"verdict": health.verdict, "reason": health.reason, "health": health.figures}
            json_line({**item, **last, "last_run_status": last_any.get(name, (None, None))[1], **verdict})
            continue
        click.echo(f"{name}: {health.verdict} — {health.reason}")
        click.echo(
            f"    {count_of(total, 'document')} ({withdrawn} withdrawn), {due} due now; "
            f"last success {last_ok.get(name, 'never')}; last run {started} ({state})"
        )
        if only:
            click.echo(f"    {count_of(only, 'document')} known only from the web archive ({only_withdrawn} withdrawn)")


def _web_archive_only(archive: Archive, site: str) -> tuple[int, int]:
    """How many of a site's documents exist only through the web archive (never seen live), and how many of
    those are withdrawn (the live site answers 404 or 410: the web archive holds their last text)."""
    keys = archive.web_archive_only(site)
    withdrawn = 0
    for key in keys:
        doc = archive.document(key)
        withdrawn += bool(doc and doc.status == "withdrawn")
    return len(keys), withdrawn
