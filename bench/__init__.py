"""The benchmark suite: ``python bench/run.py`` prints a table and writes docs/BENCHMARKS.md."""
