"""Every constraint of our own shapes, read from the shapes graph with rdflib: one
(node shape, path, constraint) per component a result can name.

A property shape contributes one per constraint component its parameters make
(``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` and ``sh:qualifiedMaxCount`` is two,
``sh:pattern`` with ``sh:flags`` is one); a node shape contributes its own node-level
parameters with path ``-`` and each ``sh:sparql`` constraint, named by its IRI, with the path
its SELECT binds (``(kyodo:relists AS ?path)``) or ``-``. Nested shapes (inside ``sh:or``,
``sh:qualifiedValueShape``, ...) are not counted apart: a result names the outer component.
A parameter this table does not know is an error, so a new kind of constraint cannot slip by.
"""

from __future__ import annotations

import re

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from kyodo_lod.build.validate import SHAPES_NS
from kyodo_lod.rdf.namespaces import SH, bind_prefixes

Constraint = tuple[str, str, str]  # node shape, path ("-": none), component or SPARQL IRI

# parameter -> the component whose result names it (SHACL 1.0 section 4)
COMPONENTS: dict[URIRef, URIRef] = {
    SH[name]: SH[component + "ConstraintComponent"]
    for name, component in {
        "class": "Class",
        "datatype": "Datatype",
        "nodeKind": "NodeKind",
        "minCount": "MinCount",
        "maxCount": "MaxCount",
        "minExclusive": "MinExclusive",
        "minInclusive": "MinInclusive",
        "maxExclusive": "MaxExclusive",
        "maxInclusive": "MaxInclusive",
        "minLength": "MinLength",
        "maxLength": "MaxLength",
        "pattern": "Pattern",
        "languageIn": "LanguageIn",
        "uniqueLang": "UniqueLang",
        "equals": "Equals",
        "disjoint": "Disjoint",
        "lessThan": "LessThan",
        "lessThanOrEquals": "LessThanOrEquals",
        "not": "Not",
        "and": "And",
        "or": "Or",
        "xone": "Xone",
        "node": "Node",
        "qualifiedMinCount": "QualifiedMinCount",
        "qualifiedMaxCount": "QualifiedMaxCount",
        "closed": "Closed",
        "hasValue": "HasValue",
        "in": "In",
    }.items()
}
# what a shape may also say that is not a constraint of its own (or is part of one above)
NOT_CONSTRAINTS = {
    RDF.type,
    RDFS.comment,
    RDFS.label,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.path,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetObjectsOf,
    SH.targetSubjectsOf,
    SH.property,  # each property shape is counted itself
    SH.flags,  # with sh:pattern
    SH.qualifiedValueShape,  # with sh:qualifiedMinCount / sh:qualifiedMaxCount
    SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties,  # with sh:closed
}
_PATH_BINDING = re.compile(r"\(\s*(\S+)\s+AS\s+\?path\s*\)")


def _show(node: Node, shapes: Graph) -> str:
    if isinstance(node, URIRef) and node.startswith(SHAPES_NS):
        return "kys:" + node.removeprefix(SHAPES_NS)
    return node.n3(shapes.namespace_manager)


def _components(shapes: Graph, shape: Node) -> set[URIRef]:
    found: set[URIRef] = set()
    for parameter in set(shapes.predicates(shape)):
        if parameter in COMPONENTS:
            found.add(COMPONENTS[parameter])
        elif parameter not in NOT_CONSTRAINTS and parameter != SH.sparql:
            raise ValueError(f"{shape}: parameter {parameter} is not in the table of components")
    return found


def sparql_path(shapes: Graph, constraint: Node) -> str:
    """The path a SPARQL constraint's SELECT binds, or ``-``."""
    bound = {m[1] for q in shapes.objects(constraint, SH.select) for m in _PATH_BINDING.finditer(q)}
    if len(bound) > 1:
        raise ValueError(f"{constraint}: binds more than one ?path: {sorted(bound)}")
    return bound.pop() if bound else "-"


def enumerate_constraints(shapes: Graph) -> set[Constraint]:
    """Every (node shape, path, component) of the node shapes in ``shapes``."""
    shapes = shapes + Graph()  # a copy with the report's prefixes, not the caller's
    bind_prefixes(shapes)
    constraints: set[Constraint] = set()
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        owner = _show(node_shape, shapes)
        for component in _components(shapes, node_shape):
            constraints.add((owner, "-", _show(component, shapes)))
        for constraint in shapes.objects(node_shape, SH.sparql):
            constraints.add((owner, sparql_path(shapes, constraint), _show(constraint, shapes)))
        for property_shape in shapes.objects(node_shape, SH.property):
            path = shapes.value(property_shape, SH.path)
            assert isinstance(path, URIRef), f"{property_shape}: only IRI paths are enumerated"
            shown = _show(path, shapes)
            for component in _components(shapes, property_shape):
                constraints.add((owner, shown, _show(component, shapes)))
            for constraint in shapes.objects(property_shape, SH.sparql):
                constraints.add((owner, shown, _show(constraint, shapes)))
    return constraints
