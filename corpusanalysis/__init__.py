"""corpusanalysis: computational analysis of Chinese policy texts.

The package is layered; each layer imports only from the layers below it:

=============  ======================================================================
``io``         decode files, resolve sources, load corpora (whole or in chunks)
``text``       clean, segment, the policy dictionary, match terms, tokenize
``features``   document-term matrices, TF-IDF, sparse counts
``analysis``   themes and trends, keyness, discover, co-occurrence, concordance, topics
``viz``        every ``plot_*`` function, the style, the explorer widget
``pipeline``   the chunked run (local or Dask) and the HTML report
=============  ======================================================================

Private helpers sit at the bottom (``errors``, ``_checks``, ``_cache``, ``_parallel``,
``_version``).  Everything public is re-exported here, flat: ``import corpusanalysis as ca`` and
use ``ca.load_corpus``, ``ca.TopicModel`` … (the map is in ``docs/CONVENTIONS.md``).  The
sub-packages' ``__all__`` lists are the public API; this module only joins them.
"""

import logging

from . import _compat, analysis, errors, features, io, pipeline, text, viz
from ._version import __version__ as __version__
from .analysis import *  # noqa: F403
from .errors import *  # noqa: F403
from .features import *  # noqa: F403
from .io import *  # noqa: F403
from .pipeline import *  # noqa: F403
from .text import *  # noqa: F403
from .viz import *  # noqa: F403

#: The package logger: silent unless the application configures logging (a NullHandler, as libraries should).
logger = logging.getLogger("corpusanalysis")
logger.addHandler(logging.NullHandler())

__all__ = sorted(
    ["__version__", *io.__all__, *text.__all__, *features.__all__, *analysis.__all__, *viz.__all__,
     *pipeline.__all__, *errors.__all__]
)

_compat.install()
