"""Pure rendering: domain objects in, Block Kit JSON plus a plain-text fallback out. No I/O."""
