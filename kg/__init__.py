"""kg: a knowledge graph of Chinese government department budget disclosures.

The pipeline is ``read -> parse -> map -> store``; each step is one module and
every CLI command is a thin wrapper over a function importable from here.
"""

__version__ = "0.1.0"
