"""Terms between rdflib and pyoxigraph, both ways, written once.

pyoxigraph keeps the *value* of an XSD-typed literal, not its lexical form
("7.0"^^xsd:decimal is stored as "7", the same term as "7"^^xsd:decimal). Where every term must
round-trip exactly (the publish store, counted for VoID and read for the catalogue), XSD
datatypes go into the store under ``OPAQUE_XSD`` (a namespace the store does not interpret)
and come back restored. ``TermMap`` is the other way to get exact terms back: it remembers
what each stored term was.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
OPAQUE_XSD = "urn:x-kyodo-xsd:"


def to_oxigraph(term: Node, opaque_xsd: bool = False) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term; with ``opaque_xsd``, XSD datatypes under
    ``OPAQUE_XSD``. Raises TypeError for anything but an IRI, blank node or literal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            datatype = str(term.datatype)
            if opaque_xsd and datatype.startswith(XSD):
                datatype = OPAQUE_XSD + datatype[len(XSD) :]
            return ox.Literal(str(term), datatype=ox.NamedNode(datatype))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


def to_rdflib(term: object, opaque_xsd: bool = True) -> Node:
    """The rdflib term for a pyoxigraph term; with ``opaque_xsd`` (the default), datatypes
    under ``OPAQUE_XSD`` are restored to XSD."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:  # type: ignore[attr-defined]
        return Literal(term.value, lang=term.language)  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    if datatype == XSD_STRING:
        return Literal(term.value)  # type: ignore[attr-defined]
    if opaque_xsd and datatype.startswith(OPAQUE_XSD):
        datatype = XSD + datatype[len(OPAQUE_XSD) :]
    return Literal(term.value, datatype=URIRef(datatype))  # type: ignore[attr-defined]


class TermMap:
    """rdflib terms into pyoxigraph (XSD kept, so the store compares values) and back to the
    very rdflib term that went in. The store keeps a typed literal's value, not its lexical
    form, so the way back is keyed by what the store returns, learnt by storing each typed
    literal once in a scratch store (``learn_stored_forms``)."""

    def __init__(self) -> None:
        self.to_ox: dict[Node, object] = {}
        self.back: dict[object, Node] = {}

    def ox(self, term: Node) -> object:
        found = self.to_ox.get(term)
        if found is not None:
            return found
        made = to_oxigraph(term)
        self.to_ox[term] = made
        self.back.setdefault(made, term)
        return made

    def has_blank_nodes(self) -> bool:
        return any(isinstance(term, BNode) for term in self.to_ox)

    def learn_stored_forms(self) -> None:
        typed = [t for t in self.to_ox if isinstance(t, Literal) and t.datatype is not None]
        scratch = ox.Store()
        predicate = ox.NamedNode("urn:x-kyodo:value")
        scratch.extend(
            ox.Quad(ox.NamedNode(f"urn:x-kyodo:{i}"), predicate, self.to_ox[t])  # type: ignore[arg-type]
            for i, t in enumerate(typed)
        )
        for quad in scratch:
            original = typed[int(quad.subject.value.rsplit(":", 1)[1])]
            self.back.setdefault(quad.object, original)

    def rdflib(self, term: object) -> Node:
        found = self.back.get(term)
        return to_rdflib(term, opaque_xsd=False) if found is None else found
