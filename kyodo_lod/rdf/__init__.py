"""RDF plumbing with no knowledge of plans: namespaces and prefixes, IRIs, term conversion
between rdflib and pyoxigraph, graph transforms, and the streaming N-Triples, Turtle, TriG and
JSON-LD writers."""
