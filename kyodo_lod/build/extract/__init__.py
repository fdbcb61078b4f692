"""Extractors: one reader per source format, each returning a ``kyodo_lod.model.PlanYear``."""

from .plan_text import read_plan_text

__all__ = ["read_plan_text"]
