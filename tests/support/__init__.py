"""What tests share besides fixtures (tests/conftest.py holds those): data, the harness, flows."""
