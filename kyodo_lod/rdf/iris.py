"""Every IRI kyodo-lod mints comes from here. See the IRI table in README.md.

The pipeline mints under ``DEFAULT_BASE_IRI``; ``publish`` moves the whole output to the
configured base with ``rebase`` (so the ontology, shapes and data agree on one base).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import URIRef

from ..config import DEFAULT_BASE_IRI
from .namespaces import SDG

GRAPH_NAMES = ("asserted", "inferred", "ontology", "sdg", "catalog")
SDG_BASE = str(SDG)  # the UN SDG KOS: goals …/sdg/3, targets …/sdg/3.8


def normalise_segment(text: str) -> str:
    """One path segment of an IRI: NFKC (full-width → half-width), no white space; Japanese
    stays readable (an IRI, as in ja.dbpedia.org); ASCII outside the unreserved set is escaped."""
    text = "".join(unicodedata.normalize("NFKC", text).split())
    return "".join(c if ord(c) > 127 else quote(c, safe="-._~") for c in text)


@dataclass(frozen=True)
class Iris:
    """IRI factory for one base. ``Iris()`` is the canonical (default-base) factory."""

    base: str = DEFAULT_BASE_IRI

    def _id(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    # the vocabulary
    def ontology(self) -> URIRef:
        return URIRef(f"{self.base}def/kyodo")

    def category_scheme(self) -> URIRef:
        return self._id("category")

    def category(self, key: str) -> URIRef:
        return self._id(f"category/{key}")

    def department_kind_scheme(self) -> URIRef:
        return self._id("department-kind")

    def department_kind(self, key: str) -> URIRef:
        return self._id(f"department-kind/{key}")

    # cities, plans, policies, projects
    def city(self, code: str) -> URIRef:
        return self._id(code)

    def prefecture(self, code: str) -> URIRef:
        """A prefecture by its 2-digit code: ``id/prefecture/07`` (no city code is a word)."""
        return self._id(f"prefecture/{code}")

    def basic_plan(self, code: str, plan: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}")

    def implementation_plan(self, code: str, plan: str, fiscal_year: int) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}")

    def policy(self, code: str, plan: str, number: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/policy/{number}")

    def policy_summary(self, code: str, plan: str, fiscal_year: int, number: str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}/summary/{number}")

    def project(self, code: str, plan: str, fiscal_year: int, number_or_key: int | str) -> URIRef:
        return self._id(f"{code}/plan/{plan}/{fiscal_year}/project/{number_or_key}")

    def kpi(self, project: URIRef, position: int) -> URIRef:
        return URIRef(f"{project}/kpi/{position}")

    def department(self, code: str, path: tuple[str, ...]) -> URIRef:
        return self._id(f"{code}/org/" + "/".join(normalise_segment(p) for p in path))

    def source_document(self, code: str, document: str) -> URIRef:
        stem = document.rsplit(".", 1)[0]
        return self._id(f"{code}/source/{normalise_segment(stem)}")

    def source_excerpt(self, document: URIRef, first_line: int, last_line: int) -> URIRef:
        return URIRef(f"{document}/lines/{first_line}-{last_line}")

    def rights(self, resource: URIRef) -> URIRef:
        """The rights statement of a source document or a dataset (dct:rights)."""
        return URIRef(f"{resource}/rights")

    # publishing
    def graph(self, name: str) -> URIRef:
        if name not in GRAPH_NAMES:
            raise ValueError(f"unknown graph {name!r}; known: {', '.join(GRAPH_NAMES)}")
        return URIRef(f"{self.base}graph/{name}")

    def catalog(self) -> URIRef:
        return self._id("catalog")

    def dataset(self, code: str, plan: str, fiscal_year: int) -> URIRef:
        return self._id(f"{code}/dataset/{plan}-{fiscal_year}")

    def sparql_service(self) -> URIRef:
        return self._id("service/sparql")

    def sparql_endpoint(self) -> URIRef:
        return URIRef(f"{self.base}sparql")

    def dump(self, file_name: str) -> URIRef:
        return URIRef(f"{self.base}dumps/{file_name}")

    # the SHACL validation report (published blank-node free)
    def validation_report(self) -> URIRef:
        return self._id("validation/report")

    def validation_result(self, digest: str) -> URIRef:
        return self._id(f"validation/result/{digest}")

    # the catalogue's own nodes (DCAT-AP, VoID): named so the catalogue is blank-node free
    def home(self) -> URIRef:
        return URIRef(self.base)

    def catalog_page(self, page: int | None = None) -> URIRef:
        return URIRef(f"{self.base}catalog" + (f"?page={page}" if page else ""))

    def void_document(self) -> URIRef:
        return URIRef(f"{self.base}.well-known/void")

    def shapes(self) -> URIRef:
        return URIRef(f"{self.base}def/kyodo/shapes")

    def publisher(self) -> URIRef:
        return self._id("agent/kyodo-lod")

    def contact_point(self) -> URIRef:
        return self._id("agent/kyodo-lod/contact")

    def place(self, code: str) -> URIRef:
        return self._id(f"{code}/place")

    def fiscal_year(self, fiscal_year: int) -> URIRef:
        return self._id(f"fiscal-year/{fiscal_year}")

    def distribution(self, dataset: URIRef, key: str) -> URIRef:
        return URIRef(f"{dataset}/distribution/{key}")

    def checksum(self, distribution: URIRef) -> URIRef:
        return URIRef(f"{distribution}/checksum")

    def provenance(self, dataset: URIRef) -> URIRef:
        return URIRef(f"{dataset}/provenance")

    def void_dataset(self) -> URIRef:
        return self._id("dataset/kyodo-lod")

    def partition(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.void_dataset()}/{kind}-partition/{normalise_segment(key)}")

    def linkset(self, name: str) -> URIRef:
        return URIRef(f"{self.void_dataset()}/linkset/{name}")

    # where an /id/ IRI's description lives (303 target); HTML/RDF chosen by conneg
    def document_of(self, iri: str) -> str | None:
        prefix = f"{self.base}id/"
        if iri.startswith(prefix):
            return f"{self.base}doc/{iri[len(prefix) :]}"
        return None


def sdg_target(code: str) -> URIRef:
    """The UN KOS IRI of a target code such as "17.17" or "3.a"."""
    return URIRef(SDG_BASE + code)


def sdg_goal(number: int | str) -> URIRef:
    return URIRef(f"{SDG_BASE}{int(number)}")
