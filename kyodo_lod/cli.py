"""The ``kyodo-lod`` command group. Commands only turn flags into calls."""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .config import BUNDLED_ROOT, CHECKOUT_ROOT, Settings
from .errors import KyodoError, SettingsError

if TYPE_CHECKING:
    from .web.prerender import Progress


def _settings(dist: Path | None = None, base_iri: str | None = None) -> Settings:
    """The settings from the environment, the group's ``--project`` and a command's flags (a
    path given on the command line is relative to the current folder, as in any command)."""
    project = click.get_current_context().find_root().params.get("project")
    return Settings.from_env(
        project_dir=project,
        dist_dir=dist.absolute() if dist is not None else None,
        base_iri=base_iri,
    )


def _fail(error: KyodoError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


class _Commands(click.Group):
    """The commands; a ``KYODO_*`` setting that cannot be used stops any of them with one line
    naming it (exit 1), not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsError as error:
            _fail(error)


@click.group(cls=_Commands)
@click.version_option(package_name="kyodo-lod")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder: its data/sources and dist/ (default: KYODO_PROJECT_DIR, else the "
    "current folder).",
)
def main(project: Path | None) -> None:
    """Publish city policy plans as Linked Open Data.

    The plans that ship with kyodo-lod (Koriyama) join every build; plans you import go to
    the project folder's data/sources/imported/, builds to its dist/."""


@main.command()
@click.option(
    "--dist", type=click.Path(path_type=Path), help="Output folder (default <project>/dist)."
)
@click.option("--base-iri", help="Base IRI for everything minted (default from KYODO_BASE_IRI).")
def build(dist: Path | None, base_iri: str | None) -> None:
    """Extract, model, reason, validate and publish every plan (bundled + data/sources)."""
    from .build.pipeline import build as run_build

    settings = _settings(dist, base_iri)
    try:
        result = run_build(settings, progress=click.echo)
    except KyodoError as error:
        _fail(error)
        return
    total = sum(result.seconds.values())
    click.echo(f"built {result.dist_dir} in {total:.2f} s")
    for name, count in result.triples_per_graph.items():
        click.echo(f"  {name:<9} {count:>7} triples")
    click.echo(f"  inferred by predicate: {len(result.inferred_by_predicate)} predicates")
    click.echo(f"  SHACL warnings: {result.warnings}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--shapes",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of shapes (default: the shapes bundled with kyodo-lod).",
)
def validate(file: Path, shapes: Path | None) -> None:
    """Validate any RDF FILE against the shapes and print the report."""
    from .build.validate import validate_file

    settings = _settings()
    try:
        outcome = validate_file(file, shapes or settings.shapes_dir)
    except KyodoError as error:
        _fail(error)
        return
    click.echo(outcome.text)
    sys.exit(0 if outcome.conforms else 1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the last build (building first if there is none)."""
    from .serve import serve as run_server

    run_server(_settings(), host=host, port=port)


@main.command()
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="the number of CPUs",
    help="Pages made at once (each on a page worker of its own).",
)
def prerender(jobs: int) -> None:
    """Make every resource's HTML page (Japanese and English) of the last build into its page
    store ahead of serving, on every CPU: a server of the build, running or started later,
    serves them and makes only what is left. Run it after a build, before the switch."""
    from .serve import prerender_build

    def report(progress: Progress) -> None:
        click.echo(_progress_line(progress), err=True)

    settings = _settings()
    try:
        progress = prerender_build(settings, jobs, report)
    except KeyboardInterrupt:  # (while the resources were being listed: nothing made yet)
        sys.exit(130)
    except KyodoError as error:
        _fail(error)
        return
    click.echo(_progress_line(progress))
    if progress.interrupted:  # Ctrl-C: the pages made so far are kept
        click.echo("interrupted: a server of the build, or the next run, makes the rest", err=True)
        sys.exit(130)
    if progress.full:
        kept = progress.made + progress.elsewhere
        need_mb = settings.page_store_mb * progress.total // max(kept, 1) + 1
        _fail(
            KyodoError(
                f"the page store is full (KYODO_PAGE_STORE_MB={settings.page_store_mb}): "
                f"{kept:,} of {progress.total:,} pages kept; about {need_mb:,} MB would hold "
                "them all"
            )
        )
    if progress.failed:
        _fail(KyodoError(f"{progress.failed:,} pages could not be made (the log names them)"))


def _progress_line(progress: Progress) -> str:
    rate = progress.rate
    line = (
        f"pages: {progress.done:,} of {progress.total:,} ({progress.made:,} made, "
        f"{progress.elsewhere:,} kept already or made elsewhere, {progress.failed:,} failed) "
        f"in {progress.seconds:.0f} s, {rate:.0f} pages/s"
    )
    left = progress.total - progress.done
    if rate and left and not (progress.full or progress.interrupted):
        line += f", about {left / rate / 60:.0f} min left"
    return line


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kpis",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Companion kpis.csv (city_code, fiscal_year, project_number, kpi_text, value, unit), "
    "or a workbook (its sheet named kpis, else its first sheet). Default for a workbook FILE: "
    "its sheet named kpis, if any.",
)
@click.option(
    "--sheet",
    help="The sheet of an .xlsx FILE to read (default: its first sheet not named kpis).",
)
def import_(file: Path, kpis: Path | None, sheet: str | None) -> None:
    """Check FILE (projects.csv template as CSV in UTF-8 or Shift_JIS, or as .xlsx) and add
    it to the sources for the next build."""
    from .build.importer import import_plan
    from .errors import Problem

    warnings: list[Problem] = []
    try:
        stored = import_plan(_settings(), file, kpis, sheet, warn=warnings.append)
    except KyodoError as error:
        _fail(error)
        return
    click.echo(f"imported {file} → {stored} (run `kyodo-lod build` to publish it)")
    # accepted, but worth a look: each names its file, line, column and field
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if warnings:
        click.echo(f"{len(warnings)} warning(s); the file was imported", err=True)


@main.command()
@click.option("--city", "cities", multiple=True, help="Only this city code (repeatable).")
@click.option(
    "--dist", type=click.Path(path_type=Path), help="Build folder (default <project>/dist)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
def export(cities: tuple[str, ...], dist: Path | None, output: Path | None) -> None:
    """Write the built projects.csv (the import template), optionally for some cities only."""
    from .build.importer import export_projects

    try:
        text = export_projects(_settings(dist), cities)
    except KyodoError as error:
        _fail(error)
        return
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@main.command("compare")
@click.argument("cities", nargs=-1)
@click.option("--endpoint", "endpoints", multiple=True, help="A kyodo-lod SPARQL endpoint URL.")
@click.option("--year", type=int, help="Fiscal year to compare (default: each city's latest).")
@click.option("--changes", help="Years A:B for the changes table (default: the year before).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help="CSV out.")
@click.option(
    "--dist", type=click.Path(path_type=Path), help="Build folder (default <project>/dist)."
)
def compare_cmd(
    cities: tuple[str, ...],
    endpoints: tuple[str, ...],
    year: int | None,
    changes: str | None,
    csv_file: Path | None,
    dist: Path | None,
) -> None:
    """Compare CITIES (local government codes) by SDG goals, targets and departments."""
    from .compare import run_compare

    try:
        text = run_compare(_settings(dist), cities, endpoints, year, changes, csv_file)
    except KyodoError as error:
        _fail(error)
        return
    click.echo(text, nl=False)


@main.command("settings")
def show_settings() -> None:
    """List every setting, its environment variable, value (paths resolved) and help, then the
    plans the next build reads."""
    from .build.sources import discover

    settings = _settings()
    for f in fields(Settings):
        click.echo(f"KYODO_{f.name.upper():<20} {getattr(settings, f.name)!s}")
        click.echo(f"    {f.metadata.get('help', '')}")
    where = "this checkout" if BUNDLED_ROOT == CHECKOUT_ROOT else "the installed package"
    click.echo(f"\nbundled with kyodo-lod, read-only ({where}): {BUNDLED_ROOT}")
    try:
        plans = discover(settings.sources_dir, settings.bundled_sources)
    except KyodoError as error:
        click.echo(f"plans the next build reads: none ({error})")
        return
    click.echo("plans the next build reads:")
    for path in plans:
        click.echo(f"  {path}")


if __name__ == "__main__":
    main()
