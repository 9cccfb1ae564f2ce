"""Linked-data export for open-government portals: ``kg export DIR``.

One call, :func:`export_folder`, turns the store into a publishable folder:

* whole-store dumps in N-Quads and TriG (one named graph per filing kept), and per graph a
  Turtle and a JSON-LD file whose context is ``context.jsonld``, embedded in each file so that
  no parser ever fetches a context over the network (:mod:`kg.export.dumps`,
  :mod:`kg.export.jsonld`);
* a DCAT 3 catalogue, ``catalog.ttl`` / ``catalog.jsonld``: one ``dcat:Dataset`` per
  department × year × phase inside one ``dcat:DatasetSeries`` per department, with
  distributions carrying byte sizes and SHA-256 checksums (:mod:`kg.export.catalog`);
* a VoID description, ``void.ttl`` (:mod:`kg.export.void`);
* ``observations.csv`` with its CSV on the Web metadata (:mod:`kg.export.observations`);
* HTML: the ontology documented by pyLODE, one page per organisation, an index
  (:mod:`kg.export.ontology_docs`, :mod:`kg.export.org_pages`).

The folder is written beside its destination, validated (:mod:`kg.export.validate`: DCAT-AP 3
SHACL shapes, CSVW, every RDF file re-parsed by rdflib and by pyoxigraph) and only then moved
into place; a folder that fails is removed and :class:`ExportError` lists why.
:mod:`kg.export.ckan` pushes the datasets to a CKAN portal.
"""

from kg.export.config import DEFAULT_LICENCE, ExportConfig
from kg.export.folder import ExportError, ExportResult, export_folder

__all__ = ["DEFAULT_LICENCE", "ExportConfig", "ExportError", "ExportResult", "export_folder"]
