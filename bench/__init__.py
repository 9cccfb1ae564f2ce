"""Benchmarks and synthetic corpora for kg.

``python -m bench.generate`` writes a deterministic synthetic corpus of budget filings
(部门预算 / 部门决算) in the text-dump format of the real Xicheng samples, with a ground
truth of every figure that matters and of the errors injected on purpose.
"""
