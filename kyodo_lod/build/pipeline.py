"""sources → records → graph → inferred → validated → published, one stage per module."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph
from rdflib.namespace import RDF

from ..config import Settings
from ..errors import ValidationFailed
from ..model import PlanYear
from ..rdf.graphs import Triple, Triples, as_graph, rebase, skolemize
from ..rdf.iris import Iris
from ..rdf.namespaces import SDGO, bind_prefixes
from ..rdf.ntriples import SortedTriples
from . import sources, vocab
from . import validate as validate_stage
from .publish import Published, publish
from .publish.catalog import CatalogWriter, SourceDates
from .publish.search_index import SearchIndexWriter
from .rdfize import asserted_triples, check_sdg_codes
from .reason import owlrl as infer_stage
from .reason import rules as infer_rules
from .registry import load_registry, registered_plans

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    dist_dir: Path
    plans: tuple[PlanYear, ...]
    triples_per_graph: dict[str, int]
    inferred_by_predicate: dict[str, int]
    warnings: int
    content_hash: str
    seconds: dict[str, float] = field(default_factory=dict)
    # rdfize/infer/validate summed over the worker processes (seconds holds wall-clock time)
    worker_seconds: dict[str, float] = field(default_factory=dict)


def load_ontology(settings: Settings) -> Graph:
    return Graph().parse(settings.ontology_path, format="turtle")


def build(settings: Settings, progress: Progress | None = None) -> BuildResult:
    """Build every plan in ``settings.sources_dir`` into ``settings.dist_dir``.

    Raises ``SourceError``/``ConsistencyError`` on bad sources and ``ValidationFailed`` when
    the graph breaks a shape; in every failure the previous dist/ is left untouched.
    """
    say = progress or (lambda message: None)
    seconds: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        say(f"{name:<9} {seconds[name]:7.2f} s")

    with stage("load"):
        ontology = load_ontology(settings)
        sdg = vocab.load_sdg(settings.vocab_dir)
        shapes = validate_stage.load_shapes(settings.shapes_dir)
        known_targets = vocab.target_codes(sdg)

    with stage("extract"):
        plans = sources.read_all(settings.sources_dir, settings.bundled_sources)
        for plan in plans:  # a target the UN vocabulary lacks is a source error
            check_sdg_codes(plan, known_targets)
        # a name the registry gives another code is a source error; a code it lacks is not
        plans, unregistered = registered_plans(plans, load_registry(settings.registry_dir))
    if unregistered:
        codes = sorted({str(w.value) for w in unregistered})
        shown_codes = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        say(
            f"warning:  {len(codes)} city code(s) not in the registry, no prefecture: {shown_codes}"
        )
    shown = ", ".join(_plan_name(p) for p in plans[:3]) + (", …" if len(plans) > 3 else "")
    say(f"          {len(plans)} plan(s): {shown}")

    schema = Schema.of(ontology, sdg, shapes)
    checked, worker_seconds = _check_all(settings, plans, schema)
    for name in ("rdfize", "infer", "validate"):
        seconds[name] = seconds.get(name, 0.0) + checked.seconds[name]
        say(f"{name:<9} {seconds[name]:7.2f} s")
    if checked.problems:
        raise ValidationFailed("the graph breaks its shapes:\n" + "\n".join(checked.problems))

    with stage("publish"):
        # SOURCE_DATE_EPOCH: the reproducible-builds convention, not a KYODO_ setting
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        published = _publish(settings, plans, checked, schema, epoch)
    inferred_by_predicate = checked.inferred_by_predicate
    return BuildResult(
        dist_dir=published.dist_dir,
        plans=tuple(plans),
        triples_per_graph=published.triples_per_graph,
        inferred_by_predicate=dict(sorted(inferred_by_predicate.items())),
        warnings=checked.warnings,
        content_hash=published.content_hash,
        seconds=seconds,
        worker_seconds=worker_seconds,
    )


def _publish(
    settings: Settings,
    plans: list[PlanYear],
    checked: _Checked,
    schema: Schema,
    source_date_epoch: str | None,
) -> Published:
    """Into dist/: the graphs, the validation report and the shapes (moved to the configured
    base, as the data already is), and the catalogue."""
    extra = {"ontology": schema.published_ontology, "sdg": schema.sdg}
    report, shapes = checked.report, schema.shapes
    prefixes = Graph(bind_namespaces="none")
    bind_prefixes(prefixes)
    if settings.base_iri != Iris().base:
        extra = {name: rebase(g, settings.base_iri) for name, g in extra.items()}
        report = rebase(report, settings.base_iri)
        shapes = rebase(shapes, settings.base_iri)
        prefixes = rebase(prefixes, settings.base_iri)
    graphs = {
        "asserted": checked.asserted,
        "inferred": checked.inferred,
        **{name: SortedTriples.of(g, name) for name, g in extra.items()},
    }
    catalog = CatalogWriter(Iris(settings.base_iri), _source_dates(plans, source_date_epoch))
    return publish(
        settings.dist_dir,
        graphs,
        Iris(settings.base_iri),
        report,
        [a for plan in plans for a in plan.anomalies],
        _counts(plans),
        shapes=shapes,
        writers=[catalog, SearchIndexWriter()],
        prefixes={p: str(ns) for p, ns in prefixes.namespaces() if p},
    )


def _source_dates(plans: list[PlanYear], source_date_epoch: str | None) -> SourceDates:
    """The catalogue's dates: each source document's, from its sidecar; else the day of
    ``source_date_epoch`` (seconds since 1970), when set."""
    by_source = {
        plan.source_document: (plan.source_issued, plan.source_modified or plan.source_issued)
        for plan in plans
        if plan.source_issued is not None
    }
    epoch = (source_date_epoch or "").strip()
    day = datetime.fromtimestamp(int(epoch), tz=UTC).date() if epoch.isdigit() else None
    return SourceDates(by_source, day)


# --- rdfize, infer, validate: per batch of plans, in worker processes when there are many ---


class Schema(NamedTuple):
    ontology: Graph
    sdg: Graph
    shapes: Graph
    # the ontology as published (its list cells skolemised): what the data is validated with,
    # so the validator sees no blank node
    published_ontology: Graph

    @classmethod
    def of(cls, ontology: Graph, sdg: Graph, shapes: Graph) -> Schema:
        return cls(ontology, sdg, shapes, skolemize(ontology))


@dataclass
class _Checked:
    """What rdfize → infer → validate made of some plans (one batch, or all batches merged)."""

    asserted: SortedTriples  # N-Triples lines, already moved to the configured base
    inferred: SortedTriples
    inferred_by_predicate: Counter[str]
    report: Graph
    warnings: int
    problems: list[str]
    seconds: dict[str, float]


def _check_batch(
    plans: list[PlanYear], schema: Schema, reasoner: str, base_iri: str = Iris().base
) -> _Checked:
    """One batch: rdfize each plan, reason, validate. Plans share no resource, so the rules
    reasoner and the validator take the batch as one store (their fixed cost is paid once);
    owlrl, whose cost grows faster than the graph, still reasons plan by plan."""
    ontology, sdg, shapes, published_ontology = schema
    seconds = {"rdfize": 0.0, "infer": 0.0, "validate": 0.0}
    started = time.perf_counter()
    asserted: list[Triples] = [asserted_triples(plan) for plan in plans]
    seconds["rdfize"] = time.perf_counter() - started

    started = time.perf_counter()
    inferred: list[Triples]
    if reasoner == "rules":
        inferred = [infer_rules.inferred_triples(asserted, ontology, sdg)]
    elif reasoner == "owlrl":
        inferred = [infer_stage.infer(as_graph(part), ontology, sdg) for part in asserted]
    else:
        raise ValueError(f"unknown reasoner {reasoner!r}: use 'owlrl' or 'rules'")
    seconds["infer"] = time.perf_counter() - started

    started = time.perf_counter()
    # the parts go to the validator as they are: it loads them into one store, no rdflib union
    data = [*asserted, *inferred, published_ontology]
    outcome = validate_stage.validate([*data, _sdg_in_use(sdg, data)], shapes)
    seconds["validate"] = time.perf_counter() - started
    # handed back as sorted N-Triples lines: far smaller to ship and keep than rdflib graphs
    return _Checked(
        asserted=_sorted_lines(asserted, base_iri, "asserted"),
        inferred=_sorted_lines(inferred, base_iri, "inferred"),
        inferred_by_predicate=Counter(str(p) for part in inferred for _, p, _ in part),
        report=outcome.report,
        warnings=len(outcome.warnings),
        problems=[] if outcome.conforms else [outcome.text],
        seconds=seconds,
    )


def _sorted_lines(parts: list[Triples], base_iri: str, name: str) -> SortedTriples:
    if base_iri != Iris().base:
        parts = [rebase(as_graph(part), base_iri) for part in parts]
    return SortedTriples.of((triple for part in parts for triple in part), name)


def _sdg_in_use(sdg: Graph, data: list[Triples]) -> set[Triple]:
    """The SDG vocabulary minus the goals and targets ``data`` never names (nor reaches through
    a named target's sdgo:isTargetOf). The shapes only look at the concepts a project uses, so
    the report is the same with ~1,900 fewer triples to load per batch."""
    concepts = set(sdg.subjects(RDF.type, SDGO.Target)) | set(sdg.subjects(RDF.type, SDGO.Goal))
    used = {o for part in data for _, _, o in part if o in concepts}
    used |= {goal for target in list(used) for goal in sdg.objects(target, SDGO.isTargetOf)}
    return {triple for triple in sdg if triple[0] not in concepts or triple[0] in used}


@lru_cache(maxsize=2)
def _worker_schema(settings: Settings) -> Schema:
    # loaded once per worker process, not shipped with every batch
    return Schema.of(
        load_ontology(settings),
        vocab.load_sdg(settings.vocab_dir),
        validate_stage.load_shapes(settings.shapes_dir),
    )


def _check_in_worker(plans: list[PlanYear], settings: Settings) -> _Checked:
    return _check_batch(plans, _worker_schema(settings), settings.reasoner, settings.base_iri)


def _batches(plans: list[PlanYear], workers: int, reasoner: str) -> list[list[PlanYear]]:
    # several batches per worker keep both cores busy to the end; owlrl gains nothing from
    # batching (it reasons per plan), the rules and pySHACL amortise their set-up over ~25 plans
    size = 1 if reasoner == "owlrl" else max(1, min(25, -(-len(plans) // (workers * 4))))
    return [plans[i : i + size] for i in range(0, len(plans), size)]


def _check_all(
    settings: Settings, plans: list[PlanYear], schema: Schema
) -> tuple[_Checked, dict[str, float]]:
    """Every plan checked; ``seconds`` of the result is wall-clock time split by stage in
    proportion to the workers' time, and the second value is the workers' summed time."""
    workers = max(1, settings.build_workers)
    batches = _batches(plans, workers, settings.reasoner)
    started = time.perf_counter()
    if workers == 1 or len(batches) <= 1:
        parts = [
            _check_batch(batch, schema, settings.reasoner, settings.base_iri) for batch in batches
        ]
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_check_in_worker, batches, [settings] * len(batches)))
    wall = time.perf_counter() - started
    summed = {
        name: sum(part.seconds[name] for part in parts) for name in ("rdfize", "infer", "validate")
    }
    total = sum(summed.values()) or 1.0
    report = Graph()
    for part in parts:
        report += part.report
    asserted, inferred = SortedTriples(), SortedTriples()
    inferred_by_predicate: Counter[str] = Counter()
    for part in parts:
        asserted.add(part.asserted)
        inferred.add(part.inferred)
        inferred_by_predicate.update(part.inferred_by_predicate)
    merged = _Checked(
        asserted=asserted,
        inferred=inferred,
        inferred_by_predicate=inferred_by_predicate,
        report=report,
        warnings=sum(part.warnings for part in parts),
        problems=[p for part in parts for p in part.problems],
        seconds={name: wall * value / total for name, value in summed.items()},
    )
    return merged, summed


def _plan_name(plan: PlanYear) -> str:
    return f"{plan.city.name_en} ({plan.city.code}) {plan.basic_plan_key} FY{plan.fiscal_year}"


def _counts(plans: list[PlanYear]) -> dict[str, int]:
    projects = [p for plan in plans for p in plan.projects]
    return {
        "cities": len({plan.city.code for plan in plans}),
        "plan_years": len(plans),
        "projects": len(projects),
        "project_target_links": sum(len(p.sdg_targets) for p in projects),
        "kpis": sum(len(p.kpis) for p in projects),
        "kpis_with_value": sum(1 for p in projects for k in p.kpis if k.value is not None),
    }
