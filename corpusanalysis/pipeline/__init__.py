"""Pipeline: clean → tokenize → count chunk by chunk (locally or on Dask), and the standard report.

The top layer: it may import from every layer below; only :mod:`corpusanalysis.cli` imports from it.
"""

from .chunked import PipelineResult, iter_parts, run_pipeline
from .report import write_report

__all__ = ["PipelineResult", "iter_parts", "run_pipeline", "write_report"]
