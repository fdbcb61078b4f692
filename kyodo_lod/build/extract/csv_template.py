"""The projects.csv and kpis.csv templates (README, "Adding another city"): their columns and
the separators inside their cells. One definition for the reader and the writer."""

from __future__ import annotations

from ...model import PROJECT_COLUMNS

# The projects.csv template (README): dist/projects.csv's columns up to ``uri``, in its order
# (the ones after ``uri`` were added later and are optional).
TEMPLATE_COLUMNS: tuple[str, ...] = PROJECT_COLUMNS[: PROJECT_COLUMNS.index("uri")]
# sdg_targets may be left out: many cities' project lists have no SDG field at all
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in TEMPLATE_COLUMNS if c != "sdg_targets")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "sdg_targets",  # the SDG targets ("11.3 17.17"); a list without an SDG field leaves it out
    "plan_key",  # short ASCII id of the basic plan in IRIs (default: from uri, else "plan")
    "plan_title",  # the basic plan's title in Japanese
    "plan_title_en",
    "city_name_en",
    "description",  # the project's plan text
    "uri",  # written by kyodo-lod's own export; read only for the plan key
    "sdg_goals",  # the SDG goals (1-17) the city tagged the project with itself: "3 11"
)
# The columns that say something about the whole plan, not one project: every row that fills
# one must agree with the first row that did.
PLAN_WIDE_COLUMNS: tuple[str, ...] = (
    "city_code",
    "city_name",
    "plan_key",
    "plan_title",
    "plan_title_en",
    "city_name_en",
)
KPI_COLUMNS: tuple[str, ...] = (
    "city_code",
    "fiscal_year",
    "project_number",
    "kpi_text",
    "value",
    "unit",
)
# What ``kyodo-lod import`` writes: the template, then the optional columns it can fill.
WRITTEN_COLUMNS: tuple[str, ...] = (
    *TEMPLATE_COLUMNS,
    "plan_key",
    "plan_title",
    "plan_title_en",
    "city_name_en",
    "description",
    "sdg_goals",
)
DEFAULT_PLAN_KEY = "plan"
TITLE_SEPARATOR = "/"  # policy_title: 安心なまち / 子育て支援 / 保育の充実
