"""Reasoning: OWL RL entailments kept apart from the asserted data (``owlrl``, the reference;
``rules``, the fast SPARQL rules tested equal to it)."""
