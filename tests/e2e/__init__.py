"""Tests through the real app: signed requests in, the stand-in Web API's calls out."""
