"""The web layer: ``create_app(settings, store)`` returns a Flask app serving one build.

It reads only what the build published (dist/) through the store; it never imports the pipeline.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, request

from ..config import Settings
from ..dist import BuildFacts
from ..rdf.iris import Iris
from ..store import Store
from .fairness import QueryGate, parse_networks
from .page_store import open_page_store
from .state import VENDOR_DIR, AppState, ResponseCache

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match, "
    "If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Location, Vary, "
    "Kyodo-Result-Truncated, Kyodo-Result-Limit, Kyodo-Message",
    "Access-Control-Max-Age": "86400",
}


def create_app(settings: Settings, store: Store) -> Flask:
    """A Flask app over ``store``, which holds the build published in ``settings.dist_dir``."""
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    yasgui = (VENDOR_DIR / "build" / "yasgui.min.js").is_file()
    build = BuildFacts.read(settings.dist_dir)
    app.extensions["kyodo"] = AppState(
        settings=settings,
        store=store,
        build=build,
        iris=Iris(settings.base_iri),
        yasgui=yasgui,
        responses=ResponseCache(max(0, settings.response_cache_mb) << 20),
        gate=QueryGate(
            settings.client_max_queries,
            settings.client_query_seconds_per_minute,
            settings.client_heavy_seconds_per_minute,
            # heavy clients share all query workers but one, kept for everyone else
            heavy_slots=settings.query_workers - 1,
        ),
        trusted_proxies=parse_networks(settings.trusted_proxies),
        pages=open_page_store(settings, build.content_hash),
    )
    if app.extensions["kyodo"].build.content_hash is None:
        # no build.json to key on (a remote store without dist/): its data may change
        app.extensions["kyodo"].responses = ResponseCache(0)

    from . import attribution, catalog, errors, graphs, pages, resources, schema_org, search, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(graphs.bp)
    errors.register(app)
    from .compare import bp as compare_bp

    app.register_blueprint(compare_bp)
    app.register_blueprint(catalog.bp)  # /catalog, /.well-known/void, /sitemap.xml, /dumps/...

    @app.context_processor
    def language_links() -> dict[str, object]:
        def lang_url(lang: str) -> str:
            args = request.args.to_dict()
            args["lang"] = lang
            return request.path + "?" + urlencode(args)

        return {
            "lang_url": lang_url,
            "attribution": attribution.footer_attribution,
            "catalog_jsonld": schema_org.schema_org_script,
            "dataset_jsonld": schema_org.dataset_script,
        }

    @app.after_request
    def cors(response: Response) -> Response:
        # open data: any site may query us from a browser (read-only, no credentials)
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        for name, value in CORS_HEADERS.items():
            if name.lower() not in present:
                headers.add(name, value)
        if request.method == "OPTIONS":
            response.headers["Allow"] = CORS_HEADERS["Access-Control-Allow-Methods"]
        return response

    return app
