"""Parsers of what people type (dates and times in Dutch and English, command words), used by commands and imports."""
