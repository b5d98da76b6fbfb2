"""Configuration: typed settings, the Slack app manifest, seed data and reminder policy defaults."""

from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parent


def read_yaml(path: Path) -> Any:
    """A YAML file's data, read with libyaml's safe loader when PyYAML has it (several times faster than the
    pure-Python one: the seed files are read at every console start), else the pure-Python safe loader."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # a safe loader either way
