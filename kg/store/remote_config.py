"""How kg talks to a remote SPARQL server: endpoint URLs, credentials, timeouts.

A remote store is named by a URL (``--store http://host:7878`` or ``KG_STORE``). The URL
gives the server's base; the endpoint URLs follow from the server's usual layout, and
each setting can be overridden, in this order (first wins):

1. environment variables (``KG_QUERY_URL``, ``KG_USER`` … see ``ENV``),
2. the config file's table for this very URL (``[remote."http://host:3030/kg"]``),
3. the config file's ``[remote]`` table (defaults for every remote store),
4. the server preset (``server = "oxigraph" | "fuseki" | "virtuoso" | "graphdb" | "generic"``).

The config file is TOML, at ``$KG_CONFIG``, else ``$XDG_CONFIG_HOME/kg/config.toml``, else
``~/.config/kg/config.toml``; a missing file is no error. Credentials come only from the
environment or the config file, never from the command line: a store URL with a user or
password in it is refused.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from kg.errors import StoreError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: setting name -> environment variable
ENV = {
    "server": "KG_SERVER",
    "query_url": "KG_QUERY_URL",
    "update_url": "KG_UPDATE_URL",
    "gsp_url": "KG_GSP_URL",
    "auth": "KG_AUTH",
    "user": "KG_USER",
    "password": "KG_PASSWORD",
    "token": "KG_TOKEN",
    "connect_timeout": "KG_CONNECT_TIMEOUT",
    "read_timeout": "KG_READ_TIMEOUT",
    "retries": "KG_RETRIES",
    "union_default_graph": "KG_UNION_DEFAULT_GRAPH",
    "replace_with": "KG_REPLACE_WITH",
    "ignore_graphs": "KG_IGNORE_GRAPHS",
}
CONFIG_ENV = "KG_CONFIG"

AUTH_SCHEMES = ("none", "basic", "digest", "bearer")
#: how the union of all graphs becomes the default graph of a query (see RemoteConfig)
UNION_PARAMETER = "parameter"
UNION_SERVER = "server"
UNION_DATASET = "dataset"
UNION_MODES = (UNION_PARAMETER, UNION_DATASET, UNION_SERVER)
REPLACE_METHODS = ("gsp", "update")


@dataclass(frozen=True)
class Preset:
    """A server's URL layout relative to its base URL, and how it shows the union graph."""

    query: str
    update: str
    gsp: str
    union_default_graph: str = UNION_DATASET
    auth: str | None = None
    strip: tuple[str, ...] = ()  # trailing path segments of a given URL that name an endpoint
    ignore_graphs: tuple[str, ...] = ()  # IRI prefixes of the server's own graphs


PRESETS: dict[str, Preset] = {
    # oxigraph serve: /query /update /store; `union-default-graph` is a protocol parameter
    "oxigraph": Preset("/query", "/update", "/store", UNION_PARAMETER, strip=("/query", "/update", "/store")),
    # Fuseki dataset http://host:3030/DS: /DS/query /DS/update /DS/data
    "fuseki": Preset("/query", "/update", "/data", strip=("/query", "/sparql", "/update", "/data")),
    # Virtuoso http://host:8890: writing needs the digest-authenticated endpoints; its
    # default graph is the union of all graphs, its own included (RDF views, LDP …): kg does
    # not list them, but `GRAPH ?g` in a query sees them ("dataset" hides them, slowly)
    "virtuoso": Preset("/sparql", "/sparql-auth", "/sparql-graph-crud-auth", UNION_SERVER, auth="digest",
                       strip=("/sparql", "/sparql-auth"),
                       ignore_graphs=("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#",
                                      "http://localuriqaserver/", "http://www.w3.org/2002/07/owl#")),
    # GraphDB / RDF4J repository http://host:7200/repositories/ID: the default graph is
    # already the union of all graphs
    "graphdb": Preset("", "/statements", "/rdf-graphs/service", UNION_SERVER, strip=("/statements",)),
    # one URL for query and update, graphs replaced by SPARQL Update
    "generic": Preset("", "", ""),
}
DEFAULT_SERVER = "oxigraph"


@dataclass(frozen=True)
class RemoteConfig:
    """Everything needed to talk to one remote store.

    ``union_default_graph`` says how a query's default graph becomes the union of all named
    graphs, as in the embedded store:

    - ``"parameter"``: Oxigraph's ``union-default-graph`` protocol parameter;
    - ``"dataset"``: every graph of the store is named in the request, as ``default-graph-uri``
      and ``named-graph-uri`` (SPARQL 1.1 Protocol, so any server; the list is cached for a
      few seconds and renewed after each write);
    - ``"server"``: the server already does it (GraphDB, ``oxigraph serve
      --union-default-graph``, Fuseki with ``tdb2:unionDefaultGraph true``); checked once.

    ``ignore_graphs``: IRI prefixes of graphs that belong to the server, not to kg (Virtuoso's
    system graphs); kg neither lists nor queries them.

    ``replace_with`` says how ``replace_graph`` writes a filing's graph in one request:
    ``"gsp"`` (a Graph Store Protocol PUT) or ``"update"`` (one SPARQL Update
    ``DROP SILENT GRAPH … ; INSERT DATA …``) for servers without a transactional PUT.
    """

    location: str
    server: str
    query_url: str
    update_url: str
    gsp_url: str
    union_default_graph: str
    replace_with: str = "gsp"
    auth: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retries: int = 3
    ignore_graphs: tuple[str, ...] = ()


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "kg" / "config.toml"


def _read_config_file(path: Path, explicit: bool) -> dict:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        if explicit:
            raise StoreError(f"the config file {path} (from ${CONFIG_ENV}) does not exist") from None
        return {}
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise StoreError(f"cannot read the config file {path}: {e}") from None
    remote = data.get("remote", {})
    if not isinstance(remote, dict):
        raise StoreError(f"{path}: [remote] must be a table")
    return remote


def _strip_slash(url: str) -> str:
    return url.rstrip("/")


def load_remote_config(location: str, env: Mapping[str, str] | None = None) -> RemoteConfig:
    """The settings for the remote store at ``location`` (an http(s) URL)."""
    env = os.environ if env is None else env
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{location}: not an http(s) URL of a SPARQL server")
    if parts.username or parts.password:
        raise StoreError(f"{parts.hostname}: put credentials in KG_USER/KG_PASSWORD (or KG_TOKEN) "
                         "or the config file, not in the store URL")
    if parts.query or parts.fragment:
        raise StoreError(f"{location}: the store URL must not have a query string or fragment")
    location = _strip_slash(location)

    path = config_path(env)
    remote = _read_config_file(path, explicit=bool(env.get(CONFIG_ENV)))
    defaults = {k: v for k, v in remote.items() if not isinstance(v, dict)}
    specific = {_strip_slash(k): v for k, v in remote.items() if isinstance(v, dict)}.get(location, {})
    settings: dict = {**defaults, **specific}
    settings.update({key: env[var] for key, var in ENV.items() if env.get(var)})
    unknown = set(settings) - set(ENV)
    if unknown:
        raise StoreError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))} in [remote]; "
                         f"known: {', '.join(ENV)}")

    server = str(settings.get("server", DEFAULT_SERVER)).lower()
    preset = PRESETS.get(server)
    if preset is None:
        raise StoreError(f"unknown server kind {server!r} (KG_SERVER / server =); "
                         f"choose one of {', '.join(PRESETS)}")
    base = location
    for suffix in preset.strip:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break

    def url(key: str, default_path: str) -> str:
        value = settings.get(key) or base + default_path
        if urlsplit(value).scheme not in ("http", "https"):
            raise StoreError(f"{key} = {value!r} is not an http(s) URL")
        return value

    auth = str(settings.get("auth") or preset.auth or "").lower()
    if not auth:
        auth = "bearer" if settings.get("token") else "basic" if settings.get("user") else "none"
    if auth not in AUTH_SCHEMES:
        raise StoreError(f"unknown auth scheme {auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
    if auth in ("basic", "digest") and settings.get("user") is None:
        auth = "none"  # a preset's digest needs credentials to mean anything
    if auth == "bearer" and not settings.get("token"):
        raise StoreError("auth = bearer needs a token (KG_TOKEN or token = in the config file)")

    union = str(settings.get("union_default_graph") or preset.union_default_graph).lower()
    if union not in UNION_MODES:
        raise StoreError(f"union_default_graph must be one of {', '.join(UNION_MODES)}, not {union!r}")

    replace_with = str(settings.get("replace_with") or ("update" if server == "generic" else "gsp")).lower()
    if replace_with not in REPLACE_METHODS:
        raise StoreError(f"replace_with must be one of {', '.join(REPLACE_METHODS)}, not {replace_with!r}")

    return RemoteConfig(
        location=location,
        server=server,
        query_url=url("query_url", preset.query),
        update_url=url("update_url", preset.update),
        gsp_url=url("gsp_url", preset.gsp),
        union_default_graph=union,
        replace_with=replace_with,
        auth=auth,
        user=_opt_str(settings.get("user")),
        password=_opt_str(settings.get("password")),
        token=_opt_str(settings.get("token")),
        connect_timeout=_number(settings, "connect_timeout", 5.0, float),
        read_timeout=_number(settings, "read_timeout", 60.0, float),
        retries=_number(settings, "retries", 3, int),
        ignore_graphs=_prefixes(settings.get("ignore_graphs"), preset.ignore_graphs),
    )


def _prefixes(value, default: tuple[str, ...]) -> tuple[str, ...]:
    """A list from the config file, or space-separated from the environment."""
    if value is None:
        return default
    items = value.split() if isinstance(value, str) else value
    if not all(isinstance(v, str) for v in items):
        raise StoreError("ignore_graphs must be a list of IRI prefixes")
    return tuple(items)


def _opt_str(value) -> str | None:
    return None if value is None else str(value)


def _number(settings: dict, key: str, default, kind):
    value = settings.get(key, default)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise StoreError(f"{key} must be a number, not {value!r}") from None
    if number < 0:
        raise StoreError(f"{key} must not be negative")
    return number
