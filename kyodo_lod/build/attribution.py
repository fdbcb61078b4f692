"""The words for where our data comes from, in Japanese and English, defined once:

- ``citation``: the source document by publisher, title and year (rdfize states it on the
  document as dct:bibliographicCitation);
- ``attribution``: what a reuser shows, 「出典：<citation>を加工して作成」, as Japanese public
  bodies ask of derived data (公共データ利用規約 第1.0版) and CC BY requires; the catalogue
  (dct:rights of each dataset), the CSVW metadata and the Excel dump build it from the citation
  the graph holds;
- ``rights_labels``: the source document's own terms of use, or "not stated" in so many words.
"""

from __future__ import annotations

from ..model import RIGHTS_NOT_STATED, PlanYear


def citation(plan: PlanYear) -> tuple[str, str]:
    """(ja, en) citation of the plan's source document: publisher, title, year.

    The year is the calendar year the sidecar says it was issued, else the fiscal year the plan
    is about (labelled as such: we do not invent a publication date)."""
    title = plan.source_title or plan.title_ja
    city = plan.city
    if plan.source_issued is not None:
        year_ja, year_en = f"{plan.source_issued.year}年", str(plan.source_issued.year)
    else:
        year_ja, year_en = f"{plan.fiscal_year}年度", f"fiscal year {plan.fiscal_year}"
    english_title = f" [{plan.title_en}]" if plan.title_en and plan.title_en != title else ""
    return (
        f"{city.name_ja}「{title}」（{year_ja}）",
        f'{city.name_en or city.name_ja}, "{title}"{english_title} ({year_en})',
    )


def attribution(citation_ja: str, citation_en: str) -> tuple[str, str]:
    """(ja, en) attribution for data derived from the cited document."""
    return (
        f"出典：{citation_ja}を加工して作成",
        f"Source: {citation_en}; adapted (turned into Linked Open Data) by kyodo-lod",
    )


def rights_labels(rights: str) -> tuple[str, str]:
    """(ja, en) labels of a source document's terms of use (``PlanYear.source_rights``)."""
    if rights == RIGHTS_NOT_STATED:
        return "利用条件：記載なし（not stated）", f"Terms of use: {RIGHTS_NOT_STATED}"
    return f"利用条件：{rights}", f"Terms of use: {rights}"
