"""Japanese first, English available: the page language and the interface strings."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from flask import Request

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"
COOKIE = "lang"


def choose_language(request: Request) -> str:
    """``?lang=`` wins (the visible switch), then the cookie it sets, then Accept-Language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked  # type: ignore[return-value]
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def pick(texts: Mapping[str, str], lang: str) -> str | None:
    """The text in ``lang``; else Japanese, English, untagged, then any language."""
    for key in (lang, "ja", "en", ""):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), None)


STRINGS: dict[str, dict[str, str]] = {
    "site": {"ja": "協働推進計画 LOD", "en": "Collaboration Plan LOD"},
    "tagline": {
        "ja": "自治体の協働推進計画を Linked Open Data として公開しています。",
        "en": "City collaboration plans published as Linked Open Data.",
    },
    "home": {"ja": "ホーム", "en": "Home"},
    "query": {"ja": "SPARQL クエリ", "en": "SPARQL query"},
    "catalog": {"ja": "データカタログ", "en": "Data catalogue"},
    "dumps": {"ja": "ダウンロード", "en": "Downloads"},
    "ontology": {"ja": "オントロジー", "en": "Ontology"},
    "sdgs": {"ja": "SDGs", "en": "SDGs"},
    "language": {"ja": "言語", "en": "Language"},
    "published": {"ja": "公開しているもの", "en": "What is published"},
    "projects": {"ja": "事業", "en": "Projects"},
    "policies": {"ja": "基本施策", "en": "Basic policies"},
    "departments": {"ja": "担当部署", "en": "Departments"},
    "cities": {"ja": "自治体", "en": "Cities"},
    "targets_used": {"ja": "関連する SDGs ターゲット", "en": "SDG targets referenced"},
    "triples": {"ja": "トリプル", "en": "Triples"},
    "graph": {"ja": "名前付きグラフ", "en": "Named graph"},
    "chart_title": {"ja": "SDGs ゴール別の事業数", "en": "Projects per SDG goal"},
    "chart_alt": {
        "ja": "SDGs の各ゴールに関連する事業の数を示す横棒グラフ",
        "en": "Bar chart of the number of projects linked to each SDG goal",
    },
    "goal": {"ja": "ゴール", "en": "Goal"},
    "target": {"ja": "ターゲット", "en": "Target"},
    "policy": {"ja": "基本施策", "en": "Basic policy"},
    "category": {"ja": "区分", "en": "Category"},
    "department": {"ja": "担当課", "en": "Department"},
    "bureau": {"ja": "部局", "en": "Bureau"},
    "plan": {"ja": "計画", "en": "Plan"},
    "fiscal_year": {"ja": "年度", "en": "Fiscal year"},
    "number": {"ja": "番号", "en": "No."},
    "plan_text": {"ja": "計画内容", "en": "Plan (as printed, Japanese)"},
    "kpis": {"ja": "数値目標（KPI）", "en": "Targets (KPIs)"},
    "kpi": {"ja": "目標", "en": "Target"},
    "value": {"ja": "値", "en": "Value"},
    "unit": {"ja": "単位", "en": "Unit"},
    "sdg_targets": {"ja": "SDGs ターゲット", "en": "SDG targets"},
    "un_page": {"ja": "国連の定義", "en": "UN definition"},
    "same_targets": {
        "ja": "同じ自治体で同じターゲットに取り組む他の事業",
        "en": "Other projects of the same city serving the same targets",
    },
    "relists": {"ja": "再掲元の事業", "en": "Relists the project"},
    "relisted_as": {"ja": "再掲されている事業", "en": "Relisted as"},
    "source": {"ja": "出典", "en": "Source"},
    "lines": {"ja": "行", "en": "lines"},
    "page": {"ja": "ページ", "en": "page"},
    "notes": {"ja": "編集上の注記", "en": "Editorial notes"},
    "properties": {"ja": "プロパティ", "en": "Properties"},
    "property": {"ja": "プロパティ", "en": "Property"},
    "inbound": {"ja": "このリソースを参照しているもの", "en": "Linked from"},
    "more": {"ja": "次のページ", "en": "Next page"},
    "previous": {"ja": "前のページ", "en": "Previous page"},
    "pages": {"ja": "ページ送り", "en": "Pages"},
    "n_projects": {
        "ja": "{n} 件の事業（ターゲットのページへ）",
        "en": "{n} projects (see the target's page)",
    },
    "and_more": {"ja": "ほか {n} 件", "en": "and {n} more"},
    "formats": {"ja": "他の形式", "en": "Other formats"},
    "identifier": {"ja": "識別子 (IRI)", "en": "Identifier (IRI)"},
    "none": {"ja": "なし", "en": "none"},
    "stated_goal_projects": {
        "ja": "このゴールを記載した事業",
        "en": "Projects whose plan states this goal",
    },
    "examples": {"ja": "クエリの例", "en": "Example queries"},
    "run": {"ja": "実行", "en": "Run"},
    "format": {"ja": "形式", "en": "Format"},
    "results": {"ja": "結果", "en": "Results"},
    "rows": {"ja": "行", "en": "rows"},
    "truncated": {
        "ja": "結果が上限で打ち切られました。LIMIT/OFFSET で分割してください。",
        "en": "The result was cut at the row limit; page through it with LIMIT/OFFSET.",
    },
    "no_js_ui": {
        "ja": "簡易フォームを表示しています（クエリエディタのファイルが未導入）。",
        "en": "Showing the plain form (the query editor files are not installed).",
    },
    "sdg_index": {"ja": "SDGs ゴールと事業", "en": "SDG goals and our projects"},
    "projects_for": {"ja": "関連する事業", "en": "Projects"},
    "not_found": {"ja": "見つかりません", "en": "Not found"},
    # search (web/search.py)
    "search": {"ja": "検索", "en": "Search"},
    "search_button": {"ja": "検索", "en": "Search"},
    "search_help": {
        "ja": "事業・基本施策・担当部署・数値目標（KPI）を、名称や計画内容の言葉で"
        "探せます（日本語・英語）。",
        "en": "Find projects, basic policies, departments and KPIs by the words of their names "
        "and plan texts, in Japanese or English.",
    },
    "search_for": {"ja": "検索語", "en": "Results for"},
    "search_found": {"ja": "件", "en": "found"},
    "search_none": {"ja": "見つかりませんでした", "en": "nothing found"},
    "search_pages": {"ja": "検索結果のページ", "en": "Result pages"},
    "search_unranked": {
        "ja": "該当が多すぎるため関連度順に並べていません（名称に含むものが先、次に自治体順）。"
        "言葉を足して絞り込んでください。",
        "en": "Too many matches to rank by relevance: names holding the words come first, then "
        "the rest by city. Add a word to narrow the search.",
    },
    "search_kind_project": {"ja": "事業", "en": "Project"},
    "search_kind_policy": {"ja": "基本施策", "en": "Basic policy"},
    "search_kind_department": {"ja": "担当部署", "en": "Department"},
    "search_kind_kpi": {"ja": "数値目標（KPI）", "en": "KPI"},
    "error": {"ja": "エラー", "en": "Error"},
    "endpoint": {"ja": "SPARQL エンドポイント", "en": "SPARQL endpoint"},
    "classes": {"ja": "クラス", "en": "Classes"},
    "object_properties": {"ja": "プロパティ", "en": "Properties"},
    "concepts": {"ja": "概念", "en": "Concepts"},
    "type": {"ja": "種類", "en": "Type"},
    "count": {"ja": "件数", "en": "Count"},
    "data_licence": {
        "ja": "kyodo-lod のデータのライセンス：",
        "en": "Licence of kyodo-lod's data: ",
    },
    "attribution_more": {
        "ja": "出典：各自治体の計画書を加工して作成（{n} 件。"
        "データセットごとの出典表示はカタログに）",
        "en": "Source: each city's plan, adapted ({n} datasets; each one's attribution is in the "
        "catalogue)",
    },
    "licence_sdg": {
        "ja": "SDGs の語彙は国連 SDG KOS (Joshi ほか, 2019) に基づきます。",
        "en": "SDG vocabulary: UN SDG KOS (Joshi et al., 2019), http://metadata.un.org/sdg.",
    },
}


def strings(lang: str) -> Mapping[str, str]:
    """The interface strings in ``lang`` (Japanese where a translation is missing)."""
    return _STRINGS_IN.get(lang) or _strings_in(lang)


def _strings_in(lang: str) -> Mapping[str, str]:
    return MappingProxyType({key: t.get(lang) or t["ja"] for key, t in STRINGS.items()})


# made once (every page asks for them)
_STRINGS_IN = {lang: _strings_in(lang) for lang in LANGUAGES}


# names of the standard properties and classes we show (ours come from the ontology's labels)
TERM_LABELS: dict[str, dict[str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": {"ja": "種類", "en": "type"},
    "http://www.w3.org/2000/01/rdf-schema#label": {"ja": "名称", "en": "label"},
    "http://www.w3.org/2000/01/rdf-schema#comment": {"ja": "説明", "en": "comment"},
    "http://www.w3.org/2000/01/rdf-schema#isDefinedBy": {"ja": "定義元", "en": "defined by"},
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": {"ja": "上位クラス", "en": "subclass of"},
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": {
        "ja": "上位プロパティ",
        "en": "subproperty of",
    },
    "http://www.w3.org/2000/01/rdf-schema#domain": {"ja": "定義域", "en": "domain"},
    "http://www.w3.org/2000/01/rdf-schema#range": {"ja": "値域", "en": "range"},
    "http://purl.org/dc/terms/title": {"ja": "タイトル", "en": "title"},
    "http://purl.org/dc/terms/identifier": {"ja": "識別子", "en": "identifier"},
    "http://purl.org/dc/terms/publisher": {"ja": "発行者", "en": "publisher"},
    "http://purl.org/dc/terms/source": {"ja": "出典", "en": "source"},
    "http://purl.org/dc/terms/isPartOf": {"ja": "一部をなす", "en": "is part of"},
    "http://purl.org/dc/terms/subject": {"ja": "主題", "en": "subject"},
    "http://purl.org/dc/terms/description": {"ja": "説明", "en": "description"},
    "http://purl.org/dc/terms/license": {"ja": "ライセンス", "en": "licence"},
    "http://purl.org/dc/terms/modified": {"ja": "更新日", "en": "modified"},
    "http://purl.org/dc/terms/issued": {"ja": "公開日", "en": "issued"},
    "http://www.w3.org/2004/02/skos/core#prefLabel": {"ja": "名称", "en": "preferred label"},
    "http://www.w3.org/2004/02/skos/core#notation": {"ja": "記号", "en": "notation"},
    "http://www.w3.org/2004/02/skos/core#inScheme": {"ja": "概念体系", "en": "in scheme"},
    "http://www.w3.org/2004/02/skos/core#definition": {"ja": "定義", "en": "definition"},
    "http://www.w3.org/2004/02/skos/core#editorialNote": {"ja": "編集注記", "en": "editorial note"},
    "http://www.w3.org/2004/02/skos/core#topConceptOf": {
        "ja": "最上位概念",
        "en": "top concept of",
    },
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": {"ja": "最上位概念", "en": "top concept"},
    "http://www.w3.org/ns/org#unitOf": {"ja": "所属", "en": "unit of"},
    "http://www.w3.org/ns/org#hasUnit": {"ja": "下位組織", "en": "has unit"},
    "http://www.w3.org/ns/org#transitiveSubOrganizationOf": {
        "ja": "上位組織（推移）",
        "en": "sub-organization of (transitive)",
    },
    "http://www.w3.org/ns/prov#wasDerivedFrom": {"ja": "由来", "en": "derived from"},
    "http://www.w3.org/ns/prov#wasAttributedTo": {"ja": "帰属", "en": "attributed to"},
    "https://schema.org/value": {"ja": "値", "en": "value"},
    "https://schema.org/unitText": {"ja": "単位", "en": "unit"},
    "https://schema.org/color": {"ja": "色", "en": "colour"},
    "http://www.w3.org/2002/07/owl#Class": {"ja": "クラス", "en": "class"},
    "http://www.w3.org/2002/07/owl#ObjectProperty": {
        "ja": "オブジェクトプロパティ",
        "en": "object property",
    },
    "http://www.w3.org/2002/07/owl#DatatypeProperty": {
        "ja": "データプロパティ",
        "en": "datatype property",
    },
    "http://www.w3.org/2002/07/owl#versionInfo": {"ja": "版", "en": "version"},
    "http://www.w3.org/2004/02/skos/core#Concept": {"ja": "概念", "en": "concept"},
    "http://www.w3.org/2004/02/skos/core#ConceptScheme": {"ja": "概念体系", "en": "concept scheme"},
    "http://www.w3.org/ns/dcat#Dataset": {"ja": "データセット", "en": "dataset"},
    "http://www.w3.org/ns/dcat#Catalog": {"ja": "データカタログ", "en": "catalogue"},
    "http://www.w3.org/ns/dcat#dataset": {"ja": "データセット", "en": "dataset"},
    "http://www.w3.org/ns/dcat#distribution": {"ja": "配布", "en": "distribution"},
    "http://metadata.un.org/sdg/ontology#Goal": {"ja": "SDGs ゴール", "en": "SDG goal"},
    "http://metadata.un.org/sdg/ontology#Target": {"ja": "SDGs ターゲット", "en": "SDG target"},
}
