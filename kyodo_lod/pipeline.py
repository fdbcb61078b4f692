"""sources → records → graph → inferred → validated → published, one stage per module."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import infer as infer_stage
from . import sources, vocab
from . import validate as validate_stage
from .config import Settings
from .errors import ValidationFailed
from .iris import Iris, rebase, skolemize
from .model import PlanYear
from .publish import publish
from .rdfize import check_sdg_codes, rdfize

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
        plans = sources.read_all(settings.sources_dir)
    say(f"          {len(plans)} plan(s): " + ", ".join(_plan_name(p) for p in plans))

    with stage("rdfize"):
        asserted_parts = []
        for plan in plans:
            check_sdg_codes(plan, known_targets)
            asserted_parts.append(rdfize(plan))

    with stage("infer"):
        inferred_parts = [infer_stage.infer(part, ontology, sdg) for part in asserted_parts]

    with stage("validate"):
        report = Graph()
        warnings = 0
        problems = []
        for asserted, inferred in zip(asserted_parts, inferred_parts, strict=True):
            outcome = validate_stage.validate(asserted + inferred + ontology + sdg, shapes)
            report += outcome.report
            warnings += len(outcome.warnings)
            if not outcome.conforms:
                problems.append(outcome.text)
        if problems:
            raise ValidationFailed("the graph breaks its shapes:\n" + "\n".join(problems))

    with stage("publish"):
        asserted = _union(asserted_parts)
        inferred = _union(inferred_parts)
        graphs = {
            "asserted": asserted,
            "inferred": inferred,
            "ontology": skolemize(ontology),  # its property-chain lists are blank nodes
            "sdg": sdg,
        }
        if settings.base_iri != Iris().base:
            graphs = {name: rebase(g, settings.base_iri) for name, g in graphs.items()}
            report = rebase(report, settings.base_iri)
        counts = _counts(plans)
        published = publish(
            settings.dist_dir,
            graphs,
            Iris(settings.base_iri),
            report,
            [a for plan in plans for a in plan.anomalies],
            counts,
            extra_writers=_catalog_writers(settings),
        )
    inferred_by_predicate = Counter(str(p) for _, p, _ in inferred)
    return BuildResult(
        dist_dir=published.dist_dir,
        plans=tuple(plans),
        triples_per_graph=published.triples_per_graph,
        inferred_by_predicate=dict(sorted(inferred_by_predicate.items())),
        warnings=warnings,
        content_hash=published.content_hash,
        seconds=seconds,
    )


def _plan_name(plan: PlanYear) -> str:
    return f"{plan.city.name_en} ({plan.city.code}) {plan.basic_plan_key} FY{plan.fiscal_year}"


def _union(parts: list[Graph]) -> Graph:
    union = Graph()
    for part in parts:
        union += part
    return union


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


def _catalog_writers(settings: Settings) -> list[Callable[[Graph, Path], object]]:
    """The DCAT catalogue is written from the published dumps (its checksums need them)."""
    try:
        from .catalog import write_catalog
    except ImportError:  # the catalogue module is optional while it is being written
        return []
    return [lambda union, staging: write_catalog(settings, union, staging)]
