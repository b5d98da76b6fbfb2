"""The covenants and their organisations: finding them by the names people use, public status, the Home dashboard."""
